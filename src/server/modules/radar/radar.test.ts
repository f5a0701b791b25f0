import { sql, type Updateable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type TestEnv } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import type { MemberTable } from '../../db/tables.ts';
import { addDays, clock, shanghaiDate } from '../../clock.ts';
import type { DriftList, DriftRow, Engagement, Timeline, TimelineEvent } from '../../../shared/api-care.ts';
import { updateSettings } from '../settings/index.ts';
import { getEngagement, getTimeline, listDrift } from './service.ts';

/**
 * The drift radar, a member's engagement and timeline on the demo village, with the learning and
 * care rows written straight into their tables (the radar only reads them). Every member starts
 * "in touch" (contacted yesterday, nothing else recorded), then each scenario member gets exactly
 * the history that should give it one reason (or none), so every sentence and number is known.
 */
let env: TestEnv;
let admin: RequestContext;
let village: RequestContext;
let branch1Secretary: RequestContext;
let mentor: RequestContext;
const today = shanghaiDate();

const daysAgo = (n: number): string => addDays(today, -n);
/** First day of the month `back` months before this one (China time). */
const monthStart = (back: number): string => {
  const [y, m] = today.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 - back, 1)).toISOString().slice(0, 10);
};
const monthNo = (back: number): number => Number(monthStart(back).slice(5, 7));
/** A time `n` days ago at hh:mm China time. */
const at = (n: number, hhmm = '10:00'): Date => new Date(`${daysAgo(n)}T${hhmm}:00+08:00`);

let orgs: { village: string; branch1: string; mobileBranch: string };
/** scenario members by letter (see beforeAll) */
const m: Record<string, string> = {};
let mentee = '';

async function orgId(name: string): Promise<string> {
  return (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow()).id;
}

