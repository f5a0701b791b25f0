import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, memberIdByPhone, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import { enqueueNotice } from './outbox.ts';
import { myNoticeChannels, setMyNoticeChannels } from './preferences.ts';

/**
 * What the member's switches change in the outbox: SMS goes only with their consent, Web Push stops
 * when they turn it off, and a group they say they do not read no longer holds back their SMS.
 */
let env: Awaited<ReturnType<typeof openTestDatabase>>;
let memberId: string;

/** 10:00 in China, outside the quiet hours (21:00–08:00), whatever day the suite runs. */
const AT = new Date('2026-03-10T02:00:00Z');

async function notify(): Promise<{ channel: string; not_before: Date }[]> {
  const sourceId = crypto.randomUUID();
  await env.db.transaction().execute((tx) =>
    enqueueNotice(tx, { tenantId: env.tenantId, sourceKind: 'push', sourceId, title: '新的学习内容', path: 'study' }, [memberId], { now: AT }),
  );
  return env.db
    .selectFrom('notification')
    .select(['channel', 'not_before'])
    .where('tenant_id', '=', env.tenantId)
    .where('source_id', '=', sourceId)
    .where('member_id', '=', memberId)
    .orderBy('channel')
    .execute();
}

beforeAll(async () => {
  env = await openTestDatabase();
  memberId = await memberIdByPhone(env, PHONES.mobileMember);
  const member = await env.db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['o.id'])
    .where('m.id', '=', memberId)
    .executeTakeFirstOrThrow();
  await env.db.insertInto('notify_sms_provider').values({ tenant_id: env.tenantId, kind: 'sink' }).execute();
  await env.db
    .insertInto('notify_robot')
    .values({ tenant_id: env.tenantId, org_id: member.id, kind: 'dingtalk', name: '小组群', webhook_cipher: env.cipher.encrypt('https://oapi.dingtalk.com/robot/send?access_token=t') })
    .execute();
  const account = await env.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('member_id', '=', memberId).executeTakeFirstOrThrow();
  await env.db
    .insertInto('push_subscription')
    .values({ tenant_id: env.tenantId, account_id: account.id, endpoint: 'https://fcm.googleapis.com/fcm/send/prefs', p256dh: 'k', auth: 'a' })
    .execute();
});
afterAll(async () => env?.close());

describe("the member's switches in the outbox", () => {
  it('no SMS without consent; with it, an escalation behind the group robot and Web Push', async () => {
    expect((await notify()).map((r) => r.channel)).toEqual(['webpush']);
    const ctx = await contextFor(env, PHONES.mobileMember);
    await setMyNoticeChannels(env.db, ctx, { sms: true });
    const rows = await notify();
    expect(rows.map((r) => r.channel)).toEqual(['sms', 'webpush']);
    expect(new Date(rows[0]?.not_before ?? 0).getTime()).toBeGreaterThan(AT.getTime());
  });

  it('Web Push off: no Web Push row; the group still holds the SMS back as an escalation', async () => {
    const ctx = await contextFor(env, PHONES.mobileMember);
    await setMyNoticeChannels(env.db, ctx, { webpush: false });
    const rows = await notify();
    expect(rows.map((r) => r.channel)).toEqual(['sms']);
    expect(new Date(rows[0]?.not_before ?? 0).getTime()).toBeGreaterThan(AT.getTime());
  });

  it('"I do not read my groups": the SMS is due at once', async () => {
    const ctx = await contextFor(env, PHONES.mobileMember);
    const channels = await setMyNoticeChannels(env.db, ctx, { robot: false });
    expect(channels.robot).toEqual({ on: false });
    expect(channels.robots.map((r) => r.name)).toEqual(['小组群']);
    const rows = await notify();
    expect(rows.map((r) => r.channel)).toEqual(['sms']);
    expect(new Date(rows[0]?.not_before ?? 0).toISOString()).toBe(AT.toISOString());
  });

  it('a robot of a retired unit is not listed as reaching the member', async () => {
    const ctx = await contextFor(env, PHONES.mobileMember);
    const robot = await env.db.selectFrom('notify_robot').select('org_id').where('tenant_id', '=', env.tenantId).executeTakeFirstOrThrow();
    await env.db.updateTable('org').set({ retired_at: AT }).where('id', '=', robot.org_id).execute();
    expect((await myNoticeChannels(env.db, ctx)).robots).toEqual([]);
  });
});
