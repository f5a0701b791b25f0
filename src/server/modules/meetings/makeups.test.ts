import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { closeDueMeetings } from './closing.ts';
import { expireMakeups, listMyMakeups } from './makeups.ts';

let env: TestEnv;
let secretary: Session;
let member: Session;
let memberId: string;
let group1: string;
const MIN = 60_000;
const iso = (msFromNow: number) => new Date(clock.now().getTime() + msFromNow).toISOString();
const rank = (s: string) => (s === 'open' || s === 'returned' ? 0 : 1);
const REFLECTION = '通过补学，我进一步理解了流动党员要离乡不离党、流动不流失的要求，今后要按时参加组织生活。';

/** A closed session of 第一党小组 the member missed (absent), with make-ups created by the close job. */
async function missedSession(body: Record<string, unknown> = {}): Promise<string> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: secretary.headers,
    payload: { kind: 'online_class', title: '云课堂', mode: 'online', orgId: group1, startsAt: iso(-120 * MIN), endsAt: iso(-60 * MIN), replayUrl: 'https://replay.example.com/1', ...body },
  });
  expect(res.statusCode, res.body).toBe(200);
  const id = (res.json() as { ids: string[] }).ids[0] as string;
  await closeDueMeetings(env.db, clock.now());
  return id;
}

const submit = (sessionId: string, payload: Record<string, unknown>) =>
  env.app.inject({ method: 'POST', url: `/api/me/makeups/${sessionId}`, headers: member.headers, payload });

const state = async (sessionId: string) => ({
  attendance: (await env.db.selectFrom('attendance').select('status').where('session_id', '=', sessionId).where('member_id', '=', memberId).executeTakeFirstOrThrow()).status,
  makeup: (await env.db.selectFrom('makeup').select(['status', 'reflection']).where('session_id', '=', sessionId).where('member_id', '=', memberId).executeTakeFirst()) ?? null,
});

beforeAll(async () => {
  env = await openTestApp();
  group1 = (await env.db.selectFrom('org').select('id').where('name', '=', '第一党小组').executeTakeFirstOrThrow()).id;
  secretary = await login(env.app, PHONES.generalSecretary);
  member = await login(env.app, PHONES.mobileMember);
  memberId = await memberIdByPhone(env, PHONES.mobileMember);
});
afterAll(async () => env?.close());

