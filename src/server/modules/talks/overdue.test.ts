import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { addDays, shanghaiDate } from '../../clock.ts';
import { MentoringQuery } from '../../../shared/api-care.ts';
import { getDashboard } from '../dashboard/index.ts';
import { listDrift } from '../radar/index.ts';
import { updateSettings } from '../settings/index.ts';
import { listMentoring } from './service.ts';

/**
 * One definition of an overdue talk (overdueTalkCondition): the drift radar's no_talk reason, the
 * mentoring overview's overdue tab (逾期 + 从未谈话) and the dashboard's 党内关怀 count name the same
 * members. Every member of the demo village gets a talk today, then a few get talks at the edges.
 */
let env: Awaited<ReturnType<typeof openTestDatabase>>;
let secretary: RequestContext;
let admin: RequestContext;
const today = shanghaiDate();
const daysAgo = (n: number): string => addDays(today, -n);
const who: Record<string, string> = {};

async function setTalks(memberId: string, ...ago: number[]): Promise<void> {
  await env.db.deleteFrom('talk').where('tenant_id', '=', env.tenantId).where('member_id', '=', memberId).execute();
  for (const n of ago) {
    await env.db.insertInto('talk').values({ tenant_id: env.tenantId, member_id: memberId, talked_on: daysAgo(n), channel: 'phone', talker_name: '测试', summary: '谈话' }).execute();
  }
}

/** The three answers: the members each names as overdue (the dashboard gives only a count). */
async function answers(): Promise<{ radar: string[]; mentoring: string[]; dashboard: number }> {
  const drift = await listDrift(env.db, secretary, { reason: 'no_talk', page: 1, pageSize: 200 });
  const mentoring = await listMentoring(env.db, secretary, MentoringQuery.parse({ scope: 'all', filter: 'overdue', pageSize: 200 }));
  const dashboard = await getDashboard(env.db, secretary, undefined);
  expect(drift.total).toBeLessThanOrEqual(200);
  expect(mentoring.summary.overdue + mentoring.summary.never).toBe(mentoring.total);
  return { radar: drift.items.map((r) => r.memberId).sort(), mentoring: mentoring.items.map((r) => r.memberId).sort(), dashboard: dashboard.care.talksOverdue };
}

beforeAll(async () => {
  env = await openTestDatabase();
  secretary = await contextFor(env, PHONES.generalSecretary);
  admin = await contextFor(env, PHONES.tenantAdmin);
  await sql`INSERT INTO talk (tenant_id, member_id, talked_on, channel, talker_name, summary)
            SELECT tenant_id, id, ${today}::date, 'phone', '测试', '谈话' FROM member WHERE tenant_id = ${env.tenantId}`.execute(env.db);
  const mobile = await env.db
    .selectFrom('member as m')
    .innerJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'm.tenant_id').onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
    .select('m.id')
    .where('m.tenant_id', '=', env.tenantId)
    .where('m.left_at', 'is', null)
    .orderBy('m.id')
    .execute();
  const home = await env.db
    .selectFrom('member as m')
    .leftJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'm.tenant_id').onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
    .select('m.id')
    .where('m.tenant_id', '=', env.tenantId)
    .where('m.left_at', 'is', null)
    .where('mb.id', 'is', null)
    .orderBy('m.id')
    .execute();
  const [atCadence, oneOver, never, visited, noMentor, justLeft] = mobile.map((r) => r.id);
  const [homeLong, homeAtCadence] = home.map((r) => r.id);
  Object.assign(who, { atCadence, oneOver, never, visited, noMentor, justLeft, homeLong, homeAtCadence });
  await setTalks(who.atCadence as string, 30, 200); // the due day itself: not late
  await setTalks(who.oneOver as string, 31);
  await setTalks(who.never as string);
  // A delivery visit yesterday and a contact today are not a talk.
  await setTalks(who.visited as string, 45);
  await env.db.updateTable('member').set({ last_contact_at: today }).where('tenant_id', '=', env.tenantId).where('id', '=', who.visited as string).execute();
  const root = await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('parent_id', 'is', null).executeTakeFirstOrThrow();
  const trip = await env.db
    .insertInto('delivery')
    .values({ tenant_id: env.tenantId, org_id: root.id, trip_on: daysAgo(1), province_code: '32', city_code: '3205', place_name: '江苏省苏州市', travellers: ['村党总支书记'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  await env.db.insertInto('delivery_member').values({ tenant_id: env.tenantId, delivery_id: trip.id, member_id: who.visited as string, items: ['党徽'] }).execute();
  // Without a mentor, still counted.
  await setTalks(who.noMentor as string, 60);
  await env.db.updateTable('mentorship').set({ ended_on: daysAgo(1) }).where('tenant_id', '=', env.tenantId).where('member_id', '=', who.noMentor as string).where('ended_on', 'is', null).execute();
  // Went out yesterday, never talked with: the first talk is due (从未谈话) at once.
  await setTalks(who.justLeft as string);
  await env.db.updateTable('mobility').set({ since: daysAgo(1) }).where('tenant_id', '=', env.tenantId).where('member_id', '=', who.justLeft as string).where('ended_on', 'is', null).execute();
  await setTalks(who.homeLong as string, 91);
  await setTalks(who.homeAtCadence as string, 90);
});
afterAll(async () => env?.close());

describe('overdue talks: one definition', () => {
  it('radar, mentoring overview and dashboard name the same members (no cadence at home)', async () => {
    const a = await answers();
    const expected = [who.oneOver, who.never, who.visited, who.noMentor, who.justLeft].map(String).sort();
    expect(a.mentoring).toEqual(expected);
    expect(a.radar).toEqual(expected);
    expect(a.dashboard).toBe(expected.length);
  });

  it('counts members at home by the home cadence when it is set, the due day not late', async () => {
    await updateSettings(env.db, admin, { talkCadenceHomeDays: 90 });
    try {
      const a = await answers();
      const expected = [who.oneOver, who.never, who.visited, who.noMentor, who.justLeft, who.homeLong].map(String).sort();
      expect(a.mentoring).toEqual(expected);
      expect(a.radar).toEqual(expected);
      expect(a.dashboard).toBe(expected.length);
    } finally {
      await updateSettings(env.db, admin, { talkCadenceHomeDays: 0 });
    }
  });

  it('moves the edge with the cadence', async () => {
    await updateSettings(env.db, admin, { talkCadenceDays: 31 });
    try {
      const a = await answers();
      // oneOver is now exactly at the cadence; the others stay late.
      const expected = [who.never, who.visited, who.noMentor, who.justLeft].map(String).sort();
      expect(a.mentoring).toEqual(expected);
      expect(a.radar).toEqual(expected);
      expect(a.dashboard).toBe(expected.length);
    } finally {
      await updateSettings(env.db, admin, { talkCadenceDays: 30 });
    }
  });
});
