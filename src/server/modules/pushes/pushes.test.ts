import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { Scheduler } from '../../jobs/scheduler.ts';
import { createStudyItem } from '../library/index.ts';
import { pushesJobs } from './scheduled.ts';
import { cancelPush, createPush, deliverDuePushes, getPush, listInbox, listPushes, listTodayPushes, openInboxEntry, recordReadProgress, remindUnread, updatePush } from './service.ts';
import { nameSortKey } from '../../name-sort-key.ts';
import { clock } from '../../clock.ts';

let env: TestEnv;
let village: RequestContext;
let branch1: RequestContext;
let memberCtx: RequestContext;
let memberSession: Session;
let mentorSession: Session;
let memberId: string;
const orgIds: Record<string, string> = {};
let villageItem: string;
let villageItem2: string;
let branch2Item: string;

const HOUR = 3_600_000;
const silentLog = { info: () => {}, error: () => {} };

async function subtreeMemberIds(orgName: string, mobileOnly = false): Promise<string[]> {
  const res = await sql<{ id: string }>`
    SELECT m.id FROM member m JOIN org o ON o.tenant_id = m.tenant_id AND o.id = m.org_id
    WHERE m.tenant_id = ${env.tenantId} AND m.left_at IS NULL
      AND o.path LIKE (SELECT path FROM org WHERE tenant_id = ${env.tenantId} AND name = ${orgName}) || '%'
      AND (${!mobileOnly} OR EXISTS (SELECT 1 FROM mobility mb WHERE mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL))
  `.execute(env.db);
  return res.rows.map((r) => r.id).sort();
}

async function deliveredTo(pushId: string): Promise<string[]> {
  const rows = await env.db.selectFrom('push_delivery').select('member_id').where('push_id', '=', pushId).execute();
  return rows.map((r) => r.member_id).sort();
}

const plan = (over: Partial<Parameters<typeof createPush>[2]> = {}) => ({
  orgId: orgIds['新桥村党总支'] as string,
  title: '今日学习',
  plannedAt: new Date(clock.now().getTime() - 60_000).toISOString(),
  itemIds: [villageItem],
  audience: 'subtree' as const,
  memberIds: [],
  ...over,
});

const article = (title: string, orgId: string) => ({ orgId, kind: 'article' as const, title, category: 'theory' as const, tags: [], bodyHtml: `<p>${title}</p>`, minutes: 3 });

beforeAll(async () => {
  env = await openTestApp();
  for (const o of await env.db.selectFrom('org').select(['id', 'name']).execute()) orgIds[o.name] = o.id;
  village = await contextFor(env, PHONES.generalSecretary);
  branch1 = await contextFor(env, PHONES.branchSecretary);
  memberCtx = await contextFor(env, PHONES.mobileMember);
  memberSession = await login(env.app, PHONES.mobileMember);
  mentorSession = await login(env.app, PHONES.mentor);
  memberId = await memberIdByPhone(env, PHONES.mobileMember);
  villageItem = (await createStudyItem(env.db, village, article('学习一', orgIds['新桥村党总支'] as string))).id;
  villageItem2 = (await createStudyItem(env.db, village, article('学习二', orgIds['新桥村党总支'] as string))).id;
  branch2Item = (await createStudyItem(env.db, village, article('二支部学习', orgIds['第二党支部'] as string))).id;
});
afterAll(async () => env?.close());