describe('make-up (补学)', () => {
  it('submitting makes the attendance "made up"; sending it back restores "absent"; a resubmission counts again', async () => {
    const id = await missedSession({ makeupQuestions: ['本次课的主题是什么？'] });
    expect(await state(id)).toEqual({ attendance: 'absent', makeup: { status: 'open', reflection: null } });
    const mine = (await env.app.inject({ url: '/api/me/makeups', headers: member.headers })).json() as { sessionId: string; questions: string[]; replayUrl: string }[];
    expect(mine.find((m) => m.sessionId === id)).toMatchObject({ questions: ['本次课的主题是什么？'], replayUrl: 'https://replay.example.com/1', status: 'open', missedStatus: 'absent' });

    let res = await submit(id, { reflection: REFLECTION, answers: ['离乡不离党'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'submitted', reflection: REFLECTION, answers: ['离乡不离党'] });
    const listed = (await env.app.inject({ url: '/api/me/makeups', headers: member.headers })).json() as { sessionId: string }[];
    expect(res.json()).toEqual(listed.find((m) => m.sessionId === id));
    const audits = await env.db.selectFrom('audit_log').select(['entity', 'after']).where('action', '=', 'makeup.submit').where('entity_id', '=', id).execute();
    expect(audits).toEqual([{ entity: 'makeup', after: { memberId, answers: 1 } }]);
    expect(await state(id)).toMatchObject({ attendance: 'made_up', makeup: { status: 'submitted' } });
    // Submitted twice: a clear conflict.
    expect((await submit(id, { reflection: REFLECTION, answers: ['离乡不离党'] })).statusCode).toBe(409);

    res = await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/makeups/${memberId}/return`, headers: secretary.headers, payload: { note: '心得过于简单，请结合自身工作再写' } });
    expect(res.statusCode, res.body).toBe(200);
    const row = (res.json() as { attendance: { memberId: string; status: string; makeup: { status: string; reviewNote: string } }[] }).attendance.find((a) => a.memberId === memberId);
    expect(row).toMatchObject({ status: 'absent', makeup: { status: 'returned', reviewNote: '心得过于简单，请结合自身工作再写' } });
    expect(await state(id)).toMatchObject({ attendance: 'absent', makeup: { status: 'returned' } });
    // Returning an already returned make-up is refused.
    expect((await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/makeups/${memberId}/return`, headers: secretary.headers, payload: { note: '再退' } })).statusCode).toBe(409);

    res = await submit(id, { reflection: `${REFLECTION}结合在外务工的实际，我会每月按时参加云课堂。`, answers: ['离乡不离党，流动不流失'] });
    expect(res.statusCode).toBe(200);
    expect(await state(id)).toMatchObject({ attendance: 'made_up', makeup: { status: 'submitted' } });
  });

  it('refuses a make-up for a session the member attended, and writes nothing', async () => {
    const res0 = await env.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: secretary.headers,
      payload: { kind: 'online_class', title: '云课堂', mode: 'online', orgId: group1, startsAt: iso(-5 * MIN), endsAt: iso(60 * MIN) },
    });
    const id = (res0.json() as { ids: string[] }).ids[0] as string;
    expect((await env.app.inject({ method: 'POST', url: `/api/me/sessions/${id}/checkin`, headers: member.headers, payload: {} })).statusCode).toBe(200);
    await env.app.inject({ method: 'POST', url: `/api/sessions/${id}/close`, headers: secretary.headers });
    const audits = (await env.db.selectFrom('audit_log').select('id').where('action', '=', 'makeup.submit').execute()).length;
    const res = await submit(id, { reflection: REFLECTION, answers: [] });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe('您参加了这次会议，无需补学');
    expect(await state(id)).toEqual({ attendance: 'present', makeup: null });
    expect((await env.db.selectFrom('audit_log').select('id').where('action', '=', 'makeup.submit').execute()).length).toBe(audits);
  });

  it('refuses a submission after the last day (Asia/Shanghai), and writes nothing; the last day itself counts', async () => {
    const id = await missedSession();
    const today = shanghaiDate(clock.now());
    const yesterday = shanghaiDate(new Date(clock.now().getTime() - 86_400_000));
    await env.db.updateTable('makeup').set({ due_on: yesterday }).where('session_id', '=', id).where('member_id', '=', memberId).execute();
    const res = await submit(id, { reflection: REFLECTION, answers: [] });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toBe(`补学已于 ${yesterday} 截止，不能再提交`);
    expect(await state(id)).toEqual({ attendance: 'absent', makeup: { status: 'open', reflection: null } });
    await env.db.updateTable('makeup').set({ due_on: today }).where('session_id', '=', id).where('member_id', '=', memberId).execute();
    expect((await submit(id, { reflection: REFLECTION, answers: [] })).statusCode).toBe(200);
  });

  it('needs an answer to every question', async () => {
    const id = await missedSession({ makeupQuestions: ['问题一？', '问题二？'] });
    const res = await submit(id, { reflection: REFLECTION, answers: ['只答了一个'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0]).toMatchObject({ field: 'answers' });
    expect(await state(id)).toEqual({ attendance: 'absent', makeup: { status: 'open', reflection: null } });
  });

  it('expires make-ups past their last day; the attendance stays missed; expired ones cannot be submitted', async () => {
    const id = await missedSession();
    const yesterday = shanghaiDate(new Date(clock.now().getTime() - 86_400_000));
    await env.db.updateTable('makeup').set({ due_on: yesterday }).where('session_id', '=', id).execute();
    const n = await expireMakeups(env.db, clock.now());
    expect(n).toBeGreaterThan(0);
    expect(await state(id)).toEqual({ attendance: 'absent', makeup: { status: 'expired', reflection: null } });
    expect(await expireMakeups(env.db, clock.now())).toBe(0);
    expect((await submit(id, { reflection: REFLECTION, answers: [] })).statusCode).toBe(409);
  });

  it('lists open and returned make-ups first, then submitted ones, and only the member\'s own', async () => {
    const ctx = await contextFor(env, PHONES.mobileMember);
    const list = await listMyMakeups(env.db, ctx);
    expect(list.length).toBeGreaterThan(2);
    expect(list.map((m) => rank(m.status))).toEqual(list.map((m) => rank(m.status)).toSorted());
    expect(list.some((m) => m.status === 'expired')).toBe(false);
    const own = new Set((await env.db.selectFrom('makeup').select('session_id').where('member_id', '=', memberId).execute()).map((r) => r.session_id));
    expect(list.every((m) => own.has(m.sessionId))).toBe(true);
    const admin = await contextFor(env, PHONES.tenantAdmin);
    await expect(listMyMakeups(env.db, admin)).rejects.toMatchObject({ code: 'forbidden' });
  });
});
