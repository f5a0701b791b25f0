import { sql } from 'kysely';
import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import type { Lang } from '../../i18n/lang.ts';
import { say } from '../../i18n/translate.ts';
import { authorize } from '../../auth/policy.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError, notFound } from '../../errors.ts';
import type { DriftList, DriftQuery, DriftReasonKind, DriftRow, Engagement, Timeline, TimelineEvent, TimelineQuery } from '../../../shared/api-care.ts';
import { recordAudit } from '../../audit-log.ts';
import { listSubtrees, memberWithOrg } from '../../directory/index.ts';
import { getSettings, type TenantSettings } from '../settings/index.ts';
import { driftWindows, readDriftList, readEngagementMonths, readMemberSignals, readTimeline, type DriftScope, type DriftSignals, type DriftWindows, type TimelineRow } from './repo.ts';

/**
 * The drift radar (流失预警), a member's engagement and their timeline: 流动不流失.
 *
 * A READ MODEL: it reads the tables of the learning and care modules directly in SQL (repo.ts) —
 * learning_month, attendance, study_session, makeup, talk, care_task, delivery, delivery_member,
 * card, card_campaign, mobility, mentorship, account and member.last_active_at / last_contact_at /
 * lost_contact_since — instead of calling their services, because it looks at every member of a
 * town at once and must stay one statement. It writes nothing but the audit entry of a timeline view.
 *
 * Drift reasons (each a sentence with its numbers, in the caller's language; see repo.ts for the SQL):
 *   no_talk                 the talk is overdue by the talks module's overdueTalkCondition (the
 *                           mentoring overview and the dashboard count the same members): a cadence
 *                           applies (mobile: talkCadenceDays; at home: talkCadenceHomeDays, 0 = none)
 *                           and the last talk is more than the cadence ago, or there is none. A visit
 *                           or a noted contact is not a talk (it still orders the list);
 *   reading_falling         the read rate of "recent" pushes is at least 30 points below "before"
 *                           (both with 5+ deliveries) and not zero. Calendar months of the
 *                           learning_month rollup: recent = the previous month and the current one so
 *                           far, before = the two months before those;
 *   not_reading             pushes delivered in the recent window and none read;
 *   absences                sessions missed and not made up in the current month and the two before
 *                           it, at least settings.absenceStreakSessions;
 *   inactive_app            an enabled account and no app activity for more than settings.inactiveDays
 *                           (or none at all once the account is that old);
 *   lost_contact_suspected  as flagSql in directory/members.ts; lost_contact: confirmed;
 *   no_share                no post (每月一互动) since the first of the month settings.noShareMonths
 *                           whole months back, once the member's branch or village has shared before
 *                           then (a unit that never shares flags no one; a new member of a sharing
 *                           branch is flagged after that many months like everyone there).
 * Level high: lost contact (either) or 3+ reasons; else medium.
 */

type DriftQueryInput = z.infer<typeof DriftQuery>;
type TimelineQueryInput = z.infer<typeof TimelineQuery>;

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;
const rate = (part: number, whole: number): number | null => (whole > 0 ? round4(part / whole) : null);
const percent = (part: number, whole: number): string => `${Math.round((100 * part) / whole)}%`;
const monthNo = (firstDay: string): number => Number(firstDay.slice(5, 7));
const iso = (v: string | Date | null): string | null => (v === null ? null : new Date(v).toISOString());

/** Reasons within a row, the most urgent first. */
const REASON_ORDER: DriftReasonKind[] = ['lost_contact', 'lost_contact_suspected', 'no_talk', 'not_reading', 'reading_falling', 'absences', 'inactive_app', 'no_share'];
/** byReason, in the contract's order. */
const REASON_KINDS: DriftReasonKind[] = ['no_talk', 'reading_falling', 'not_reading', 'absences', 'inactive_app', 'lost_contact_suspected', 'lost_contact', 'no_share'];

