import crypto from 'node:crypto';
import QRCode from 'qrcode';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Database, Executor, Tx } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, can } from '../../auth/policy.ts';
import { SHANGHAI_OFFSET_MS, shanghaiDate } from '../../clock.ts';
import { AppError, forbidden, notFound, type FieldIssue } from '../../errors.ts';
import type {
  AttachmentBody,
  AttendanceRow,
  CheckinCode,
  MarkAttendanceBody,
  MyMakeup,
  MySession,
  SessionDetail,
  SessionInput,
  SessionPatch,
  SessionQuery,
  SessionSummary,
  SubmitMakeupBody,
} from '../../../shared/api-learning.ts';
import { recordAudit } from '../audit/service.ts';
import { getOrg } from '../orgs/service.ts';
import { inSubtrees } from '../members/repo.ts';
import { getSettings } from '../settings/service.ts';
import { requireMember } from '../me/member.ts';
import { itemSummaryView } from '../library/service.ts';
import { filesToAttach } from '../library/files.ts';
import { checkinCodeFor, newQrSecret, slotAt, slotEndsAt, verifyCheckinCode } from './checkin-code.ts';
import { buildIcs } from './ics.ts';
import {
  attachmentRows,
  attendanceRows,
  COUNT_KEY,
  countsBySession,
  emptyCounts,
  findSession,
  invitesAnyIn,
  listSessionRows,
  checkInAttendance,
  checkInFromApp,
  materialRows,
  memberMakeupRows,
  memberSessionRows,
  memberUnitPath,
  mySessionRow,
  requestLeaveRow,
  submitMakeupRow,
  type SessionRow,
} from './repo.ts';

// ---------- time: members live by Asia/Shanghai (UTC+8, no daylight saving) ----------

/** A member checking in later than this after the start is late. */
const LATE_AFTER_MS = 10 * 60_000;
/** 'YYYY-MM-DD HH:mm' in Asia/Shanghai, for messages. */
export const shanghaiTime = (at: Date): string => {
  const s = new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
};

/**
 * The same wall-clock time and day of month `months` later in Asia/Shanghai; a day the month does
 * not have becomes its last day (31 January → 28/29 February).
 */
export function addMonthsShanghai(at: Date, months: number): Date {
  const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const wall = Date.UTC(y, m, Math.min(local.getUTCDate(), lastDay), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds(), local.getUTCMilliseconds());
  return new Date(wall - SHANGHAI_OFFSET_MS);
}

// ---------- shared pieces ----------

type Input = z.infer<typeof SessionInput>;
type Patch = z.infer<typeof SessionPatch>;

async function loadSession(db: Executor, tenantId: string, sessionId: string): Promise<SessionRow> {
  const s = await findSession(db, tenantId, sessionId);
  if (!s) throw notFound('会议');
  return s;
}

const orgTarget = (ctx: RequestContext, path: string) => ({ kind: 'org', tenantId: ctx.actor.tenantId, path }) as const;

/** One member's row of a session, in attendance and in makeup alike: `.where((eb) => eb.and(memberRow(…)))`. */
const memberRow = (tenantId: string, sessionId: string, memberId: string) => ({ tenant_id: tenantId, session_id: sessionId, member_id: memberId });

/**
 * Units the caller leads (as secretary or group leader): at a session held above them they see and
 * mark their own members — a branch secretary or a group leader at the village's monthly class.
 */
const ledGroupPaths = (ctx: RequestContext): string[] => ctx.actor.scopes.map((s) => s.path);

/**
 * What the caller sees of a session in the console:
 *   'host'  the secretaries and the group leader of the unit that holds it: everything;
 *   'group' a branch secretary or group leader at a session held above their unit (the village's
 *           monthly class) that invites members of their unit: only those invitees, to mark them and show
 *           the check-in code — no one else's name, no minutes or attachments, no quorum.
 */
type SessionView = { kind: 'host' } | { kind: 'group'; paths: string[] };
/** Whoever may manage the session (learning.manage) sees it as its host. */
const HOST: SessionView = { kind: 'host' };

async function sessionViewOf(db: Executor, ctx: RequestContext, s: SessionRow): Promise<SessionView | null> {
  if (can(ctx.actor, 'attendance.mark', orgTarget(ctx, s.org_path))) return HOST;
  const paths = ledGroupPaths(ctx);
  if (paths.length && (await invitesAnyIn(db, ctx.actor.tenantId, s.id, paths))) return { kind: 'group', paths };
  return null;
}

async function requireSessionView(db: Executor, ctx: RequestContext, s: SessionRow): Promise<SessionView> {
  const view = await sessionViewOf(db, ctx, s);
  if (!view) throw forbidden();
  return view;
}

