import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from './db/database.ts';
import { clock } from './clock.ts';
import { AppError } from './errors.ts';

/**
 * Writes that may be sent twice. The member app queues a write made without signal and sends it
 * when the signal returns, with an `Idempotency-Key` header: a UUID chosen on the phone once per
 * write, the same on every resend. A route opts in with `config: { access: 'session', idempotent: true }`.
 *
 * - The first request with a key runs; its answer (status and JSON body) is stored under the tenant,
 *   the account and the key (table `idempotency_key`, migration 0022).
 * - A repeat from the same account with the same key gets the stored answer (header
 *   `Idempotent-Replayed: true`) without running again: no second row, no second audit entry.
 * - The same key with another route, other parameters or another body is a 409 (`conflict`).
 * - A repeat while the first is still being handled is a 409 (`in_progress`, Retry-After: 1): the
 *   phone tries again later. A claim left by a process that died mid-request is taken over after
 *   STALE_CLAIM_MS.
 * - Server errors (5xx) are not stored: the claim is dropped, so the phone may send again.
 * - Keys belong to an account: another account sending the same key runs separately.
 * - Keys are forgotten after KEEP_DAYS (the purge-idempotency-keys job).
 * - The phone names the account a queued write was made by (`X-Account-Id`): the session cookie is
 *   shared with the console and the invitation sign-ins, so the phone's queue may go out while
 *   another account is signed in. A header naming another account than the session's is a 401
 *   (nothing runs; the phone holds the write until its owner signs in again). Without the header the
 *   route behaves as before.
 *
 * Without the header an opted-in route behaves as before (older app versions, the console). The
 * stored answer is written as the answer leaves (onSend), after the route's transaction committed:
 * a process dying between the two leaves a claim that is taken over, and the write runs again —
 * the routes opted in are either harmless to repeat (reading progress, a make-up answer, leave) or
 * rare enough (a talk) for that window to be accepted.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route accepts an `Idempotency-Key` header (see idempotency.ts). */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotency: { tenantId: string; accountId: string; key: string } | null;
  }
}

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** The account the phone made a queued write for. */
export const ACCOUNT_HEADER = 'X-Account-Id';
/** Keys are forgotten after this many days. */
export const KEEP_DAYS = 30;
/** A claim without an answer this old belongs to a request that never finished. */
const STALE_CLAIM_MS = 2 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What makes two requests the same write: method, route, path parameters and the validated body. */
function fingerprintOf(req: FastifyRequest): string {
  const what = JSON.stringify([req.method, req.routeOptions.url ?? req.url, req.params ?? null, req.body ?? null]);
  return createHash('sha256').update(what).digest('hex');
}

function keyOf(req: FastifyRequest): string | null {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return null;
  const value = Array.isArray(raw) ? raw.join(',') : raw;
  if (!UUID.test(value.trim())) {
    const message = 'Idempotency-Key 应为手机生成的 UUID';
    throw new AppError('validation_failed', message, [{ field: IDEMPOTENCY_HEADER, message }]);
  }
  return value.trim().toLowerCase();
}

/** Before the handler: claim the key, or answer from what is stored. */
async function beforeHandler(db: Database, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (!req.routeOptions.config.idempotent || !req.ctx) return undefined;
  const madeBy = req.headers['x-account-id'];
  if (madeBy !== undefined && (Array.isArray(madeBy) ? madeBy.join(',') : madeBy).trim() !== req.ctx.actor.accountId) {
    throw new AppError('unauthenticated', '这条记录是另一个账号保存的，请用那个账号登录后再发送');
  }
  const key = keyOf(req);
  if (key === null) return undefined;
  const { tenantId, accountId } = req.ctx.actor;
  const fingerprint = fingerprintOf(req);
  const now = clock.now();
  const claimed = await db
    .insertInto('idempotency_key')
    .values({ tenant_id: tenantId, account_id: accountId, key, fingerprint, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst();
  if (claimed) {
    req.idempotency = { tenantId, accountId, key };
    return undefined;
  }
  const row = await db
    .selectFrom('idempotency_key')
    .select(['fingerprint', 'status', 'body', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) {
    // Dropped between the two statements (a 5xx of the first, or the purge): try once more as new.
    return beforeHandler(db, req, reply);
  }
  if (row.fingerprint !== fingerprint) {
    throw new AppError('conflict', '这个 Idempotency-Key 已用于另一项操作，请为新的操作换一个');
  }
  if (row.status === null) {
    const stale = now.getTime() - new Date(row.created_at).getTime() > STALE_CLAIM_MS;
    if (stale) {
      const taken = await db
        .updateTable('idempotency_key')
        .set({ created_at: now })
        .where('tenant_id', '=', tenantId)
        .where('account_id', '=', accountId)
        .where('key', '=', key)
        .where('status', 'is', null)
        .where('created_at', '=', row.created_at)
        .returning('key')
        .executeTakeFirst();
      if (taken) {
        req.idempotency = { tenantId, accountId, key };
        return undefined;
      }
    }
    throw new AppError('in_progress', '这项操作正在处理中，请稍后再试', undefined, 1);
  }
  return reply
    .code(row.status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('idempotent-replayed', 'true')
    .send(row.body ?? '');
}

/** As the answer leaves: store it (below 500) or drop the claim (a server error may be retried). */
async function onAnswer(db: Database, req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
  const claim = req.idempotency;
  if (!claim) return;
  req.idempotency = null;
  const where = db
    .updateTable('idempotency_key')
    .where('tenant_id', '=', claim.tenantId)
    .where('account_id', '=', claim.accountId)
    .where('key', '=', claim.key);
  if (reply.statusCode < 500 && typeof payload === 'string') {
    await where.set({ status: reply.statusCode, body: payload, completed_at: clock.now() }).execute();
    return;
  }
  await db
    .deleteFrom('idempotency_key')
    .where('tenant_id', '=', claim.tenantId)
    .where('account_id', '=', claim.accountId)
    .where('key', '=', claim.key)
    .where('status', 'is', null)
    .execute();
}

/** Wires the hooks: every route whose config says `idempotent: true` takes the header. */
export function registerIdempotency(app: FastifyInstance, db: Database): void {
  app.decorateRequest('idempotency', null);
  app.addHook('preHandler', async (req, reply) => beforeHandler(db, req, reply));
  app.addHook('onSend', async (req, reply, payload) => {
    await onAnswer(db, req, reply, payload);
    return payload;
  });
}

/** The daily purge: keys older than KEEP_DAYS are forgotten. */
export async function purgeIdempotencyKeys(db: Database, now: Date): Promise<number> {
  const res = await db
    .deleteFrom('idempotency_key')
    .where('created_at', '<', new Date(now.getTime() - KEEP_DAYS * 24 * 3_600_000))
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
