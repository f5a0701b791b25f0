import { useEffect } from 'react';
import { api } from './api.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A notice's link (SMS, Web Push, a group robot's line) opens the app at its screen with
 * `?n=<notification id>`. Once the member is signed in — at once, or after the login screen, which
 * keeps the address as it is — the app tells the server the notice was opened (the first open
 * only counts) and drops `n` from the address, so a reload, the back button or a bookmark never
 * sends it again. Failing to tell it changes nothing for the member: their own open and read in
 * the app stay the proof they were reached.
 */
export function takeNoticeId(): string | null {
  const url = new URL(location.href);
  const id = url.searchParams.get('n');
  if (id === null) return null;
  url.searchParams.delete('n');
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  return UUID.test(id) ? id : null;
}

export function useNoticeOpened(signedIn: boolean): void {
  useEffect(() => {
    if (!signedIn) return;
    const id = takeNoticeId();
    if (id) void api.noticeOpened(id).catch(() => undefined);
  }, [signedIn]);
}
