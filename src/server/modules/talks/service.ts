import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, authorizeList, can, type Target } from '../../auth/policy.ts';
import { addDays, clock, shanghaiDate } from '../../clock.ts';
import { AppError, notFound, uniqueViolation, type FieldIssue } from '../../errors.ts';
import type {
  MentoringList,
  MentoringQuery,
  MentorshipHistory,
  MyMentee,
  MyRecords,
  Talk,
  TalkInput,
  TalkPatch,
  TalkQuery,
} from '../../../shared/api-care.ts';
import { recordAudit } from '../../audit-log.ts';
import { raiseCareTask } from '../care/index.ts';
import { listMemberDeliveries } from '../deliveries/index.ts';
import { inSubtrees, listSubtrees, memberWithOrg, requireMember, unitFor } from '../../directory/index.ts';
import { markContact } from '../members/index.ts';
import { getSettings } from '../settings/index.ts';
import { countTalksDue, readMentoring, readTalkStates, talkQuery, type TalkRow, type TalkStateRow } from './repo.ts';

// The one definition of an overdue talk (repo.ts), for the dashboard and the radar.
export { countTalksDue, overdueTalkCondition, talkCadenceSql } from './repo.ts';

type TalkInputData = z.output<typeof TalkInput>;
type TalkPatchData = z.output<typeof TalkPatch>;
type TalkQueryData = z.output<typeof TalkQuery>;
type MentoringQueryData = z.output<typeof MentoringQuery>;

const DAY_MS = 86_400_000;
/** A talk's author may correct it for this long; afterwards only a secretary above the member. */
const AUTHOR_EDIT_MS = 7 * DAY_MS;
/** Follow-up is due this many days after the talk is recorded unless the talk says when. */
const FOLLOW_UP_DAYS = 7;

function presentTalk(r: TalkRow): Talk {
  return {
    id: r.id,
    memberId: r.member_id,
    memberName: r.member_name,
    talkedOn: r.talked_on,
    channel: r.channel,
    talkerName: r.talker_name,
    summary: r.summary,
    work: r.situation_work,
    family: r.situation_family,
    health: r.situation_health,
    thoughts: r.situation_thoughts,
    concerns: r.concerns,
    followUpNeeded: r.follow_up_needed,
    followUpTaskId: r.follow_up_task_id,
    createdAt: r.created_at.toISOString(),
  };
}

/** A current member (not left) with the path of their unit, or not found. */
async function loadMember(db: Executor, tenantId: string, memberId: string) {
  const m = await memberWithOrg(db, tenantId, memberId);
  if (!m || m.left_at) throw notFound('党员');
  return m;
}

const memberTarget = (tenantId: string, memberId: string, orgPath: string): Target => ({ kind: 'member', tenantId, memberId, orgPath });

