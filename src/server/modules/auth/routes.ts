import { z } from 'zod';
import { can } from '../../auth/policy.ts';
import type { App } from '../../http.ts';
import { context, CSRF_COOKIE, SESSION_COOKIE, setSessionCookies, typed } from '../../http.ts';
import { ChangePasswordBody, LoginBody, MeAccount } from '../../../shared/api.ts';
import type { Actor } from '../../auth/actor.ts';
import type { AppServices } from '../../services.ts';

/** The signed-in account as the web apps read it (every way of signing in answers it). */
export async function meView(services: AppServices, actor: Actor): Promise<MeAccount> {
  const tenant = await services.db.selectFrom('tenant').select('name').where('id', '=', actor.tenantId).executeTakeFirst();
  return {
    accountId: actor.accountId,
    displayName: actor.displayName,
    phone: actor.phone,
    memberId: actor.memberId,
    isTenantAdmin: actor.isTenantAdmin,
    roles: actor.scopes.map((s) => ({ role: s.role, orgId: s.orgId, orgName: s.orgName })),
    isMentor: actor.menteeIds.length > 0,
    canEditSettings: can(actor, 'settings.write', { kind: 'tenant', tenantId: actor.tenantId }),
    tenantName: tenant?.name ?? '',
    csrfToken: actor.csrfToken,
  };
}

export function registerAuthRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  r.post('/api/auth/login', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: '登录 Log in with phone and password', body: LoginBody, response: { 200: MeAccount } },
    handler: async (req, reply) => {
      const { cookie, actor } = await services.auth.login(req.body.phone, req.body.password, req.ip, req.headers['user-agent'] ?? null, {
        remember: req.body.remember ?? false,
      });
      setSessionCookies(reply, req.protocol === 'https', cookie);
      return meView(services, actor);
    },
  });
  r.post('/api/auth/logout', {
    config: { access: 'public' },
    schema: { tags: ['auth'], summary: '退出 Log out', response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req, reply) => {
      const value = req.cookies[SESSION_COOKIE];
      if (value) await services.auth.logout(value);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
      // The browser's HTTP cache holds full answers of the signed-in account (profile, today; revalidated
      // by ETag): on a shared phone they go with the sign-out. Only the HTTP cache: the member app's
      // kept items and queued writes are its own to manage.
      reply.header('clear-site-data', '"cache"');
      return { ok: true as const };
    },
  });
  r.get('/api/auth/me', {
    config: { access: 'session' },
    schema: { tags: ['auth'], summary: '当前账号 The signed-in account', response: { 200: MeAccount } },
    handler: async (req) => meView(services, context(req).actor),
  });
  r.post('/api/auth/password', {
    config: { access: 'session' },
    schema: { tags: ['auth'], summary: '修改密码 Change password', body: ChangePasswordBody, response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => {
      await services.auth.changePassword(context(req), req.body.currentPassword, req.body.newPassword);
      return { ok: true as const };
    },
  });
}
