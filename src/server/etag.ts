import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Member answers the phone may keep and revalidate (today, the inbox, an item, the profile, classes,
 * make-ups): a route opts in with `config: { access: 'session', etag: true }`. Its 200 answer then
 * carries a weak ETag of the body and `cache-control: private, no-cache` (the browser keeps it but
 * asks every time); a request whose `If-None-Match` names the ETag gets 304 with no body, which on
 * a weak signal costs a few hundred bytes instead of the whole answer.
 *
 * Whose answer it is: the tag is made of the signed-in account and the body, so an answer kept for
 * one account never matches another's request even when the bodies are equal, and `vary: cookie`
 * keeps a shared browser cache from handing one account's copy to another. Errors, answers of other
 * statuses and streams are left alone. A route that makes its own ETag (today, from its cached
 * answer) keeps it; the hook only adds `vary` there.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    etag?: boolean;
  }
}

/** The weak ETag of a body for an account. */
export function weakEtag(accountId: string, body: string | Buffer): string {
  const hash = crypto.createHash('sha1').update(accountId).update('\0').update(body).digest('base64url');
  return `W/"${hash}"`;
}

const bare = (tag: string) => tag.trim().replace(/^W\//, '');

/** Whether an `If-None-Match` header names this tag (weak comparison, a list, or `*`). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const wanted = bare(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === wanted);
}

function onSend(req: FastifyRequest, reply: FastifyReply, payload: unknown): unknown {
  if (!req.routeOptions.config.etag || req.method !== 'GET') return payload;
  reply.header('vary', 'cookie');
  if (reply.statusCode !== 200 || reply.hasHeader('etag')) return payload;
  if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
  const accountId = req.ctx?.actor.accountId;
  if (!accountId) return payload;
  const etag = weakEtag(accountId, payload);
  reply.header('etag', etag).header('cache-control', 'private, no-cache');
  if (!matchesEtag(req.headers['if-none-match'], etag)) return payload;
  reply.code(304).removeHeader('content-type').removeHeader('content-length');
  return '';
}

export function registerEtags(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => onSend(req, reply, payload));
}
