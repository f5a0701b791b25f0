import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, memberIdByPhone, openTestDatabase, PHONES } from '../../../test/support/harness.ts';
import { shanghaiDate } from '../clock.ts';
import { getSettings } from '../modules/settings/service.ts';
import { readMentoring, readTalkStates } from '../modules/talks/repo.ts';
import { countMyOverdueTalks } from '../modules/talks/service.ts';
import { seedCareDemo } from './care.ts';

type Opened = Awaited<ReturnType<typeof openTestDatabase>>;
let opened: Opened;
// The moment the template's village was made: its stays began so many days before it, and the
// talks and trips are laid out from the same moment, so their distances hold on any day.
let NOW = new Date(0);
let TODAY = '';
const dayOf = (daysAgo: number) => shanghaiDate(new Date(NOW.getTime() - daysAgo * 86_400_000));

beforeAll(async () => {
  opened = await openTestDatabase();
  const made = await opened.db.selectFrom('member').select((eb) => eb.fn.max('created_at').as('at')).executeTakeFirstOrThrow();
  NOW = new Date(made.at as Date);
  TODAY = shanghaiDate(NOW);
  await seedCareDemo(opened.db, opened.tenantId, NOW);
});
afterAll(async () => opened?.close());

const states = async () =>
  readTalkStates(opened.db, opened.tenantId, await getSettings(opened.db, opened.tenantId), { paths: 'all', mobileOnly: true }, TODAY);

describe('the demo village’s heart-to-heart talks', () => {
  it('has talks over the last five months for every mobile member but the one away longest, by every channel', async () => {
    const talks = await opened.db.selectFrom('talk').select(['member_id', 'talked_on', 'channel', 'talker_member_id', 'summary']).execute();
    const members = new Set(talks.map((t) => t.member_id));
    expect(members.size).toBe(12);
    expect(talks.length).toBeGreaterThan(45);
    expect(talks.every((t) => t.talked_on <= TODAY && t.talked_on >= dayOf(150))).toBe(true);
    expect(new Set(talks.map((t) => t.channel))).toEqual(new Set(['phone', 'video', 'wechat', 'in_person']));
    // Each talk is by the member's current mentor.
    const mentors = await opened.db.selectFrom('mentorship').select(['member_id', 'mentor_member_id']).where('ended_on', 'is', null).execute();
    const mentorOf = new Map(mentors.map((m) => [m.member_id, m.mentor_member_id]));
    expect(talks.every((t) => t.talker_member_id === mentorOf.get(t.member_id))).toBe(true);
    const away = await opened.db.selectFrom('mobility').select('member_id').where('ended_on', 'is', null).orderBy('since').executeTakeFirstOrThrow();
    expect(members.has(away.member_id)).toBe(false);
  });

  it('leaves the demo mentee overdue by 10 days for their mentor, one member never talked with, two due this week and one more overdue', async () => {
    const rows = await states();
    const mentee = await memberIdByPhone(opened, PHONES.mobileMember);
    expect(rows.find((r) => r.id === mentee)).toMatchObject({ last_talk_on: dayOf(40), talk_due: 'overdue', overdue_days: 10 });
    const count = (due: string) => rows.filter((r) => r.talk_due === due).length;
    expect([count('overdue'), count('never'), count('due_soon')]).toEqual([2, 1, 2]);
    const mentor = await contextFor(opened, PHONES.mentor);
    expect(await countMyOverdueTalks(opened.db, mentor, TODAY)).toBe(1);
    const overview = await readMentoring(opened.db, opened.tenantId, await getSettings(opened.db, opened.tenantId), { paths: 'all', mobileOnly: true }, undefined, TODAY, { limit: 20, offset: 0 });
    expect(overview).toMatchObject({ members: 13, without_mentor: 0, overdue: 2, never: 1 });
  });

  it('has one talk 10 days ago that needs follow-up, with an open follow-up task for the mentor', async () => {
    const tasks = await opened.db.selectFrom('care_task').selectAll().execute();
    expect(tasks).toHaveLength(1);
    const task = tasks[0] as (typeof tasks)[number];
    const talk = await opened.db.selectFrom('talk').selectAll().where('follow_up_needed', '=', true).execute();
    expect(talk).toHaveLength(1);
    expect(talk[0]).toMatchObject({ talked_on: dayOf(10), follow_up_task_id: task.id, member_id: task.member_id });
    expect(task).toMatchObject({ kind: 'follow_up', status: 'open', source_talk_id: talk[0]?.id, assignee_member_id: talk[0]?.talker_member_id, due_on: dayOf(3) });
    const events = await opened.db.selectFrom('care_task_event').select('kind').where('task_id', '=', task.id).execute();
    expect(events.map((e) => e.kind)).toEqual(['created']);
  });

  it('counts the talks as contact', async () => {
    const rows = await opened.db
      .selectFrom('member as m')
      .innerJoin('talk as t', 't.member_id', 'm.id')
      .select(['m.id', 'm.last_contact_at'])
      .select((eb) => eb.fn.max('t.talked_on').as('last_talk'))
      .groupBy(['m.id', 'm.last_contact_at'])
      .execute();
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.last_contact_at !== null && r.last_contact_at >= (r.last_talk as string))).toBe(true);
  });
});
