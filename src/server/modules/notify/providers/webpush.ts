import webPush from 'web-push';
import type { Executor } from '../../../db/database.ts';
import { sqlNow } from '../../../clock.ts';
import type { NotifyRuntime } from '../runtime.ts';
import type { SendOutcome } from './types.ts';
import { vapidKeys, vapidSubject } from './webpush-keys.ts';

/**
 * Web Push (RFC 8030/8291/8292) to the member's browsers: one encrypted message (aes128gcm) with a
 * VAPID signature to each subscription of the member's login. In mainland China it reaches few
 * phones (Chrome's push service is FCM, which is blocked; WeChat's browser has no PushManager), so it
 * is an extra nudge, never proof: a push service's 201 means it took the message, not that the phone
 * showed it, and the outbox keeps the row 'sent', never 'delivered'.
 */

export interface WebPushPayload {
  title: string;
  body: string;
  /** the deep link the notification opens: <public url>/m/<path>?n=<notification id> */
  url: string;
}

/** Push services take about 4 KB of encrypted record; the plain JSON is kept under 3 KB. */
export const MAX_PAYLOAD_BYTES = 3 * 1024;
/** A nudge is worth little after half a day (a class that started, a reminder of yesterday). */
const TTL_SECONDS = 12 * 60 * 60;
const TIMEOUT_MS = 10_000;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The payload's JSON within `MAX_PAYLOAD_BYTES`: the body is shortened first (with "…"), then the
 * title; the link is never cut (a cut link opens nothing). Null when the link alone does not fit.
 */
export function payloadJson(payload: WebPushPayload): string | null {
  const json = (title: string, body: string) => JSON.stringify({ title, body, url: payload.url });
  const fits = (title: string, body: string) => bytes(json(title, body)) <= MAX_PAYLOAD_BYTES;
  const title = payload.title.trim();
  const body = payload.body.trim();
  if (fits(title, body)) return json(title, body);
  if (!fits('', '')) return null;
  const shortBody = cut(body, (b) => fits(title, b));
  if (fits(title, shortBody)) return json(title, shortBody);
  return json(cut(title, (t) => fits(t, '')), '');
}

/** The longest start of `text` (whole characters) that still fits with "…" after it. */
function cut(text: string, fitsWith: (text: string) => boolean): string {
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fitsWith(chars.slice(0, mid).join('') + '…')) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? chars.slice(0, lo).join('') + '…' : '';
}

interface Subscription {
  id: string;
  tenant_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

type Result =
  | { kind: 'sent'; providerMsgId: string | null }
  | { kind: 'gone'; error: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'refused'; error: string };

/** Retry-After in seconds (the form push services use); an HTTP date is left to the outbox's backoff. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

async function responseText(res: Response): Promise<string> {
  try {
    return (await res.text()).replace(/\s+/g, ' ').trim().slice(0, 200);
  } catch {
    return '';
  }
}

async function sendOne(sub: Subscription, json: string, keys: { publicKey: string; privateKey: string }, subject: string, doFetch: typeof fetch): Promise<Result> {
  let details: webPush.RequestDetails;
  try {
    details = webPush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, json, {
      vapidDetails: { subject, publicKey: keys.publicKey, privateKey: keys.privateKey },
      TTL: TTL_SECONDS,
      urgency: 'normal',
      contentEncoding: 'aes128gcm',
    });
  } catch (err) {
    // keys a browser never gives (they were checked on subscribing): nothing can ever be sent to it
    return { kind: 'gone', error: `webpush: unusable subscription (${(err as Error).message.slice(0, 120)})` };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.headers)) {
    // fetch sets the length itself
    if (name.toLowerCase() !== 'content-length' && value !== undefined) headers[name] = String(value);
  }
  let res: Response;
  try {
    res = await doFetch(details.endpoint, {
      method: 'POST',
      headers,
      body: details.body ? new Uint8Array(details.body) : null,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message;
    return { kind: 'retry', error: `webpush: ${cause}`.slice(0, 200) };
  }
  const status = res.status;
  if (status >= 200 && status < 300) {
    await res.body?.cancel().catch(() => undefined);
    return { kind: 'sent', providerMsgId: res.headers.get('location') };
  }
  const error = `webpush ${status}: ${await responseText(res)}`.trim();
  // 404 / 410: the browser dropped the subscription (uninstalled, permission withdrawn, expired)
  if (status === 404 || status === 410) return { kind: 'gone', error };
  // 429: slow down; 5xx: the push service's own trouble
  if (status === 429 || status >= 500) return { kind: 'retry', error, retryAfterMs: retryAfterMs(res.headers.get('retry-after')) };
  // 400 / 401 / 403 (a VAPID problem), 413 (too big), anything else: trying again changes nothing
  return { kind: 'refused', error };
}

/**
 * Sends the notice to every subscription of the member's login. A subscription the push service
 * says is gone (404 / 410) is deleted. The outcome is ok when at least one push service took the
 * message; otherwise a retry when one failed for a passing reason (429, 5xx, no answer), else a
 * failure without retry.
 */
export async function sendWebPush(
  db: Executor,
  runtime: Pick<NotifyRuntime, 'cipher' | 'publicUrl' | 'fetch'>,
  tenantId: string,
  memberId: string,
  payload: WebPushPayload,
): Promise<SendOutcome> {
  const subs = await db
    .selectFrom('push_subscription as s')
    .innerJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 's.tenant_id').onRef('a.id', '=', 's.account_id'))
    .select(['s.id', 's.tenant_id', 's.endpoint', 's.p256dh', 's.auth'])
    .where('s.tenant_id', '=', tenantId)
    .where('a.member_id', '=', memberId)
    .where('a.disabled_at', 'is', null)
    .orderBy('s.created_at')
    .execute();
  if (subs.length === 0) return { ok: false, retry: false, error: 'webpush: the member has no subscription' };
  const json = payloadJson(payload);
  if (json === null) return { ok: false, retry: false, error: 'webpush: the link is longer than a push message takes' };
  const keys = await vapidKeys(db, runtime.cipher);
  const subject = vapidSubject(runtime.publicUrl);
  const doFetch = runtime.fetch ?? fetch;

  const results = await Promise.all(subs.map((sub) => sendOne(sub, json, keys, subject, doFetch)));
  for (const [i, result] of results.entries()) {
    const sub = subs[i] as Subscription;
    const row = db.updateTable('push_subscription').where('tenant_id', '=', sub.tenant_id).where('id', '=', sub.id);
    if (result.kind === 'sent') await row.set({ last_success_at: sqlNow, last_error: null }).execute();
    else if (result.kind === 'gone') await db.deleteFrom('push_subscription').where('tenant_id', '=', sub.tenant_id).where('id', '=', sub.id).execute();
    else await row.set({ last_error: result.error }).execute();
  }

  const sent = results.find((r) => r.kind === 'sent');
  if (sent?.kind === 'sent') return sent.providerMsgId ? { ok: true, providerMsgId: sent.providerMsgId } : { ok: true };
  const retry = results.filter((r) => r.kind === 'retry');
  if (retry.length > 0) {
    const waits = retry.map((r) => r.retryAfterMs).filter((ms): ms is number => ms !== undefined);
    const outcome: SendOutcome = { ok: false, retry: true, error: retry[0]?.error ?? 'webpush: try again' };
    return waits.length > 0 ? { ...outcome, retryAfterMs: Math.max(...waits) } : outcome;
  }
  const last = results.find((r) => r.kind === 'refused') ?? results[0];
  return { ok: false, retry: false, error: last && 'error' in last ? last.error : 'webpush: not sent' };
}