function fail(issues: FieldIssue[]): never {
  throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

/** Study items a session may use: those of its unit or of a unit above it, not retired. */
async function checkMaterials(db: Executor, tenantId: string, orgPath: string, ids: string[], issues: FieldIssue[]): Promise<void> {
  if (ids.length === 0) return;
  const ancestors = orgPath.split('/').filter(Boolean);
  const found = await db
    .selectFrom('study_item')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .where('org_id', 'in', ancestors)
    .where('retired_at', 'is', null)
    .execute();
  const ok = new Set(found.map((r) => r.id));
  ids.forEach((id, i) => {
    if (!ok.has(id)) issues.push({ field: `materialIds.${i}`, message: '学习材料不存在、已停用，或不属于本组织及上级组织' });
  });
  if (new Set(ids).size !== ids.length) issues.push({ field: 'materialIds', message: '学习材料重复' });
}

function windowOf(startsAt: Date, endsAt: Date, opensBefore: number, closesAfter: number) {
  return { opensAt: new Date(startsAt.getTime() - opensBefore * 60_000), closesAt: new Date(endsAt.getTime() + closesAfter * 60_000) };
}

const questionsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function attendanceAudit(r: { status: string; method: string | null; checked_in_at: Date | null; leave_status: string | null; leave_reason: string | null }) {
  return { status: r.status, method: r.method, checkedInAt: r.checked_in_at, leaveStatus: r.leave_status, leaveReason: r.leave_reason };
}

// ---------- console: plan ----------

/**
 * Plans a session, or the same session monthly (`repeatMonths`), with its invitees resolved now:
 * every member of the unit's subtree who has not left, or the listed members (each must be in the
 * subtree). One attendance row per invitee, status 'invited'; full members vote.
 */
export async function createSessions(db: Database, ctx: RequestContext, input: Input): Promise<{ ids: string[]; seriesId: string | null }> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, input.orgId);
  authorize(actor, 'learning.manage', orgTarget(ctx, org.path));
  const issues: FieldIssue[] = [];
  if (org.retired_at) issues.push({ field: 'orgId', message: '该组织已撤销' });
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (endsAt.getTime() <= startsAt.getTime()) issues.push({ field: 'endsAt', message: '结束时间应晚于开始时间' });

  let invitees: { id: string; status: 'full' | 'probationary' }[] = [];
  if (input.audience === 'list') {
    if (input.memberIds.length === 0) issues.push({ field: 'memberIds', message: '请选择参加的党员' });
    const rows = input.memberIds.length
      ? await db
          .selectFrom('member as m')
          .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
          .select(['m.id', 'm.name', 'm.status', 'm.left_at', 'o.path'])
          .where('m.tenant_id', '=', actor.tenantId)
          .where('m.id', 'in', input.memberIds)
          .execute()
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
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
    invitees = await db
      .selectFrom('member as m')
      .select(['m.id', 'm.status'])
      .where('m.tenant_id', '=', actor.tenantId)
      .where(inSubtrees(actor.tenantId, [org.path]))
      .where('m.left_at', 'is', null)
      .execute();
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
      const start = addMonthsShanghai(startsAt, k);
      const end = new Date(start.getTime() + durationMs);
      const win = windowOf(start, end, input.checkinOpensBefore, input.checkinClosesAfter);
      const row = await tx
        .insertInto('study_session')
        .values({
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
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (input.materialIds.length) {
        await tx
          .insertInto('session_material')
          .values(input.materialIds.map((itemId, position) => ({ tenant_id: actor.tenantId, session_id: row.id, item_id: itemId, position })))
          .execute();
      }
      for (let i = 0; i < invitees.length; i += 2000) {
        await tx
          .insertInto('attendance')
          .values(
            invitees.slice(i, i + 2000).map((m) => ({ tenant_id: actor.tenantId, session_id: row.id, member_id: m.id, voting: m.status === 'full' })),
          )
          .execute();
      }
      await recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: 'session.create',
        entity: 'study_session',
        entityId: row.id,
        after: { orgId: org.id, kind: input.kind, title: input.title, startsAt: start, endsAt: end, audience: input.audience, invitees: invitees.length, seriesId },
      });
      created.push(row.id);
    }
    return created;
  });
  return { ids, seriesId };
}

/** Edits a session that is still planned; the check-in window follows new times. */
export async function updateSession(db: Database, ctx: RequestContext, sessionId: string, patch: Patch): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
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
    const before = await tx.selectFrom('study_session').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', sessionId).forUpdate().executeTakeFirstOrThrow();
    if (before.status !== 'planned') throw new AppError('conflict', '会议状态已变化，请刷新后重试');
    const after = await tx
      .updateTable('study_session')
      .set({
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
      })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', sessionId)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (patch.materialIds) {
      await tx.deleteFrom('session_material').where('tenant_id', '=', actor.tenantId).where('session_id', '=', sessionId).execute();
      if (patch.materialIds.length) {
        await tx
          .insertInto('session_material')
          .values(patch.materialIds.map((itemId, position) => ({ tenant_id: actor.tenantId, session_id: sessionId, item_id: itemId, position })))
          .execute();
      }
    }
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
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'session.update', entity: 'study_session', entityId: sessionId, before: changedBefore, after: changedAfter });
  });
  return getSession(db, ctx, sessionId);
}

