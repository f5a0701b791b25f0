import { useSyncExternalStore } from 'react';

/**
 * 长辈模式: larger text, stronger contrast, bigger buttons and fewer words per screen.
 *
 * Two sources decide it. The member's own choice on this phone (the switch in 我的) is kept in
 * localStorage and always wins. Without one, the secretary's setting for the member (the profile's
 * `elderMode`) applies; its last known value is kept too, so the next start opens in it at once,
 * before the profile has loaded (or without signal).
 *
 * The mode shows as `<html data-elder="on|off">`; the elder styles hang off `[data-elder='on']`
 * (elder.css), and screens may render less with `isElderMode()` / `useElderMode().on`, or hide a
 * secondary line with the `elder-hide` class.
 */

/** 'on' | 'off' chosen on this phone; absent when the member never touched the switch. */
const PHONE_KEY = 'lx_member_elder';
/** 'on' | 'off' as the secretary last set it for the member signed in on this phone. */
const SERVER_KEY = 'lx_member_elder_server';

type Choice = boolean | null;

function read(key: string): Choice {
  try {
    const value = localStorage.getItem(key);
    return value === 'on' ? true : value === 'off' ? false : null;
  } catch {
    // Disabled storage (some WeChat privacy settings): nothing remembered.
    return null;
  }
}

function write(key: string, value: Choice): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value ? 'on' : 'off');
  } catch {
    // Private mode or full storage: the choice lasts for this visit only.
  }
}

let phoneChoice: Choice = typeof window === 'undefined' ? null : read(PHONE_KEY);
let serverSetting: Choice = typeof window === 'undefined' ? null : read(SERVER_KEY);
const listeners = new Set<() => void>();

function current(): boolean {
  return phoneChoice ?? serverSetting ?? false;
}

function apply(): void {
  if (typeof document !== 'undefined') document.documentElement.dataset.elder = current() ? 'on' : 'off';
  for (const listener of listeners) listener();
}

apply();

/** Whether the app is in 长辈模式 now (outside React, e.g. to choose a recorded audio over speech). */
export function isElderMode(): boolean {
  return current();
}

/** The member's own choice on this phone; it wins over the secretary's setting from now on. */
export function setElderMode(on: boolean): void {
  phoneChoice = on;
  write(PHONE_KEY, on);
  apply();
}

/**
 * The secretary's setting for the signed-in member, from the profile (null: not known, e.g. an
 * old kept profile). Applies only while the member has not chosen on this phone.
 */
export function applyServerElderMode(on: boolean | null | undefined): void {
  const next = on ?? null;
  if (next === serverSetting) return;
  serverSetting = next;
  write(SERVER_KEY, next);
  apply();
}

/** Signing out: the next member on this phone does not inherit the secretary's setting for this one. */
export function forgetServerElderMode(): void {
  applyServerElderMode(null);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useElderMode(): { on: boolean; set(on: boolean): void } {
  const on = useSyncExternalStore(subscribe, current, () => false);
  return { on, set: setElderMode };
}
