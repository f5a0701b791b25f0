import { sql } from 'kysely';
import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { recordAudit } from '../../audit-log.ts';
import { sqlNow } from '../../clock.ts';
import { notFound } from '../../errors.ts';
import { memberWithOrg, requireMember } from '../../directory/index.ts';
import { getSettings } from '../settings/index.ts';
import type { MemberNoticeChannels, NoticeChannels, NoticeChannelsBody } from '../../../shared/api-notify-member.ts';

/**
 * A member's choice of channels (`notify_preference`, one row per channel once chosen):
 *   sms      consent: nothing is sent by SMS without a row enabled = true; the row keeps who recorded
 *            it and when (the member in the app, or the secretary who took it on paper or by phone)
 *   webpush  on unless the member turned it off (their browsers must also be subscribed)
 *   robot    on unless the member says they do not read their groups' messages; off, the outbox
 *            counts no group as reaching them, so an SMS comes at once instead of as an escalation
 */
type Channel = 'sms' | 'webpush' | 'robot';
const DEFAULT_ON: Record<Channel, boolean> = { sms: false, webpush: true, robot: true };

async function preferencesOf(db: Executor, tenantId: string, memberId: string) {
  const rows = await db
    .selectFrom('notify_preference')
    .select(['channel', 'enabled', 'changed_at'])
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .execute();
  const of = (channel: Channel) => rows.find((r) => r.channel === channel);
  const on = (channel: Channel) => of(channel)?.enabled ?? DEFAULT_ON[channel];
  return { on, of };
}

async function setPreference(tx: Executor, tenantId: string, memberId: string, channel: Channel, enabled: boolean, accountId: string): Promise<void> {
  await tx
    .insertInto('notify_preference')
    .values({ tenant_id: tenantId, member_id: memberId, channel, enabled, changed_by: accountId, changed_at: sqlNow })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'member_id', 'channel']).doUpdateSet({ enabled, changed_by: accountId, changed_at: sqlNow }),
    )
    .execute();
}

/** What reaches the member now, and their switches (通知方式). */
export async function myNoticeChannels(db: Executor, ctx: RequestContext): Promise<z.infer<typeof NoticeChannels>> {
  const memberId = requireMember(ctx);
  const { tenantId, accountId } = ctx.actor;
  const member = await memberWithOrg(db, tenantId, memberId);
  if (!member) throw notFound('党员');
  // Robots of the units whose subtree holds the member: their unit and every unit above it.
  const robots = await db
    .selectFrom('notify_robot as r')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .select(['r.name', 'r.kind', 'o.name as unitName'])
    .where('r.tenant_id', '=', tenantId)
    .where('r.enabled', '=', true)
    .where('o.retired_at', 'is', null)
    .where(sql<boolean>`starts_with(${member.org_path}, o.path)`)
    .orderBy(sql`length(o.path)`, 'desc')
    .orderBy('r.name')
    .execute();
  const devices = await db
    .selectFrom('push_subscription')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const provider = await db.selectFrom('notify_sms_provider').select('enabled').where('tenant_id', '=', tenantId).executeTakeFirst();
  const settings = await getSettings(db, tenantId);
  const prefs = await preferencesOf(db, tenantId, memberId);
  const smsRow = prefs.of('sms');
  return {
    robots: robots.map((r) => ({ name: r.name, kind: r.kind, unitName: r.unitName })),
    robot: { on: prefs.on('robot') },
    webpush: { on: prefs.on('webpush'), devices: Number(devices.n) },
    sms: {
      available: provider?.enabled === true && !!member.phone,
      on: prefs.on('sms'),
      consentAt: smsRow?.enabled ? new Date(smsRow.changed_at).toISOString() : null,
      dailyCap: settings.smsDailyCap,
      quietHoursStart: settings.quietHoursStart,
      quietHoursEnd: settings.quietHoursEnd,
    },
  };
}

/** The member sets their own switches; each change is audited with what it was before. */
export async function setMyNoticeChannels(db: Database, ctx: RequestContext, input: z.infer<typeof NoticeChannelsBody>): Promise<z.infer<typeof NoticeChannels>> {
  const memberId = requireMember(ctx);
  const { tenantId, accountId } = ctx.actor;
  await db.transaction().execute(async (tx) => {
    const prefs = await preferencesOf(tx, tenantId, memberId);
    const before: Partial<Record<Channel, boolean>> = {};
    const after: Partial<Record<Channel, boolean>> = {};
    for (const channel of ['sms', 'webpush', 'robot'] as const) {
      const value = input[channel];
      if (value === undefined) continue;
      before[channel] = prefs.on(channel);
      after[channel] = value;
      await setPreference(tx, tenantId, memberId, channel, value, accountId);
    }
    await recordAudit(tx, ctx, { tenantId, action: 'notify.channels', entity: 'member', entityId: memberId, before, after });
  });
  return myNoticeChannels(db, ctx);
}

/** The secretary records a member's SMS consent (or its withdrawal), given on paper or by phone. */
export async function setMemberSmsConsent(db: Database, ctx: RequestContext, memberId: string, sms: boolean): Promise<z.infer<typeof MemberNoticeChannels>> {
  const { tenantId, accountId } = ctx.actor;
  const member = await memberWithOrg(db, tenantId, memberId);
  if (!member) throw notFound('党员');
  authorize(ctx.actor, 'member.write', { kind: 'member', tenantId, memberId, orgPath: member.org_path });
  return db.transaction().execute(async (tx) => {
    const prefs = await preferencesOf(tx, tenantId, memberId);
    await setPreference(tx, tenantId, memberId, 'sms', sms, accountId);
    await recordAudit(tx, ctx, { tenantId, action: 'notify.sms_consent', entity: 'member', entityId: memberId, before: { sms: prefs.on('sms') }, after: { sms } });
    const row = await tx
      .selectFrom('notify_preference')
      .select('changed_at')
      .where('tenant_id', '=', tenantId)
      .where('member_id', '=', memberId)
      .where('channel', '=', 'sms')
      .executeTakeFirstOrThrow();
    return { memberId, sms, changedAt: new Date(row.changed_at).toISOString() };
  });
}