export async function cancelSession(db: Database, ctx: RequestContext, sessionId: string): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  await db.transaction().execute(async (tx) => {
    const done = await tx
      .updateTable('study_session')
      .set({ status: 'cancelled' })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', sessionId)
      .where('status', '=', 'planned')
      .returning('id')
      .executeTakeFirst();
    if (!done) throw new AppError('conflict', s.status === 'cancelled' ? '会议已取消' : '会议已结束，不能取消');
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'session.cancel', entity: 'study_session', entityId: sessionId, before: { status: s.status }, after: { status: 'cancelled' } });
  });
  return getSession(db, ctx, sessionId);
}

// ---------- closing: the job and the secretary's button do the same ----------

/**
 * Closes one planned session in the caller's transaction: invitees not marked become absent,
 * every absent or excused invitee gets a make-up due `makeup_days` after the closing day, and the
 * session is closed. Returns false when the session is not planned or another worker holds it.
 */
async function closeOneSession(tx: Tx, tenantId: string, sessionId: string, now: Date, ctx: RequestContext | null): Promise<boolean> {
  const locked = await tx
    .selectFrom('study_session')
    .select(['id', 'makeup_days'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sessionId)
    .where('status', '=', 'planned')
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  if (!locked) return false;
  const absent = await tx
    .updateTable('attendance')
    .set({ status: 'absent', updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('session_id', '=', sessionId)
    .where('status', '=', 'invited')
    .returning('member_id')
    .execute();
  const dueOn = sql<string>`(${now}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + ${locked.makeup_days}::int`;
  const makeups = await tx
    .insertInto('makeup')
    .columns(['tenant_id', 'session_id', 'member_id', 'missed_status', 'due_on'])
    .expression((eb) =>
      eb
        .selectFrom('attendance')
        .select(['tenant_id', 'session_id', 'member_id', sql<'absent' | 'excused'>`status`.as('missed_status'), dueOn.as('due_on')])
        .where('tenant_id', '=', tenantId)
        .where('session_id', '=', sessionId)
        .where('status', 'in', ['absent', 'excused']),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'session_id', 'member_id']).doNothing())
    .returning('member_id')
    .execute();
  await tx.updateTable('study_session').set({ status: 'closed', closed_at: now }).where('tenant_id', '=', tenantId).where('id', '=', sessionId).execute();
  await recordAudit(tx, ctx, {
    tenantId,
    action: 'session.close',
    entity: 'study_session',
    entityId: sessionId,
    before: { status: 'planned' },
    after: { status: 'closed', markedAbsent: absent.length, makeupsCreated: makeups.length, by: ctx ? 'manual' : 'schedule' },
  });
  return true;
}

/**
 * The close-sessions job: every planned session whose check-in window has closed by `now`, each in
 * its own transaction. Safe to run twice or in two processes at once (status guard, SKIP LOCKED,
 * ON CONFLICT DO NOTHING). Returns how many sessions it closed.
 */
export async function closeDueSessions(db: Database, now: Date): Promise<number> {
  let closed = 0;
  for (let round = 0; round < 100; round++) {
    const due = await db
      .selectFrom('study_session')
      .select(['tenant_id', 'id'])
      .where('status', '=', 'planned')
      .where('checkin_closes_at', '<=', now)
      .orderBy('checkin_closes_at')
      .limit(200)
      .execute();
    let progressed = 0;
    for (const s of due) {
      if (await db.transaction().execute((tx) => closeOneSession(tx, s.tenant_id, s.id, now, null))) progressed++;
    }
    closed += progressed;
    if (due.length < 200 || progressed === 0) break;
  }
  return closed;
}

/** The expire-makeups job: open or returned make-ups whose last day (Asia/Shanghai) has passed. */
export async function expireMakeups(db: Database, now: Date): Promise<number> {
  const rows = await db
    .updateTable('makeup')
    .set({ status: 'expired' })
    .where('status', 'in', ['open', 'returned'])
    .where('due_on', '<', sql<string>`(${now}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date`)
    .returning('member_id')
    .execute();
  return rows.length;
}

export async function closeSession(db: Database, ctx: RequestContext, sessionId: string, now: Date = new Date()): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  if (s.status !== 'planned') throw new AppError('conflict', s.status === 'closed' ? '会议已结束' : '会议已取消，不能结束');
  const closed = await db.transaction().execute((tx) => closeOneSession(tx, actor.tenantId, sessionId, now, ctx));
  if (!closed) throw new AppError('conflict', '会议正在结束或已结束，请刷新后查看');
  return getSession(db, ctx, sessionId);
}

// ---------- console: read ----------

function summaryOf(r: Omit<SessionRow, 'org_path'>, counts: SessionSummary['counts']): SessionSummary {
  return {
    id: r.id,
    orgId: r.org_id,
    orgName: r.org_name,
    kind: r.kind,
    title: r.title,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    mode: r.mode,
    status: r.status,
    seriesId: r.series_id,
    counts,
  };
}

/**
 * Sessions of units the caller runs (secretary) or whose attendance they mark (group leader), and
 * for a group leader also the sessions held above their group that invite its members; on those
 * the counts are of their group's invitees only. `orgId` narrows to sessions held in that unit.
 */
