import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RequestContext } from './auth/actor.ts';
import { AppError } from './errors.ts';

export type App = FastifyInstance;
/** The Fastify instance with zod schemas as the type provider (what every routes.ts uses). */
export const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();

/**
 * Every /api route declares who may call it at all: `public` (login, health) or `session`
 * (a signed-in account; the use case then authorizes the action on its target). app.ts refuses
 * to start if a route forgets to say.
 */
export type Access = 'public' | 'session';
declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    ctx: RequestContext | null;
  }
}

export function context(request: FastifyRequest): RequestContext {
  if (!request.ctx) throw new AppError('unauthenticated', '请先登录');
  return request.ctx;
}

/** A path with its one-time tokens (invitation links) blanked out, as logs may show it. */
function withoutTokens(url: string): string {
  return url.replace(/(\/(?:invite|invitations)\/)[^/?#]{16,}/g, '$1[token]');
}

/** A request as the log writes it: Fastify's own fields, the path without its one-time tokens. */
export function loggedRequest(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, url: withoutTokens(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

export const SESSION_COOKIE = 'lx_session';
export const CSRF_COOKIE = 'lx_csrf';

/**
 * Hands a new session to the browser: the session cookie (not readable by scripts) and the CSRF
 * cookie, both living exactly as long as the session (auth/sessions.ts `startSession`). Every way
 * of signing in answers with these.
 */
export function setSessionCookies(
  reply: FastifyReply,
  secure: boolean,
  cookie: { value: string; csrfToken: string; expiresAt: Date; maxAgeSeconds: number },
): void {
  const life = { sameSite: 'lax' as const, secure, path: '/', expires: cookie.expiresAt, maxAge: cookie.maxAgeSeconds };
  reply.setCookie(SESSION_COOKIE, cookie.value, { httpOnly: true, ...life });
  reply.setCookie(CSRF_COOKIE, cookie.csrfToken, { httpOnly: false, ...life });
}

export function sendXlsx(reply: FastifyReply, fileName: string, body: Buffer): FastifyReply {
  return reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .send(body);
}
