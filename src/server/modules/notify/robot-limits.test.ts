import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../../test/support/harness.ts';
import { clock } from '../../clock.ts';
import { dispatchDue, enqueueNotice } from './index.ts';
import { startFakeRobotServer, type FakeRequest, type FakeRobotServer } from './providers/robots/fake-robot-server.ts';

/**
 * Group robots through the outbox on a simulated clock, against a loopback fake that behaves like
 * 企业微信 and 钉钉: a robot's 21st message within 60 s is refused as "too fast". Notices arriving
 * one a second must reach each group as digests, never more than 20 a minute, the rest gathered
 * into one digest once the minute has passed; a robot the service throttled gets nothing until
 * its block ends.
 */

let env: Awaited<ReturnType<typeof openTestDatabase>>;
let fake: FakeRobotServer;
let simNow = 0;
const recent = new Map<string, number[]>();
let refused = 0;
const keyOf = (r: FakeRequest) => r.query.get('key') ?? r.query.get('access_token') ?? '';

beforeAll(async () => {
  env = await openTestDatabase();
  fake = await startFakeRobotServer({ stamp: () => simNow });
});
afterAll(async () => {
  await fake?.close();
  await env?.close();
});

/** The most messages one robot got in any 60 s. */
function mostInAMinute(key: string): number {
  const times = fake.requests.filter((r) => keyOf(r) === key).map((r) => r.at).sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= 60_000) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function unitWithMembers(name: string) {
  const org = await env.db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow();
  const member = await env.db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select('m.id')
    .where('m.tenant_id', '=', env.tenantId)
    .where('o.path', 'like', `${org.path}%`)
    .where('m.left_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { orgId: org.id, memberId: member.id };
}

async function addRobot(orgId: string, kind: 'wecom' | 'dingtalk', key: string, answer = 'ok') {
  const webhook = kind === 'wecom' ? `${fake.base}/${answer}/cgi-bin/webhook/send?key=${key}` : `${fake.base}/${answer}/robot/send?access_token=${key}`;
  const row = await env.db
    .insertInto('notify_robot')
    .values({ tenant_id: env.tenantId, org_id: orgId, kind, name: key, webhook_cipher: env.cipher.encrypt(webhook), secret_cipher: kind === 'dingtalk' ? env.cipher.encrypt('SEClimits') : null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

describe('robot digests within the services’ limits', () => {
  it('25 notices a second apart: at most 20 messages a minute per robot, the rest in one digest after the minute', async () => {
    const runtime = { cipher: env.cipher, publicUrl: 'https://lianxin.example.cn' };
    const a = await unitWithMembers('第一党支部');
    const b = await unitWithMembers('第二党支部');
    await addRobot(a.orgId, 'wecom', 'limits-a');
    await addRobot(b.orgId, 'dingtalk', 'limits-b');
    fake.answer = (req) => {
      const key = keyOf(req);
      if (!key.startsWith('limits-')) return null;
      const times = (recent.get(key) ?? []).filter((at) => req.at - at < 60_000);
      times.push(req.at);
      recent.set(key, times);
      if (times.length <= 20) return null;
      refused++;
      return { status: 200, body: JSON.stringify({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }) };
    };

    const start = clock.now().getTime();
    simNow = start;
    const sources: string[] = [];
    for (let step = 0; step < 200; step++) {
      const now = new Date(simNow);
      if (step < 25) {
        const sourceId = crypto.randomUUID();
        sources.push(sourceId);
        await env.db.transaction().execute((tx) => enqueueNotice(tx, { tenantId: env.tenantId, sourceKind: 'push', sourceId, title: `第 ${step + 1} 条学习通知`, path: 'study' }, [a.memberId, b.memberId], { now }));
      }
      await dispatchDue(env.db, runtime, now);
      const left = await env.db.selectFrom('notification').select('id').where('source_id', 'in', sources).where('status', 'in', ['pending', 'sending']).execute();
      if (step >= 24 && left.length === 0) break;
      simNow += 1_000;
    }

    const rows = await env.db.selectFrom('notification').select(['status', 'channel']).where('source_id', 'in', sources).execute();
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(refused).toBe(0);
    for (const key of ['limits-a', 'limits-b']) {
      expect(mostInAMinute(key)).toBeLessThanOrEqual(20);
      const posts = fake.requests.filter((r) => keyOf(r) === key);
      // 20 single notices in the first minute, then the other 5 together.
      expect(posts.length).toBeLessThan(25);
      const last = JSON.stringify(posts[posts.length - 1]?.body);
      expect(last).toContain('第 25 条学习通知');
      expect(last).toContain('第 21 条学习通知');
      expect((posts[posts.length - 1]?.at ?? 0) - start).toBeGreaterThanOrEqual(60_000);
    }
    // Every line carries its own deep link with its notification id.
    const rowIds = await env.db.selectFrom('notification').select('id').where('source_id', '=', sources[24] as string).execute();
    const all = fake.requests.map((r) => r.rawBody).join('\n');
    for (const r of rowIds) expect(all).toContain(`https://lianxin.example.cn/m/study?n=${r.id}`);
  });

  it('a robot the service throttled gets nothing until its block ends, then the waiting notices in one digest', async () => {
    const runtime = { cipher: env.cipher, publicUrl: 'https://lianxin.example.cn' };
    const c = await unitWithMembers('第三党支部（老党员支部）');
    const robotId = await addRobot(c.orgId, 'wecom', 'blocked-c');
    let throttle = true;
    fake.answer = (req) => (keyOf(req) === 'blocked-c' && throttle ? { status: 200, body: JSON.stringify({ errcode: 45009, errmsg: 'api freq out of limit' }) } : null);

    const start = simNow + 3_600_000;
    simNow = start;
    const sources: string[] = [];
    const notice = async (n: number) => {
      const sourceId = crypto.randomUUID();
      sources.push(sourceId);
      await env.db.transaction().execute((tx) => enqueueNotice(tx, { tenantId: env.tenantId, sourceKind: 'push', sourceId, title: `限流后的第 ${n} 条`, path: 'study' }, [c.memberId], { now: new Date(simNow) }));
    };
    await notice(1);
    await dispatchDue(env.db, runtime, new Date(simNow));
    const blocked = await env.db.selectFrom('notify_robot').select(['blocked_until', 'last_error']).where('id', '=', robotId).executeTakeFirstOrThrow();
    expect(blocked.blocked_until?.getTime()).toBe(start + 600_000);
    expect(blocked.last_error).toMatch(/^45009 发送太快/);
    throttle = false;

    const posted = () => fake.requests.filter((r) => keyOf(r) === 'blocked-c');
    expect(posted()).toHaveLength(1);
    for (let s = 1; s <= 660; s += 30) {
      simNow = start + s * 1_000;
      if (s === 31) await notice(2);
      await dispatchDue(env.db, runtime, new Date(simNow));
      if (simNow < start + 600_000) expect(posted()).toHaveLength(1);
    }
    expect(posted()).toHaveLength(2);
    expect(posted()[1]?.at).toBeGreaterThanOrEqual(start + 600_000);
    const digest = JSON.stringify(posted()[1]?.body);
    expect(digest).toContain('限流后的第 1 条');
    expect(digest).toContain('限流后的第 2 条');
    const statuses = await env.db.selectFrom('notification').select('status').where('source_id', 'in', sources).execute();
    expect(statuses.map((r) => r.status)).toEqual(['sent', 'sent']);
  });
});
