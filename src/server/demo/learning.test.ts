import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/support/harness.ts';
import { seedLearningDemo } from './learning.ts';

type Opened = Awaited<ReturnType<typeof openTestDatabase>>;
let opened: Opened;

beforeAll(async () => {
  opened = await openTestDatabase();
  await seedLearningDemo(opened.db, opened.tenantId, new Date('2026-11-26T03:00:00Z'));
});
afterAll(async () => opened?.close());

const one = async <T>(q: ReturnType<typeof sql<T>>) => (await q.execute(opened.db)).rows[0] as T;

describe('the demo village learning history', () => {
  it('has a library, two weeks of pushes and today’s planned for 07:30 China time', async () => {
    const pushes = await opened.db.selectFrom('push').select(['status', 'planned_at']).orderBy('planned_at').execute();
    expect(pushes).toHaveLength(15);
    expect(pushes.filter((p) => p.status === 'delivered')).toHaveLength(13);
    const today = pushes[13];
    expect(today?.status).toBe('planned');
    expect(new Date(today?.planned_at as Date).toISOString()).toBe('2026-11-25T23:30:00.000Z');
    expect(await opened.db.selectFrom('study_item').select('id').execute()).toHaveLength(6);
  });

  it('keeps the monthly rollup equal to the deliveries', async () => {
    const r = await one(sql<{ d: number; r: number; ld: number; lr: number }>`
      SELECT (SELECT count(*)::int FROM push_delivery) d, (SELECT count(*)::int FROM push_delivery WHERE read_at IS NOT NULL) r,
             (SELECT sum(pushes_delivered)::int FROM learning_month) ld, (SELECT sum(pushes_read)::int FROM learning_month) lr`);
    expect(r.d).toBe(13 * 113);
    expect(r.ld).toBe(r.d);
    expect(r.lr).toBe(r.r);
    expect(r.r).toBeLessThan(r.d);
  });

  it('gives every missed past class a make-up, and made-up attendance a submitted one', async () => {
    const r = await one(sql<{ missed_without: number; made_up_without: number; made_up: number; open: number }>`
      SELECT
        (SELECT count(*)::int FROM attendance a JOIN study_session s ON s.id = a.session_id AND s.status = 'closed'
          WHERE a.status IN ('absent','excused') AND NOT EXISTS (SELECT 1 FROM makeup k WHERE k.session_id = a.session_id AND k.member_id = a.member_id)) missed_without,
        (SELECT count(*)::int FROM attendance a WHERE a.status = 'made_up'
          AND NOT EXISTS (SELECT 1 FROM makeup k WHERE k.session_id = a.session_id AND k.member_id = a.member_id AND k.status = 'submitted')) made_up_without,
        (SELECT count(*)::int FROM attendance WHERE status = 'made_up') made_up,
        (SELECT count(*)::int FROM makeup WHERE status = 'open') open`);
    expect(r.missed_without).toBe(0);
    expect(r.made_up_without).toBe(0);
    expect(r.made_up).toBeGreaterThan(0);
    expect(r.open).toBeGreaterThan(0);
  });

  it('leaves 第二党小组 without gaps; the demo mentee missed the last two classes and the branch meeting', async () => {
    const group = await one(sql<{ unread: number; missed: number }>`
      SELECT
        (SELECT count(*)::int FROM push_delivery d JOIN member m ON m.id = d.member_id JOIN org o ON o.id = m.org_id
          WHERE o.name = '第二党小组' AND d.read_at IS NULL) unread,
        (SELECT count(*)::int FROM attendance a JOIN member m ON m.id = a.member_id JOIN org o ON o.id = m.org_id
          WHERE o.name = '第二党小组' AND a.status IN ('absent','excused')) missed`);
    expect(group).toEqual({ unread: 0, missed: 0 });
    const mentee = await one(sql<{ absent: number }>`
      SELECT count(*)::int absent FROM attendance a JOIN member m ON m.id = a.member_id WHERE m.phone = '13800000003' AND a.status = 'absent'`);
    expect(mentee.absent).toBe(3);
  });

  it('gives members who read or checked in a last activity time', async () => {
    const r = await one(sql<{ active: number }>`
      SELECT count(*) FILTER (WHERE last_active_at IS NOT NULL)::int active FROM member`);
    expect(r.active).toBe(113);
  });

  it('plans the next class for tomorrow evening with the whole village invited', async () => {
    const next = await opened.db.selectFrom('study_session').select(['id', 'starts_at']).where('status', '=', 'planned').execute();
    expect(next).toHaveLength(1);
    expect(new Date(next[0]?.starts_at as Date).toISOString()).toBe('2026-11-27T11:30:00.000Z');
    const invited = await opened.db.selectFrom('attendance').select('member_id').where('session_id', '=', next[0]?.id as string).execute();
    expect(invited).toHaveLength(113);
  });
});

describe('what the scheduler makes of it at start', () => {
  it('raises one absence-streak task, for the demo mentee, addressed to their mentor', async () => {
    const { raiseStreakTasks } = await import('../modules/coverage/scheduled.ts');
    await raiseStreakTasks(opened.db, new Date('2026-11-26T03:00:00Z'));
    const tasks = await sql<{ phone: string; kind: string; mentor: string | null }>`
      SELECT m.phone, t.kind, mm.phone AS mentor FROM care_task t
      JOIN member m ON m.id = t.member_id LEFT JOIN member mm ON mm.id = t.assignee_member_id`.execute(opened.db);
    expect(tasks.rows).toEqual([{ phone: '13800000003', kind: 'absence_streak', mentor: '13800000002' }]);
  });
});
