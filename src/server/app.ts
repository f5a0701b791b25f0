import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifySchema } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { AppError } from './errors.ts';
import { langOf } from './i18n/lang.ts';
import { say, zodIssueMessage } from './i18n/translate.ts';
import { loggedRequest, SESSION_COOKIE } from './http.ts';
import { markChanged } from './freshness.ts';
import { edgeRefusal, rejectMalformedInput } from './input-guard.ts';
import { proxyTrust, registerHttpSecurity } from './http-security.ts';
import { memberHomePreloads, sendIndexHtml, staticHeaders } from './web-assets.ts';
import { registerIdempotency } from './idempotency.ts';
import { registerEtags } from './etag.ts';
import type { AppServices } from './services.ts';
import { registerAuthRoutes } from './modules/auth/index.ts';
import { registerOrgRoutes } from './modules/orgs/index.ts';
import { registerMemberRoutes } from './modules/members/index.ts';
import { registerMeRoutes } from './modules/me/index.ts';
import { registerDashboardRoutes } from './modules/dashboard/index.ts';
import { getSettings, registerSettingsRoutes } from './modules/settings/index.ts';
import { registerRegionRoutes } from './modules/regions/index.ts';
import { registerAuditRoutes } from './modules/audit/index.ts';
import { registerRosterRoutes } from './modules/roster/index.ts';
import { registerAccountRoutes, registerActivationRoutes } from './modules/accounts/index.ts';
import { registerFilesRoutes } from './modules/files/index.ts';
import { registerLibraryRoutes } from './modules/library/index.ts';
import { registerPushesRoutes } from './modules/pushes/index.ts';
import { registerMeetingsRoutes } from './modules/meetings/index.ts';
import { registerCoverageRoutes } from './modules/coverage/index.ts';
import { registerCareRoutes } from './modules/care/index.ts';
import { registerTalksRoutes } from './modules/talks/index.ts';
import { registerQuestionsRoutes } from './modules/questions/index.ts';
import { registerSharesRoutes } from './modules/shares/index.ts';
import { registerEvaluationsRoutes } from './modules/evaluations/index.ts';
import { registerDeliveriesRoutes } from './modules/deliveries/index.ts';
import { registerCardsRoutes } from './modules/cards/index.ts';
import { registerRadarRoutes } from './modules/radar/index.ts';
import { registerReachRoutes } from './modules/reach/index.ts';
import { registerNotifyKitRoutes } from './modules/notify/index.ts';
import { registerRobotRoutes } from './modules/notify/index.ts';
import { registerNotifyMemberRoutes } from './modules/notify/index.ts';
import { registerNotifyRoutes } from './modules/notify/index.ts';
import { registerSmsRoutes } from './modules/notify/index.ts';
import { registerNewsRoutes } from './modules/news/index.ts';
import { registerReviewRoutes } from './modules/reviews/index.ts';
import { registerDonationsRoutes } from './modules/donations/index.ts';
import { registerDutyRoutes } from './modules/duty/index.ts';
import { registerPledgesRoutes } from './modules/pledges/index.ts';
import { registerTeamRoutes } from './modules/teams/index.ts';
import { registerServiceRoutes } from './modules/service/index.ts';
import { registerDisclosureRoutes } from './modules/disclosure/index.ts';

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');
// Read from the sources, not the bundle: pages without an icon link (the API docs) and bookmarks ask
// for /favicon.ico whether or not the web apps are built; the SVG is answered under that name.
const FAVICON = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../web/console/public/favicon.svg');
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface BuildAppOptions {
  services: AppServices;
  /** false in tests that do not need the web bundles. */
  serveWeb?: boolean;
  /** Where the built web apps are (`console/`, `member/`): dist/web unless a test builds its own. */
  webDist?: string;
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
  /** One log line per request (the default); the server turns it off at a developer's console. */
  logRequests?: boolean;
  /** Set by the server once migrations are done; /healthz answers 503 until then. */
  isReady?: () => boolean;
  /** Observes every registered route (the authorization test checks each one has a case; the fuzz test reads its schemas). */
  onRoute?: (method: string, url: string, schema?: FastifySchema) => void;
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  const { services } = opts;
  const app = Fastify({
    // One-time tokens in paths (invitation links) never reach the log.
    logger: opts.logger ? { ...(opts.logger === true ? {} : opts.logger), serializers: { req: loggedRequest } } : false,
    ...(opts.logRequests === false ? { logController: new LogController({ disableRequestLogging: true }) } : {}),
    trustProxy: proxyTrust(services.config.trustProxy),
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(cookie);
  await registerHttpSecurity(app, services);
  await app.register(multipart, { limits: { fileSize: 20 * 1024 * 1024, files: 1 } });
  await app.register(swagger, {
    openapi: {
      info: { title: '连心 Lianxin API', version: '0.1.0', description: 'Mobile party members kept learning, cared for and connected. Errors: `{ ok: false, error, message }`.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Every /api route must say who may call it (see http.ts); a forgotten declaration stops the boot.
  app.addHook('onRoute', (route) => {
    for (const m of [route.method].flat()) if (m !== 'HEAD') opts.onRoute?.(m, route.url, route.schema);
    if (route.url.startsWith('/api/') && !route.config?.access) {
      throw new Error(`route ${route.method} ${route.url} does not declare config.access`);
    }
  });

  app.decorateRequest('ctx', null);
  app.addHook('preValidation', async (req) => {
    const access = req.routeOptions.config.access;
    if (!access) return;
    const raw = req.cookies[SESSION_COOKIE];
    const actor = raw ? await services.auth.actorFromCookie(raw) : null;
    if (actor) req.ctx = { actor, ip: req.ip ?? null, lang: langOf(req.headers['accept-language']) };
    if (access === 'public') return;
    if (!actor) throw new AppError('unauthenticated', '请先登录');
    // CSRF: cookie-authenticated writes must echo the session's token in a header, which a
    // cross-site form or image cannot do.
    if (WRITE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== actor.csrfToken) {
      throw new AppError('csrf_failed', '页面已过期，请刷新后重试');
    }
  });

  // NUL bytes and lone surrogates are refused at the edge: PostgreSQL cannot store them.
  app.addHook('preValidation', rejectMalformedInput);

  // Writes the member app may send twice (a queued write resent after a lost answer): see idempotency.ts.
  registerIdempotency(app, services.db);

  // Member answers a route marks `etag: true` revalidate with a weak ETag (etag.ts).
  registerEtags(app);

  // A write that succeeded may have changed what cached views (the member app's today) show.
  app.addHook('onResponse', async (req, reply) => {
    if (req.ctx && WRITE_METHODS.has(req.method) && reply.statusCode < 400) markChanged(req.ctx.actor.tenantId);
  });

  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    // An answer sent before the body was read to its end (a refused upload) closes the connection:
    // the unread rest would otherwise stall the next request on it.
    if (!req.raw.complete) reply.header('connection', 'close');
    // Messages are worded in Chinese; an en-US caller (Accept-Language) gets them in English.
    const lang = langOf(req.headers['accept-language']);
    if (err instanceof AppError) {
      if (err.retryAfterSeconds) reply.header('retry-after', String(err.retryAfterSeconds));
      const issues = lang === 'zh-CN' ? err.issues : err.issues?.map((i) => ({ ...i, field: say(lang, i.field), message: say(lang, i.message) }));
      return reply.status(err.status).send({ ok: false, error: err.code, message: say(lang, err.message), ...(issues ? { issues } : {}) });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      // '/orgId' → 'orgId', '/items/0/name' → 'items.0.name'
      const issues = err.validation.map((v) => ({
        field: v.instancePath.replace(/^\//, '').replaceAll('/', '.'),
        message: zodIssueMessage(lang, v.message ?? '格式不正确', v.keyword, v.params, v.instancePath.split('/').filter(Boolean)),
      }));
      return reply.status(400).send({
        ok: false,
        error: 'validation_failed',
        message: issues.map((i) => i.message).join(lang === 'en-US' ? '; ' : '；'),
        issues,
      });
    }
    const refusal = edgeRefusal(err);
    if (refusal) return reply.status(refusal.status).send({ ok: false, error: refusal.error, message: say(lang, refusal.message) });
    const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status === 413) return reply.status(413).send({ ok: false, error: 'payload_too_large', message: say(lang, '文件太大') });
    if (status === 415) return reply.status(415).send({ ok: false, error: 'unsupported_file', message: say(lang, '不支持的内容类型') });
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ ok: false, error: 'bad_request', message: err.message });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ ok: false, error: 'internal', message: say(lang, '服务器内部错误，请稍后再试') });
  });

  app.get('/healthz', { schema: { hide: true } }, async (_req, reply) => {
    if (opts.isReady && !opts.isReady()) return reply.status(503).send({ status: 'starting' });
    return { status: 'ok' };
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  registerAuthRoutes(app, services);
  registerOrgRoutes(app, services);
  registerMemberRoutes(app, services);
  registerRosterRoutes(app, services);
  registerAccountRoutes(app, services, { invitationDays: async (tenantId) => (await getSettings(services.db, tenantId)).invitationDays });
  registerActivationRoutes(app, services);
  registerMeRoutes(app, services);
  registerDashboardRoutes(app, services);
  registerSettingsRoutes(app, services);
  registerRegionRoutes(app);
  registerAuditRoutes(app, services);
  registerFilesRoutes(app, services);
  registerLibraryRoutes(app, services);
  registerPushesRoutes(app, services);
  registerMeetingsRoutes(app, services);
  registerCoverageRoutes(app, services);
  registerCareRoutes(app, services);
  registerTalksRoutes(app, services);
  registerQuestionsRoutes(app, services);
  registerSharesRoutes(app, services);
  registerEvaluationsRoutes(app, services);
  registerDeliveriesRoutes(app, services);
  registerCardsRoutes(app, services);
  registerRadarRoutes(app, services);
  registerReachRoutes(app, services);
  registerNotifyKitRoutes(app, services);
  registerRobotRoutes(app, services);
  registerNotifyMemberRoutes(app, services);
  registerNotifyRoutes(app, services);
  registerSmsRoutes(app, services);
  registerNewsRoutes(app, services);
  registerReviewRoutes(app, services);
  registerDonationsRoutes(app, services);
  registerDutyRoutes(app, services);
  registerPledgesRoutes(app, services);
  registerTeamRoutes(app, services);
  registerServiceRoutes(app, services);
  registerDisclosureRoutes(app, services);

  registerWeb(app, opts.serveWeb !== false, opts.webDist ?? WEB_DIST, services);
  return app;
}

/** The two web apps: the member app under /m/, the console everywhere else (SPA fallback). */
function registerWeb(app: FastifyInstance, enabled: boolean, webDist: string, services: AppServices): void {
  const consoleDir = path.join(webDist, 'console');
  const memberDir = path.join(webDist, 'member');
  if (enabled && fs.existsSync(memberDir)) {
    memberHomePreloads(app, async (req) => {
      const raw = req.cookies[SESSION_COOKIE];
      return raw ? (await services.auth.actorFromCookie(raw)) !== null : false;
    });
    // Compressed copies made by the build, cache-control by kind of file: see web-assets.ts.
    app.register(fastifyStatic, { root: memberDir, prefix: '/m/', decorateReply: false, wildcard: true, preCompressed: true, cacheControl: false, setHeaders: staticHeaders(memberDir) });
  }
  if (enabled) {
    const icon = fs.readFileSync(FAVICON);
    app.get('/favicon.ico', (_req, reply) => reply.header('cache-control', 'public, max-age=86400').type('image/svg+xml').send(icon));
  }
  if (enabled && fs.existsSync(consoleDir)) {
    // wildcard: files are looked up per request, so a rebuild while the server runs is picked up.
    app.register(fastifyStatic, { root: consoleDir, prefix: '/', decorateReply: true, wildcard: true, preCompressed: true, cacheControl: false, setHeaders: staticHeaders(consoleDir) });
  }
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0] ?? '/';
    // Client-side routes get the app's page; a missing file (anything with an extension) is a 404,
    // so a stale script reference fails loudly instead of receiving HTML.
    const looksLikeFile = /\.[a-z0-9]+$/i.test(url);
    if (enabled && (req.method === 'GET' || req.method === 'HEAD') && !url.startsWith('/api/') && !looksLikeFile) {
      const isMember = url === '/m' || url.startsWith('/m/');
      if (sendIndexHtml(req, reply, isMember ? memberDir : consoleDir)) return reply;
      return reply.status(503).type('text/plain; charset=utf-8').send('The web apps are not built yet: run `npm run build`.');
    }
    return reply.status(404).send({ ok: false, error: 'not_found', message: say(langOf(req.headers['accept-language']), url.startsWith('/api/') ? '接口不存在' : '文件不存在') });
  });
}
