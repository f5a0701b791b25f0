import type { SendOutcome } from './types.ts';

/**
 * The one HTTP call an SMS provider makes per message, and what a failed call comes to. Both SMS
 * services answer JSON; their refusals are read by the provider, while a missing or unreadable
 * answer (network, timeout, 5xx, garbage) is always worth another try.
 */

export type SmsFetch = (input: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<Response>;

export interface SmsHttpOptions {
  /** The fetch to call (a test gives its own); the global one by default. */
  fetch?: SmsFetch;
  /** How long one try may take before it counts as a timeout (retried). */
  timeoutMs?: number;
}

export type SmsHttpAnswer = { ok: true; status: number; json: unknown } | { ok: false; outcome: Extract<SendOutcome, { ok: false }> };

/** Posts `body`; answers the parsed JSON, or the retryable outcome of a call that got none. */
export async function postForJson(url: string, headers: Record<string, string>, body: string, options: SmsHttpOptions, label: string): Promise<SmsHttpAnswer> {
  const doFetch: SmsFetch = options.fetch ?? ((input, init) => fetch(input, init));
  let res: Response;
  try {
    res = await doFetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  } catch (err) {
    const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return { ok: false, outcome: { ok: false, retry: true, error: timeout ? `${label}: timeout` : `${label}: network error (${err instanceof Error ? err.message : String(err)})` } };
  }
  const text = await res.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status >= 500 || res.status === 429) {
    return { ok: false, outcome: { ok: false, retry: true, error: `${label}: HTTP ${res.status}${errorOf(json)}` } };
  }
  if (json === undefined || json === null || typeof json !== 'object') {
    return { ok: false, outcome: { ok: false, retry: true, error: `${label}: HTTP ${res.status}, unreadable answer ${JSON.stringify(text.slice(0, 120))}` } };
  }
  return { ok: true, status: res.status, json };
}

function errorOf(json: unknown): string {
  if (!json || typeof json !== 'object') return '';
  const o = json as Record<string, unknown>;
  const code = o.Code ?? (o.Response as Record<string, unknown> | undefined)?.Error;
  return code ? ` ${JSON.stringify(code).slice(0, 200)}` : '';
}

/** A China time written as the services write it ("2017-02-02 22:23:24") as an instant; undefined when unreadable. */
export function chinaTimeToDate(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
