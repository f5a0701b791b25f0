import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { addDays } from '../../../shared/china-time.ts';
import type { DutyShift, MyDuty, Roster, RosterList, RosterWeek, SwapResult } from '../../../shared/api-duty.ts';
import type * as Repo from './repo.ts';

/**
 * What happens to a shift between a call's first read of it and its row lock: set `run` and the next
 * read of a shift or an assignment (findShift / findAssignment) runs it right after reading, so the
 * call goes on with what it read while the database has changed — the race a sign-up or a swap meets
 * when a secretary cancels the shift or lowers its capacity at that moment.
 */
const meanwhile = vi.hoisted(() => {
  const state = {
    run: null as null | (() => Promise<unknown>),
    /** Runs (once) what was set to happen, then hands on the row read before it. */
    after: async <T>(row: T): Promise<T> => {
      const run = state.run;
      state.run = null;
      if (run) await run();
      return row;
    },
  };
  return state;
});
vi.mock('./repo.ts', async (importOriginal) => {
  const real = await importOriginal<typeof Repo>();
  return {
    ...real,
    findShift: async (...args: Parameters<typeof real.findShift>) => meanwhile.after(await real.findShift(...args)),
    findAssignment: async (...args: Parameters<typeof real.findAssignment>) => meanwhile.after(await real.findAssignment(...args)),
  };
});

let env: TestEnv;
let secretary: Session;
let branchSecretary: Session;
let mentor: Session;
let mobile: Session;
let leader: Session;
let admin: Session;
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
  admin = await login(env.app, PHONES.tenantAdmin);
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

const cancelShift = (shiftId: string) => () => env.db.updateTable('duty_shift').set({ cancelled_at: clock.now() }).where('id', '=', shiftId).execute();
const active = (shiftId: string) => env.db.selectFrom('duty_assignment').select('member_id').where('shift_id', '=', shiftId).where('status', '=', 'active').execute();

describe('the shift as it is under the lock', () => {
  it('refuses a sign-up when the shift is cancelled after the call first read it', async () => {
    const r = await roster();
    const s = await shift(r.id, 2);
    meanwhile.run = cancelShift(s.id);
    const res = await signUp(mobile, s.id);
    expect(res.statusCode, res.body).toBe(404);
    expect(meanwhile.run).toBeNull();
    expect(await active(s.id)).toEqual([]);
  });

  it('counts against the capacity read under the lock, not the one read before', async () => {
    const r = await roster();
    const s = await shift(r.id, 2);
    expect((await signUp(leader, s.id)).statusCode).toBe(200);
    meanwhile.run = () => env.db.updateTable('duty_shift').set({ capacity: 1 }).where('id', '=', s.id).execute();
    const res = await signUp(mobile, s.id);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ message: '这个班次已满（1 人），请选择其他班次' });
    expect(await active(s.id)).toHaveLength(1);
  });

  it('refuses a sign-up when the shift has begun by the time of the lock', async () => {
    const r = await roster();
    const s = await shift(r.id, 2);
    meanwhile.run = () => env.db.updateTable('duty_shift').set({ starts_at: new Date(clock.now().getTime() - 60_000) }).where('id', '=', s.id).execute();
    const res = await signUp(mobile, s.id);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ message: '班次已开始，不能再报名' });
    expect(await active(s.id)).toEqual([]);
  });

  it('takes no swap of a cancelled shift or of a retired roster, nor asks one, and the shift stays the asker’s', async () => {
    const mobileId = await memberIdByPhone(env, PHONES.mobileMember);
    const r = await roster();
    const s = await shift(r.id, 2);
    const { assignmentId } = (await signUp(mobile, s.id)).json() as { assignmentId: string };
    const { swapId } = (await call(mobile, 'POST', `/api/me/duty/assignments/${assignmentId}/swap`, {})).json() as SwapResult;
    // cancelled between the accept's first read and its lock
    meanwhile.run = cancelShift(s.id);
    const accepted = await call(mentor, 'POST', `/api/me/duty/swaps/${swapId}/accept`);
    expect(accepted.statusCode, accepted.body).toBe(409);
    expect(accepted.json()).toMatchObject({ message: '这个班次已取消，不能再换班' });
    expect(await active(s.id)).toEqual([{ member_id: mobileId }]);
    expect((await env.db.selectFrom('duty_swap').select('status').where('id', '=', swapId).executeTakeFirstOrThrow()).status).toBe('open');

    const r2 = await roster();
    const s2 = await shift(r2.id, 2);
    const mine2 = (await signUp(mobile, s2.id)).json() as { assignmentId: string };
    const offered = (await call(mobile, 'POST', `/api/me/duty/assignments/${mine2.assignmentId}/swap`, {})).json() as SwapResult;
    await env.db.updateTable('duty_roster').set({ retired_at: clock.now() }).where('id', '=', r2.id).execute();
    const late = await call(mentor, 'POST', `/api/me/duty/swaps/${offered.swapId}/accept`);
    expect(late.statusCode, late.body).toBe(409);
    expect(await active(s2.id)).toEqual([{ member_id: mobileId }]);
    await call(mobile, 'POST', `/api/me/duty/swaps/${offered.swapId}/withdraw`);
    const again = await call(mobile, 'POST', `/api/me/duty/assignments/${mine2.assignmentId}/swap`, {});
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json()).toMatchObject({ message: '这个班次已取消，不能再换班' });
  });
});