export async function listSessions(db: Database, ctx: RequestContext, q: z.infer<typeof SessionQuery>): Promise<{ items: SessionSummary[]; total: number }> {
  const { actor } = ctx;
  if (!actor.isTenantAdmin && actor.scopes.length === 0) throw forbidden();
  let orgPath: string | undefined;
  if (q.orgId) {
    const org = await getOrg(db, actor.tenantId, q.orgId);
    authorize(actor, 'attendance.mark', orgTarget(ctx, org.path));
    orgPath = org.path;
  }
  const groupPaths = actor.isTenantAdmin ? [] : ledGroupPaths(ctx);
  const rows = await listSessionRows(db, actor.tenantId, {
    scopePaths: actor.isTenantAdmin ? null : actor.scopes.map((s) => s.path),
    inviteePaths: groupPaths,
    orgPath,
    from: q.from,
    to: q.to,
    kind: q.kind,
    status: q.status,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  const hosted = rows.filter((r) => can(actor, 'attendance.mark', orgTarget(ctx, r.org_path)));
  const above = rows.filter((r) => !hosted.includes(r));
  const [counts, groupCounts] = await Promise.all([
    countsBySession(db, actor.tenantId, hosted.map((r) => r.id)),
    countsBySession(db, actor.tenantId, above.map((r) => r.id), groupPaths),
  ]);
  return {
    total: rows[0] ? Number(rows[0].total) : 0,
    items: rows.map((r) => summaryOf(r, counts.get(r.id) ?? groupCounts.get(r.id) ?? emptyCounts())),
  };
}

const fileUrl = (id: string): string => `/api/files/${id}`;

export async function getSession(db: Executor, ctx: RequestContext, sessionId: string): Promise<SessionDetail> {
  const s = await loadSession(db, ctx.actor.tenantId, sessionId);
  return sessionDetail(db, ctx, s, await requireSessionView(db, ctx, s));
}

/**
 * The console's view of a session already read and authorized: a use case that wrote nothing on
 * the session row itself answers with it, without reading the row again.
 */
async function sessionDetail(db: Executor, ctx: RequestContext, s: SessionRow, view: SessionView): Promise<SessionDetail> {
  const { actor } = ctx;
  const sessionId = s.id;
  const whole = view.kind === 'host';
  const [attendance, materials, attachments] = await Promise.all([
    attendanceRows(db, actor.tenantId, sessionId, whole ? undefined : view.paths),
    materialRows(db, actor.tenantId, [sessionId]),
    whole ? attachmentRows(db, actor.tenantId, sessionId) : [],
  ]);
  const counts = emptyCounts();
  for (const a of attendance) {
    counts[COUNT_KEY[a.status]]++;
    counts.invited++;
  }
  let quorum: SessionDetail['quorum'] = null;
  // The quorum is the host's business and needs every voting member: not in a group's view.
  if (s.kind === 'members_meeting' && whole) {
    const voting = attendance.filter((a) => a.voting);
    const present = voting.filter((a) => a.status === 'present' || a.status === 'late').length;
    quorum = { voting: voting.length, present, reached: present * 2 > voting.length };
  }
  return {
    ...summaryOf(s, counts),
    meetingUrl: s.meeting_url,
    location: s.location,
    agenda: s.agenda,
    replayUrl: s.replay_url,
    checkinOpensAt: s.checkin_opens_at.toISOString(),
    checkinClosesAt: s.checkin_closes_at.toISOString(),
    minutes: whole ? s.minutes : null,
    makeupDays: s.makeup_days,
    makeupQuestions: questionsOf(s.makeup_questions),
    materials: materials.map(itemSummaryView),
    attachments: attachments.map((a) => ({
      id: a.id,
      kind: a.kind,
      caption: a.caption,
      createdAt: a.created_at.toISOString(),
      file: { id: a.file_id, fileName: a.file_name, mimeType: a.mime_type, sizeBytes: Number(a.size_bytes), url: fileUrl(a.file_id) },
    })),
    quorum,
    attendance: attendance.map(
      (a): AttendanceRow => ({
        memberId: a.member_id,
        name: a.name,
        orgName: a.org_name,
        mobile: Boolean(a.mobile),
        voting: a.voting,
        status: a.status,
        checkedInAt: a.checked_in_at?.toISOString() ?? null,
        method: a.method,
        leaveReason: a.leave_reason,
        leaveStatus: a.leave_status,
        makeup:
          a.makeup_status && a.due_on
            ? {
                status: a.makeup_status,
                dueOn: a.due_on,
                reflection: a.reflection,
                answers: a.answers === null ? null : questionsOf(a.answers),
                submittedAt: a.submitted_at?.toISOString() ?? null,
                reviewNote: a.review_note,
              }
            : null,
      }),
    ),
    canManage: can(actor, 'learning.manage', orgTarget(ctx, s.org_path)),
  };
}

// ---------- console: during and after the session ----------

/**
 * The host's rotating QR code (see checkin-code.ts). `origin` is where the member app is served.
 * A group leader whose members are invited to a session held above the group may show it too, for
 * the part of their group that gathers on site (集中收看): a scan only checks in the invitee who
 * scans, which every invitee may already do from the app inside the window, so the code opens
 * nothing beyond the group leader's own marking.
 */
export async function getCheckinCode(db: Database, ctx: RequestContext, sessionId: string, origin: string, now: Date = new Date()): Promise<z.infer<typeof CheckinCode>> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
  await requireSessionView(db, ctx, s);
  if (s.status !== 'planned') throw new AppError('conflict', s.status === 'closed' ? '会议已结束，签到已关闭' : '会议已取消');
  const slot = slotAt(now);
  const code = checkinCodeFor(s.qr_secret, s.id, slot);
  const url = `${origin}/m/checkin?s=${encodeURIComponent(s.id)}&c=${code}`;
  const svg = await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { url, code, svg, expiresAt: slotEndsAt(slot).toISOString() };
}

/**
 * A group leader (or secretary) marks an invitee on a phone. At a session held above their group a
 * group leader marks only their own group's members (the policy on the member's unit). After the
 * session has closed only a secretary may correct it; the member's make-up then follows the
 * corrected status.
 */
export async function markAttendance(db: Database, ctx: RequestContext, sessionId: string, body: z.infer<typeof MarkAttendanceBody>, now: Date = new Date()): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
  const view = await requireSessionView(db, ctx, s);
  if (view.kind === 'group') {
    const orgPath = await memberUnitPath(db, actor.tenantId, body.memberId);
    if (
      orgPath === undefined ||
      !view.paths.some((p) => orgPath.startsWith(p)) ||
      !can(actor, 'attendance.mark', { kind: 'member', tenantId: actor.tenantId, memberId: body.memberId, orgPath })
    ) {
      throw new AppError('forbidden', '只能为您所带党小组的党员登记考勤');
    }
  }
  if (s.status === 'cancelled') throw new AppError('conflict', '会议已取消，不能登记考勤');
  const correction = s.status === 'closed';
  if (correction && !can(actor, 'learning.manage', orgTarget(ctx, s.org_path))) {
    throw new AppError('forbidden', '会议已结束，考勤只能由书记更正');
  }
  const row = memberRow(actor.tenantId, sessionId, body.memberId);
  await db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('attendance')
      .selectAll()
      .where((eb) => eb.and(row))
      .forUpdate()
      .executeTakeFirst();
    if (!before) fail([{ field: 'memberId', message: '该党员不在本次会议的邀请名单中' }]);
    const attended = body.status === 'present' || body.status === 'late';
    const after = await tx
      .updateTable('attendance')
      .set({
        status: body.status,
        method: 'marked',
        marked_by: actor.accountId,
        checked_in_at: attended ? (before.checked_in_at ?? now) : null,
        ...(body.status === 'excused' && {
          leave_reason: body.leaveReason ?? before.leave_reason,
          leave_status: 'approved' as const,
          leave_decided_by: actor.accountId,
        }),
        updated_at: now,
      })
      .where((eb) => eb.and(row))
      .returningAll()
      .executeTakeFirstOrThrow();
    if (correction) {
      if (attended) {
        await tx.deleteFrom('makeup').where((eb) => eb.and(row)).execute();
      } else {
        const missed = body.status as 'absent' | 'excused';
        await tx
          .insertInto('makeup')
          .values({
            ...row,
            missed_status: missed,
            due_on: sql<string>`(${now}::timestamptz AT TIME ZONE 'Asia/Shanghai')::date + ${s.makeup_days}::int`,
          })
          .onConflict((oc) => oc.columns(['tenant_id', 'session_id', 'member_id']).doUpdateSet({ missed_status: missed }))
          .execute();
      }
    }
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: correction ? 'attendance.correct' : 'attendance.mark',
      entity: 'attendance',
      entityId: sessionId,
      before: { memberId: body.memberId, ...attendanceAudit(before) },
      after: { memberId: body.memberId, ...attendanceAudit(after) },
    });
  });
  return sessionDetail(db, ctx, s, view);
}

