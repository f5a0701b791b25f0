import crypto from 'node:crypto';
import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { addMonthsAt } from '../../../shared/china-time.ts';
import { AppError, type FieldIssue } from '../../errors.ts';
import type { SessionDetail, SessionInput, SessionPatch } from '../../../shared/api-learning.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg } from '../../directory/index.ts';
import { getSettings } from '../settings/index.ts';
import { fail, loadMeeting, orgTarget } from './access.ts';
import { newQrSecret } from './checkin-code.ts';
import { noticeMeetingChanged, noticeMeetingPlanned } from './notices.ts';
import { getMeeting } from './console-view.ts';
import {
  cancelPlannedMeeting,
  insertMeeting,
  listedMembers,
  lockMeeting,
  replaceMaterials,
  subtreeMembers,
  updateMeetingRow,
  usableItemIds,
  type Invitee,
} from './planning-repo.ts';

type Input = z.infer<typeof SessionInput>;
type Patch = z.infer<typeof SessionPatch>;

/** Study items a meeting may use: those of its unit or of a unit above it, not retired. */
async function checkMaterials(db: Executor, tenantId: string, orgPath: string, ids: string[], issues: FieldIssue[]): Promise<void> {
  if (ids.length === 0) return;
  const ok = await usableItemIds(db, tenantId, orgPath.split('/').filter(Boolean), ids);
  ids.forEach((id, i) => {
    if (!ok.has(id)) issues.push({ field: `materialIds.${i}`, message: '学习材料不存在、已停用，或不属于本组织及上级组织' });
  });
  if (new Set(ids).size !== ids.length) issues.push({ field: 'materialIds', message: '学习材料重复' });
}

function windowOf(startsAt: Date, endsAt: Date, opensBefore: number, closesAfter: number) {
  return { opensAt: new Date(startsAt.getTime() - opensBefore * 60_000), closesAt: new Date(endsAt.getTime() + closesAfter * 60_000) };
}

/**
 * Plans a meeting, or the same meeting monthly (`repeatMonths`), with its invitees resolved now:
 * every member of the unit's subtree who has not left, or the listed members (each must be in the
 * subtree). One attendance row per invitee, status 'invited'; full members vote.
 */
export async function planMeeting(db: Database, ctx: RequestContext, input: Input): Promise<{ ids: string[]; seriesId: string | null }> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, input.orgId);
  authorize(actor, 'learning.manage', orgTarget(ctx, org.path));
  const issues: FieldIssue[] = [];
  if (org.retired_at) issues.push({ field: 'orgId', message: '该组织已撤销' });
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (endsAt.getTime() <= startsAt.getTime()) issues.push({ field: 'endsAt', message: '结束时间应晚于开始时间' });

  let invitees: Invitee[] = [];
  if (input.audience === 'list') {
    if (input.memberIds.length === 0) issues.push({ field: 'memberIds', message: '请选择参加的党员' });
    const byId = new Map((await listedMembers(db, actor.tenantId, input.memberIds)).map((r) => [r.id, r]));
    const seen = new Set<string>();
    input.memberIds.forEach((id, i) => {
      const m = byId.get(id);
      if (!m || m.left_at) issues.push({ field: `memberIds.${i}`, message: `党员 ${id} 不存在或已离开` });
      else if (!m.path.startsWith(org.path)) issues.push({ field: `memberIds.${i}`, message: `${m.name}不在${org.name}范围内，不能邀请` });
      else if (!seen.has(id)) {
        seen.add(id);
        invitees.push({ id, status: m.status });
      }
    });
  } else {
    invitees = await subtreeMembers(db, actor.tenantId, org.path);
    if (invitees.length === 0) issues.push({ field: 'orgId', message: `${org.name}下没有党员，无人可邀请` });
  }
  await checkMaterials(db, actor.tenantId, org.path, input.materialIds, issues);
  if (issues.length) fail(issues);

  const settings = await getSettings(db, actor.tenantId);
  const makeupDays = input.makeupDays ?? settings.makeupDays;
  const durationMs = endsAt.getTime() - startsAt.getTime();
  const seriesId = input.repeatMonths > 1 ? crypto.randomUUID() : null;

  const ids = await db.transaction().execute(async (tx) => {
    const created: string[] = [];
    for (let k = 0; k < input.repeatMonths; k++) {
      const start = addMonthsAt(startsAt, k);
      const end = new Date(start.getTime() + durationMs);
      const win = windowOf(start, end, input.checkinOpensBefore, input.checkinClosesAfter);
      const meetingId = await insertMeeting(
        tx,
        {
          tenant_id: actor.tenantId,
          org_id: org.id,
          kind: input.kind,
          title: input.title,
          starts_at: start,
          ends_at: end,
          mode: input.mode,
          meeting_url: input.meetingUrl ?? null,
          location: input.location ?? null,
          agenda: input.agenda ?? null,
          replay_url: input.replayUrl ?? null,
          checkin_opens_at: win.opensAt,
          checkin_closes_at: win.closesAt,
          qr_secret: newQrSecret(),
          audience: input.audience,
          makeup_days: makeupDays,
          makeup_questions: JSON.stringify(input.makeupQuestions),
          series_id: seriesId,
          created_by: actor.accountId,
        },
        input.materialIds,
        invitees,
      );
      await recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: 'session.create',
        entity: 'study_session',
        entityId: meetingId,
        after: { orgId: org.id, kind: input.kind, title: input.title, startsAt: start, endsAt: end, audience: input.audience, invitees: invitees.length, seriesId },
      });
      // The invitees hear of the first class; the later ones of a series by their "starting soon".
      if (k === 0) await noticeMeetingPlanned(tx, actor.tenantId, meetingId, input.title, start);
      created.push(meetingId);
    }
    return created;
  });
  return { ids, seriesId };
}