async function addTalk(memberId: string, ago: number, summary = '电话了解近况，工作稳定。', channel: 'phone' | 'video' | 'wechat' | 'in_person' = 'phone'): Promise<string> {
  const row = await env.db
    .insertInto('talk')
    .values({ tenant_id: env.tenantId, member_id: memberId, talked_on: daysAgo(ago), channel, talker_name: '李传帮', summary })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addVisit(memberId: string, ago: number, items: string[] = ['党徽'], words: string | null = null): Promise<string> {
  const trip = await env.db
    .insertInto('delivery')
    .values({ tenant_id: env.tenantId, org_id: orgs.village, trip_on: daysAgo(ago), province_code: '32', city_code: '3205', place_name: '江苏省苏州市', travellers: ['村党总支书记'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  await env.db.insertInto('delivery_member').values({ tenant_id: env.tenantId, delivery_id: trip.id, member_id: memberId, items, words }).execute();
  return trip.id;
}

interface MonthNumbers {
  delivered?: number;
  read?: number;
  invited?: number;
  attended?: number;
  madeUp?: number;
  missed?: number;
}

/** The monthly rollup row as the learning triggers would keep it. */
async function setMonth(memberId: string, back: number, n: MonthNumbers): Promise<void> {
  const values = {
    pushes_delivered: n.delivered ?? 0,
    pushes_read: n.read ?? 0,
    sessions_invited: n.invited ?? (n.attended ?? 0) + (n.madeUp ?? 0) + (n.missed ?? 0),
    sessions_attended: n.attended ?? 0,
    sessions_made_up: n.madeUp ?? 0,
    sessions_missed: n.missed ?? 0,
  };
  await env.db
    .insertInto('learning_month')
    .values({ tenant_id: env.tenantId, member_id: memberId, month: monthStart(back), ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'month']).doUpdateSet(values))
    .execute();
}

/** Every demo member has a member-app account: this one's was opened `createdAgo` days ago (or is disabled). */
async function setAccount(memberId: string, createdAgo: number, disabled = false): Promise<void> {
  await env.db
    .updateTable('account')
    .set({ created_at: at(createdAgo), disabled_at: disabled ? clock.now() : null })
    .where('tenant_id', '=', env.tenantId)
    .where('member_id', '=', memberId)
    .execute();
}

async function setMember(memberId: string, patch: Updateable<MemberTable>): Promise<void> {
  await env.db.updateTable('member').set(patch).where('tenant_id', '=', env.tenantId).where('id', '=', memberId).execute();
}

const drift = (ctx: RequestContext, q: Partial<{ orgId: string; mobile: boolean; reason: DriftRow['reasons'][number]['kind']; page: number; pageSize: number }> = {}): Promise<DriftList> =>
  listDrift(env.db, ctx, { page: 1, pageSize: 200, ...q });
const row = (list: DriftList, id: string | undefined): DriftRow | undefined => list.items.find((r) => r.memberId === id);
const texts = (list: DriftList, id: string | undefined): string[] | undefined => row(list, id)?.reasons.map((r) => r.text);

beforeAll(async () => {
  env = await openTestApp();
  admin = await contextFor(env, PHONES.tenantAdmin);
  village = await contextFor(env, PHONES.generalSecretary);
  branch1Secretary = await contextFor(env, PHONES.branchSecretary);
  mentor = await contextFor(env, PHONES.mentor);
  orgs = { village: await orgId('新桥村党总支'), branch1: await orgId('第一党支部'), mobileBranch: await orgId('流动党员党支部') };
  mentee = await memberIdByPhone(env, PHONES.mobileMember);
  // Everyone in touch: contacted yesterday, no lost-contact flag.
  await sql`UPDATE member SET last_contact_at = ${daysAgo(1)}, lost_contact_since = NULL, lost_contact_confirmed_at = NULL WHERE tenant_id = ${env.tenantId}`.execute(env.db);

  const mobiles = await env.db
    .selectFrom('member as mm')
    .innerJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'mm.tenant_id').onRef('mb.member_id', '=', 'mm.id').on('mb.ended_on', 'is', null))
    .select('mm.id')
    .where('mm.tenant_id', '=', env.tenantId)
    .where('mm.id', '!=', mentee)
    .orderBy('mm.name')
    .execute();
  // Locals of 第一党支部 (its secretary sees them) and of the other branches, not the demo accounts' people.
  const locals = async (branch: string) =>
    (
      await env.db
        .selectFrom('member as mm')
        .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'mm.tenant_id').onRef('o.id', '=', 'mm.org_id'))
        .leftJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'mm.tenant_id').onRef('mb.member_id', '=', 'mm.id').on('mb.ended_on', 'is', null))
        .select('mm.id')
        .where('mm.tenant_id', '=', env.tenantId)
        .where('mb.id', 'is', null)
        .where('mm.phone', 'not like', '1380000000%')
        .where('o.parent_id', '=', await orgId(branch))
        .orderBy('mm.name')
        .execute()
    ).map((r) => r.id);
  const b1 = await locals('第一党支部');
  const b2 = await locals('第二党支部');
  const mob = mobiles.map((r) => r.id);
  Object.assign(m, {
    A: mob[0], B: mob[1], C: mob[2], F: mob[3], L: mob[4], M: mob[5], N: mob[6],
    G: b1[0], H: b1[1], I: b1[2], J: b1[3], K: b1[4],
    D: b2[0], E: b2[1], E2: b2[2], E3: b2[3], G2: b2[4], X: b2[5],
  });

  // The mobile members not named below had a talk yesterday (only a talk keeps the talk cadence).
  for (const id of mob.slice(7)) await addTalk(id, 1);
  // A: talked 75 days ago, contact recorded 80 days ago → no_talk (75 days).
  await addTalk(m.A as string, 75);
  await setMember(m.A as string, { last_contact_at: daysAgo(80) });
  // B: talked 100 days ago, visited on a trip 10 days ago: in touch, but a visit is not a talk → no_talk (100 days).
  await addTalk(m.B as string, 100);
  await setMember(m.B as string, { last_contact_at: daysAgo(100) });
  await addVisit(m.B as string, 10);
  // C: away for 20 days, nothing recorded → no talk yet.
  await setMember(m.C as string, { last_contact_at: null });
  await env.db.updateTable('mobility').set({ since: daysAgo(20) }).where('tenant_id', '=', env.tenantId).where('member_id', '=', m.C as string).where('ended_on', 'is', null).execute();
  // D: at home, last talk and contact 100 days ago: no cadence at home by default.
  await addTalk(m.D as string, 100);
  await setMember(m.D as string, { last_contact_at: daysAgo(100) });
  // E: read 85% of pushes, now 20% → reading falling.
  await setMonth(m.E as string, 3, { delivered: 20, read: 17 });
  await setMonth(m.E as string, 2, { delivered: 20, read: 17 });
  await setMonth(m.E as string, 1, { delivered: 20, read: 4 });
  await setMonth(m.E as string, 0, { delivered: 10, read: 2 });
  await setMonth(m.E as string, 4, { delivered: 30, read: 0 }); // outside both windows
  await addTalk(m.E as string, 0, '谈话一'); // talks for the engagement months (this month)
  // E2: 85% → 70%: a drop, not a clear one. E3: too few pushes to tell.
  await setMonth(m.E2 as string, 2, { delivered: 20, read: 17 });
  await setMonth(m.E2 as string, 1, { delivered: 20, read: 14 });
  await setMonth(m.E3 as string, 2, { delivered: 4, read: 4 });
  await setMonth(m.E3 as string, 1, { delivered: 4, read: 1 });
  // F: 28 pushes since last month, none read (read everything before); talked yesterday.
  await addTalk(m.F as string, 1);
  await setMonth(m.F as string, 3, { delivered: 20, read: 20 });
  await setMonth(m.F as string, 1, { delivered: 20, read: 0 });
  await setMonth(m.F as string, 0, { delivered: 8, read: 0 });
  // G: 2 sessions missed last month. G2: 1 in the window, 3 before it.
  await setMonth(m.G as string, 1, { attended: 1, missed: 2 });
  await setMonth(m.G2 as string, 1, { missed: 1 });
  await setMonth(m.G2 as string, 3, { missed: 3 });
  // H: account, last active 45 days ago. I: account for 60 days, never active. J: account since 5 days.
  // K: account disabled long ago, never active (no account to use).
  await setAccount(m.H as string, 100);
  await setMember(m.H as string, { last_active_at: new Date(clock.now().getTime() - 45 * 86_400_000) });
  await setAccount(m.I as string, 60);
  await setAccount(m.J as string, 5);
  await setAccount(m.K as string, 300, true);
  // L: lost contact confirmed (300 days). M: not heard from for 200 days → suspected.
  await setMember(m.L as string, { last_contact_at: daysAgo(300), lost_contact_since: daysAgo(300), lost_contact_confirmed_at: at(10) });
  await setMember(m.M as string, { last_contact_at: daysAgo(200) });
  // N: talked 40 days ago, nothing read since last month, 2 classes missed this month → 3 reasons.
  await addTalk(m.N as string, 40);
  await setMember(m.N as string, { last_contact_at: daysAgo(40) });
  await setMonth(m.N as string, 1, { delivered: 10, read: 0 });
  await setMonth(m.N as string, 0, { missed: 2 });
  // X: would have a reason (absences) but has left the party's roll here.
  await setMonth(m.X as string, 0, { missed: 3 });
  await setMember(m.X as string, { left_at: clock.now() });
});
afterAll(async () => env?.close());