/** The secretary decides a leave request: approved ⇒ excused; rejected ⇒ the member stays invited. */
export async function decideLeave(db: Database, ctx: RequestContext, sessionId: string, memberId: string, approve: boolean): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  if (s.status === 'cancelled') throw new AppError('conflict', '会议已取消');
  const row = memberRow(actor.tenantId, sessionId, memberId);
  await db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('attendance')
      .selectAll()
      .where((eb) => eb.and(row))
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new AppError('not_found', '该党员不在本次会议的邀请名单中');
    if (before.leave_status !== 'requested') throw new AppError('conflict', '该党员没有待审批的请假申请');
    const excuse = approve && (before.status === 'invited' || before.status === 'absent');
    const after = await tx
      .updateTable('attendance')
      .set({
        leave_status: approve ? 'approved' : 'rejected',
        leave_decided_by: actor.accountId,
        ...(excuse && { status: 'excused' as const }),
        updated_at: new Date(),
      })
      .where((eb) => eb.and(row))
      .returningAll()
      .executeTakeFirstOrThrow();
    if (excuse && before.status === 'absent') {
      // Decided after the close: the open make-up now records an excused absence.
      await tx
        .updateTable('makeup')
        .set({ missed_status: 'excused' })
        .where((eb) => eb.and(row))
        .execute();
    }
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: approve ? 'attendance.leave_approve' : 'attendance.leave_reject',
      entity: 'attendance',
      entityId: sessionId,
      before: { memberId, ...attendanceAudit(before) },
      after: { memberId, ...attendanceAudit(after) },
    });
  });
  return sessionDetail(db, ctx, s, HOST);
}

