import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { checkinCodeFor, slotAt } from './checkin-code.ts';
import { closeDueMeetings } from './closing.ts';
import { checkInAttendance } from './participation-repo.ts';
import { meetingsJobs } from './scheduled.ts';
import { addDays, clock, shanghaiDate } from '../../clock.ts';

let env: TestEnv;
let secretary: Session;
let branchSecretary: Session;
let leader: Session;
let member: Session;
let memberId: string;
const org: Record<string, string> = {};
const MIN = 60_000;

const local = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
const iso = (msFromNow: number) => new Date(clock.now().getTime() + msFromNow).toISOString();

async function plan(body: Record<string, unknown>, as: Session = secretary) {
  return env.app.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: as.headers,
    payload: { kind: 'online_class', title: '流动党员云课堂', mode: 'online', meetingUrl: 'https://meeting.example.com/j/123', orgId: org['第一党小组'], startsAt: iso(60 * MIN), endsAt: iso(120 * MIN), ...body },
  });
}

async function planOne(body: Record<string, unknown>, as: Session = secretary): Promise<string> {
  const res = await plan(body, as);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { ids: string[] }).ids[0] as string;
}

const count = async (table: 'study_session' | 'attendance' | 'makeup' | 'audit_log') =>
  Number((await env.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

const attendanceOf = (sessionId: string, who: string) =>
  env.db.selectFrom('attendance').selectAll().where('session_id', '=', sessionId).where('member_id', '=', who).executeTakeFirstOrThrow();

beforeAll(async () => {
  env = await openTestApp();
  for (const o of await env.db.selectFrom('org').select(['id', 'name']).execute()) org[o.name] = o.id;
  secretary = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  leader = await login(env.app, PHONES.groupLeader);
  member = await login(env.app, PHONES.mobileMember);
  memberId = await memberIdByPhone(env, PHONES.mobileMember);
});
afterAll(async () => env?.close());

describe('planning', () => {
  it('plans a monthly class for a year: 12 sessions on the same day (clamped to month end), one series, invitees resolved', async () => {
    const res = await plan({ orgId: org['第一党支部'], startsAt: '2027-01-31T19:30:00+08:00', endsAt: '2027-01-31T21:00:00+08:00', repeatMonths: 12 });
    expect(res.statusCode, res.body).toBe(200);
    const { ids, seriesId } = res.json() as { ids: string[]; seriesId: string };
    expect(ids).toHaveLength(12);
    expect(seriesId).toBeTruthy();
    const rows = await env.db.selectFrom('study_session').selectAll().where('series_id', '=', seriesId).orderBy('starts_at').execute();
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => local(r.starts_at))).toEqual([
      '2027-01-31T19:30', '2027-02-28T19:30', '2027-03-31T19:30', '2027-04-30T19:30', '2027-05-31T19:30', '2027-06-30T19:30',
      '2027-07-31T19:30', '2027-08-31T19:30', '2027-09-30T19:30', '2027-10-31T19:30', '2027-11-30T19:30', '2027-12-31T19:30',
    ]);
    for (const r of rows) {
      expect(r.ends_at.getTime() - r.starts_at.getTime()).toBe(90 * MIN);
      expect(r.starts_at.getTime() - r.checkin_opens_at.getTime()).toBe(30 * MIN);
      expect(r.checkin_closes_at.getTime()).toBe(r.ends_at.getTime());
      expect(r.makeup_days).toBe(30);
    }
    // Invitees: every member of 第一党支部's groups who has not left, voting = full member.
    const expected = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.id', '=', 'm.org_id'))
      .select(['m.id', 'm.status'])
      .where('o.name', 'in', ['第一党小组', '第二党小组', '第三党小组'])
      .where('m.left_at', 'is', null)
      .execute();
    const att = await env.db.selectFrom('attendance').selectAll().where('session_id', '=', ids[0] as string).execute();
    expect(att.map((a) => a.member_id).sort()).toEqual(expected.map((m) => m.id).sort());
    expect(att.every((a) => a.status === 'invited')).toBe(true);
    const statusOf = new Map(expected.map((m) => [m.id, m.status]));
    expect(att.every((a) => a.voting === (statusOf.get(a.member_id) === 'full'))).toBe(true);
  });

  it('refuses a session that ends before it starts, and writes nothing', async () => {
    const before = [await count('study_session'), await count('attendance'), await count('audit_log')];
    const res = await plan({ startsAt: '2027-03-01T20:00:00+08:00', endsAt: '2027-03-01T19:00:00+08:00', repeatMonths: 3 });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'validation_failed', issues: [{ field: 'endsAt', message: '结束时间应晚于开始时间' }] });
    expect([await count('study_session'), await count('attendance'), await count('audit_log')]).toEqual(before);
  });

  it('refuses an invitee outside the unit, naming them, and writes nothing', async () => {
    const outsider = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.id', '=', 'm.org_id'))
      .select(['m.id', 'm.name'])
      .where('o.name', '=', '第四党小组')
      .executeTakeFirstOrThrow();
    const before = [await count('study_session'), await count('attendance')];
    const res = await plan({ audience: 'list', memberIds: [memberId, outsider.id] });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { message: string; issues: { field: string; message: string }[] };
    expect(body.issues).toEqual([{ field: 'memberIds.1', message: `${outsider.name}不在第一党小组范围内，不能邀请` }]);
    expect(body.message).toContain(outsider.name);
    expect([await count('study_session'), await count('attendance')]).toEqual(before);
  });

  it('invites exactly the listed members', async () => {
    const id = await planOne({ audience: 'list', memberIds: [memberId] });
    const att = await env.db.selectFrom('attendance').select('member_id').where('session_id', '=', id).execute();
    expect(att.map((a) => a.member_id)).toEqual([memberId]);
  });

  it('edits only while planned and keeps what the patch does not mention', async () => {
    const id = await planOne({ checkinOpensBefore: 45, makeupQuestions: ['本次课的主题是什么？'] });
    const res = await env.app.inject({ method: 'PATCH', url: `/api/sessions/${id}`, headers: secretary.headers, payload: { title: '改期后的云课堂', endsAt: iso(180 * MIN) } });
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as { title: string; makeupQuestions: string[]; checkinOpensAt: string; startsAt: string; checkinClosesAt: string; endsAt: string };
    expect(d.title).toBe('改期后的云课堂');
    expect(d.makeupQuestions).toEqual(['本次课的主题是什么？']);
    expect(new Date(d.startsAt).getTime() - new Date(d.checkinOpensAt).getTime()).toBe(45 * MIN);
    expect(d.checkinClosesAt).toBe(d.endsAt);
    const bad = await env.app.inject({ method: 'PATCH', url: `/api/sessions/${id}`, headers: secretary.headers, payload: { endsAt: iso(0) } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].field).toBe('endsAt');
    expect((await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/cancel`, headers: secretary.headers })).json().status).toBe('cancelled');
    const late = await env.app.inject({ method: 'PATCH', url: `/api/sessions/${id}`, headers: secretary.headers, payload: { title: '再改' } });
    expect(late.statusCode).toBe(409);
  });

  it('lists sessions of the caller\'s units only', async () => {
    const inBranch2 = await planOne({ orgId: org['第四党小组'] });
    const inGroup1 = await planOne({});
    const ids = async (s: Session) => ((await env.app.inject({ url: '/api/sessions?pageSize=200', headers: s.headers })).json() as { items: { id: string }[] }).items.map((i) => i.id);
    expect(await ids(secretary)).toEqual(expect.arrayContaining([inBranch2, inGroup1]));
    expect(await ids(branchSecretary)).toContain(inGroup1);
    expect(await ids(branchSecretary)).not.toContain(inBranch2);
    expect(await ids(leader)).toContain(inGroup1);
    expect(await ids(leader)).not.toContain(inBranch2);
    expect((await env.app.inject({ url: '/api/sessions', headers: member.headers })).statusCode).toBe(403);
    expect((await env.app.inject({ url: `/api/sessions?orgId=${org['第二党支部']}`, headers: branchSecretary.headers })).statusCode).toBe(403);
  });
});

const checkin = (id: string, code?: string, as: Session = member) =>
  env.app.inject({ method: 'POST', url: `/api/me/sessions/${id}/checkin`, headers: as.headers, payload: code === undefined ? {} : { code } });

describe('check-in', () => {
  it('refuses a check-in outside the window, with the window in the message, and writes nothing', async () => {
    // A class in two days' evening in Beijing, whatever day the suite runs on.
    const day = addDays(shanghaiDate(), 2);
    const id = await planOne({ startsAt: `${day}T19:30:00+08:00`, endsAt: `${day}T21:00:00+08:00` });
    const audits = await count('audit_log');
    const res = await checkin(id);
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe(`签到尚未开始。签到时间为 ${day} 19:00 至 ${day} 21:00（北京时间）`);
    expect((await attendanceOf(id, memberId)).status).toBe('invited');
    expect(await count('audit_log')).toBe(audits);
  });

  it('checks in by QR: current and previous code pass; another session\'s code or an older code fail and write nothing', async () => {
    const id = await planOne({ startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    const other = await planOne({ startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    const secret = async (sid: string) => (await env.db.selectFrom('study_session').select('qr_secret').where('id', '=', sid).executeTakeFirstOrThrow()).qr_secret;
    const slot = slotAt(clock.now());
    const foreign = checkinCodeFor(await secret(other), other, slot);
    let res = await checkin(id, foreign);
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0]).toMatchObject({ field: 'code' });
    expect(res.json().message).toContain('不是本次会议的签到码');
    res = await checkin(id, checkinCodeFor(await secret(id), id, slot - 2));
    expect(res.statusCode).toBe(400);
    expect((await attendanceOf(id, memberId)).status).toBe('invited');
    // The host's screen shows the current code; a scan from the slot before still counts.
    const shown = await env.app.inject({ url: `/api/sessions/${id}/checkin-code`, headers: { ...secretary.headers, host: 'lianxin.example.org' } });
    expect(shown.statusCode, shown.body).toBe(200);
    const code = shown.json() as { url: string; code: string; svg: string; expiresAt: string };
    expect(code.url).toBe(`http://lianxin.example.org/m/checkin?s=${id}&c=${code.code}`);
    expect(code.svg).toContain('<svg');
    expect(new Date(code.expiresAt).getTime() % 30_000).toBe(0);
    res = await checkin(id, checkinCodeFor(await secret(id), id, slotAt(clock.now()) - 1));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ myStatus: 'present', canCheckIn: false });
    const row = await attendanceOf(id, memberId);
    expect(row).toMatchObject({ status: 'present', method: 'qr' });
    const active = await env.db.selectFrom('member').select('last_active_at').where('id', '=', memberId).executeTakeFirstOrThrow();
    expect(active.last_active_at).not.toBeNull();
  });

  it('is idempotent: the same member twice at once gives one row, both 200, one audit entry', async () => {
    const id = await planOne({ startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    const [a, b] = await Promise.all([checkin(id), checkin(id)]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(a.json().checkedInAt).toBe(b.json().checkedInAt);
    const rows = await env.db.selectFrom('attendance').selectAll().where('session_id', '=', id).where('member_id', '=', memberId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'present', method: 'self' });
    const again = await checkin(id);
    expect(again.statusCode).toBe(200);
    expect(again.json().checkedInAt).toBe(a.json().checkedInAt);
    const audits = await env.db.selectFrom('audit_log').select('id').where('action', '=', 'attendance.checkin').where('entity_id', '=', id).execute();
    expect(audits).toHaveLength(1);
  });

  it('is late more than 10 minutes after the start', async () => {
    const id = await planOne({ startsAt: iso(-20 * MIN), endsAt: iso(60 * MIN) });
    const res = await checkin(id);
    expect(res.statusCode).toBe(200);
    expect(res.json().myStatus).toBe('late');
  });

  it('answers with what a fresh read shows (materials included), audits who checked in and touches their last activity', async () => {
    const item = await env.db
      .insertInto('study_item')
      .values({ tenant_id: env.tenantId, org_id: org['新桥村党总支'] as string, kind: 'article', title: '离乡不离党，流动不流失', category: 'theory', author: '新桥村党总支', body_html: '<p>按时参加组织生活。</p>', media_url: null, file_id: null, summary: null, created_by: null, retired_at: null })
      .returning(['id', 'title', 'kind'])
      .executeTakeFirstOrThrow();
    const id = await planOne({ startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN), materialIds: [item.id] });
    const res = await checkin(id);
    expect(res.statusCode, res.body).toBe(200);
    const mine = (await env.app.inject({ url: '/api/me/sessions', headers: member.headers })).json() as { upcoming: { id: string }[] };
    expect(res.json()).toEqual(mine.upcoming.find((x) => x.id === id));
    expect(res.json()).toMatchObject({ myStatus: 'present', canCheckIn: false, materials: [{ id: item.id, title: item.title, kind: item.kind }] });
    const ctx = await contextFor(env, PHONES.mobileMember);
    const audit = await env.db.selectFrom('audit_log').selectAll().where('action', '=', 'attendance.checkin').where('entity_id', '=', id).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ entity: 'attendance', account_id: ctx.actor.accountId, actor_name: ctx.actor.displayName, after: { memberId, status: 'present', method: 'self' } });
    const active = await env.db.selectFrom('member').select('last_active_at').where('id', '=', memberId).executeTakeFirstOrThrow();
    expect(active.last_active_at?.toISOString()).toBe(res.json().checkedInAt);
  });

  it('the check-in statement moves only an invited row; otherwise it writes nothing at all', async () => {
    const id = await planOne({ startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    await env.db.updateTable('attendance').set({ status: 'excused' }).where('session_id', '=', id).where('member_id', '=', memberId).execute();
    const before = { audits: await count('audit_log'), active: (await env.db.selectFrom('member').select('last_active_at').where('id', '=', memberId).executeTakeFirstOrThrow()).last_active_at };
    const ctx = await contextFor(env, PHONES.mobileMember);
    const moved = await checkInAttendance(env.db, ctx, { tenantId: env.tenantId, meetingId: id, memberId, status: 'present', method: 'self', now: new Date(clock.now().getTime() + 1000) });
    expect(moved).toBeUndefined();
    expect((await attendanceOf(id, memberId)).status).toBe('excused');
    expect(await count('audit_log')).toBe(before.audits);
    expect((await env.db.selectFrom('member').select('last_active_at').where('id', '=', memberId).executeTakeFirstOrThrow()).last_active_at).toEqual(before.active);
    // Through the app: a clear refusal naming why, and still nothing written.
    const res = await checkin(id);
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('您已请假，不能再签到');
    expect(await count('audit_log')).toBe(before.audits);
    expect((await env.db.selectFrom('member').select('last_active_at').where('id', '=', memberId).executeTakeFirstOrThrow()).last_active_at).toEqual(before.active);
  });

  it('refuses a check-in after the window and at a cancelled class, and writes nothing', async () => {
    const ended = await planOne({ startsAt: iso(-180 * MIN), endsAt: iso(-120 * MIN), checkinClosesAfter: 30 });
    const cancelled = await planOne({ startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    expect((await env.app.inject({ method: 'POST', url: `/api/sessions/${cancelled}/cancel`, headers: secretary.headers })).statusCode).toBe(200);
    const audits = await count('audit_log');
    let res = await checkin(ended);
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/^签到已结束。签到时间为/);
    res = await checkin(cancelled);
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('会议已取消，无需签到');
    expect((await attendanceOf(ended, memberId)).status).toBe('invited');
    expect((await attendanceOf(cancelled, memberId)).status).toBe('invited');
    expect(await count('audit_log')).toBe(audits);
  });

  it('refuses a member who is not invited', async () => {
    const id = await planOne({ orgId: org['第四党小组'], startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    const res = await checkin(id);
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toContain('不在本次会议的邀请名单中');
    const admin = await login(env.app, PHONES.tenantAdmin);
    expect((await checkin(id, undefined, admin)).statusCode).toBe(403);
  });
});

describe('attendance, leave, close', () => {
  it('a group leader marks in their group only; after the close only a secretary corrects', async () => {
    const own = await planOne({ startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    const elsewhere = await planOne({ orgId: org['第四党小组'], startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    const target = (await env.db.selectFrom('attendance').select('member_id').where('session_id', '=', elsewhere).executeTakeFirstOrThrow()).member_id;
    const mark = (id: string, body: Record<string, unknown>, as: Session) => env.app.inject({ method: 'POST', url: `/api/sessions/${id}/attendance`, headers: as.headers, payload: body });
    let res = await mark(own, { memberId, status: 'present' }, leader);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().canManage).toBe(false);
    expect((await attendanceOf(own, memberId)).method).toBe('marked');
    expect((await mark(elsewhere, { memberId: target, status: 'present' }, leader)).statusCode).toBe(403);
    expect((await attendanceOf(elsewhere, target)).status).toBe('invited');
    // Only invitees.
    res = await mark(own, { memberId: target, status: 'present' }, leader);
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0].field).toBe('memberId');
    // Closed: the leader may no longer change it; the secretary corrects (audited) and the make-up follows.
    expect((await env.app.inject({ method: 'POST', url: `/api/sessions/${own}/close`, headers: secretary.headers })).statusCode).toBe(200);
    expect((await mark(own, { memberId, status: 'absent' }, leader)).statusCode).toBe(403);
    res = await mark(own, { memberId, status: 'absent' }, secretary);
    expect(res.statusCode).toBe(200);
    const row = res.json().attendance.find((a: { memberId: string }) => a.memberId === memberId);
    expect(row).toMatchObject({ status: 'absent', makeup: { status: 'open' } });
    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', own).where('action', '=', 'attendance.correct').execute();
    expect(audit).toHaveLength(1);
  });

  it('leave approved ⇒ excused ⇒ a make-up after the close; rejected ⇒ stays invited', async () => {
    const id = await planOne({ startsAt: iso(30 * MIN), endsAt: iso(90 * MIN) });
    const other = (await env.db.selectFrom('attendance').select('member_id').where('session_id', '=', id).where('member_id', '!=', memberId).executeTakeFirstOrThrow()).member_id;
    let res = await env.app.inject({ method: 'POST', url: `/api/me/sessions/${id}/leave`, headers: member.headers, payload: { reason: '在苏州加班，无法参加' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().leaveStatus).toBe('requested');
    const mine = (await env.app.inject({ url: '/api/me/sessions', headers: member.headers })).json() as { upcoming: { id: string }[] };
    expect(res.json()).toEqual(mine.upcoming.find((x) => x.id === id));
    const asked = await env.db.selectFrom('audit_log').select('after').where('action', '=', 'attendance.leave_request').where('entity_id', '=', id).execute();
    expect(asked).toEqual([{ after: { memberId, reason: '在苏州加班，无法参加' } }]);
    expect((await env.app.inject({ method: 'POST', url: `/api/me/sessions/${id}/leave`, headers: member.headers, payload: { reason: '再请一次' } })).statusCode).toBe(200);
    expect((await attendanceOf(id, memberId)).leave_reason).toBe('再请一次');
    res = await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/leave/${memberId}`, headers: branchSecretary.headers, payload: { approve: true } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await attendanceOf(id, memberId)).status).toBe('excused');
    // A leader cannot decide leave.
    await env.db.updateTable('attendance').set({ leave_status: 'requested', leave_reason: '家中有事' }).where('session_id', '=', id).where('member_id', '=', other).execute();
    expect((await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/leave/${other}`, headers: leader.headers, payload: { approve: true } })).statusCode).toBe(403);
    res = await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/leave/${other}`, headers: secretary.headers, payload: { approve: false } });
    expect((await attendanceOf(id, other)).status).toBe('invited');
    expect((await attendanceOf(id, other)).leave_status).toBe('rejected');
    // The check-in window closes; the job runs.
    await closeDueMeetings(env.db, new Date(clock.now().getTime() + 91 * MIN));
    expect((await attendanceOf(id, other)).status).toBe('absent');
    const mk = await env.db.selectFrom('makeup').selectAll().where('session_id', '=', id).where('member_id', '=', memberId).executeTakeFirstOrThrow();
    expect(mk).toMatchObject({ missed_status: 'excused', status: 'open' });
  });

  it('the close job marks absent, creates make-ups due makeupDays later, and is idempotent', async () => {
    const id = await planOne({ orgId: org['第一党支部'], startsAt: iso(-90 * MIN), endsAt: iso(-30 * MIN), makeupDays: 10 });
    const present = await env.db.selectFrom('attendance').select('member_id').where('session_id', '=', id).limit(2).execute();
    await env.db.updateTable('attendance').set({ status: 'present' }).where('session_id', '=', id).where('member_id', 'in', present.map((p) => p.member_id)).execute();
    const invitees = (await env.db.selectFrom('attendance').select('member_id').where('session_id', '=', id).execute()).length;
    const now = clock.now();
    const job = meetingsJobs.find((j) => j.name === 'close-sessions');
    expect(job?.everyMs).toBe(60_000);
    await job?.run(env.db, now);
    const snapshot = async () => ({
      session: (await env.db.selectFrom('study_session').select(['status', 'closed_at']).where('id', '=', id).executeTakeFirstOrThrow()),
      absent: (await env.db.selectFrom('attendance').select('member_id').where('session_id', '=', id).where('status', '=', 'absent').execute()).length,
      makeups: await env.db.selectFrom('makeup').select(['member_id', 'due_on', 'missed_status']).where('session_id', '=', id).orderBy('member_id').execute(),
      audits: (await env.db.selectFrom('audit_log').select('id').where('entity_id', '=', id).where('action', '=', 'session.close').execute()).length,
    });
    const first = await snapshot();
    expect(first.session.status).toBe('closed');
    expect(first.absent).toBe(invitees - 2);
    expect(first.makeups).toHaveLength(invitees - 2);
    const due = new Date(now.getTime() + 8 * 3600_000 + 10 * 86_400_000).toISOString().slice(0, 10);
    expect(first.makeups.every((m) => m.due_on === due && m.missed_status === 'absent')).toBe(true);
    expect(first.audits).toBe(1);
    await closeDueMeetings(env.db, new Date(now.getTime() + 60_000));
    expect(await snapshot()).toEqual(first);
    // A manual close of a closed session is a clear conflict.
    expect((await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/close`, headers: secretary.headers })).statusCode).toBe(409);
  });

  it('shows the quorum of a members\' meeting: more than half of the voting members present', async () => {
    const id = await planOne({ kind: 'members_meeting', orgId: org['第一党支部'], startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    const voting = await env.db.selectFrom('attendance').select('member_id').where('session_id', '=', id).where('voting', '=', true).orderBy('member_id').execute();
    const half = Math.floor(voting.length / 2);
    const mark = (n: number) =>
      env.db.updateTable('attendance').set({ status: 'present' }).where('session_id', '=', id).where('member_id', 'in', voting.slice(0, n).map((v) => v.member_id)).execute();
    await mark(half);
    let d = (await env.app.inject({ url: `/api/sessions/${id}`, headers: secretary.headers })).json();
    expect(d.quorum).toEqual({ voting: voting.length, present: half, reached: half * 2 > voting.length });
    await mark(half + 1);
    d = (await env.app.inject({ url: `/api/sessions/${id}`, headers: secretary.headers })).json();
    expect(d.quorum).toEqual({ voting: voting.length, present: half + 1, reached: true });
    const cls = await planOne({});
    expect((await env.app.inject({ url: `/api/sessions/${cls}`, headers: secretary.headers })).json().quorum).toBeNull();
  });

  it('keeps minutes and attachments of this tenant\'s files', async () => {
    const id = await planOne({});
    // Uploaded by the secretary: a file one may read is a file one may attach.
    const uploader = await env.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('phone', '=', PHONES.generalSecretary).executeTakeFirstOrThrow();
    const file = await env.db
      .insertInto('stored_file')
      .values({ tenant_id: env.tenantId, storage_key: 'k/1', file_name: '会议记录.jpg', mime_type: 'image/jpeg', size_bytes: 1234, sha256: 'x', created_by: uploader.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    let res = await env.app.inject({ method: 'PUT', url: `/api/sessions/${id}/minutes`, headers: secretary.headers, payload: { minutes: '学习了……' } });
    expect(res.json().minutes).toBe('学习了……');
    res = await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/attachments`, headers: secretary.headers, payload: { fileId: file.id, kind: 'photo', caption: '现场' } });
    expect(res.statusCode, res.body).toBe(200);
    const att = res.json().attachments[0];
    expect(att).toMatchObject({ kind: 'photo', caption: '现场', file: { id: file.id, fileName: '会议记录.jpg', url: `/api/files/${file.id}` } });
    res = await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/attachments`, headers: secretary.headers, payload: { fileId: '00000000-0000-4000-8000-000000000000', kind: 'photo' } });
    expect(res.statusCode).toBe(400);
    res = await env.app.inject({ method: 'DELETE', url: `/api/sessions/${id}/attachments/${att.id}`, headers: secretary.headers });
    expect(res.json().attachments).toEqual([]);
  });
});

