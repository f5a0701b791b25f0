import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * How the built web apps are cached and compressed on the way out (see registerWeb in app.ts).
 *
 * The build writes a brotli (`.br`) and a gzip (`.gz`) copy beside each text file
 * (scripts/precompress.ts); the server picks one from the request's Accept-Encoding and sends it
 * as it is. Files under `assets/` carry a hash of their content in their name, so a browser may keep
 * them for a year without asking; the page, the service worker and the manifest are asked for again
 * each time (answered 304 when unchanged), so a new build reaches the phone at the next opening.
 */

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';
export const ONE_DAY = 'public, max-age=86400';

/** The cache-control of a built file, by its path relative to the app's folder (compressed copies as their original). */
export function cacheControlFor(relativePath: string): string {
  const file = relativePath.replace(/\\/g, '/').replace(/^\/+/, '').replace(/\.(?:br|gz)$/, '');
  if (file.startsWith('assets/')) return IMMUTABLE;
  if (/\.(?:png|svg|ico|jpe?g|webp|gif)$/i.test(file)) return ONE_DAY;
  return REVALIDATE;
}

/**
 * Security headers that only mean something on a page (or a worker's script): a script, style sheet
 * or image ignores them. Left off hashed files and icons they save ~0.7 KB per response, a tenth of a
 * small script, on a phone that pays for every byte.
 */
export const PAGE_ONLY_HEADERS = [
  'content-security-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'x-frame-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

/** `setHeaders` for @fastify/static rooted at `root`. */
export function staticHeaders(root: string) {
  return (reply: FastifyReply, filePath: string): void => {
    const cacheControl = cacheControlFor(path.relative(root, filePath));
    reply.header('cache-control', cacheControl);
    // pages, the service worker and the manifest keep them all
    if (cacheControl !== REVALIDATE) for (const name of PAGE_ONLY_HEADERS) reply.removeHeader(name);
  };
}

/** Which stored copy to send for an Accept-Encoding header: brotli before gzip, neither when refused (q=0). */
export function pickEncoding(acceptEncoding: string | string[] | undefined): 'br' | 'gzip' | null {
  const header = (Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : (acceptEncoding ?? '')).toLowerCase();
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    weights.set(name.trim(), q ? Number(q.slice(2)) || 0 : 1);
  }
  const weight = (name: string): number => weights.get(name) ?? weights.get('*') ?? 0;
  if (weight('br') > 0) return 'br';
  if (weight('gzip') > 0) return 'gzip';
  return null;
}

/**
 * Sends an app's index.html for a client-side route (the SPA fallback), as @fastify/static sends
 * it at the app's root: compressed when accepted, with ETag and Last-Modified, and 304 when the
 * browser's copy is current. Returns false when the app is not built.
 */
export function sendIndexHtml(req: FastifyRequest, reply: FastifyReply, dir: string): boolean {
  const plain = path.join(dir, 'index.html');
  if (!fs.existsSync(plain)) return false;
  const encoding = pickEncoding(req.headers['accept-encoding']);
  const compressed = encoding ? `${plain}${encoding === 'br' ? '.br' : '.gz'}` : null;
  const file = compressed && fs.existsSync(compressed) ? compressed : plain;
  const stat = fs.statSync(file);
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  reply
    .header('cache-control', REVALIDATE)
    .header('vary', 'accept-encoding')
    .header('etag', etag)
    .header('last-modified', stat.mtime.toUTCString())
    .type('text/html; charset=utf-8');
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    reply.code(304).send();
    return true;
  }
  if (file !== plain) reply.header('content-encoding', encoding);
  reply.header('content-length', stat.size);
  if (req.method === 'HEAD') reply.send();
  else reply.send(fs.createReadStream(file));
  return true;
}

/** What a signed-in member's home asks first, fetched with the page (crossorigin="anonymous": fetch()'s same-origin credentials). */
export const MEMBER_HOME_PRELOADS = ['/api/me/profile', '/api/me/today'];

/**
 * The member app's home page, asked for with a live session, tells the browser to fetch the
 * member's profile and today at once (a `Link: rel=preload` header), so they arrive with the script
 * instead of one after another behind it: on a 3G signal each round trip is 0.5–2 s. Only with a
 * live session: a preload answered 401 would be taken by the app's first call after signing in.
 * The index.html itself preloads `/api/auth/me`, whose 401 is an answer.
 */
export function memberHomePreloads(app: FastifyInstance, hasLiveSession: (req: FastifyRequest) => Promise<boolean>): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' || (reply.statusCode !== 200 && reply.statusCode !== 304)) return payload;
    const url = req.url.split('?')[0];
    if (url !== '/m/' && url !== '/m') return payload;
    if (!String(reply.getHeader('content-type') ?? '').startsWith('text/html') && reply.statusCode === 200) return payload;
    if (!(await hasLiveSession(req))) return payload;
    reply.header('link', MEMBER_HOME_PRELOADS.map((href) => `<${href}>; rel=preload; as=fetch; crossorigin=anonymous`).join(', '));
    // The header depends on the session: never shared, and never stored either — a later 304 for a
    // signed-out browser would keep this header on the stored page and preload into a 401.
    reply.header('cache-control', 'private, no-store');
    return payload;
  });
}