function fail(issues: FieldIssue[]): void {
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

/** A talk happened on a real day: not in the future (China time), not before the member joined. */
function checkTalkedOn(talkedOn: string, joinDate: string | null, today: string, issues: FieldIssue[]): void {
  if (talkedOn > today) issues.push({ field: 'talkedOn', message: `谈话日期不能晚于今天（${today}）` });
  else if (joinDate && talkedOn < joinDate) issues.push({ field: 'talkedOn', message: `谈话日期不能早于该党员的入党日期（${joinDate}）` });
}

function checkFollowUpDue(due: string | undefined, today: string, issues: FieldIssue[]): void {
  if (due && due < today) issues.push({ field: 'followUpDue', message: `跟进期限不能早于今天（${today}）` });
}

/** What the follow-up task says: the note, else the start of the concerns or of the summary. */
const followUpReason = (note: string | null | undefined, concerns: string | null, summary: string): string =>
  note || (concerns ?? summary).slice(0, 80);

async function loadTalk(db: Executor, tenantId: string, talkId: string): Promise<TalkRow> {
  const row = await talkQuery(db, tenantId).where('t.id', '=', talkId).executeTakeFirst();
  if (!row) throw notFound('谈话记录');
  return row;
}

// ---------- record, read, correct ----------

/**
 * Records a heart-to-heart talk (思想动态) with a member: their mentor or a secretary above them.
 * The caller is the one who talked. The talk counts as contact; when it needs follow-up it opens
 * a care task for the member's mentor (or joins the open one). One transaction with the audit.
 */
export async function recordTalk(db: Database, ctx: RequestContext, input: TalkInputData): Promise<Talk> {
  const { actor } = ctx;
  const m = await loadMember(db, actor.tenantId, input.memberId);
  authorize(actor, 'care.write', memberTarget(actor.tenantId, m.id, m.org_path));
  const today = shanghaiDate();
  const issues: FieldIssue[] = [];
  checkTalkedOn(input.talkedOn, m.join_date, today, issues);
  if (input.followUpNeeded) checkFollowUpDue(input.followUpDue, today, issues);
  fail(issues);
  if (input.id) {
    const again = await repeatedTalk(db, ctx, input.id, m.id);
    if (again) return again;
  }
  const talker = actor.memberId
    ? await db.selectFrom('member').select('name').where('tenant_id', '=', actor.tenantId).where('id', '=', actor.memberId).executeTakeFirst()
    : undefined;
  let talkId: string;
  try {
    talkId = await db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('talk')
        .values({
          ...(input.id ? { id: input.id } : {}),
          tenant_id: actor.tenantId,
          member_id: m.id,
          talked_on: input.talkedOn,
          channel: input.channel,
          talker_member_id: actor.memberId,
          talker_name: talker?.name ?? actor.displayName,
          summary: input.summary,
          situation_work: input.work ?? null,
          situation_family: input.family ?? null,
          situation_health: input.health ?? null,
          situation_thoughts: input.thoughts ?? null,
          concerns: input.concerns ?? null,
          follow_up_needed: input.followUpNeeded,
          created_by: actor.accountId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await markContact(tx, actor.tenantId, m.id, input.talkedOn);
      let followUpTaskId: string | null = null;
      if (input.followUpNeeded) {
        followUpTaskId = await openFollowUp(tx, ctx, m.id, row.id, {
          reason: followUpReason(input.followUpNote, input.concerns ?? null, input.summary),
          dueOn: input.followUpDue ?? addDays(today, FOLLOW_UP_DAYS),
        });
      }
      await recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: 'talk.create',
        entity: 'talk',
        entityId: row.id,
        after: { memberId: m.id, talkedOn: input.talkedOn, channel: input.channel, followUpNeeded: input.followUpNeeded, followUpTaskId },
      });
      return row.id;
    });
  } catch (err) {
    // the same talk sent twice at once: the second insert meets the first one's id
    const again = input.id && uniqueViolation(err) ? await repeatedTalk(db, ctx, input.id, m.id) : null;
    if (again) return again;
    throw err;
  }
  return presentTalk(await loadTalk(db, actor.tenantId, talkId));
}

/**
 * The same talk sent again (same id, same author, same member): the one already recorded. An id
 * used for anything else is a conflict, never an overwrite.
 */
async function repeatedTalk(db: Database, ctx: RequestContext, talkId: string, memberId: string): Promise<Talk | null> {
  const { actor } = ctx;
  const existing = await db.selectFrom('talk').select(['member_id', 'created_by']).where('tenant_id', '=', actor.tenantId).where('id', '=', talkId).executeTakeFirst();
  if (!existing) return null;
  if (existing.member_id !== memberId || existing.created_by !== actor.accountId) throw new AppError('conflict', '这条谈话记录的编号已被使用，请刷新后重新填写');
  return presentTalk(await loadTalk(db, actor.tenantId, talkId));
}

async function openFollowUp(tx: Executor, ctx: RequestContext, memberId: string, talkId: string, task: { reason: string; dueOn: string }): Promise<string> {
  const { actor } = ctx;
  const { taskId } = await raiseCareTask(tx, ctx, { tenantId: actor.tenantId, memberId, kind: 'follow_up', reason: task.reason, dueOn: task.dueOn, sourceTalkId: talkId });
  await tx.updateTable('talk').set({ follow_up_task_id: taskId }).where('tenant_id', '=', actor.tenantId).where('id', '=', talkId).execute();
  return taskId;
}

