import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http.ts';
import { context, setSessionCookies, typed } from '../../http.ts';
import { AppointBody, IssuedLogin, UnitLeader, Uuid } from '../../../shared/api.ts';
import {
  BulkInvitationBody,
  DeviceList,
  InvitationSheet,
  InvitationToken,
  InvitationView,
  IssuedInvitation,
  RedeemInvitationBody,
  describeUserAgent,
} from '../../../shared/api-invitations.ts';
import type { AppServices } from '../../services.ts';
import { issueMemberLogin } from './service.ts';
import { appointLeader, dismissLeader, listLeaders } from './leaders.ts';
import { issueInvitation, issueInvitationSheet, redeemInvitation, revokeInvitation, viewInvitation, type InvitationOptions } from './invitations.ts';

/** What the accounts module needs from the assembly: tenant settings live in a module it may not import. */
export interface AccountRouteDeps {
  /** the tenant's `invitationDays` */
  invitationDays(tenantId: string): Promise<number>;
}

const Leaders = z.object({ items: z.array(UnitLeader) });
const OrgParams = z.object({ id: Uuid });

export function registerAccountRoutes(app: App, services: AppServices, deps: AccountRouteDeps): void {
  const { db } = services;
  const r = typed(app);
  const invitationOptions = async (req: FastifyRequest): Promise<InvitationOptions> => ({
    days: await deps.invitationDays(context(req).actor.tenantId),
    // Links that leave the app start with the configured public URL, never the request's Host header.
    publicUrl: services.config.publicUrl,
  });
  const tags = ['accounts'];
  r.get('/api/orgs/:id/leaders', {
    config: { access: 'session' },
    schema: { tags, summary: '组织负责人 Secretaries or group leader of a unit', params: OrgParams, response: { 200: Leaders } },
    handler: async (req) => ({ items: await listLeaders(db, context(req), req.params.id) }),
  });
  r.post('/api/orgs/:id/leaders', {
    config: { access: 'session' },
    schema: { tags, summary: '任命 Appoint a secretary or group leader', params: OrgParams, body: AppointBody, response: { 200: Leaders } },
    handler: async (req) => ({ items: await appointLeader(db, context(req), req.params.id, req.body) }),
  });
  r.delete('/api/orgs/:id/leaders/:assignmentId', {
    config: { access: 'session' },
    schema: { tags, summary: '免职 Dismiss', params: OrgParams.extend({ assignmentId: Uuid }), response: { 200: Leaders } },
    handler: async (req) => ({ items: await dismissLeader(db, context(req), req.params.id, req.params.assignmentId) }),
  });
  r.post('/api/members/:id/login', {
    config: { access: 'session' },
    schema: {
      tags: ['accounts'],
      summary: '开通/重置党员端登录 Open the member app to a member, or reset their password (one-time initial password)',
      params: z.object({ id: Uuid }),
      response: { 200: IssuedLogin },
    },
    handler: async (req) => issueMemberLogin(db, context(req), req.params.id),
  });

  // ---- invitations: a member gets in by a link instead of a password read over the phone
  const MemberParams = z.object({ id: Uuid });
  const TokenParams = z.object({ token: InvitationToken });
  r.post('/api/members/:id/invitation', {
    config: { access: 'session' },
    schema: {
      tags,
      summary: '发送邀请链接 Invite a member to the member app (or to reset their password) by a one-time link; the previous link stops working',
      params: MemberParams,
      response: { 200: IssuedInvitation },
    },
    handler: async (req) => issueInvitation(db, context(req), req.params.id, await invitationOptions(req)),
  });
  r.delete('/api/members/:id/invitation', {
    config: { access: 'session' },
    schema: { tags, summary: '作废邀请链接 Revoke the member’s open invitation', params: MemberParams, response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => {
      await revokeInvitation(db, context(req), req.params.id);
      return { ok: true as const };
    },
  });
  r.post('/api/invitations/bulk', {
    config: { access: 'session' },
    schema: { tags, summary: '批量生成邀请 Invitation sheet of a unit (at most 500 members)', body: BulkInvitationBody, response: { 200: InvitationSheet } },
    handler: async (req) => ({ items: await issueInvitationSheet(db, context(req), req.body, await invitationOptions(req)) }),
  });
  r.get('/api/invitations/:token', {
    config: { access: 'public' },
    schema: { tags, summary: '邀请链接 What an invitation link shows before signing in', params: TokenParams, response: { 200: InvitationView } },
    handler: async (req) => viewInvitation(db, req.params.token),
  });
  r.post('/api/invitations/:token/redeem', {
    config: { access: 'public' },
    schema: {
      tags,
      summary: '接受邀请 Prove who one is, choose a password and sign in',
      params: TokenParams,
      body: RedeemInvitationBody,
      response: { 200: z.object({ ok: z.literal(true) }) },
    },
    handler: async (req, reply) => {
      const { cookie } = await redeemInvitation(db, services.cipher, services.auth, req.params.token, {
        ...req.body,
        ip: req.ip,
        userAgent: req.headers['user-agent'] ?? null,
      });
      setSessionCookies(reply, req.protocol === 'https', cookie);
      return { ok: true as const };
    },
  });

  // ---- one's own signed-in devices
  r.get('/api/me/devices', {
    config: { access: 'session' },
    schema: { tags, summary: '我的登录设备 One’s own signed-in devices', response: { 200: DeviceList } },
    handler: async (req) => ({
      items: (await services.auth.listDevices(context(req))).map((d) => ({
        id: d.id,
        createdAt: d.created_at.toISOString(),
        lastSeenAt: d.last_seen_at?.toISOString() ?? null,
        expiresAt: d.expires_at.toISOString(),
        ...describeUserAgent(d.user_agent),
        remember: d.remember,
        current: d.current,
      })),
    }),
  });
  r.delete('/api/me/devices/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '退出该设备 Sign one of one’s devices out', params: z.object({ id: Uuid }), response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => {
      await services.auth.endDevice(context(req), req.params.id);
      return { ok: true as const };
    },
  });
  r.post('/api/me/devices/sign-out-others', {
    config: { access: 'session' },
    schema: { tags, summary: '退出其他设备 Sign every other device out', response: { 200: z.object({ ended: z.number().int() }) } },
    handler: async (req) => ({ ended: await services.auth.endOtherDevices(context(req)) }),
  });
}