describe('names on a town’s roster', () => {
  it('shows each member only the names of their own village; the others are counted', async () => {
    const town = await env.db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', env.tenantId).where('kind', '=', 'committee').executeTakeFirstOrThrow();
    const otherVillage = crypto.randomUUID();
    await env.db
      .insertInto('org')
      .values({ tenant_id: env.tenantId, id: otherVillage, parent_id: town.id, kind: 'general_branch', name: '值守测试外村党总支', path: `${town.path}${otherVillage}/`, sort_order: 9 })
      .execute();
    const outsider = await env.db
      .insertInto('member')
      .values({ tenant_id: env.tenantId, org_id: otherVillage, name: '外村值守员', name_sort_key: 'waicunzhishouyuan', gender: 'male', phone: '13900002222', status: 'full' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const made = await call(admin, 'POST', '/api/duty/rosters', { orgId: town.id, title: '全镇防汛', place: '镇政府' });
    expect(made.statusCode, made.body).toBe(200);
    const townRoster = made.json() as Roster;
    const added = await call(admin, 'POST', `/api/duty/rosters/${townRoster.id}/shifts`, { day, start: '14:00', end: '18:00', capacity: 5 });
    expect(added.statusCode, added.body).toBe(200);
    const s = added.json() as DutyShift;
    const theirs = await env.db.insertInto('duty_assignment').values({ tenant_id: env.tenantId, shift_id: s.id, member_id: outsider.id }).returning('id').executeTakeFirstOrThrow();
    await env.db.insertInto('duty_swap').values({ tenant_id: env.tenantId, assignment_id: theirs.id, from_member_id: outsider.id, to_member_id: null, note: '' }).execute();
    expect((await signUp(mobile, s.id)).statusCode).toBe(200);
    const mobileName = (await env.db.selectFrom('member').select('name').where('phone', '=', PHONES.mobileMember).executeTakeFirstOrThrow()).name;

    const mineNow = (await mine(mobile)).mine.find((m) => m.shiftId === s.id);
    expect(mineNow).toMatchObject({ taken: 2, names: [mobileName] });
    const mentorView = await mine(mentor);
    expect(mentorView.open.find((o) => o.shiftId === s.id)).toMatchObject({ taken: 2, names: [mobileName] });
    const offer = mentorView.offers.find((o) => o.shift.shiftId === s.id);
    expect(offer).toMatchObject({ fromName: '', toMe: false, shift: { names: [mobileName] } });
    expect(JSON.stringify(mentorView)).not.toContain('外村值守员');
    // Nor can a swap be asked of the other village's member by id: only the comrades the phone offers.
    const mineAssignment = mineNow?.assignmentId ?? '';
    const askedOutside = await call(mobile, 'POST', `/api/me/duty/assignments/${mineAssignment}/swap`, { toMemberId: outsider.id, note: '' });
    expect(askedOutside.statusCode, askedOutside.body).toBe(400);
    expect(askedOutside.json()).toMatchObject({ issues: [{ field: 'toMemberId' }] });

    // The console shows the secretary of the town every name, as before.
    const week = (await call(admin, 'GET', `/api/duty/rosters/${townRoster.id}?week=${day}`)).json() as RosterWeek;
    expect(week.shifts.find((x) => x.id === s.id)?.assignments.map((a) => a.name).sort()).toEqual([mobileName, '外村值守员'].sort());
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