/** One talk (care.read: the member's mentor, the secretaries above them); the view is audited. */
export async function viewTalk(db: Database, ctx: RequestContext, talkId: string): Promise<Talk> {
  const { actor } = ctx;
  const row = await loadTalk(db, actor.tenantId, talkId);
  authorize(actor, 'care.read', memberTarget(actor.tenantId, row.member_id, row.org_path));
  await recordAudit(db, ctx, { tenantId: actor.tenantId, action: 'talk.view', entity: 'talk', entityId: talkId, after: { memberId: row.member_id } });
  return presentTalk(row);
}

const PATCH_COLUMNS = {
  talkedOn: 'talked_on',
  channel: 'channel',
  summary: 'summary',
  work: 'situation_work',
  family: 'situation_family',
  health: 'situation_health',
  thoughts: 'situation_thoughts',
  concerns: 'concerns',
  followUpNeeded: 'follow_up_needed',
} as const;

/**
 * Corrects a talk: its author within 7 days of recording it (while still allowed to write the
 * member's care records), or a secretary above the member at any time. Setting followUpNeeded on
 * a talk without a task opens (or joins) the follow-up task; clearing it leaves the task to be
 * closed in the task list. Audited with the changed fields before and after.
 */
export async function updateTalk(db: Database, ctx: RequestContext, talkId: string, patch: TalkPatchData): Promise<Talk> {
  const { actor } = ctx;
  const current = await loadTalk(db, actor.tenantId, talkId);
  const target = memberTarget(actor.tenantId, current.member_id, current.org_path);
  const isAuthor = current.created_by === actor.accountId && clock.now().getTime() - current.created_at.getTime() <= AUTHOR_EDIT_MS && can(actor, 'care.write', target);
  const secretaryAbove = can(actor, 'care.manage', { kind: 'org', tenantId: actor.tenantId, path: current.org_path });
  if (!isAuthor && !secretaryAbove) {
    authorize(actor, 'care.write', target);
    throw new AppError('forbidden', '谈话记录只能由记录人在 7 天内修改，之后请联系上级党组织书记');
  }
  const m = await loadMember(db, actor.tenantId, current.member_id);
  const today = shanghaiDate();
  const issues: FieldIssue[] = [];
  if (patch.talkedOn !== undefined) checkTalkedOn(patch.talkedOn, m.join_date, today, issues);
  const opensFollowUp = patch.followUpNeeded === true && current.follow_up_task_id === null;
  if (opensFollowUp) checkFollowUpDue(patch.followUpDue, today, issues);
  fail(issues);

  await db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('talk').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', talkId).forUpdate().executeTakeFirstOrThrow();
    const set: Record<string, unknown> = {};
    const was: Record<string, unknown> = {};
    const now: Record<string, unknown> = {};
    for (const [field, column] of Object.entries(PATCH_COLUMNS) as [keyof typeof PATCH_COLUMNS, (typeof PATCH_COLUMNS)[keyof typeof PATCH_COLUMNS]][]) {
      const value = patch[field];
      if (value === undefined || value === before[column]) continue;
      set[column] = value;
      was[field] = before[column];
      now[field] = value;
    }
    if (Object.keys(set).length) {
      await tx.updateTable('talk').set(set).where('tenant_id', '=', actor.tenantId).where('id', '=', talkId).execute();
    }
    if (typeof set.talked_on === 'string') await markContact(tx, actor.tenantId, before.member_id, set.talked_on);
    if (patch.followUpNeeded === true && before.follow_up_task_id === null) {
      const taskId = await openFollowUp(tx, ctx, before.member_id, talkId, {
        reason: followUpReason(patch.followUpNote, patch.concerns !== undefined ? patch.concerns : before.concerns, patch.summary ?? before.summary),
        dueOn: patch.followUpDue ?? addDays(today, FOLLOW_UP_DAYS),
      });
      now.followUpTaskId = taskId;
    }
    if (Object.keys(now).length === 0) return;
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'talk.update', entity: 'talk', entityId: talkId, before: was, after: now });
  });
  return presentTalk(await loadTalk(db, actor.tenantId, talkId));
}