describe('drift list', () => {
  it('gives every drifting member their reasons as sentences with the numbers', async () => {
    const list = await drift(admin);
    expect(texts(list, m.A)).toEqual(['已 75 天没有谈心谈话（应每 30 天谈一次）']);
    expect(texts(list, m.B)).toEqual(['已 100 天没有谈心谈话（应每 30 天谈一次）']);
    expect(texts(list, m.C)).toEqual(['还没有谈心谈话记录（应每 30 天谈一次）']);
    // the demo mobile member (the timeline's) has had no talk yet
    expect(texts(list, mentee)).toEqual(['还没有谈心谈话记录（应每 30 天谈一次）']);
    expect(row(list, m.D)).toBeUndefined();
    expect(texts(list, m.E)).toEqual([`推送阅读率从 85% 降到 20%（${monthNo(3)}–${monthNo(2)} 月 → ${monthNo(1)} 月以来）`]);
    expect(row(list, m.E2)).toBeUndefined();
    expect(row(list, m.E3)).toBeUndefined();
    expect(texts(list, m.F)).toEqual([`${monthNo(1)} 月以来推送 28 条，一条未读`]);
    expect(texts(list, m.G)).toEqual(['近 3 个月缺课 2 次未补学']);
    expect(row(list, m.G2)).toBeUndefined();
    expect(texts(list, m.H)).toEqual(['已 45 天没有打开连心']);
    expect(texts(list, m.I)).toEqual(['从未登录']);
    expect(row(list, m.J)).toBeUndefined();
    expect(row(list, m.K)).toBeUndefined();
    expect(texts(list, m.L)).toEqual([`已确认失联（自 ${daysAgo(300)} 起）`, '还没有谈心谈话记录（应每 30 天谈一次）']);
    expect(texts(list, m.M)).toEqual(['疑似失联：已 200 天没有联系（超过 180 天），请确认', '还没有谈心谈话记录（应每 30 天谈一次）']);
    expect(texts(list, m.N)).toEqual(['已 40 天没有谈心谈话（应每 30 天谈一次）', `${monthNo(1)} 月以来推送 10 条，一条未读`, '近 3 个月缺课 2 次未补学']);
    expect(row(list, m.X)).toBeUndefined();
    // Nobody else in the village drifts: everyone else was contacted yesterday and has no history.
    expect(list.items.map((r) => r.memberId).sort()).toEqual([m.A, m.B, m.C, m.E, m.F, m.G, m.H, m.I, m.L, m.M, m.N, mentee].sort());
    expect(list.total).toBe(12);
    expect(list.members).toBe(112); // 113 in the village, one has left
  });

  it('shows the facts next to the reasons', async () => {
    const list = await drift(admin);
    const e = row(list, m.E);
    expect(e).toMatchObject({ readRecent: 0.2, readBefore: 0.85, level: 'medium', mobile: false, lastContactOn: daysAgo(0) });
    const a = row(list, m.A);
    expect(a).toMatchObject({ mobile: true, lastContactOn: daysAgo(75), readRecent: null, readBefore: null });
    expect(a?.placeName).toBeTruthy();
    expect(a?.mentorName).toBeTruthy();
    expect(row(list, m.H)?.lastActiveAt).toBe(new Date((await env.db.selectFrom('member').select('last_active_at').where('id', '=', m.H as string).executeTakeFirstOrThrow()).last_active_at as Date).toISOString());
  });

  it('puts lost contact and 3+ reasons first (high), then more reasons, then the longest without contact', async () => {
    const list = await drift(admin);
    const order = list.items.map((r) => r.memberId);
    // high: N (3 reasons), then L and M (2 each): L has been out of touch longer.
    expect(order.slice(0, 3)).toEqual([m.N, m.L, m.M]);
    expect(list.items.slice(0, 3).every((r) => r.level === 'high')).toBe(true);
    expect(list.items.slice(3).every((r) => r.level === 'medium')).toBe(true);
    // among the one-reason members, the one never contacted comes first, then the 75 days ago.
    expect(order.slice(3, 5)).toEqual([m.C, m.A]);
  });

  it('counts members per reason over the whole list, not the page, and pages', async () => {
    const page1 = await drift(admin, { pageSize: 4 });
    const byReason = Object.fromEntries(page1.byReason.map((b) => [b.kind, b.members]));
    expect(byReason).toEqual({ no_talk: 7, reading_falling: 1, not_reading: 2, absences: 2, inactive_app: 2, lost_contact_suspected: 1, lost_contact: 1, no_share: 0 });
    expect(page1.items).toHaveLength(4);
    expect(page1.total).toBe(12);
    const page3 = await drift(admin, { pageSize: 4, page: 3 });
    expect(page3.items).toHaveLength(4);
    const all = await drift(admin);
    expect([...page1.items, ...(await drift(admin, { pageSize: 4, page: 2 })).items, ...page3.items].map((r) => r.memberId)).toEqual(all.items.map((r) => r.memberId));
    const past = await drift(admin, { pageSize: 4, page: 9 });
    expect(past).toMatchObject({ items: [], total: 12, members: 112 });
  });

  it('filters by mobile and by reason (byReason then counts the filtered list)', async () => {
    const mobile = await drift(admin, { mobile: true });
    expect(mobile.items.map((r) => r.memberId).sort()).toEqual([m.A, m.B, m.C, m.F, m.L, m.M, m.N, mentee].sort());
    expect(mobile.members).toBe(13);
    const home = await drift(admin, { mobile: false });
    expect(home.items.map((r) => r.memberId).sort()).toEqual([m.E, m.G, m.H, m.I].sort());
    expect(home.members).toBe(99);
    const absent = await drift(admin, { reason: 'absences' });
    expect(absent.items.map((r) => r.memberId).sort()).toEqual([m.G, m.N].sort());
    expect(absent.total).toBe(2);
    expect(absent.byReason.filter((b) => b.members > 0)).toEqual([
      { kind: 'no_talk', members: 1 },
      { kind: 'not_reading', members: 1 },
      { kind: 'absences', members: 2 },
    ]);
  });

  it('keeps to the unit asked for and to the caller\'s own units', async () => {
    const all = await drift(admin);
    const viaOrg = await drift(village, { orgId: orgs.mobileBranch });
    const inMobileBranch = await env.db
      .selectFrom('member as mm')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'mm.tenant_id').onRef('o.id', '=', 'mm.org_id'))
      .select('mm.id')
      .where('o.parent_id', '=', orgs.mobileBranch)
      .where('mm.left_at', 'is', null)
      .execute();
    const ids = new Set(inMobileBranch.map((r) => r.id));
    expect(viaOrg.members).toBe(ids.size);
    expect(viaOrg.items.map((r) => r.memberId)).toEqual(all.items.filter((r) => ids.has(r.memberId)).map((r) => r.memberId));
    expect(viaOrg.items.length).toBeGreaterThan(0);

    // The branch secretary without orgId: 第一党支部 only (G, H, I and the demo mobile member are there; the other mobile ones are not).
    const own = await drift(branch1Secretary);
    expect(own.items.map((r) => r.memberId).sort()).toEqual([m.G, m.H, m.I, mentee].sort());
    // The village secretary without orgId sees the village: the same list as the admin.
    expect((await drift(village)).items.map((r) => r.memberId)).toEqual(all.items.map((r) => r.memberId));
    await expect(drift(branch1Secretary, { orgId: orgs.mobileBranch })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(drift(mentor)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('uses the tenant\'s talk cadence for members at home when it is set', async () => {
    await updateSettings(env.db, admin, { talkCadenceHomeDays: 90, talkCadenceDays: 60 });
    try {
      const list = await drift(admin);
      expect(texts(list, m.D)).toEqual(['已 100 天没有谈心谈话（应每 90 天谈一次）']);
      expect(texts(list, m.A)).toEqual(['已 75 天没有谈心谈话（应每 60 天谈一次）']);
      expect(row(list, m.N)?.reasons.map((r) => r.kind)).toEqual(['not_reading', 'absences']); // 40 days is within 60
      expect(row(list, m.N)?.level).toBe('medium');
    } finally {
      await updateSettings(env.db, admin, { talkCadenceHomeDays: 0, talkCadenceDays: 30 });
    }
  });

  it('answers over HTTP with the contract', async () => {
    const s = await login(env.app, PHONES.generalSecretary);
    const res = await env.app.inject({ method: 'GET', url: '/api/drift?mobile=true&pageSize=2', headers: s.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json() as DriftList;
    expect(body.items).toHaveLength(2);
    expect(body.total).toBe(8);
    const bad = await env.app.inject({ method: 'GET', url: '/api/drift?reason=bored', headers: s.headers });
    expect(bad.statusCode).toBe(400);
  });
});

describe('engagement', () => {
  it('shows six months of reading, classes and talks, the reasons and the last moments', async () => {
    await addTalk(m.E as string, 0, '谈话二', 'video');
    const e: Engagement = await getEngagement(env.db, village, m.E as string);
    expect(e.months.map((x) => x.month)).toEqual([5, 4, 3, 2, 1, 0].map((b) => monthStart(b).slice(0, 7)));
    expect(e.months[5]).toEqual({ month: monthStart(0).slice(0, 7), pushesDelivered: 10, pushesRead: 2, sessionsInvited: 0, sessionsAttended: 0, sessionsMadeUp: 0, talks: 2, shares: 0 });
    expect(e.months[4]).toMatchObject({ pushesDelivered: 20, pushesRead: 4, talks: 0 });
    expect(e.months[1]).toMatchObject({ pushesDelivered: 30, pushesRead: 0 });
    expect(e.months[0]).toMatchObject({ pushesDelivered: 0, pushesRead: 0, talks: 0 });
    expect(e.reasons.map((r) => r.kind)).toEqual(['reading_falling']);
    expect(e).toMatchObject({ memberId: m.E, lastTalkOn: today, lastContactOn: today, lastActiveAt: null });

    const g = await getEngagement(env.db, village, m.G as string);
    expect(g.months[4]).toMatchObject({ sessionsInvited: 3, sessionsAttended: 1, sessionsMadeUp: 0 });
    expect(g.reasons).toEqual([{ kind: 'absences', text: '近 3 个月缺课 2 次未补学' }]);
  });

  it('gives a member who has left no reasons, but still their last moments', async () => {
    const x = await getEngagement(env.db, admin, m.X as string);
    expect(x.reasons).toEqual([]);
    expect(x.lastContactOn).toBe(daysAgo(1));
  });

  it('is for the member\'s mentor and the secretaries above them', async () => {
    await expect(getEngagement(env.db, mentor, mentee)).resolves.toMatchObject({ memberId: mentee });
    await expect(getEngagement(env.db, mentor, m.A as string)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(getEngagement(env.db, branch1Secretary, m.E as string)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(getEngagement(env.db, admin, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
  });
});

const all = async (ctx: RequestContext = mentor): Promise<TimelineEvent[]> => (await getTimeline(env.db, ctx, mentee, { limit: 200 })).items;
/** A timeline `at` as a time: a day is its start in China. */
const atKey = (a: string): number => (a.length === 10 ? Date.parse(`${a}T00:00:00+08:00`) : Date.parse(a));

describe('timeline', () => {
  const ids: Record<string, string> = {};
  const longSummary = '谈了在外务工的体会：工厂订单多，经常加班，孩子在老家由老人照看，老人身体不太好，希望村里能帮忙照看一下，也想参加村里的线上学习。';

  beforeAll(async () => {
    const t = env.tenantId;
    // an earlier stay, with a return home
    await env.db
      .insertInto('mobility')
      .values({ tenant_id: t, member_id: mentee, province_code: '31', city_code: null, place_name: '上海市', since: daysAgo(900), ended_on: daysAgo(700), end_reason: 'returned' })
      .execute();
    // an earlier mentor
    const earlierMentor = m.K as string;
    await env.db.insertInto('mentorship').values({ tenant_id: t, member_id: mentee, mentor_member_id: earlierMentor, started_on: daysAgo(800), ended_on: daysAgo(401) }).execute();
    ids.talk10 = await addTalk(mentee, 10, longSummary, 'video');
    ids.talk40 = await addTalk(mentee, 40, '微信聊了聊近况。', 'wechat');
    ids.talk70 = await addTalk(mentee, 70);
    // a visit on the same day as a talk (two events at one time)
    ids.trip = await addVisit(mentee, 40, ['党徽', '学习资料'], '感谢家乡的关心');
    // a closed class they missed and made up
    const starts = at(20, '19:30');
    const session = await env.db
      .insertInto('study_session')
      .values({
        tenant_id: t, org_id: orgs.branch1, kind: 'online_class', title: '流动党员云课堂', starts_at: starts, ends_at: new Date(starts.getTime() + 5_400_000),
        mode: 'online', checkin_opens_at: new Date(starts.getTime() - 1_800_000), checkin_closes_at: new Date(starts.getTime() + 5_400_000),
        qr_secret: 'x', audience: 'list', status: 'closed', closed_at: new Date(starts.getTime() + 5_400_000),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.session = session.id;
    await env.db.insertInto('attendance').values({ tenant_id: t, session_id: session.id, member_id: mentee, voting: true, status: 'made_up' }).execute();
    await env.db
      .insertInto('makeup')
      .values({ tenant_id: t, session_id: session.id, member_id: mentee, missed_status: 'absent', due_on: daysAgo(-10), status: 'submitted', reflection: '看了回放', submitted_at: at(15, '21:00') })
      .execute();
    await setMonth(mentee, 1, { delivered: 30, read: 25 });
    // a follow-up task raised and done
    const task = await env.db
      .insertInto('care_task')
      .values({ tenant_id: t, member_id: mentee, kind: 'follow_up', reason: '帮助联系老人体检', due_on: daysAgo(23), status: 'done', note: '已陪同体检', closed_at: at(25, '16:00'), created_at: at(30, '09:00') })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.task = task.id;
    // a holiday card
    const campaign = await env.db
      .insertInto('card_campaign')
      .values({ tenant_id: t, org_id: orgs.village, occasion: 'mid_autumn', title: '中秋贺卡', greeting: '月圆人团圆', signature: '新桥村党总支', send_on: daysAgo(60), sent_at: at(60, '09:00') })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.campaign = campaign.id;
    await env.db.insertInto('card').values({ tenant_id: t, campaign_id: campaign.id, member_id: mentee, channel: 'ecard', sent_at: at(60, '09:00'), opened_at: at(59) }).execute();
    await setMember(mentee, { last_contact_at: daysAgo(5), join_date: '2015-07-01' });
  });


  it('tells everything that happened with the member, newest first', async () => {
    const items = await all();
    const brief = items.map((e) => [e.at, e.kind, e.title, e.detail]);
    const current = await env.db.selectFrom('mobility').selectAll().where('member_id', '=', mentee).where('ended_on', 'is', null).executeTakeFirstOrThrow();
    const mentorName = (await env.db.selectFrom('member').select('name').where('phone', '=', PHONES.mentor).executeTakeFirstOrThrow()).name;
    const earlierMentorName = (await env.db.selectFrom('member').select('name').where('id', '=', m.K as string).executeTakeFirstOrThrow()).name;
    const time = (n: number, hhmm: string) => at(n, hhmm).toISOString();
    const expected: [string, string, string, string | null][] = [
      [daysAgo(5), 'contact', '记录了一次联系', null],
      [daysAgo(10), 'talk', '视频谈心谈话 · 李传帮', `${[...longSummary].slice(0, 60).join('')}…`],
      [time(15, '21:00'), 'makeup', '补学：流动党员云课堂', '已提交'],
      [time(20, '19:30'), 'session', '流动党员云课堂', '已补学'],
      [time(25, '16:00'), 'task', '跟进任务完成：帮助联系老人体检', '已陪同体检'],
      [time(30, '09:00'), 'task', '跟进任务：帮助联系老人体检', '谈话跟进'],
      [daysAgo(40), 'delivery', '千里送学：江苏省苏州市', '党徽、学习资料；感谢家乡的关心'],
      [daysAgo(40), 'talk', '微信谈心谈话 · 李传帮', '微信聊了聊近况。'],
      [time(60, '09:00'), 'card', '收到贺卡：中秋贺卡', '电子贺卡，已查看'],
      [daysAgo(70), 'talk', '电话谈心谈话 · 李传帮', '电话了解近况，工作稳定。'],
      [daysAgo(401), 'mentor', `传帮带结束：${earlierMentorName}`, null],
      [daysAgo(400), 'mentor', `传帮带联系人：${mentorName}`, null],
      [current.since, 'moved', `外出：${current.place_name}`, [current.workplace, current.occupation].filter(Boolean).join(' · ') || null],
      [daysAgo(700), 'returned', '返乡（此前在上海市）', null],
      [daysAgo(800), 'mentor', `传帮带联系人：${earlierMentorName}`, null],
      [daysAgo(900), 'moved', '外出：上海市', null],
      ['2015-07-01', 'joined', '入党', null],
      [addDays(monthStart(0), -1), 'reading', `${monthNo(1)} 月读了 25/30 条推送`, null],
    ];
    // Newest first; a day is its start in China; at one time, by kind.
    expected.sort((x, y) => atKey(y[0]) - atKey(x[0]) || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
    expect(brief).toEqual(expected);
    // dates stay dates, times stay ISO times; refs point at what the event is about
    expect(items.find((e) => e.kind === 'contact')?.at).toBe(daysAgo(5));
    expect(items.find((e) => e.kind === 'makeup')?.at).toBe(at(15, '21:00').toISOString());
    expect(items.find((e) => e.kind === 'session')?.refId).toBe(ids.session);
    expect(items.find((e) => e.kind === 'card')?.refId).toBe(ids.campaign);
    expect(items.find((e) => e.kind === 'delivery')?.refId).toBe(ids.trip);
    expect(items.filter((e) => e.kind === 'task').map((e) => e.refId)).toEqual([ids.task, ids.task]);
  });

  it('pages back with before without repeating or skipping an event, even at equal times', async () => {
    const full = await all();
    for (const limit of [1, 2, 3, 7]) {
      const seen: TimelineEvent[] = [];
      let before: string | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const page: Timeline = await getTimeline(env.db, mentor, mentee, { limit, ...(before ? { before } : {}) });
        seen.push(...page.items);
        if (!page.more) break;
        before = page.items[page.items.length - 1]?.at;
      }
      expect(seen, `limit ${limit}`).toEqual(full);
    }
    const first = await getTimeline(env.db, mentor, mentee, { limit: 3 });
    expect(first.more).toBe(true);
    expect((await getTimeline(env.db, mentor, mentee, { limit: 200 })).more).toBe(false);
  });

  it('shows no separate contact event on a day a talk already shows, and a confirmed lost contact', async () => {
    await setMember(mentee, { last_contact_at: daysAgo(10) });
    try {
      expect((await all()).filter((e) => e.kind === 'contact')).toEqual([]);
    } finally {
      await setMember(mentee, { last_contact_at: daysAgo(5) });
    }
    const lost = (await getTimeline(env.db, admin, m.L as string, { limit: 200 })).items.find((e) => e.kind === 'lost_contact');
    expect(lost).toMatchObject({ at: at(10).toISOString(), title: '确认失联', detail: `自 ${daysAgo(300)} 起失去联系` });
  });

  it('writes an audit entry for every view', async () => {
    const count = async () =>
      Number(
        (
          await env.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('action', '=', 'timeline.view')
            .where('entity_id', '=', mentee)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await getTimeline(env.db, mentor, mentee, { limit: 5 });
    expect(await count()).toBe(before + 1);
    const entry = await env.db.selectFrom('audit_log').selectAll().where('action', '=', 'timeline.view').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ entity: 'member', entity_id: mentee, account_id: mentor.actor.accountId });
  });

  it('refuses a malformed before and other people\'s members', async () => {
    await expect(getTimeline(env.db, mentor, mentee, { limit: 5, before: 'yesterday' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(getTimeline(env.db, mentor, m.A as string, { limit: 5 })).rejects.toMatchObject({ code: 'forbidden' });
    const s = await login(env.app, PHONES.mentor);
    const res = await env.app.inject({ method: 'GET', url: `/api/members/${mentee}/timeline?limit=2`, headers: s.headers });
    expect(res.statusCode).toBe(200);
    expect((res.json() as Timeline).items).toHaveLength(2);
    const bad = await env.app.inject({ method: 'GET', url: `/api/members/${mentee}/timeline?before=2026-13-99x`, headers: s.headers });
    expect(bad.statusCode).toBe(400);
    const eng = await env.app.inject({ method: 'GET', url: `/api/members/${mentee}/engagement`, headers: s.headers });
    expect(eng.statusCode).toBe(200);
  });
});

/** A post by `memberId` for 第一党支部, made at `when`. */
async function addPost(memberId: string, when: Date): Promise<string> {
  const branch = await env.db.selectFrom('org').select(['id', 'path']).where('id', '=', orgs.branch1).executeTakeFirstOrThrow();
  const member = await env.db.selectFrom('member').select('org_id').where('id', '=', memberId).executeTakeFirstOrThrow();
  const inserted = await env.db
    .insertInto('share_post')
    .values({ tenant_id: env.tenantId, member_id: memberId, org_id: member.org_id, kind: 'home_advice', body: '建议村里修一条环村步道', audience: 'branch', audience_org_id: branch.id, audience_path: branch.path, created_at: when })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}
const branch1Members = async () =>
  (
    await env.db
      .selectFrom('member as mm')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'mm.tenant_id').onRef('o.id', '=', 'mm.org_id'))
      .select('mm.id')
      .where('mm.tenant_id', '=', env.tenantId)
      .where('mm.left_at', 'is', null)
      .where('o.path', 'like', `%${orgs.branch1}%`)
      .execute()
  ).map((r) => r.id);

describe('not sharing (每月一互动)', () => {
  it('flags no one while the branch has not shared before the window, then those of the branch who have not shared for N months', async () => {
    const before = await drift(admin, { reason: 'no_share' });
    expect(before.total).toBe(0);
    // a post made three months back: sharing has been going on in 第一党支部 for longer than 2 months
    const oldDay = `${monthStart(3)}T10:00:00+08:00`;
    const posts = [await addPost(m.G as string, new Date(oldDay))];
    // H shared this month: not flagged
    posts.push(await addPost(m.H as string, new Date(clock.now().getTime() - 60_000)));
    try {
      const list = await drift(admin, { reason: 'no_share' });
      const flagged = list.items.map((r) => r.memberId).sort();
      const expected = (await branch1Members()).filter((id) => id !== m.H).sort();
      expect(flagged).toEqual(expected);
      expect(list.byReason.find((b) => b.kind === 'no_share')?.members).toBe(expected.length);
      // a member of another branch is not flagged (their branch never shared)
      expect(row(list, m.D)).toBeUndefined();
      const everyone = await drift(admin);
      expect(texts(everyone, m.G)).toEqual(['近 3 个月缺课 2 次未补学', `2 个月没有分享（上次分享在 ${monthStart(3)}）`]);
      expect(texts(everyone, m.I)).toEqual(['从未登录', '2 个月没有分享（还从未分享过）']);
      // the months come from the settings
      await updateSettings(env.db, admin, { noShareMonths: 4 });
      try {
        expect((await drift(admin, { reason: 'no_share' })).total).toBe(0);
      } finally {
        await updateSettings(env.db, admin, { noShareMonths: 2 });
      }
      // a deleted post does not count as sharing: H is flagged again
      await env.db.updateTable('share_post').set({ deleted_at: clock.now() }).where('id', '=', posts[1] as string).execute();
      expect((await drift(admin, { reason: 'no_share' })).items.map((r) => r.memberId)).toContain(m.H);
      await env.db.updateTable('share_post').set({ deleted_at: null }).where('id', '=', posts[1] as string).execute();

      // engagement counts the month's posts; the timeline shows the post
      const h = await getEngagement(env.db, village, m.H as string);
      expect(h.months[5]).toMatchObject({ shares: 1 });
      expect(h.reasons.map((r) => r.kind)).not.toContain('no_share');
      const tl = await getTimeline(env.db, village, m.H as string, { limit: 50 });
      expect(tl.items.find((e) => e.kind === 'share')).toMatchObject({ title: '分享：家乡建言', detail: '建议村里修一条环村步道', refId: posts[1] });
      // a hidden post shows only that it was hidden, never its text
      await env.db.updateTable('share_post').set({ hidden_at: clock.now(), hidden_reason: '含有个人电话号码' }).where('id', '=', posts[1] as string).execute();
      const hidden = (await getTimeline(env.db, village, m.H as string, { limit: 50 })).items.find((e) => e.refId === posts[1]);
      expect(hidden).toMatchObject({ kind: 'share', title: '分享：家乡建言（已被隐藏）', detail: null });
      expect(JSON.stringify(hidden)).not.toContain('环村步道');
    } finally {
      await env.db.deleteFrom('share_post').where('id', 'in', posts).execute();
    }
  });
});
