import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../test/support/harness.ts';
import { clock, shanghaiDate } from './clock.ts';
import { KEEP_DAYS, purgeIdempotencyKeys } from './idempotency.ts';
import { seedLearningDemo } from './demo/learning.ts';

/**
 * Writes sent with an Idempotency-Key (idempotency.ts) on a copy of the demo village: the mentor
 * 13800000002 records talks with 13800000003, who has make-ups and pushes of their own.
 */
let env: TestEnv;
let mentor: Session;
let secretary: Session;
let member: Session;
let mentee: string;

beforeAll(async () => {
  env = await openTestApp();
  mentor = await login(env.app, PHONES.mentor);
  secretary = await login(env.app, PHONES.branchSecretary);
  member = await login(env.app, PHONES.mobileMember);
  mentee = await memberIdByPhone(env, PHONES.mobileMember);
});
afterAll(async () => env?.close());

const talkBody = (summary: string) => ({ memberId: mentee, talkedOn: shanghaiDate(), channel: 'phone', summary });

function recordTalk(session: Session, key: string | null, body: object) {
  return env.app.inject({
    method: 'POST',
    url: '/api/talks',
    headers: { ...session.headers, ...(key === null ? {} : { 'idempotency-key': key }) },
    payload: body,
  });
}

async function talksSaying(summary: string): Promise<number> {
  const rows = await env.db.selectFrom('talk').select('id').where('tenant_id', '=', env.tenantId).where('summary', '=', summary).execute();
  return rows.length;
}

async function auditEntriesFor(talkIds: string[]): Promise<number> {
  if (talkIds.length === 0) return 0;
  const rows = await env.db.selectFrom('audit_log').select('id').where('action', '=', 'talk.create').where('entity_id', 'in', talkIds).execute();
  return rows.length;
}