describe('audience', () => {
  it('keeps the list of members when a correction names only the title', async () => {
    const secretary = await login(env.app, PHONES.generalSecretary);
    const listed = (await subtreeMemberIds('第二党支部')).slice(0, 2);
    const push = await createPush(env.db, village, plan({ orgId: orgIds['第二党支部'] as string, audience: 'list', memberIds: listed }));
    const res = await env.app.inject({ method: 'PATCH', url: `/api/pushes/${push.id}`, headers: secretary.headers, payload: { title: '改个标题' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ title: '改个标题', audience: 'list' });
    expect([...(res.json().memberIds as string[])].sort()).toEqual([...listed].sort());
    await cancelPush(env.db, village, push.id);
  });

  it('subtree, mobile members only, or a list inside the subtree; members who left are skipped', async () => {
    const leaver = (await subtreeMemberIds('第二党支部'))[0] as string;
    await env.db.updateTable('member').set({ left_at: clock.now() }).where('id', '=', leaver).execute();
    const subtree = await createPush(env.db, village, plan({ orgId: orgIds['第二党支部'] as string, itemIds: [villageItem, branch2Item] }));
    const mobile = await createPush(env.db, village, plan({ audience: 'mobile' }));
    const listed = (await subtreeMemberIds('第二党支部')).slice(0, 2);
    const list = await createPush(env.db, village, plan({ orgId: orgIds['第二党支部'] as string, audience: 'list', memberIds: listed }));
    expect(await deliverDuePushes(env.db, clock.now())).toBe(3);
    const expectedSubtree = await subtreeMemberIds('第二党支部');
    expect(expectedSubtree).not.toContain(leaver);
    expect(await deliveredTo(subtree.id)).toEqual(expectedSubtree);
    const mobiles = await subtreeMemberIds('新桥村党总支', true);
    expect(mobiles.length).toBeGreaterThan(5);
    expect(mobiles.length).toBeLessThan(30);
    expect(await deliveredTo(mobile.id)).toEqual(mobiles);
    expect(await deliveredTo(list.id)).toEqual([...listed].sort());
    const detail = await getPush(env.db, village, subtree.id);
    expect(detail).toMatchObject({ status: 'delivered', stats: { delivered: expectedSubtree.length, opened: 0, read: 0 }, itemTitles: ['学习一', '二支部学习'] });
    expect(detail.recipients).toHaveLength(expectedSubtree.length);
    const row = await env.db.selectFrom('push').select(['delivered_count', 'delivered_at']).where('id', '=', subtree.id).executeTakeFirstOrThrow();
    expect(row.delivered_count).toBe(expectedSubtree.length);
    expect(row.delivered_at).not.toBeNull();
  });

  it('refuses a list reaching outside the unit, and items its members cannot read', async () => {
    const outside = (await subtreeMemberIds('第一党支部'))[0] as string;
    const inside = (await subtreeMemberIds('第二党支部'))[0] as string;
    await expect(createPush(env.db, village, plan({ orgId: orgIds['第二党支部'] as string, audience: 'list', memberIds: [inside, outside] }))).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ field: 'memberIds', message: '有 1 名党员不在本单位范围内（或已离开），不能推送给他们' }],
    });
    // An item of 第二党支部 pushed to the whole village would reach members who cannot read it.
    await expect(createPush(env.db, village, plan({ itemIds: [branch2Item] }))).rejects.toMatchObject({ code: 'validation_failed', issues: [{ field: 'itemIds' }] });
    await expect(createPush(env.db, village, plan({ audience: 'list', memberIds: [] }))).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

describe('delivery', () => {
  it('is idempotent: a second run, two runs at once, or a replayed claim give one inbox entry per member', async () => {
    const first = await createPush(env.db, village, plan({ title: '重复测试' }));
    const expected = await subtreeMemberIds('新桥村党总支');
    expect(await deliverDuePushes(env.db, clock.now())).toBe(1);
    expect(await deliverDuePushes(env.db, clock.now())).toBe(0);
    expect(await deliveredTo(first.id)).toEqual(expected);

    const second = await createPush(env.db, village, plan({ title: '并发测试' }));
    const runs = await Promise.all([deliverDuePushes(env.db, clock.now()), deliverDuePushes(env.db, clock.now())]);
    expect(runs[0] + runs[1]).toBe(1);
    expect(await deliveredTo(second.id)).toEqual(expected);

    // As if a crash left the push planned after its deliveries were written: the replay adds nothing.
    await env.db.updateTable('push').set({ status: 'planned' }).where('id', '=', second.id).execute();
    expect(await deliverDuePushes(env.db, clock.now())).toBe(1);
    expect(await deliveredTo(second.id)).toEqual(expected);
    const month = await sql<{ n: number }>`SELECT sum(pushes_delivered)::int AS n FROM learning_month WHERE member_id = ${memberId}`.execute(env.db);
    const deliveries = await env.db.selectFrom('push_delivery').select('push_id').where('member_id', '=', memberId).execute();
    expect(month.rows[0]?.n).toBe(deliveries.length);
  });

  it('catches up a push whose time passed while the server was down, and leaves future ones planned', async () => {
    const missed = await createPush(env.db, village, plan({ title: '停机期间', plannedAt: new Date(clock.now().getTime() - 5 * HOUR).toISOString() }));
    const future = await createPush(env.db, village, plan({ title: '明天', plannedAt: new Date(clock.now().getTime() + 20 * HOUR).toISOString() }));
    expect(await deliverDuePushes(env.db, clock.now())).toBe(1);
    expect((await getPush(env.db, village, missed.id)).status).toBe('delivered');
    expect((await getPush(env.db, village, future.id)).status).toBe('planned');
    expect(await deliveredTo(future.id)).toEqual([]);
    await cancelPush(env.db, village, future.id);
  });

  it('restarting the scheduler never sends twice', async () => {
    const push = await createPush(env.db, village, plan({ title: '重启测试' }));
    const expected = await subtreeMemberIds('新桥村党总支');
    for (let i = 0; i < 2; i++) {
      const scheduler = new Scheduler(env.db, pushesJobs, silentLog);
      scheduler.start();
      await scheduler.runNow('deliver-pushes');
      await scheduler.stop();
      expect(await deliveredTo(push.id)).toEqual(expected);
    }
    const run = await env.db.selectFrom('job_run').selectAll().where('name', '=', 'deliver-pushes').executeTakeFirstOrThrow();
    expect(run.last_error).toBeNull();
    expect(Number(run.runs)).toBeGreaterThanOrEqual(2);
  });

  it('a push can be changed or cancelled only while planned', async () => {
    const push = await createPush(env.db, village, plan({ title: '待修改', plannedAt: new Date(clock.now().getTime() + HOUR).toISOString() }));
    const changed = await updatePush(env.db, village, push.id, { title: '已修改', itemIds: [villageItem2, villageItem] });
    expect(changed).toMatchObject({ title: '已修改', itemTitles: ['学习二', '学习一'], status: 'planned' });
    await updatePush(env.db, village, push.id, { plannedAt: new Date(clock.now().getTime() - 1000).toISOString() });
    await deliverDuePushes(env.db, clock.now());
    await expect(updatePush(env.db, village, push.id, { title: '太晚了' })).rejects.toMatchObject({ code: 'conflict', message: '推送已送达，不能修改' });
    await expect(cancelPush(env.db, village, push.id)).rejects.toMatchObject({ code: 'conflict' });
    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', push.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['push.create', 'push.update', 'push.update']);
  });

  it('a secretary sees only the pushes of their subtree', async () => {
    const inBranch2 = await createPush(env.db, village, plan({ orgId: orgIds['第二党支部'] as string, title: '二支部推送', plannedAt: new Date(clock.now().getTime() + HOUR).toISOString() }));
    const list = await listPushes(env.db, branch1, { page: 1, pageSize: 200 });
    expect(list.items.map((p) => p.id)).not.toContain(inBranch2.id);
    expect(list.items.every((p) => p.orgName === '第一党支部' || p.orgId === orgIds['第一党支部'])).toBe(true);
    await expect(getPush(env.db, branch1, inBranch2.id)).rejects.toMatchObject({ code: 'forbidden' });
    const villageList = await listPushes(env.db, village, { page: 1, pageSize: 200, status: 'planned' });
    expect(villageList.items.map((p) => p.id)).toContain(inBranch2.id);
    expect(villageList.items.every((p) => p.status === 'planned')).toBe(true);
    await cancelPush(env.db, village, inBranch2.id);
  });
});

describe('reading and reminders', () => {
  it('an item counts as read at the end or after the minimum time; the push when all its items are; the rollup follows', async () => {
    const push = await createPush(env.db, village, plan({ title: '两篇', itemIds: [villageItem, villageItem2] }));
    await deliverDuePushes(env.db, clock.now());
    const monthOf = async () => {
      const r = await sql<{ delivered: number; read: number }>`
        SELECT coalesce(sum(pushes_delivered), 0)::int AS delivered, coalesce(sum(pushes_read), 0)::int AS read FROM learning_month WHERE member_id = ${memberId}`.execute(env.db);
      return r.rows[0] as { delivered: number; read: number };
    };
    const before = await monthOf();
    const opened = await openInboxEntry(env.db, memberCtx, push.id);
    expect(opened.openedAt).not.toBeNull();
    expect((await openInboxEntry(env.db, memberCtx, push.id)).openedAt).toBe(opened.openedAt);
    const active = await env.db.selectFrom('member').select('last_active_at').where('id', '=', memberId).executeTakeFirstOrThrow();
    expect(active.last_active_at).not.toBeNull();

    let entry = await recordReadProgress(env.db, memberCtx, push.id, { itemId: villageItem, seconds: 20, reachedEnd: false });
    expect(entry.items.map((i) => i.read)).toEqual([false, false]);
    entry = await recordReadProgress(env.db, memberCtx, push.id, { itemId: villageItem, seconds: 60, reachedEnd: false });
    expect(entry.items.map((i) => i.read)).toEqual([true, false]);
    expect(entry.readAt).toBeNull();
    entry = await recordReadProgress(env.db, memberCtx, push.id, { itemId: villageItem, seconds: 90, reachedEnd: true });
    expect(entry.readAt).toBeNull();
    entry = await recordReadProgress(env.db, memberCtx, push.id, { itemId: villageItem2, seconds: 5, reachedEnd: true });
    expect(entry.items.map((i) => i.read)).toEqual([true, true]);
    expect(entry.readAt).not.toBeNull();
    const again = await recordReadProgress(env.db, memberCtx, push.id, { itemId: villageItem2, seconds: 500, reachedEnd: true });
    expect(again.readAt).toBe(entry.readAt);
    const row = await env.db.selectFrom('push_delivery').select('read_item_ids').where('push_id', '=', push.id).where('member_id', '=', memberId).executeTakeFirstOrThrow();
    expect(row.read_item_ids).toEqual([villageItem, villageItem2]);
    const after = await monthOf();
    expect(after).toEqual({ delivered: before.delivered, read: before.read + 1 });
    const stats = (await getPush(env.db, village, push.id)).stats;
    expect(stats).toMatchObject({ opened: 1, read: 1 });
    // The detail lists unread recipients first.
    const recipients = (await getPush(env.db, village, push.id)).recipients;
    expect(recipients.at(-1)?.memberId).toBe(memberId);

    await expect(recordReadProgress(env.db, memberCtx, push.id, { itemId: branch2Item, seconds: 100, reachedEnd: true })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('the rollup counts every delivery of a push once', async () => {
    const push = await createPush(env.db, village, plan({ title: '汇总' }));
    const total = async () => Number((await sql<{ n: number }>`SELECT coalesce(sum(pushes_delivered), 0)::int AS n FROM learning_month`.execute(env.db)).rows[0]?.n);
    const before = await total();
    await deliverDuePushes(env.db, clock.now());
    expect(await total()).toBe(before + (await deliveredTo(push.id)).length);
  });

  it('reminds an unread push once, after the reminder time', async () => {
    const push = await createPush(env.db, village, plan({ title: '提醒' }));
    const delivered = clock.now();
    await deliverDuePushes(env.db, delivered);
    await openInboxEntry(env.db, memberCtx, push.id);
    // Someone else reads it all; they get no reminder.
    const reader = await contextFor(env, PHONES.groupLeader);
    await recordReadProgress(env.db, reader, push.id, { itemId: villageItem, seconds: 0, reachedEnd: true });
    expect(await remindUnread(env.db, new Date(delivered.getTime() + 23 * HOUR))).toBe(0);
    const later = new Date(delivered.getTime() + 25 * HOUR);
    const reminded = await remindUnread(env.db, later);
    const audience = (await deliveredTo(push.id)).length;
    expect(reminded).toBeGreaterThanOrEqual(audience - 1);
    expect(await remindUnread(env.db, new Date(later.getTime() + HOUR))).toBe(0);
    const rows = await env.db.selectFrom('push_delivery').select(['member_id', 'reminded_at']).where('push_id', '=', push.id).execute();
    const readerId = reader.actor.memberId;
    expect(rows.filter((r) => r.reminded_at !== null)).toHaveLength(audience - 1);
    expect(rows.find((r) => r.member_id === readerId)?.reminded_at).toBeNull();
    expect(rows.find((r) => r.member_id === memberId)?.reminded_at?.getTime()).toBe(later.getTime());
    const inbox = await listInbox(env.db, memberCtx, { page: 1, pageSize: 50 });
    expect(inbox.items.find((e) => e.pushId === push.id)?.reminded).toBe(true);
  });

  it('the inbox is newest first, paged, with the unread count', async () => {
    const inbox = await listInbox(env.db, memberCtx, { page: 1, pageSize: 100 });
    const rows = await env.db.selectFrom('push_delivery').select(['read_at']).where('member_id', '=', memberId).execute();
    expect(inbox.total).toBe(rows.length);
    expect(inbox.unread).toBe(rows.filter((r) => r.read_at === null).length);
    const times = inbox.items.map((e) => e.deliveredAt);
    expect([...times].sort().reverse()).toEqual(times);
    const paged = await listInbox(env.db, memberCtx, { page: 2, pageSize: 2 });
    expect(paged.items.map((e) => e.pushId)).toEqual(inbox.items.slice(2, 4).map((e) => e.pushId));
    expect(paged.total).toBe(inbox.total);
  });

  it('today: pushes delivered today and older unread ones, newest first, at most 5', async () => {
    // A member of their own, so every entry of their inbox is known here.
    const group = orgIds['第六党小组'] as string;
    const fresh = await env.db
      .insertInto('member')
      .values({ tenant_id: env.tenantId, org_id: group, name: '测试党员甲', name_sort_key: nameSortKey('测试党员甲'), gender: 'female', phone: '17700009999', status: 'full' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await env.db.insertInto('account').values({ tenant_id: env.tenantId, phone: '17700009999', display_name: '测试党员甲', password_hash: 'x', member_id: fresh.id }).execute();
    const ctx = await contextFor(env, '17700009999');
    const listFor = (title: string, plannedAt: Date) =>
      createPush(env.db, village, plan({ orgId: group, title, audience: 'list', memberIds: [fresh.id], plannedAt: plannedAt.toISOString() }));
    const weekAgo = new Date(clock.now().getTime() - 7 * 24 * HOUR);
    const oldUnread = await listFor('上周未读', weekAgo);
    const oldRead = await listFor('上周已读', new Date(weekAgo.getTime() + 1000));
    await deliverDuePushes(env.db, new Date(weekAgo.getTime() + 2000));
    await recordReadProgress(env.db, ctx, oldRead.id, { itemId: villageItem, seconds: 0, reachedEnd: true });
    const todays = [await listFor('今天一', new Date(clock.now().getTime() - 2000))];
    await deliverDuePushes(env.db, clock.now());
    expect((await listTodayPushes(env.db, ctx)).map((e) => e.pushId)).toEqual([todays[0]?.id, oldUnread.id]);
    for (let i = 2; i <= 6; i++) {
      todays.push(await listFor(`今天${i}`, new Date(clock.now().getTime() - 1000)));
      await deliverDuePushes(env.db, new Date(clock.now().getTime() + i));
    }
    const today = await listTodayPushes(env.db, ctx);
    expect(today.map((e) => e.title)).toEqual(['今天6', '今天5', '今天4', '今天3', '今天2']);
  });

  it("a member cannot open or read another member's push", async () => {
    const push = await createPush(env.db, village, plan({ orgId: orgIds['第二党支部'] as string, title: '二支部' }));
    await deliverDuePushes(env.db, clock.now());
    expect(await deliveredTo(push.id)).not.toContain(memberId);
    const open = await env.app.inject({ method: 'POST', url: `/api/me/inbox/${push.id}/open`, headers: memberSession.headers });
    expect([403, 404]).toContain(open.statusCode);
    const read = await env.app.inject({
      method: 'POST',
      url: `/api/me/inbox/${push.id}/read`,
      headers: memberSession.headers,
      payload: { itemId: villageItem, seconds: 100, reachedEnd: true },
    });
    expect([403, 404]).toContain(read.statusCode);
    const mine = await env.app.inject({ url: '/api/me/inbox', headers: mentorSession.headers });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.map((e: { pushId: string }) => e.pushId)).not.toContain(push.id);
    const rows = await env.db.selectFrom('push_delivery').select('opened_at').where('push_id', '=', push.id).where('opened_at', 'is not', null).execute();
    expect(rows).toHaveLength(0);
  });

  it('opening a push not in the inbox is not found and leaves the member untouched', async () => {
    const push = await createPush(env.db, village, plan({ orgId: orgIds['第二党支部'] as string, title: '二支部又一条' }));
    await deliverDuePushes(env.db, clock.now());
    const activeAt = async () => (await env.db.selectFrom('member').select('last_active_at').where('id', '=', memberId).executeTakeFirstOrThrow()).last_active_at;
    const before = await activeAt();
    await expect(openInboxEntry(env.db, memberCtx, push.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(await activeAt()).toEqual(before);
  });
});