/** Current members of a unit, by its name. */
const membersOf = async (name: string) =>
  (await env.db.selectFrom('member as m').innerJoin('org as o', (j) => j.onRef('o.id', '=', 'm.org_id')).select('m.id').where('o.name', '=', name).where('m.left_at', 'is', null).execute())
    .map((r) => r.id)
    .sort();
const markAs = (id: string, body: Record<string, unknown>, as: Session) => env.app.inject({ method: 'POST', url: `/api/sessions/${id}/attendance`, headers: as.headers, payload: body });

describe('a class held by the village: group leaders and branch secretaries mark their own members', () => {
  type Detail = { attendance: { memberId: string; status: string }[]; counts: { invited: number; present: number; pending: number }; canManage: boolean; quorum: unknown; minutes: string | null; attachments: unknown[] };
  it('lists it, shows only 第一党小组\'s invitees, marks one of them, never a member of 第二党小组, and not after the close', async () => {
    const id = await planOne({ orgId: org['新桥村党总支'], kind: 'members_meeting', startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    await env.app.inject({ method: 'PUT', url: `/api/sessions/${id}/minutes`, headers: secretary.headers, payload: { minutes: '张三发言……' } });
    const own = await membersOf('第一党小组');
    const others = await membersOf('第二党小组');
    expect(own).toContain(memberId);
    expect(others.length).toBeGreaterThan(0);
    const everyone = (await env.db.selectFrom('attendance').select('member_id').where('session_id', '=', id).execute()).length;
    expect(everyone).toBeGreaterThan(own.length);

    // Listed, with the counts of the leader's group only.
    const list = await env.app.inject({ url: '/api/sessions?pageSize=200', headers: leader.headers });
    expect(list.statusCode, list.body).toBe(200);
    const item = (list.json() as { items: { id: string; counts: { invited: number } }[] }).items.find((i) => i.id === id);
    expect(item?.counts.invited).toBe(own.length);
    // The secretary still sees the whole session.
    const full = (await env.app.inject({ url: `/api/sessions/${id}`, headers: secretary.headers })).json() as Detail;
    expect(full.attendance).toHaveLength(everyone);

    // The detail: only the group's invitees, nothing to manage, no one else's words.
    const res = await env.app.inject({ url: `/api/sessions/${id}`, headers: leader.headers });
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as Detail;
    expect(d.attendance.map((a) => a.memberId).sort()).toEqual(own);
    expect(d.counts.invited).toBe(own.length);
    expect(d).toMatchObject({ canManage: false, quorum: null, minutes: null, attachments: [] });
    const ownNames = new Set((await env.db.selectFrom('member').select('name').where('id', 'in', own).execute()).map((m) => m.name));
    const invitees = await env.db.selectFrom('attendance as a').innerJoin('member as m', (j) => j.onRef('m.id', '=', 'a.member_id')).select('m.name').where('a.session_id', '=', id).execute();
    const otherNames = invitees.map((m) => m.name).filter((n) => !ownNames.has(n));
    expect(otherNames.length).toBeGreaterThan(0);
    expect(otherNames.filter((n) => res.body.includes(n))).toEqual([]);

    // The leader may show the check-in code to the part of the group that gathers on site.
    expect((await env.app.inject({ url: `/api/sessions/${id}/checkin-code`, headers: leader.headers })).statusCode).toBe(200);

    // Marks a member of the group.
    const marked = await markAs(id, { memberId, status: 'present' }, leader);
    expect(marked.statusCode, marked.body).toBe(200);
    expect((marked.json() as Detail).attendance.map((a) => a.memberId).sort()).toEqual(own);
    expect((marked.json() as Detail).attendance.find((a) => a.memberId === memberId)?.status).toBe('present');
    expect(await attendanceOf(id, memberId)).toMatchObject({ status: 'present', method: 'marked' });

    // Not a member of 第二党小组 (invited, but not theirs), nor someone who does not exist.
    const outsider = others[0] as string;
    const refused = await markAs(id, { memberId: outsider, status: 'present' }, leader);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'forbidden' });
    expect((await attendanceOf(id, outsider)).status).toBe('invited');
    expect((await markAs(id, { memberId: '00000000-0000-4000-8000-000000000000', status: 'present' }, leader)).statusCode).toBe(403);
    // Nor the host's business.
    expect((await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/close`, headers: leader.headers })).statusCode).toBe(403);
    expect((await env.app.inject({ method: 'PUT', url: `/api/sessions/${id}/minutes`, headers: leader.headers, payload: { minutes: '改' } })).statusCode).toBe(403);

    // Closed: only a secretary corrects.
    expect((await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/close`, headers: secretary.headers })).statusCode).toBe(200);
    const late = own.find((m) => m !== memberId) as string;
    expect((await markAs(id, { memberId: late, status: 'present' }, leader)).statusCode).toBe(403);
    expect((await attendanceOf(id, late)).status).toBe('absent');
    expect((await markAs(id, { memberId, status: 'absent' }, leader)).statusCode).toBe(403);
    expect((await attendanceOf(id, memberId)).status).toBe('present');
  });

  it('a branch secretary does the same for their branch', async () => {
    const id = await planOne({ orgId: org['新桥村党总支'], kind: 'online_class', startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    const own = [...(await membersOf('第一党小组')), ...(await membersOf('第二党小组')), ...(await membersOf('第三党小组'))].sort();
    const list = (await env.app.inject({ url: '/api/sessions?pageSize=200', headers: branchSecretary.headers })).json() as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toContain(id);
    const d = (await env.app.inject({ url: `/api/sessions/${id}`, headers: branchSecretary.headers })).json() as Detail;
    expect(d.attendance.map((a) => a.memberId).sort()).toEqual(own);
    expect(d.canManage).toBe(false);
    const ownMember = own.find((m) => m !== memberId) as string;
    expect((await markAs(id, { memberId: ownMember, status: 'late' }, branchSecretary)).statusCode).toBe(200);
    expect((await attendanceOf(id, ownMember)).status).toBe('late');
    const outsider = (await membersOf('第四党小组'))[0] as string;
    expect((await markAs(id, { memberId: outsider, status: 'present' }, branchSecretary)).statusCode).toBe(403);
    expect((await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/close`, headers: branchSecretary.headers })).statusCode).toBe(403);
  });

  it('does not list a session above the group that invites none of its members', async () => {
    const target = (await membersOf('第四党小组'))[0] as string;
    const id = await planOne({ orgId: org['新桥村党总支'], audience: 'list', memberIds: [target], startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) });
    const list = (await env.app.inject({ url: '/api/sessions?pageSize=200', headers: leader.headers })).json() as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).not.toContain(id);
    expect((await env.app.inject({ url: `/api/sessions/${id}`, headers: leader.headers })).statusCode).toBe(403);
    expect((await env.app.inject({ url: `/api/sessions/${id}/checkin-code`, headers: leader.headers })).statusCode).toBe(403);
    expect((await markAs(id, { memberId: target, status: 'present' }, leader)).statusCode).toBe(403);
    // Filtered by a unit, the list keeps to sessions held in it.
    const byOrg = (await env.app.inject({ url: `/api/sessions?pageSize=200&orgId=${org['第一党小组']}`, headers: leader.headers })).json() as { items: { orgName: string }[] };
    expect(byOrg.items.every((i) => i.orgName === '第一党小组')).toBe(true);
  });
});

describe('the member\'s view and the calendar', () => {
  it('a member sees only sessions that invite them', async () => {
    const mine = await planOne({ startsAt: iso(2 * 60 * MIN), endsAt: iso(3 * 60 * MIN) });
    const notMine = await planOne({ orgId: org['第四党小组'], startsAt: iso(2 * 60 * MIN), endsAt: iso(3 * 60 * MIN) });
    const res = await env.app.inject({ url: '/api/me/sessions', headers: member.headers });
    expect(res.statusCode).toBe(200);
    const { upcoming, recent } = res.json() as { upcoming: { id: string; startsAt: string; calendarUrl: string }[]; recent: { id: string }[] };
    const all = [...upcoming, ...recent].map((s) => s.id);
    expect(all).toContain(mine);
    expect(all).not.toContain(notMine);
    const invited = new Set((await env.db.selectFrom('attendance').select('session_id').where('member_id', '=', memberId).execute()).map((r) => r.session_id));
    expect(all.every((id) => invited.has(id))).toBe(true);
    expect(upcoming.map((s) => s.startsAt)).toEqual(upcoming.map((s) => s.startsAt).toSorted());
    expect(upcoming.find((s) => s.id === mine)?.calendarUrl).toBe(`/api/sessions/${mine}/calendar.ics`);
    expect((await env.app.inject({ url: `/api/sessions/${mine}`, headers: member.headers })).statusCode).toBe(403);
    expect((await env.app.inject({ url: `/api/sessions/${notMine}/calendar.ics`, headers: member.headers })).statusCode).toBe(403);
  });

  it('serves a valid calendar file', async () => {
    const id = await planOne({
      title: '云课堂：学习《条例》, 第一讲; 答疑',
      startsAt: '2027-06-01T19:30:00+08:00',
      endsAt: '2027-06-01T21:00:00+08:00',
      location: '村委会二楼会议室',
      agenda: '一、集中学习\n二、交流发言，每人不超过五分钟；三、总结。这一行写得足够长，用来检查折行是否正确处理多字节的汉字而不会把字切断',
    });
    const res = await env.app.inject({ url: `/api/sessions/${id}/calendar.ics`, headers: member.headers });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = res.body;
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const physical = text.split('\r\n').slice(0, -1);
    for (const line of physical) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const unfolded = text.replace(/\r\n /g, '').split('\r\n').slice(0, -1);
    expect(unfolded[0]).toBe('BEGIN:VCALENDAR');
    expect(unfolded).toContain('BEGIN:VEVENT');
    expect(unfolded).toContain(`UID:${id}@lianxin`);
    expect(unfolded).toContain('DTSTART:20270601T113000Z');
    expect(unfolded).toContain('DTEND:20270601T130000Z');
    expect(unfolded).toContain('SUMMARY:云课堂：学习《条例》\\, 第一讲\\; 答疑');
    expect(unfolded).toContain('LOCATION:村委会二楼会议室');
    expect(unfolded.find((l) => l.startsWith('DTSTAMP:'))).toMatch(/^DTSTAMP:\d{8}T\d{6}Z$/);
    const desc = unfolded.find((l) => l.startsWith('DESCRIPTION:')) ?? '';
    expect(desc).toContain('议程：一、集中学习\\n二、交流发言');
    expect(desc).toContain('会议链接：https://meeting.example.com/j/123');
    expect(unfolded.at(-2)).toBe('END:VEVENT');
    expect(unfolded.at(-1)).toBe('END:VCALENDAR');
  });
});