describe('a write sent with an Idempotency-Key', () => {
  it('runs once: a talk recorded twice with one key is one talk with one audit entry, the repeat gets the same answer', async () => {
    const key = randomUUID();
    const summary = '重复发送的谈话：手机没收到回答又发了一次。';
    const first = await recordTalk(mentor, key, talkBody(summary));
    expect(first.statusCode).toBe(200);
    const again = await recordTalk(mentor, key, talkBody(summary));
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await talksSaying(summary)).toBe(1);
    expect(await auditEntriesFor([(first.json() as { id: string }).id])).toBe(1);
  });

  it('without the header the route behaves as before: each request runs', async () => {
    const summary = '没有带 Idempotency-Key 的谈话。';
    expect((await recordTalk(mentor, null, talkBody(summary))).statusCode).toBe(200);
    expect((await recordTalk(mentor, null, talkBody(summary))).statusCode).toBe(200);
    expect(await talksSaying(summary)).toBe(2);
  });

  it('refuses the same key with another body (409, said in words) and runs nothing', async () => {
    const key = randomUUID();
    const first = await recordTalk(mentor, key, talkBody('第一次的内容。'));
    expect(first.statusCode).toBe(200);
    const other = await recordTalk(mentor, key, talkBody('换了内容却用了同一个 key。'));
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({ ok: false, error: 'conflict', message: expect.stringContaining('Idempotency-Key 已用于另一项操作') });
    expect(await talksSaying('换了内容却用了同一个 key。')).toBe(0);
  });

  it('refuses the same key on another route (409)', async () => {
    const key = randomUUID();
    expect((await recordTalk(mentor, key, talkBody('用于另一条路由的 key。'))).statusCode).toBe(200);
    const leave = await env.app.inject({
      method: 'POST',
      url: `/api/me/sessions/${randomUUID()}/leave`,
      headers: { ...mentor.headers, 'idempotency-key': key },
      payload: { reason: '在外地打工' },
    });
    expect(leave.statusCode).toBe(409);
    expect(leave.json()).toMatchObject({ error: 'conflict' });
  });

  it('keeps keys per account: another account sending the same key runs separately', async () => {
    const key = randomUUID();
    const summary = '两个账号碰巧用了同一个 key。';
    const byMentor = await recordTalk(mentor, key, talkBody(summary));
    const bySecretary = await recordTalk(secretary, key, talkBody(summary));
    expect(byMentor.statusCode).toBe(200);
    expect(bySecretary.statusCode).toBe(200);
    expect(bySecretary.headers['idempotent-replayed']).toBeUndefined();
    expect((bySecretary.json() as { id: string }).id).not.toBe((byMentor.json() as { id: string }).id);
    expect(await talksSaying(summary)).toBe(2);
  });

  it('refuses a malformed key with a 400 naming the header, in Chinese (and English for en-US)', async () => {
    const zh = await recordTalk(mentor, 'not-a-uuid', talkBody('坏的 key。'));
    expect(zh.statusCode).toBe(400);
    expect(zh.json()).toMatchObject({ error: 'validation_failed', message: 'Idempotency-Key 应为手机生成的 UUID', issues: [{ field: 'Idempotency-Key' }] });
    const en = await env.app.inject({
      method: 'POST',
      url: '/api/talks',
      headers: { ...mentor.headers, 'idempotency-key': '12345', 'accept-language': 'en-US' },
      payload: talkBody('坏的 key。'),
    });
    expect(en.statusCode).toBe(400);
    expect(en.json()).toMatchObject({ message: 'Idempotency-Key must be a UUID chosen by the phone' });
    expect(await talksSaying('坏的 key。')).toBe(0);
  });

  it('stores a refusal (4xx) and answers it again without running', async () => {
    const key = randomUUID();
    const missing = randomUUID();
    const send = () =>
      env.app.inject({ method: 'POST', url: `/api/me/sessions/${missing}/leave`, headers: { ...member.headers, 'idempotency-key': key }, payload: { reason: '在外地' } });
    const first = await send();
    expect(first.statusCode).toBe(404);
    const again = await send();
    expect(again.statusCode).toBe(404);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });

  it('does not store a server error (5xx): the same key sent again runs', async () => {
    const key = randomUUID();
    const summary = '服务器出错后重发的谈话。';
    await sql`ALTER TABLE talk RENAME TO talk_away`.execute(env.db);
    let failed;
    try {
      failed = await recordTalk(mentor, key, talkBody(summary));
    } finally {
      await sql`ALTER TABLE talk_away RENAME TO talk`.execute(env.db);
    }
    expect(failed.statusCode).toBe(500);
    const row = await env.db.selectFrom('idempotency_key').select('key').where('key', '=', key).executeTakeFirst();
    expect(row).toBeUndefined();
    const retried = await recordTalk(mentor, key, talkBody(summary));
    expect(retried.statusCode).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await talksSaying(summary)).toBe(1);
  });

  it('two at once with one key: one talk; the other is the stored answer or a 409 "still being handled"', async () => {
    const key = randomUUID();
    const summary = '同时发出的两次。';
    const answers = await Promise.all([recordTalk(mentor, key, talkBody(summary)), recordTalk(mentor, key, talkBody(summary))]);
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
    for (const a of answers.filter((x) => x.statusCode === 409)) {
      expect(a.json()).toMatchObject({ error: 'in_progress', message: '这项操作正在处理中，请稍后再试' });
      expect(a.headers['retry-after']).toBe('1');
    }
    expect(await talksSaying(summary)).toBe(1);
  });

  it('a claim without an answer is "still being handled" (409, retry after 1 s) until it is old enough to be taken over', async () => {
    const key = randomUUID();
    const summary = '第一次处理到一半进程没了。';
    expect((await recordTalk(mentor, key, talkBody(summary))).statusCode).toBe(200);
    // As if the first request were still running: its claim has no answer yet.
    await env.db.updateTable('idempotency_key').set({ status: null, body: null, completed_at: null, created_at: clock.now() }).where('key', '=', key).execute();
    const busy = await recordTalk(mentor, key, talkBody(summary));
    expect(busy.statusCode).toBe(409);
    expect(busy.json()).toMatchObject({ error: 'in_progress' });
    expect(busy.headers['retry-after']).toBe('1');
    // A claim minutes old belongs to a process that died mid-request: the resend runs.
    await env.db.updateTable('idempotency_key').set({ created_at: new Date(clock.now().getTime() - 3 * 60_000) }).where('key', '=', key).execute();
    const taken = await recordTalk(mentor, key, talkBody(summary));
    expect(taken.statusCode).toBe(200);
    expect(taken.headers['idempotent-replayed']).toBeUndefined();
    const stored = await env.db.selectFrom('idempotency_key').select(['status']).where('key', '=', key).executeTakeFirstOrThrow();
    expect(stored.status).toBe(200);
  });

  it('reading progress sent twice with one key is recorded once', async () => {
    // the test template has the village without its learning life: the daily pushes come from here
    await seedLearningDemo(env.db, env.tenantId, clock.now());
    const inbox = await env.app.inject({ method: 'GET', url: '/api/me/inbox', headers: member.headers });
    const push = (inbox.json() as { items: { pushId: string; items: { id: string }[] }[] }).items.find((p) => p.items.length > 0);
    expect(push).toBeDefined();
    if (!push) return;
    const itemId = push.items[0]!.id;
    const key = randomUUID();
    const before = await env.db.selectFrom('audit_log').select('id').where('tenant_id', '=', env.tenantId).execute();
    const send = () =>
      env.app.inject({
        method: 'POST',
        url: `/api/me/inbox/${push.pushId}/read`,
        headers: { ...member.headers, 'idempotency-key': key },
        payload: { itemId, seconds: 40, reachedEnd: true },
      });
    const first = await send();
    expect(first.statusCode).toBe(200);
    const middle = await env.db.selectFrom('audit_log').select('id').where('tenant_id', '=', env.tenantId).execute();
    const again = await send();
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const after = await env.db.selectFrom('audit_log').select('id').where('tenant_id', '=', env.tenantId).execute();
    expect(after.length).toBe(middle.length);
    expect(middle.length).toBeGreaterThanOrEqual(before.length);
  });
});

