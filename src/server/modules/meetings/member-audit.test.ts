import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../auth/actor.ts';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock } from '../../clock.ts';
import { checkinCodeFor, slotAt } from './checkin-code.ts';
import { closeDueMeetings } from './closing.ts';
import { submitMakeup } from './makeups.ts';
import { recordCheckIn, requestLeave } from './participation.ts';

// The member's own writes (check-in from the app or by QR code, a leave request, a make-up) each
// append one audit entry in the transaction of the change: who, from where, about which meeting.

let env: TestEnv;
let secretary: Session;
let ctx: RequestContext;
let memberId: string;
let group1: string;
const MIN = 60_000;
/** The address the member calls from: the entries must carry it. */
const IP = '203.0.113.7';
const iso = (msFromNow: number) => new Date(clock.now().getTime() + msFromNow).toISOString();

async function planOne(startsIn: number, endsIn: number, body: Record<string, unknown> = {}): Promise<string> {
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/sessions',
    headers: secretary.headers,
    payload: { kind: 'online_class', title: '流动党员云课堂', mode: 'online', orgId: group1, startsAt: iso(startsIn), endsAt: iso(endsIn), ...body },
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { ids: string[] }).ids[0] as string;
}

/** Who wrote an entry and from where, as every entry of the member's requests says. */
const who = () => ({ tenant_id: env.tenantId, account_id: ctx.actor.accountId, actor_name: ctx.actor.displayName, ip: IP, before: null });

const entries = (meetingId: string, action: string) =>
  env.db.selectFrom('audit_log').select(['tenant_id', 'account_id', 'actor_name', 'entity', 'entity_id', 'before', 'after', 'ip']).where('entity_id', '=', meetingId).where('action', '=', action).execute();

beforeAll(async () => {
  env = await openTestApp();
  group1 = (await env.db.selectFrom('org').select('id').where('name', '=', '第一党小组').executeTakeFirstOrThrow()).id;
  secretary = await login(env.app, PHONES.generalSecretary);
  ctx = { ...(await contextFor(env, PHONES.mobileMember)), ip: IP };
  memberId = await memberIdByPhone(env, PHONES.mobileMember);
});
afterAll(async () => env?.close());

describe('audit entries of the member’s own writes', () => {
  it('a check-in from the app: one entry with the status it gave (late here) and the method', async () => {
    const id = await planOne(-20 * MIN, 60 * MIN);
    const answer = await recordCheckIn(env.db, ctx, id, undefined);
    expect(answer.myStatus).toBe('late');
    await recordCheckIn(env.db, ctx, id, undefined);
    expect(await entries(id, 'attendance.checkin')).toEqual([{ ...who(), entity: 'attendance', entity_id: id, after: { memberId, status: 'late', method: 'self' } }]);
  });

  it('a check-in by QR code: one entry naming the method', async () => {
    const id = await planOne(-5 * MIN, 60 * MIN);
    const { qr_secret } = await env.db.selectFrom('study_session').select('qr_secret').where('id', '=', id).executeTakeFirstOrThrow();
    const now = clock.now();
    expect((await recordCheckIn(env.db, ctx, id, checkinCodeFor(qr_secret, id, slotAt(now)), now)).myStatus).toBe('present');
    expect(await entries(id, 'attendance.checkin')).toEqual([{ ...who(), entity: 'attendance', entity_id: id, after: { memberId, status: 'present', method: 'qr' } }]);
  });

  it('a leave request: one entry with the reason; a refused one (already checked in) none', async () => {
    const id = await planOne(30 * MIN, 90 * MIN);
    await requestLeave(env.db, ctx, id, '在苏州加班');
    expect(await entries(id, 'attendance.leave_request')).toEqual([{ ...who(), entity: 'attendance', entity_id: id, after: { memberId, reason: '在苏州加班' } }]);

    const attended = await planOne(-5 * MIN, 60 * MIN);
    await recordCheckIn(env.db, ctx, attended, undefined);
    await expect(requestLeave(env.db, ctx, attended, '临时有事')).rejects.toMatchObject({ code: 'conflict', message: '您已签到，不能请假' });
    expect(await entries(attended, 'attendance.leave_request')).toEqual([]);
  });

  it('a make-up: one entry counting the answers; a second submission is refused and adds none', async () => {
    const id = await planOne(-120 * MIN, -60 * MIN, { makeupQuestions: ['本次课的主题是什么？'] });
    await closeDueMeetings(env.db, clock.now());
    const reflection = '通过补学，我进一步理解了离乡不离党、流动不流失的要求。';
    await submitMakeup(env.db, ctx, id, { reflection, answers: ['离乡不离党'] });
    await expect(submitMakeup(env.db, ctx, id, { reflection, answers: ['离乡不离党'] })).rejects.toMatchObject({ code: 'conflict' });
    expect(await entries(id, 'makeup.submit')).toEqual([{ ...who(), entity: 'makeup', entity_id: id, after: { memberId, answers: 1 } }]);
  });
});