export async function saveMinutes(db: Database, ctx: RequestContext, sessionId: string, minutes: string): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  if (s.status === 'cancelled') throw new AppError('conflict', '会议已取消，不能记录会议记录');
  const value = minutes.trim() === '' ? null : minutes;
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('study_session').set({ minutes: value }).where('tenant_id', '=', actor.tenantId).where('id', '=', sessionId).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'session.minutes', entity: 'study_session', entityId: sessionId, before: { minutes: s.minutes }, after: { minutes: value } });
  });
  return getSession(db, ctx, sessionId);
}

/** Attaches an uploaded file (minutes, photos) to the session. */
export async function addAttachment(db: Database, ctx: RequestContext, sessionId: string, body: z.infer<typeof AttachmentBody>): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  // Only a file the caller may read: attaching it opens it to whoever may see the session's files.
  const file = (await filesToAttach(db, ctx, [{ fileId: body.fileId, field: 'fileId' }])).found.get(body.fileId);
  if (!file) fail([{ field: 'fileId', message: '文件不存在，请重新上传' }]);
  await db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('session_attachment')
      .values({ tenant_id: actor.tenantId, session_id: sessionId, kind: body.kind, file_id: body.fileId, caption: body.caption ?? null, created_by: actor.accountId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'session.attach',
      entity: 'study_session',
      entityId: sessionId,
      after: { attachmentId: row.id, fileId: body.fileId, fileName: file.file_name, kind: body.kind, caption: body.caption ?? null },
    });
  });
  return sessionDetail(db, ctx, s, HOST);
}

export async function removeAttachment(db: Database, ctx: RequestContext, sessionId: string, attachmentId: string): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  await db.transaction().execute(async (tx) => {
    const gone = await tx
      .deleteFrom('session_attachment')
      .where('tenant_id', '=', actor.tenantId)
      .where('session_id', '=', sessionId)
      .where('id', '=', attachmentId)
      .returningAll()
      .executeTakeFirst();
    if (!gone) throw notFound('附件');
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'session.detach',
      entity: 'study_session',
      entityId: sessionId,
      before: { attachmentId, fileId: gone.file_id, kind: gone.kind, caption: gone.caption },
    });
  });
  return sessionDetail(db, ctx, s, HOST);
}

/** Sends a submitted reflection back: the make-up opens again and the attendance is what it was. */
export async function returnMakeup(db: Database, ctx: RequestContext, sessionId: string, memberId: string, note: string): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  const row = memberRow(actor.tenantId, sessionId, memberId);
  await db.transaction().execute(async (tx) => {
    const mk = await tx
      .selectFrom('makeup')
      .selectAll()
      .where((eb) => eb.and(row))
      .forUpdate()
      .executeTakeFirst();
    if (!mk) throw new AppError('not_found', '该党员没有这次会议的补学任务');
    if (mk.status !== 'submitted') throw new AppError('conflict', '只有已提交的补学可以退回');
    await tx
      .updateTable('makeup')
      .set({ status: 'returned', review_note: note, reviewed_by: actor.accountId, reviewed_at: new Date() })
      .where((eb) => eb.and(row))
      .execute();
    await tx
      .updateTable('attendance')
      .set({ status: mk.missed_status, updated_at: new Date() })
      .where((eb) => eb.and(row))
      .execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'makeup.return',
      entity: 'makeup',
      entityId: sessionId,
      before: { memberId, status: 'submitted', attendance: 'made_up' },
      after: { memberId, status: 'returned', attendance: mk.missed_status, note },
    });
  });
  return sessionDetail(db, ctx, s, HOST);
}

/** The session as a calendar file, for its invitees and whoever sees it in the console (see `sessionViewOf`). */
export async function getSessionCalendar(db: Database, ctx: RequestContext, sessionId: string, origin: string): Promise<string> {
  const { actor } = ctx;
  const s = await loadSession(db, actor.tenantId, sessionId);
  let allowed = (await sessionViewOf(db, ctx, s)) !== null;
  if (!allowed && actor.memberId) {
    const invited = await db
      .selectFrom('attendance')
      .select('member_id')
      .where('tenant_id', '=', actor.tenantId)
      .where('session_id', '=', sessionId)
      .where('member_id', '=', actor.memberId)
      .executeTakeFirst();
    allowed = invited !== undefined;
  }
  if (!allowed) throw forbidden();
  const description = [
    s.agenda ? `议程：${s.agenda}` : null,
    s.meeting_url ? `会议链接：${s.meeting_url}` : null,
    `签到：${origin}/m/`,
  ]
    .filter(Boolean)
    .join('\n');
  return buildIcs({
    uid: `${s.id}@lianxin`,
    stamp: new Date(),
    start: s.starts_at,
    end: s.ends_at,
    summary: s.title,
    location: s.location ?? (s.mode === 'online' ? '线上' : null),
    description,
    url: s.meeting_url,
    status: s.status,
  });
}

// ---------- the member app ----------