// ---------- lists ----------

/**
 * Talks, newest first: of one member (care.read), of a unit's members (care.manage on the unit),
 * or without either, of the members in the caller's secretary subtrees and of their mentees (a
 * mentor gets their mentees' talks). Every listing is audited (the summaries are sensitive).
 */
export async function listTalks(db: Database, ctx: RequestContext, q: TalkQueryData): Promise<{ items: Talk[]; total: number }> {
  const { actor } = ctx;
  if (q.from && q.to && q.from > q.to) throw new AppError('validation_failed', '开始日期不能晚于结束日期', [{ field: 'from', message: `开始日期 ${q.from} 晚于结束日期 ${q.to}` }]);
  let query = talkQuery(db, actor.tenantId);
  let audited: { entity: string; entityId: string | null };
  if (q.memberId) {
    const m = await loadMember(db, actor.tenantId, q.memberId);
    authorize(actor, 'care.read', memberTarget(actor.tenantId, m.id, m.org_path));
    query = query.where('t.member_id', '=', m.id);
    audited = { entity: 'member', entityId: m.id };
  } else if (q.orgId) {
    const org = await unitFor(db, ctx, 'care.manage', q.orgId);
    query = query.where(inSubtrees(actor.tenantId, [org.path]));
    audited = { entity: 'org', entityId: org.id };
  } else {
    // The list scope of care.read (auth/policy.ts): the secretary subtrees and the mentees.
    const scope = authorizeList(actor, 'care.read');
    if (!scope.all) {
      const { paths, memberIds } = scope;
      query = query.where((eb) => eb.or([inSubtrees(actor.tenantId, paths), ...(memberIds.length ? [eb('t.member_id', 'in', memberIds)] : [])]));
    }
    audited = { entity: 'talk', entityId: null };
  }
  if (q.from) query = query.where('t.talked_on', '>=', q.from);
  if (q.to) query = query.where('t.talked_on', '<=', q.to);
  const offset = (q.page - 1) * q.pageSize;
  const [rows, count] = await Promise.all([
    query.orderBy('t.talked_on', 'desc').orderBy('t.created_at', 'desc').orderBy('t.id').limit(q.pageSize).offset(offset).execute(),
    query.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const total = Number(count.n);
  await recordAudit(db, ctx, {
    tenantId: actor.tenantId,
    action: 'talk.list',
    ...audited,
    after: { count: rows.length, total, from: q.from ?? null, to: q.to ?? null, page: q.page },
  });
  return { items: rows.map(presentTalk), total };
}

const presentState = (r: TalkStateRow) => ({
  lastTalkOn: r.last_talk_on,
  nextTalkDue: r.next_due,
  talkDue: r.talk_due,
  overdueDays: r.overdue_days,
  openTasks: r.open_tasks,
});

/**
 * The mentoring overview (传帮带) of a unit, or of the caller's secretary subtrees: mobile members
 * (or everyone) with their mentor and talk state; members without a mentor first, then the most
 * overdue. The summary and the mentors count the whole scope, whichever tab is chosen.
 */
export async function listMentoring(db: Database, ctx: RequestContext, q: MentoringQueryData): Promise<MentoringList> {
  const { actor } = ctx;
  const paths = await listSubtrees(db, ctx, 'care.manage', q.orgId);
  const settings = await getSettings(db, actor.tenantId);
  const result = await readMentoring(
    db,
    actor.tenantId,
    settings,
    { paths, mobileOnly: q.scope === 'mobile', q: q.q },
    q.filter,
    shanghaiDate(),
    { limit: q.pageSize, offset: (q.page - 1) * q.pageSize },
  );
  return {
    items: result.items.map((r) => ({
      memberId: r.id,
      name: r.name,
      phone: r.phone,
      orgName: r.org_name,
      mobile: r.mobile,
      placeName: r.place_name,
      mentor: r.mentor_member_id ? { memberId: r.mentor_member_id, name: r.mentor_name ?? '', phone: r.mentor_phone ?? '' } : null,
      mentorSince: r.mentor_since,
      ...presentState(r),
    })),
    total: result.total,
    summary: { members: result.members, withoutMentor: result.without_mentor, overdue: result.overdue, never: result.never },
    mentors: result.mentors.map((m) => ({ memberId: m.member_id, name: m.name, mentees: m.mentees, overdue: m.overdue })),
  };
}

/** A member's mentors over time (传帮带 history), the current one first: member.read. */
export async function listMentorships(db: Database, ctx: RequestContext, memberId: string): Promise<z.infer<typeof MentorshipHistory>> {
  const { actor } = ctx;
  const m = await loadMember(db, actor.tenantId, memberId);
  authorize(actor, 'member.read', memberTarget(actor.tenantId, m.id, m.org_path));
  const rows = await db
    .selectFrom('mentorship as s')
    .innerJoin('member as t', (j) => j.onRef('t.tenant_id', '=', 's.tenant_id').onRef('t.id', '=', 's.mentor_member_id'))
    .select(['s.mentor_member_id', 't.name', 's.started_on', 's.ended_on'])
    .where('s.tenant_id', '=', actor.tenantId)
    .where('s.member_id', '=', m.id)
    .orderBy((eb) => eb('s.ended_on', 'is', null), 'desc')
    .orderBy('s.started_on', 'desc')
    .orderBy('s.ended_on', 'desc')
    .execute();
  return { items: rows.map((r) => ({ mentorMemberId: r.mentor_member_id, mentorName: r.name, startedOn: r.started_on, endedOn: r.ended_on })) };
}

// ---------- the member app ----------

/** The mentor's phone: their current mentees with the talk state, overdue first (empty when mentoring nobody). */
export async function listMyMentees(db: Database, ctx: RequestContext): Promise<{ items: MyMentee[] }> {
  requireMember(ctx);
  const { actor } = ctx;
  if (actor.menteeIds.length === 0) return { items: [] };
  const settings = await getSettings(db, actor.tenantId);
  const rows = await readTalkStates(db, actor.tenantId, settings, { paths: 'all', memberIds: actor.menteeIds, mobileOnly: false }, shanghaiDate());
  return {
    items: rows.map((r) => ({ memberId: r.id, name: r.name, phone: r.phone, placeName: r.place_name, workplace: r.workplace, ...presentState(r) })),
  };
}

/** What is recorded about me: the talks about me, my hardship note, the delivery visits I received. */
export async function getMyRecords(db: Database, ctx: RequestContext): Promise<MyRecords> {
  const memberId = requireMember(ctx);
  const { tenantId } = ctx.actor;
  const [talks, me, deliveries] = await Promise.all([
    talkQuery(db, tenantId).where('t.member_id', '=', memberId).orderBy('t.talked_on', 'desc').orderBy('t.created_at', 'desc').execute(),
    db.selectFrom('member').select('hardship_note').where('tenant_id', '=', tenantId).where('id', '=', memberId).executeTakeFirstOrThrow(),
    listMemberDeliveries(db, tenantId, memberId),
  ]);
  return { talks: talks.map(presentTalk), hardshipNote: me.hardship_note, deliveries };
}

/**
 * For the member app's home: how many of the caller's mentees are due a talk — overdue, or never
 * talked with although a cadence applies to them (0 when mentoring nobody).
 */
export async function countMyOverdueTalks(db: Executor, ctx: RequestContext, today: string): Promise<number> {
  const { actor } = ctx;
  if (!actor.memberId || actor.menteeIds.length === 0) return 0;
  const settings = await getSettings(db, actor.tenantId);
  return countTalksDue(db, actor.tenantId, settings, { paths: 'all', memberIds: actor.menteeIds, mobileOnly: false }, today);
}
