import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { addDays } from '../../../shared/china-time.ts';
import type { DutyShift, MyDuty, Roster, RosterList, RosterWeek, SwapResult } from '../../../shared/api-duty.ts';

let env: TestEnv;
let secretary: Session;
let branchSecretary: Session;
let mentor: Session;
let mobile: Session;
let leader: Session;
const orgIds: Record<string, string> = {};
let day = '';

const call = (session: Session, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
  env.app.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

async function roster(orgName = '新桥村党总支'): Promise<Roster> {
  const res = await call(secretary, 'POST', '/api/duty/rosters', { orgId: orgIds[orgName], title: '防汛值守', place: '村委会' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Roster;
}
async function shift(rosterId: string, capacity: number, start = '09:00'): Promise<DutyShift> {
  const res = await call(secretary, 'POST', `/api/duty/rosters/${rosterId}/shifts`, { day, start, end: '12:00', capacity });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as DutyShift;
}
const signUp = (s: Session, shiftId: string) => call(s, 'POST', `/api/me/duty/shifts/${shiftId}/signup`);
const mine = async (s: Session) => (await call(s, 'GET', '/api/me/duty')).json() as MyDuty;

beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  mentor = await login(env.app, PHONES.mentor);
  mobile = await login(env.app, PHONES.mobileMember);
  leader = await login(env.app, PHONES.groupLeader);
  for (const o of await env.db.selectFrom('org').select(['id', 'name']).execute()) orgIds[o.name] = o.id;
  day = addDays(shanghaiDate(), 3);
});
afterAll(async () => env?.close());

describe('signing up', () => {
  it('gives the last place to one of two phones at once; the other gets 409 in plain words', async () => {
    const r = await roster();
    const s = await shift(r.id, 1);
    const [a, b] = await Promise.all([signUp(mobile, s.id), signUp(mentor, s.id)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const refused = a.statusCode === 409 ? a : b;
    expect(refused.json()).toMatchObject({ message: '这个班次已满（1 人），请选择其他班次' });
    const rows = await env.db.selectFrom('duty_assignment').select('id').where('shift_id', '=', s.id).where('status', '=', 'active').execute();
    expect(rows).toHaveLength(1);
  });

  it('takes a shift once per member, even asked twice at once', async () => {
    const r = await roster();
    const s = await shift(r.id, 5);
    const [a, b] = await Promise.all([signUp(mobile, s.id), signUp(mobile, s.id)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect((a.statusCode === 409 ? a : b).json()).toMatchObject({ message: '你已报名这个班次' });
    const again = await signUp(mobile, s.id);
    expect(again.statusCode).toBe(409);
    const view = await mine(mobile);
    expect(view.mine.filter((m) => m.shiftId === s.id)).toHaveLength(1);
    expect(view.open.map((o) => o.shiftId)).not.toContain(s.id);
  });

  it('lets a member cancel before the shift, and refuses members outside the roster\'s unit', async () => {
    const r = await roster();
    const s = await shift(r.id, 2);
    const res = await signUp(mobile, s.id);
    const { assignmentId } = res.json() as { assignmentId: string };
    expect((await call(mobile, 'DELETE', `/api/me/duty/assignments/${assignmentId}`)).statusCode).toBe(200);
    expect((await call(mentor, 'DELETE', `/api/me/duty/assignments/${assignmentId}`)).statusCode).toBe(403);
    const branch2 = await roster('第二党支部');
    const s2 = await shift(branch2.id, 2);
    expect((await signUp(mobile, s2.id)).statusCode).toBe(403);
    expect((await mine(mobile)).open.map((o) => o.shiftId)).not.toContain(s2.id);
  });
});

describe('swaps', () => {
  it('moves the assignment to the named comrade who accepts, in one audited step', async () => {
    const r = await roster();
    const s = await shift(r.id, 2);
    const { assignmentId } = (await signUp(mobile, s.id)).json() as { assignmentId: string };
    const mentorId = await memberIdByPhone(env, PHONES.mentor);
    const comrades = (await call(mobile, 'GET', `/api/me/duty/assignments/${assignmentId}/comrades`)).json() as { items: { memberId: string }[] };
    expect(comrades.items.map((c) => c.memberId)).toContain(mentorId);
    const asked = await call(mobile, 'POST', `/api/me/duty/assignments/${assignmentId}/swap`, { toMemberId: mentorId, note: '家里有事' });
    expect(asked.statusCode, asked.body).toBe(200);
    const { swapId } = asked.json() as SwapResult;
    expect((await call(mobile, 'POST', `/api/me/duty/assignments/${assignmentId}/swap`, {})).statusCode).toBe(409);
    const offers = (await mine(mentor)).offers;
    expect(offers.find((o) => o.swapId === swapId)).toMatchObject({ toMe: true, note: '家里有事' });
    expect((await mine(leader)).offers.map((o) => o.swapId)).not.toContain(swapId);
    expect((await call(leader, 'POST', `/api/me/duty/swaps/${swapId}/accept`)).statusCode).toBe(403);
    const accepted = await call(mentor, 'POST', `/api/me/duty/swaps/${swapId}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    const row = await env.db.selectFrom('duty_assignment').select(['member_id', 'status']).where('id', '=', assignmentId).executeTakeFirstOrThrow();
    expect(row).toEqual({ member_id: mentorId, status: 'active' });
    expect((await mine(mobile)).mine.map((m) => m.shiftId)).not.toContain(s.id);
    expect((await mine(mentor)).mine.find((m) => m.shiftId === s.id)?.assignmentId).toBe(assignmentId);
    expect((await call(mentor, 'POST', `/api/me/duty/swaps/${swapId}/accept`)).statusCode).toBe(409);
    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', swapId).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['duty_swap.accept', 'duty_swap.ask']);
  });

  it('offers a swap open to anyone; one already on the shift cannot take it, and of two takers one wins', async () => {
    const r = await roster();
    const s = await shift(r.id, 3);
    const { assignmentId } = (await signUp(mobile, s.id)).json() as { assignmentId: string };
    await signUp(leader, s.id);
    const { swapId } = (await call(mobile, 'POST', `/api/me/duty/assignments/${assignmentId}/swap`, { toMemberId: null })).json() as SwapResult;
    expect((await mine(leader)).offers.map((o) => o.swapId)).not.toContain(swapId);
    expect((await call(leader, 'POST', `/api/me/duty/swaps/${swapId}/accept`)).statusCode).toBe(409);
    expect((await call(mobile, 'POST', `/api/me/duty/swaps/${swapId}/accept`)).statusCode).toBe(403);
    const [a, b] = await Promise.all([call(mentor, 'POST', `/api/me/duty/swaps/${swapId}/accept`), call(branchSecretary, 'POST', `/api/me/duty/swaps/${swapId}/accept`)]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const active = await env.db.selectFrom('duty_assignment').select('member_id').where('shift_id', '=', s.id).where('status', '=', 'active').execute();
    expect(active).toHaveLength(2);
  });

  it('lets the asker withdraw and the named comrade decline', async () => {
    const r = await roster();
    const s = await shift(r.id, 2);
    const { assignmentId } = (await signUp(mobile, s.id)).json() as { assignmentId: string };
    const mentorId = await memberIdByPhone(env, PHONES.mentor);
    const first = (await call(mobile, 'POST', `/api/me/duty/assignments/${assignmentId}/swap`, { toMemberId: mentorId })).json() as SwapResult;
    expect((await call(leader, 'POST', `/api/me/duty/swaps/${first.swapId}/decline`)).statusCode).toBe(403);
    expect((await call(mentor, 'POST', `/api/me/duty/swaps/${first.swapId}/decline`)).json()).toMatchObject({ status: 'declined' });
    const second = (await call(mobile, 'POST', `/api/me/duty/assignments/${assignmentId}/swap`, {})).json() as SwapResult;
    expect((await call(mobile, 'POST', `/api/me/duty/swaps/${second.swapId}/withdraw`)).json()).toMatchObject({ status: 'withdrawn' });
  });
});

describe('the console', () => {
  it('shows the week with names, refuses bad times naming the field, and marks who served once the shift began', async () => {
    const r = await roster();
    const s = await shift(r.id, 2);
    await signUp(mobile, s.id);
    const week = (await call(secretary, 'GET', `/api/duty/rosters/${r.id}?week=${day}`)).json() as RosterWeek;
    expect(week.shifts.find((x) => x.id === s.id)?.assignments).toHaveLength(1);
    const bad = await call(secretary, 'POST', `/api/duty/rosters/${r.id}/shifts`, { day, start: '12:00', end: '09:00', capacity: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('end');
    const zero = await call(secretary, 'POST', `/api/duty/rosters/${r.id}/shifts`, { day, start: '08:00', end: '09:00', capacity: 0 });
    expect(zero.statusCode).toBe(400);
    expect(zero.body).toContain('capacity');
    const assignment = week.shifts.find((x) => x.id === s.id)!.assignments[0]!;
    expect((await call(secretary, 'POST', `/api/duty/assignments/${assignment.id}/served`, { served: 'served' })).statusCode).toBe(409);
    // a shift that began an hour ago, written directly (the API takes only future shifts)
    const started = await env.db
      .insertInto('duty_shift')
      .values({ tenant_id: env.tenantId, roster_id: r.id, starts_at: new Date(clock.now().getTime() - 3_600_000), ends_at: new Date(clock.now().getTime() + 3_600_000), capacity: 2 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const a = await env.db.insertInto('duty_assignment').values({ tenant_id: env.tenantId, shift_id: started.id, member_id: await memberIdByPhone(env, PHONES.mentor) }).returning('id').executeTakeFirstOrThrow();
    expect((await call(branchSecretary, 'POST', `/api/duty/assignments/${a.id}/served`, { served: 'absent' })).statusCode).toBe(403);
    expect((await call(secretary, 'POST', `/api/duty/assignments/${a.id}/served`, { served: 'absent' })).statusCode).toBe(200);
    const row = await env.db.selectFrom('duty_assignment').select('served').where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.served).toBe('absent');
    const list = (await call(branchSecretary, 'GET', '/api/duty/rosters')).json() as RosterList;
    expect(list.items.map((x) => x.id)).not.toContain(r.id);
    expect((await call(mobile, 'GET', '/api/duty/rosters')).statusCode).toBe(403);
  });
});