type MemberSessionRow = Awaited<ReturnType<typeof memberSessionRows>>[number];

function mySessionOf(r: MemberSessionRow, now: Date): MySession {
  const open = r.checkin_opens_at.getTime() <= now.getTime() && now.getTime() <= r.checkin_closes_at.getTime();
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    orgName: r.org_name,
    startsAt: r.starts_at.toISOString(),
    endsAt: r.ends_at.toISOString(),
    mode: r.mode,
    meetingUrl: r.meeting_url,
    location: r.location,
    agenda: r.agenda,
    replayUrl: r.replay_url,
    checkinOpensAt: r.checkin_opens_at.toISOString(),
    checkinClosesAt: r.checkin_closes_at.toISOString(),
    sessionStatus: r.status,
    myStatus: r.my_status,
    checkedInAt: r.checked_in_at?.toISOString() ?? null,
    leaveStatus: r.leave_status,
    canCheckIn: r.status === 'planned' && r.my_status === 'invited' && open,
    materials: r.materials,
    calendarUrl: `/api/sessions/${r.id}/calendar.ics`,
  };
}

/**
 * The member's sessions: `upcoming` (planned, not ended or check-in still open; soonest first)
 * and `recent` (started in the last 90 days; latest first). Used by the member app's today view.
 */
export async function listMySessions(db: Executor, ctx: RequestContext, now: Date = new Date()): Promise<{ upcoming: MySession[]; recent: MySession[] }> {
  const memberId = requireMember(ctx);
  const rows = await memberSessionRows(db, ctx.actor.tenantId, memberId, now);
  const upcoming: MySession[] = [];
  const recent: MySession[] = [];
  for (const r of rows) {
    const view = mySessionOf(r, now);
    const ahead = r.status === 'planned' && (r.ends_at.getTime() > now.getTime() || r.checkin_closes_at.getTime() > now.getTime());
    (ahead ? upcoming : recent).push(view);
  }
  recent.reverse();
  return { upcoming, recent };
}

const NOT_INVITED_MESSAGE = '会议不存在，或您不在本次会议的邀请名单中';

/** The session as the member sees it, with the QR secret for verifying a scan (one round trip). */
async function loadMySession(db: Executor, ctx: RequestContext, memberId: string, sessionId: string) {
  const row = await mySessionRow(db, ctx.actor.tenantId, memberId, sessionId);
  if (!row) throw new AppError('not_found', NOT_INVITED_MESSAGE);
  return row;
}

const STATUS_WORDS: Record<string, string> = { excused: '您已请假', absent: '您已被登记为缺席', made_up: '您已完成补学' };

/**
 * Checks the member in: by the host's QR code (method 'qr') or from the app (method 'self'),
 * inside the check-in window. One row per (session, member): the update only moves an 'invited'
 * row, so a double tap, a retry or a second device gets the same row back, unchanged.
 * From the app: one round trip in the usual case (`checkInFromApp`: one statement that checks
 * in, touches the member, writes the audit entry and returns the member's view); only when it moves
 * nothing is the row read to answer (a repeat gets its row back, anything else a clear error).
 * By QR code: the session is read (the code is verified against its secret), then one statement
 * writes; the answer is built from what was read and written, not read back.
 */
export async function checkIn(db: Database, ctx: RequestContext, sessionId: string, code: string | undefined, now: Date = new Date()): Promise<MySession> {
  const memberId = requireMember(ctx);
  const { actor } = ctx;
  const fromApp = code === undefined || code === '';
  if (fromApp) {
    const done = await checkInFromApp(db, ctx, { tenantId: actor.tenantId, sessionId, memberId, now, lateAfterMs: LATE_AFTER_MS });
    if (done) return mySessionOf(done, now);
  }
  // A QR code to verify, or the app's check-in did not go through: read, and answer as the rules say.
  const a = await loadMySession(db, ctx, memberId, sessionId);
  if (a.my_status === 'present' || a.my_status === 'late') return mySessionOf(a, now);
  if (a.status === 'cancelled') throw new AppError('conflict', '会议已取消，无需签到');
  const window = `签到时间为 ${shanghaiTime(a.checkin_opens_at)} 至 ${shanghaiTime(a.checkin_closes_at)}（北京时间）`;
  if (a.status === 'closed' || now.getTime() > a.checkin_closes_at.getTime()) throw new AppError('conflict', `签到已结束。${window}`);
  if (now.getTime() < a.checkin_opens_at.getTime()) throw new AppError('conflict', `签到尚未开始。${window}`);
  if (a.my_status !== 'invited') throw new AppError('conflict', `${STATUS_WORDS[a.my_status] ?? '考勤已登记'}，不能再签到`);
  let method: 'qr' | 'self' = 'self';
  if (!fromApp) {
    if (!verifyCheckinCode(a.qr_secret, sessionId, code, now)) {
      fail([{ field: 'code', message: '签到码无效：不是本次会议的签到码，或已过期（签到码每 30 秒更新，请扫描现场最新的二维码）' }]);
    }
    method = 'qr';
  }
  const status = now.getTime() > a.starts_at.getTime() + LATE_AFTER_MS ? 'late' : 'present';
  const moved = await checkInAttendance(db, ctx, { tenantId: actor.tenantId, sessionId, memberId, status, method, now });
  if (moved) return mySessionOf({ ...a, my_status: moved.status, checked_in_at: moved.checked_in_at }, now);
  // Nothing moved: another request of the same member got there first; its row is the answer.
  const b = await loadMySession(db, ctx, memberId, sessionId);
  if (b.my_status !== 'present' && b.my_status !== 'late') throw new AppError('conflict', `${STATUS_WORDS[b.my_status] ?? '考勤已登记'}，不能再签到`);
  return mySessionOf(b, now);
}