/** Edits a meeting that is still planned; the check-in window follows new times. */
export async function updateMeeting(db: Database, ctx: RequestContext, meetingId: string, patch: Patch): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  if (s.status !== 'planned') throw new AppError('conflict', s.status === 'closed' ? '会议已结束，不能再修改' : '会议已取消，不能再修改');
  const issues: FieldIssue[] = [];
  const startsAt = patch.startsAt ? new Date(patch.startsAt) : s.starts_at;
  const endsAt = patch.endsAt ? new Date(patch.endsAt) : s.ends_at;
  if (endsAt.getTime() <= startsAt.getTime()) issues.push({ field: 'endsAt', message: '结束时间应晚于开始时间' });
  const opensBefore = patch.checkinOpensBefore ?? Math.round((s.starts_at.getTime() - s.checkin_opens_at.getTime()) / 60_000);
  const closesAfter = patch.checkinClosesAfter ?? Math.round((s.checkin_closes_at.getTime() - s.ends_at.getTime()) / 60_000);
  if (patch.materialIds) await checkMaterials(db, actor.tenantId, s.org_path, patch.materialIds, issues);
  if (issues.length) fail(issues);
  const win = windowOf(startsAt, endsAt, opensBefore, closesAfter);
  await db.transaction().execute(async (tx) => {
    const before = await lockMeeting(tx, actor.tenantId, meetingId);
    if (before.status !== 'planned') throw new AppError('conflict', '会议状态已变化，请刷新后重试');
    const after = await updateMeetingRow(tx, actor.tenantId, meetingId, {
      ...(patch.kind !== undefined && { kind: patch.kind }),
      ...(patch.title !== undefined && { title: patch.title }),
      ...(patch.mode !== undefined && { mode: patch.mode }),
      ...(patch.meetingUrl !== undefined && { meeting_url: patch.meetingUrl }),
      ...(patch.location !== undefined && { location: patch.location }),
      ...(patch.agenda !== undefined && { agenda: patch.agenda }),
      ...(patch.replayUrl !== undefined && { replay_url: patch.replayUrl }),
      ...(patch.makeupDays !== undefined && { makeup_days: patch.makeupDays }),
      ...(patch.makeupQuestions !== undefined && { makeup_questions: JSON.stringify(patch.makeupQuestions) }),
      starts_at: startsAt,
      ends_at: endsAt,
      checkin_opens_at: win.opensAt,
      checkin_closes_at: win.closesAt,
    });
    if (patch.materialIds) await replaceMaterials(tx, actor.tenantId, meetingId, patch.materialIds);
    await noticeMeetingChanged(tx, actor.tenantId, meetingId, after.title, before, after);
    // The audit entry holds only what changed, and never the QR secret.
    const { qr_secret: _a, ...b } = before;
    const { qr_secret: _b, ...a } = after;
    const changedBefore: Record<string, unknown> = {};
    const changedAfter: Record<string, unknown> = {};
    for (const k of Object.keys(a) as (keyof typeof a)[]) {
      if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) {
        changedBefore[k] = b[k];
        changedAfter[k] = a[k];
      }
    }
    if (patch.materialIds) changedAfter.materialIds = patch.materialIds;
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'session.update', entity: 'study_session', entityId: meetingId, before: changedBefore, after: changedAfter });
  });
  return getMeeting(db, ctx, meetingId);
}

export async function cancelMeeting(db: Database, ctx: RequestContext, meetingId: string): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  await db.transaction().execute(async (tx) => {
    if (!(await cancelPlannedMeeting(tx, actor.tenantId, meetingId))) throw new AppError('conflict', s.status === 'cancelled' ? '会议已取消' : '会议已结束，不能取消');
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'session.cancel', entity: 'study_session', entityId: meetingId, before: { status: s.status }, after: { status: 'cancelled' } });
  });
  return getMeeting(db, ctx, meetingId);
}
