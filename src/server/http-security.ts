import http from 'node:http';
import net from 'node:net';
import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LOOPBACK, type Config } from './config.ts';
import { AppError, notFound } from './errors.ts';
import { SESSION_COOKIE } from './http.ts';
import type { AppServices } from './services.ts';

/**
 * HTTP hardening in one place: which proxies' X-Forwarded-* headers are believed, the security
 * headers on every answer (helmet's), HSTS only over TLS, and who may read the API docs.
 */

type Directives = Record<string, string[]>;

/**
 * The web apps load nothing inline: scripts come only from our own files. Styles allow
 * 'unsafe-inline' because antd (CSS-in-JS) inserts <style> elements at run time and ECharts sets
 * style attributes; a style cannot run code, so this costs far less than inline scripts would.
 * Images and media may come from https hosts because articles show https images and study items
 * may link audio or video kept elsewhere; data: and blob: are QR codes and local previews.
 */
const APP_CSP: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:', 'https:'],
  'media-src': ["'self'", 'blob:', 'https:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Swagger UI (only under /docs) draws its icons as data: images and adds inline styles. */
const DOCS_CSP: Directives = {
  ...APP_CSP,
  'img-src': ["'self'", 'data:'],
  'media-src': ["'none'"],
};

/** Nothing in the apps uses the camera, microphone or location (check-in QR codes are scanned by WeChat). */
const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), browsing-topics=()';
/**
 * The console records an article's audio in the browser (学习资料 → 录音), and the member app a shared
 * post's short voice recording (互动 → 写分享): the microphone, for their own pages only.
 */
const CONSOLE_PERMISSIONS_POLICY = PERMISSIONS_POLICY.replace('microphone=()', 'microphone=(self)');

/** One year; without includeSubDomains, as other services under the same domain may still be plain HTTP. */
const HSTS = 'max-age=31536000';

/**
 * A hop count trusts that many proxies, but only on loopback or a private network (RFC 1918, the
 * shared 100.64/10 range cloud load balancers use, IPv6 unique-local): a client reaching the
 * server straight from the internet then cannot pass itself off as a proxy.
 */
const PRIVATE_NETWORKS = [...LOOPBACK, '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

export type ProxyTrust = (address: string, hop: number) => boolean;

/**
 * Fastify's `trustProxy` for the configured setting. A function, because Fastify refuses a bare
 * hop count (it cannot check the nearest peer) and `true` would believe any client. Fastify walks
 * from the socket's address towards the left of X-Forwarded-For and stops at the first hop this
 * refuses: that hop is `req.ip`, so a made-up left-most entry is never reached.
 */
export function proxyTrust(setting: Config['trustProxy']): false | ProxyTrust {
  if (setting === false) return false;
  if (typeof setting === 'number') {
    const isPrivate = addressMatcher(PRIVATE_NETWORKS);
    return (address, hop) => hop < setting && isPrivate(address);
  }
  const isProxy = addressMatcher(setting === true ? LOOPBACK : setting);
  return (address) => isProxy(address);
}

function addressMatcher(entries: string[]): (address: string) => boolean {
  const list = new net.BlockList();
  for (const entry of entries) {
    const [ip = '', bits] = entry.split('/');
    const type = net.isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  // BlockList also matches IPv4 rules against IPv4-mapped IPv6 addresses (::ffff:10.0.0.1).
  return (address) => {
    const family = net.isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

const HELMET: HelmetOptions = {
  // Sent per request below, and only over TLS: over plain HTTP it would be ignored, or wrongly pin a LAN install to https.
  strictTransportSecurity: false,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};

/**
 * The headers helmet sets for these options, worked out once. The headers never vary by request,
 * and @fastify/helmet builds a new helmet for every request: measured here, that cost a bare route
 * more than half its throughput, against under a fifth for setting the same headers from a ready object.
 */
function helmetHeaders(directives: Directives): Record<string, string> {
  const req = new http.IncomingMessage(new net.Socket());
  const res = new http.ServerResponse(req);
  helmet({ ...HELMET, contentSecurityPolicy: { useDefaults: false, directives } })(req, res, () => {});
  return Object.fromEntries(Object.entries(res.getHeaders()).map(([name, value]) => [name, String(value)]));
}

const isMemberApp = (url: string): boolean => url === '/m' || url.startsWith('/m/') || url.startsWith('/m?');
const isDocs = (url: string): boolean => url === '/openapi.json' || url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?');
/** The API's answers, files opened in the browser among them: no microphone there. */
const isApi = (url: string): boolean => url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');

/** Registered right after the cookie plugin: the docs check reads the session cookie. */
export async function registerHttpSecurity(app: FastifyInstance, services: AppServices): Promise<void> {
  const appHeaders = { ...helmetHeaders(APP_CSP), 'permissions-policy': PERMISSIONS_POLICY };
  const consoleHeaders = { ...appHeaders, 'permissions-policy': CONSOLE_PERMISSIONS_POLICY };
  const memberHeaders = { ...appHeaders, 'permissions-policy': CONSOLE_PERMISSIONS_POLICY };
  const docsHeaders = { ...helmetHeaders(DOCS_CSP), 'permissions-policy': PERMISSIONS_POLICY };
  const { apiDocs } = services.config;
  app.addHook('onRequest', async (req: FastifyRequest, reply) => {
    const docs = isDocs(req.url);
    // Only the apps' pages may use the microphone (an article's audio, a shared post's voice), not the API's answers.
    reply.headers(docs ? docsHeaders : isApi(req.url) ? appHeaders : isMemberApp(req.url) ? memberHeaders : consoleHeaders);
    // req.protocol believes X-Forwarded-Proto only from a trusted proxy (see proxyTrust).
    if (req.protocol === 'https') reply.header('strict-transport-security', HSTS);
    if (!docs) return;
    let refusal: AppError | null = null;
    if (apiDocs === 'off') refusal = notFound('接口文档');
    else if (apiDocs === 'login') {
      const raw = req.cookies[SESSION_COOKIE];
      const actor = raw ? await services.auth.actorFromCookie(raw) : null;
      if (!actor) refusal = new AppError('unauthenticated', '请先登录后再查看接口文档');
    }
    // Answered here rather than thrown: Swagger UI's routes were registered before app.ts's error mapping.
    if (refusal) return reply.status(refusal.status).send({ ok: false, error: refusal.code, message: refusal.message });
  });
}