function sendAs(session: Session, madeBy: string | undefined, key: string, summary: string) {
  return env.app.inject({
    method: 'POST',
    url: '/api/talks',
    headers: { ...session.headers, 'idempotency-key': key, ...(madeBy === undefined ? {} : { 'x-account-id': madeBy }) },
    payload: talkBody(summary),
  });
}

async function accountOf(phone: string): Promise<string> {
  return (await env.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('phone', '=', phone).executeTakeFirstOrThrow()).id;
}

describe('a queued write names the account it was made by (X-Account-Id)', () => {

  it('another account signed in on the phone gets 401 and nothing is written, not even the key', async () => {
    const summary = '别的账号保存的谈话，不能用这个登录发出。';
    const key = randomUUID();
    const res = await sendAs(mentor, await accountOf(PHONES.mobileMember), key, summary);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ ok: false, error: 'unauthenticated' });
    expect(await talksSaying(summary)).toBe(0);
    const stored = await env.db.selectFrom('idempotency_key').select('key').where('key', '=', key).execute();
    expect(stored).toEqual([]);
  });

  it('the account that made it, or no header at all, runs as before', async () => {
    const summary = '自己账号保存的谈话。';
    expect((await sendAs(mentor, await accountOf(PHONES.mentor), randomUUID(), summary)).statusCode).toBe(200);
    expect((await sendAs(mentor, undefined, randomUUID(), summary)).statusCode).toBe(200);
    expect(await talksSaying(summary)).toBe(2);
  });
});

describe('the purge', () => {
  it(`forgets keys older than ${KEEP_DAYS} days and keeps younger ones`, async () => {
    const account = await env.db.selectFrom('account').select(['id']).where('tenant_id', '=', env.tenantId).where('phone', '=', PHONES.mentor).executeTakeFirstOrThrow();
    const now = clock.now();
    const old = randomUUID();
    const young = randomUUID();
    const day = 86_400_000;
    await env.db
      .insertInto('idempotency_key')
      .values([
        { tenant_id: env.tenantId, account_id: account.id, key: old, fingerprint: 'x', status: 200, body: '{}', created_at: new Date(now.getTime() - (KEEP_DAYS + 1) * day) },
        { tenant_id: env.tenantId, account_id: account.id, key: young, fingerprint: 'x', status: 200, body: '{}', created_at: new Date(now.getTime() - (KEEP_DAYS - 1) * day) },
      ])
      .execute();
    const purged = await purgeIdempotencyKeys(env.db, now);
    expect(purged).toBeGreaterThanOrEqual(1);
    const left = await env.db.selectFrom('idempotency_key').select('key').where('key', 'in', [old, young]).execute();
    expect(left.map((r) => r.key)).toEqual([young]);
  });
});