function reasonText(kind: DriftReasonKind, s: DriftSignals, settings: TenantSettings, w: DriftWindows, lang: Lang | undefined): string {
  if (lang === 'en-US') return reasonTextEn(kind, s, settings, w);
  switch (kind) {
    case 'lost_contact':
      return `已确认失联（自 ${s.lost_contact_since} 起）`;
    case 'lost_contact_suspected':
      return `疑似失联：已 ${s.silent_days} 天没有联系（超过 ${settings.lostContactDays} 天），请确认`;
    case 'no_talk':
      return s.last_talk === null ? `还没有谈心谈话记录（应每 ${s.cadence} 天谈一次）` : `已 ${s.talk_days} 天没有谈心谈话（应每 ${s.cadence} 天谈一次）`;
    case 'not_reading':
      return `${monthNo(w.recentFrom)} 月以来推送 ${s.d_recent} 条，一条未读`;
    case 'reading_falling': {
      const before = monthNo(w.beforeFrom);
      return `推送阅读率从 ${percent(s.r_before, s.d_before)} 降到 ${percent(s.r_recent, s.d_recent)}（${before}–${(before % 12) + 1} 月 → ${monthNo(w.recentFrom)} 月以来）`;
    }
    case 'absences':
      return `近 3 个月缺课 ${s.missed} 次未补学`;
    case 'inactive_app':
      return s.last_active_at === null ? '从未登录' : `已 ${s.inactive_days} 天没有打开连心`;
    case 'no_share':
      return s.last_share === null ? `${settings.noShareMonths} 个月没有分享（还从未分享过）` : `${settings.noShareMonths} 个月没有分享（上次分享在 ${s.last_share}）`;
  }
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthEn = (n: number): string => MONTHS_EN[n - 1] ?? String(n);

/** The same reasons in English, for an en-US caller. */
function reasonTextEn(kind: DriftReasonKind, s: DriftSignals, settings: TenantSettings, w: DriftWindows): string {
  switch (kind) {
    case 'lost_contact':
      return `Lost contact confirmed (since ${s.lost_contact_since})`;
    case 'lost_contact_suspected':
      return `Lost contact suspected: no contact for ${s.silent_days} days (more than ${settings.lostContactDays}); please check`;
    case 'no_talk':
      return s.last_talk === null ? `No heart-to-heart talk yet (due every ${s.cadence} days)` : `No heart-to-heart talk for ${s.talk_days} days (due every ${s.cadence} days)`;
    case 'not_reading':
      return `${s.d_recent} pushes since ${monthEn(monthNo(w.recentFrom))}, none read`;
    case 'reading_falling': {
      const before = monthNo(w.beforeFrom);
      return `Push read rate fell from ${percent(s.r_before, s.d_before)} to ${percent(s.r_recent, s.d_recent)} (${monthEn(before)}–${monthEn((before % 12) + 1)} → since ${monthEn(monthNo(w.recentFrom))})`;
    }
    case 'absences':
      return `Missed ${s.missed} meetings in the last 3 months without a make-up`;
    case 'inactive_app':
      return s.last_active_at === null ? 'Never signed in' : `Has not opened Lianxin for ${s.inactive_days} days`;
    case 'no_share':
      return s.last_share === null ? `Has not shared for ${settings.noShareMonths} months (never shared yet)` : `Has not shared for ${settings.noShareMonths} months (last shared on ${s.last_share})`;
  }
}

function reasonsOf(s: DriftSignals, settings: TenantSettings, w: DriftWindows, lang?: Lang): DriftRow['reasons'] {
  return REASON_ORDER.filter((k) => s[k]).map((kind) => ({ kind, text: reasonText(kind, s, settings, w, lang) }));
}

/** The members a drift list looks at: a unit the caller manages, else every subtree they are secretary of. */
async function driftScope(db: Executor, ctx: RequestContext, orgId: string | undefined): Promise<DriftScope> {
  const paths = await listSubtrees(db, ctx, 'care.manage', orgId);
  if (paths === 'all') return { kind: 'tenant' };
  // The tenant's only top unit is the whole tenant: aggregate each table once instead of member by member.
  const [only] = paths;
  if (paths.length === 1 && only && only.split('/').filter(Boolean).length === 1) {
    const roots = await db
      .selectFrom('org')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', ctx.actor.tenantId)
      .where('parent_id', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(roots.n) === 1) return { kind: 'tenant' };
  }
  return { kind: 'subtrees', paths };
}

/**
 * The drift list (流失预警) of a unit (`orgId`, care.manage) or of the caller's secretary subtrees:
 * members with at least one reason, high first, then more reasons, then the longest without
 * contact; `byReason` counts the whole filtered list, `members` the members examined (in scope,
 * the mobile filter applied). One statement for the page, the total and the counts.
 */
export async function listDrift(db: Database, ctx: RequestContext, q: DriftQueryInput): Promise<DriftList> {
  const { actor } = ctx;
  const scope = await driftScope(db, ctx, q.orgId);
  const settings = await getSettings(db, actor.tenantId);
  const today = shanghaiDate();
  const w = driftWindows(today);
  const result = await readDriftList(db, {
    tenantId: actor.tenantId,
    scope,
    today,
    settings,
    mobile: q.mobile,
    reason: q.reason,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  const byReason = result.by_reason;
  return {
    members: result.members,
    total: result.total,
    byReason: REASON_KINDS.map((kind) => ({ kind, members: byReason?.[kind] ?? 0 })),
    items: (result.items ?? []).map((r) => ({
      memberId: r.id,
      name: r.name,
      phone: r.phone,
      orgName: r.org_name,
      mobile: r.mobile,
      placeName: r.place_name,
      mentorName: r.mentor_name,
      level: r.high ? 'high' : 'medium',
      reasons: reasonsOf(r, settings, w, ctx.lang),
      lastContactOn: r.last_contact,
      lastActiveAt: iso(r.last_active_at),
      readRecent: rate(r.r_recent, r.d_recent),
      readBefore: rate(r.r_before, r.d_before),
    })),
  };
}

/** The member (left ones too) and the right to read their care records. */
async function careMember(db: Executor, ctx: RequestContext, memberId: string): Promise<{ id: string; left: boolean }> {
  const { actor } = ctx;
  const m = await memberWithOrg(db, actor.tenantId, memberId);
  if (!m) throw notFound('党员');
  authorize(actor, 'care.read', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  return { id: m.id, left: m.left_at !== null };
}

export const ENGAGEMENT_MONTHS = 6;

/**
 * A member's engagement (care.read): the last 6 calendar months (the current one last) of pushes
 * delivered and read, closed sessions invited / attended / made up and talks; the drift reasons
 * that hold now (none for a member who has left); the last talk, contact and app activity.
 */
export async function getEngagement(db: Database, ctx: RequestContext, memberId: string): Promise<Engagement> {
  const { actor } = ctx;
  const member = await careMember(db, ctx, memberId);
  const settings = await getSettings(db, actor.tenantId);
  const today = shanghaiDate();
  const [months, signals] = await Promise.all([
    readEngagementMonths(db, { tenantId: actor.tenantId, memberId, today, months: ENGAGEMENT_MONTHS }),
    readMemberSignals(db, { tenantId: actor.tenantId, memberId, today, settings }),
  ]);
  const last = await lastMoments(db, actor.tenantId, memberId, signals);
  return {
    memberId,
    months: months.map((m) => ({
      month: m.month,
      pushesDelivered: m.pushes_delivered,
      pushesRead: m.pushes_read,
      sessionsInvited: m.sessions_invited,
      sessionsAttended: m.sessions_attended,
      sessionsMadeUp: m.sessions_made_up,
      talks: m.talks,
      shares: m.shares,
    })),
    reasons: signals && !member.left ? reasonsOf(signals, settings, driftWindows(today), ctx.lang) : [],
    ...last,
  };
}

/** Last talk, contact and activity: from the signals, or (a member who has left is not examined) straight from the tables. */
async function lastMoments(db: Executor, tenantId: string, memberId: string, s: DriftSignals | undefined): Promise<Pick<Engagement, 'lastTalkOn' | 'lastContactOn' | 'lastActiveAt'>> {
  if (s) return { lastTalkOn: s.last_talk, lastContactOn: s.last_contact, lastActiveAt: iso(s.last_active_at) };
  const { rows } = await sql<{ last_talk: string | null; last_contact: string | null; last_active_at: Date | null }>`
    SELECT t.last_talk::text AS last_talk, GREATEST(t.last_talk, v.last_visit, m.last_contact_at)::text AS last_contact, m.last_active_at
    FROM member m
    CROSS JOIN (SELECT max(talked_on) AS last_talk FROM talk WHERE tenant_id = ${tenantId} AND member_id = ${memberId}) t
    CROSS JOIN (
      SELECT max(d.trip_on) AS last_visit FROM delivery_member dm JOIN delivery d ON d.tenant_id = dm.tenant_id AND d.id = dm.delivery_id
      WHERE dm.tenant_id = ${tenantId} AND dm.member_id = ${memberId}
    ) v
    WHERE m.tenant_id = ${tenantId} AND m.id = ${memberId}`.execute(db);
  const r = rows[0];
  return { lastTalkOn: r?.last_talk ?? null, lastContactOn: r?.last_contact ?? null, lastActiveAt: iso(r?.last_active_at ?? null) };
}

// ---------- timeline ----------

const CHANNEL: Record<string, string> = { phone: '电话', video: '视频', wechat: '微信', in_person: '当面' };
const ATTENDANCE: Record<string, string> = { present: '出席', late: '迟到', excused: '请假', absent: '缺席', made_up: '已补学', invited: '未记录' };
const TASK_KIND: Record<string, string> = {
  absence_streak: '连续缺课',
  unread_streak: '连续未读',
  follow_up: '谈话跟进',
  visit: '走访',
  hardship: '困难帮扶',
  lost_contact: '失联',
  unreachable: '联系不上',
  other: '其他',
};
const SHARE_KIND: Record<string, string> = { study: '学习心得', work: '工作见闻', home_advice: '家乡建言', city: '城市见闻', other: '其他' };
const SHARE_KIND_EN: Record<string, string> = { study: 'study notes', work: 'work stories', home_advice: 'advice for home', city: 'city life', other: 'other' };
const POST_STATUS: Record<string, string> = { none: '未寄出', pending: '待寄出', posted: '已寄出', delivered: '已送达', returned: '被退回' };
const DETAIL_CHARS = 60;
const clip = (s: string | null, n = DETAIL_CHARS): string | null => (s ? ([...s].length > n ? `${[...s].slice(0, n).join('')}…` : s) : null);

function present(r: TimelineRow): TimelineEvent {
  const at = r.day ?? r.at.toISOString();
  const ev = (kind: TimelineEvent['kind'], title: string, detail: string | null = null): TimelineEvent => ({ at, kind, title, detail, refId: r.ref_id });
  const name = r.name ?? '';
  switch (r.kind) {
    case 'joined':
      return ev('joined', r.code === 'probationary' ? '入党（预备党员）' : '入党');
    case 'moved':
      return ev('moved', `外出：${name}`, r.text || null);
    case 'returned':
      return ev('returned', `返乡（此前在${name}）`);
    case 'mentor_start':
      return ev('mentor', `传帮带联系人：${name}`);
    case 'mentor_end':
      return ev('mentor', `传帮带结束：${name}`);
    case 'talk':
      return ev('talk', `${CHANNEL[r.code ?? ''] ?? ''}谈心谈话 · ${name}`, clip(r.text));
    case 'session':
      return ev('session', name, ATTENDANCE[r.code ?? ''] ?? null);
    case 'makeup':
      return ev('makeup', `补学：${name}`, r.code === 'returned' ? '已退回，需重写' : '已提交');
    case 'reading':
      return ev('reading', `${r.code} 月读了 ${r.n1}/${r.n2} 条推送`);
    case 'task_raised':
      return ev('task', `跟进任务：${clip(name)}`, TASK_KIND[r.code ?? ''] ?? null);
    case 'task_closed':
      return ev('task', `${r.code === 'done' ? '跟进任务完成' : '跟进任务放弃'}：${clip(name)}`, clip(r.text));
    case 'delivery':
      return ev('delivery', `千里送学：${name}`, clip(r.text));
    case 'card': {
      const ecard = r.n1 ? '电子贺卡，已查看' : '电子贺卡，未查看';
      const post = `邮寄${POST_STATUS[r.text ?? ''] ?? ''}`;
      return ev('card', `收到贺卡：${name}`, r.code === 'post' ? post : r.code === 'both' ? `${ecard}；${post}` : ecard);
    }
    case 'contact':
      return ev('contact', '记录了一次联系');
    case 'lost_contact':
      return ev('lost_contact', '确认失联', `自 ${name} 起失去联系`);
    case 'share':
      return ev('share', `分享：${SHARE_KIND[r.code ?? ''] ?? ''}${r.n1 ? '（已被隐藏）' : ''}`, clip(r.text));
    case 'service':
      return ev('service', `志愿服务 ${r.n1 ?? 0} 分钟：${clip(r.text, 30) ?? ''}`, [r.name, r.n2 ? '远程' : null].filter(Boolean).join(' · ') || null);
  }
}

const CHANNEL_EN: Record<string, string> = { phone: 'Phone', video: 'Video', wechat: 'WeChat', in_person: 'In-person' };
const ATTENDANCE_EN: Record<string, string> = { present: 'Present', late: 'Late', excused: 'On leave', absent: 'Absent', made_up: 'Made up', invited: 'Not recorded' };
const TASK_KIND_EN: Record<string, string> = {
  absence_streak: 'Absence streak',
  unread_streak: 'Unread streak',
  follow_up: 'Talk follow-up',
  visit: 'Visit',
  hardship: 'Hardship help',
  lost_contact: 'Lost contact',
  unreachable: 'Not reached by any channel',
  other: 'Other',
};
const POST_STATUS_EN: Record<string, string> = { none: 'not posted', pending: 'waiting to be posted', posted: 'posted', delivered: 'delivered', returned: 'returned' };
/** A task's reason: what a rule worded comes in English; what a person wrote stays. */
const RULE_TASK_KINDS = new Set(['absence_streak', 'unread_streak', 'lost_contact', 'unreachable']);

/** The same events worded in English (an en-US caller); names, places and what people wrote stay as they are. */
function presentEn(r: TimelineRow): TimelineEvent {
  const at = r.day ?? r.at.toISOString();
  const ev = (kind: TimelineEvent['kind'], title: string, detail: string | null = null): TimelineEvent => ({ at, kind, title, detail, refId: r.ref_id });
  const name = r.name ?? '';
  switch (r.kind) {
    case 'joined':
      return ev('joined', r.code === 'probationary' ? 'Joined the party (probationary)' : 'Joined the party');
    case 'moved':
      return ev('moved', `Went out: ${name}`, r.text || null);
    case 'returned':
      return ev('returned', `Came home (was in ${name})`);
    case 'mentor_start':
      return ev('mentor', `Mentor: ${name}`);
    case 'mentor_end':
      return ev('mentor', `Mentoring ended: ${name}`);
    case 'talk':
      return ev('talk', `${CHANNEL_EN[r.code ?? ''] ?? ''} heart-to-heart talk · ${name}`.trim(), clip(r.text));
    case 'session':
      return ev('session', name, ATTENDANCE_EN[r.code ?? ''] ?? null);
    case 'makeup':
      return ev('makeup', `Make-up: ${name}`, r.code === 'returned' ? 'Sent back, to be rewritten' : 'Submitted');
    case 'reading':
      return ev('reading', `Read ${r.n1}/${r.n2} pushes in month ${r.code}`);
    case 'task_raised':
      return ev('task', `Care task: ${clip(RULE_TASK_KINDS.has(r.code ?? '') ? say('en-US', name) : name)}`, TASK_KIND_EN[r.code ?? ''] ?? null);
    case 'task_closed':
      // the row has the status, not the kind: a reason or note a rule worded is known by its form
      return ev('task', `${r.code === 'done' ? 'Care task done' : 'Care task dropped'}: ${clip(say('en-US', name))}`, clip(r.text === null ? null : say('en-US', r.text)));
    case 'delivery':
      return ev('delivery', `Study delivery: ${name}`, clip(r.text));
    case 'card': {
      const ecard = r.n1 ? 'e-card, viewed' : 'e-card, not viewed';
      const post = `post ${POST_STATUS_EN[r.text ?? ''] ?? ''}`.trim();
      return ev('card', `Card received: ${name}`, r.code === 'post' ? post : r.code === 'both' ? `${ecard}; ${post}` : ecard);
    }
    case 'contact':
      return ev('contact', 'A contact was recorded');
    case 'lost_contact':
      return ev('lost_contact', 'Lost contact confirmed', `Out of contact since ${name}`);
    case 'share':
      return ev('share', `Shared: ${SHARE_KIND_EN[r.code ?? ''] ?? ''}${r.n1 ? ' (hidden)' : ''}`, clip(r.text));
    case 'service':
      return ev('service', `Volunteer service, ${r.n1 ?? 0} min: ${clip(r.text, 30) ?? ''}`, [r.name, r.n2 ? 'remote' : null].filter(Boolean).join(' · ') || null);
  }
}

/** `before` as given by the client: a day (its start in China) or an ISO time. */
function parseBefore(before: string | undefined): Date {
  if (before === undefined || before === '') return clock.now();
  const t = /^\d{4}-\d{2}-\d{2}$/.test(before) ? Date.parse(`${before}T00:00:00+08:00`) : /^\d{4}-\d{2}-\d{2}T/.test(before) ? Date.parse(before) : Number.NaN;
  if (Number.isNaN(t)) {
    throw new AppError('validation_failed', '翻页时间格式不正确', [{ field: 'before', message: `“${before}”不是日期（YYYY-MM-DD）或 ISO 时间` }]);
  }
  return new Date(t);
}

/** Events sharing one time are never split across pages; more than this many at one instant is not a timeline. */
const MAX_TIES = 1000;

/**
 * Everything that happened with a member, newest first (care.read; writes 'timeline.view' to the
 * audit log, since it shows what talks were about): joining, moves and returns, mentors, talks,
 * closed sessions they were invited to, make-ups submitted, reading per month, care tasks raised and
 * closed, delivery visits, cards, the last contact recorded, lost contact confirmed, posts shared. Paged back with
 * `before` (the `at` of the last event shown); a page never ends inside a group of events at the
 * same time, so the next page (`at < before`) neither repeats nor skips one.
 */
export async function getTimeline(db: Database, ctx: RequestContext, memberId: string, q: TimelineQueryInput): Promise<Timeline> {
  const { actor } = ctx;
  const before = parseBefore(q.before);
  await careMember(db, ctx, memberId);
  const base = { tenantId: actor.tenantId, memberId, today: shanghaiDate() };
  const rows = await readTimeline(db, { ...base, before, limit: q.limit + 1 });
  let page = rows;
  let more = false;
  if (rows.length > q.limit) {
    more = true;
    const boundary = (rows[q.limit] as TimelineRow).at.getTime();
    page = rows.slice(0, q.limit);
    while (page.length > 0 && (page[page.length - 1] as TimelineRow).at.getTime() === boundary) page.pop();
    if (page.length === 0) {
      // Every row of the page shares one time: show that whole group.
      const group = await readTimeline(db, { ...base, before: new Date(boundary + 1), limit: MAX_TIES + 1 });
      page = group.filter((r) => r.at.getTime() === boundary);
      more = group.length > page.length;
    }
  }
  const items = page.map(ctx.lang === 'en-US' ? presentEn : present);
  await recordAudit(db, ctx, {
    tenantId: actor.tenantId,
    action: 'timeline.view',
    entity: 'member',
    entityId: memberId,
    after: { count: items.length, before: q.before ?? null },
  });
  return { items, more };
}