/** Asks for leave before the session ends; the secretary approves or rejects it. */
export async function requestLeave(db: Database, ctx: RequestContext, sessionId: string, reason: string, now: Date = new Date()): Promise<MySession> {
  const memberId = requireMember(ctx);
  const { actor } = ctx;
  const a = await loadMySession(db, ctx, memberId, sessionId);
  if (a.status !== 'planned') throw new AppError('conflict', a.status === 'cancelled' ? '会议已取消，无需请假' : '会议已结束，不能再请假');
  if (now.getTime() >= a.ends_at.getTime()) throw new AppError('conflict', `会议已于 ${shanghaiTime(a.ends_at)} 结束，不能再请假`);
  if (a.my_status === 'present' || a.my_status === 'late') throw new AppError('conflict', '您已签到，不能请假');
  if (a.my_status !== 'invited') throw new AppError('conflict', `${STATUS_WORDS[a.my_status] ?? '考勤已登记'}，不能再请假`);
  if (!(await requestLeaveRow(db, ctx, { tenantId: actor.tenantId, sessionId, memberId, reason, now }))) {
    throw new AppError('conflict', '考勤已变化，请刷新后重试');
  }
  return mySessionOf({ ...a, leave_status: 'requested' }, now);
}

type MakeupRow = Awaited<ReturnType<typeof memberMakeupRows>>[number];

function myMakeupOf(r: MakeupRow): MyMakeup {
  return {
    sessionId: r.session_id,
    sessionTitle: r.title,
    sessionKind: r.kind,
    sessionStartsAt: r.starts_at.toISOString(),
    missedStatus: r.missed_status,
    dueOn: r.due_on,
    status: r.status,
    replayUrl: r.replay_url,
    materials: r.materials,
    questions: questionsOf(r.makeup_questions),
    reflection: r.reflection,
    answers: r.answers === null ? null : questionsOf(r.answers),
    reviewNote: r.review_note,
  };
}

/** The member's make-ups: open and returned first (soonest due), then submitted ones. */
export async function listMyMakeups(db: Executor, ctx: RequestContext): Promise<MyMakeup[]> {
  const memberId = requireMember(ctx);
  const rows = await memberMakeupRows(db, ctx.actor.tenantId, memberId);
  return rows.map(myMakeupOf);
}

/**
 * Hands in a make-up: the reflection and an answer to each question, by the last day (inclusive,
 * Asia/Shanghai). The attendance becomes 'made_up'. One read, then one statement that writes the
 * make-up, the attendance and the audit entry; the answer is built from them.
 */
export async function submitMakeup(db: Database, ctx: RequestContext, sessionId: string, body: z.infer<typeof SubmitMakeupBody>, now: Date = new Date()): Promise<MyMakeup> {
  const memberId = requireMember(ctx);
  const { actor } = ctx;
  const [mk] = await memberMakeupRows(db, actor.tenantId, memberId, sessionId);
  if (!mk) {
    const a = await loadMySession(db, ctx, memberId, sessionId);
    if (a.my_status === 'present' || a.my_status === 'late') throw new AppError('conflict', '您参加了这次会议，无需补学');
    if (a.status === 'planned') throw new AppError('conflict', '会议尚未结束，结束后缺席或请假的党员才需要补学');
    throw new AppError('not_found', '这次会议没有您的补学任务');
  }
  if (mk.status === 'submitted') throw new AppError('conflict', '补学已提交，正在等待审阅');
  if (mk.status === 'expired') throw new AppError('conflict', `补学已于 ${mk.due_on} 截止，不能再提交`);
  const today = shanghaiDate(now);
  if (today > mk.due_on) throw new AppError('conflict', `补学已于 ${mk.due_on} 截止，不能再提交`);
  const questions = questionsOf(mk.makeup_questions);
  if (body.answers.length !== questions.length) {
    fail([{ field: 'answers', message: `请回答全部 ${questions.length} 个问题（收到 ${body.answers.length} 个回答）` }]);
  }
  const blank = body.answers.findIndex((x) => x.trim() === '');
  if (blank >= 0) fail([{ field: `answers.${blank}`, message: `请回答第 ${blank + 1} 个问题` }]);
  const done = await submitMakeupRow(db, ctx, { tenantId: actor.tenantId, sessionId, memberId, reflection: body.reflection, answers: body.answers, today, now });
  if (!done) throw new AppError('conflict', '补学状态已变化，请刷新后重试');
  return myMakeupOf({ ...mk, status: 'submitted', reflection: body.reflection, answers: body.answers });
}
