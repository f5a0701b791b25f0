import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/support/harness.ts';
import { seedCardsDemo } from './cards.ts';
import { seedCareDemo } from './care.ts';
import { seedDeliveriesDemo } from './deliveries.ts';
import { seedLearningDemo } from './learning.ts';

/**
 * The whole demo village as the server loads it, checked for what a reader would notice: nobody is
 * visited, nor talked with about their life away, before they went out, and no text says 他 of a
 * woman or 她 of a man. The generators run at the moment the template's village was made (its
 * members' registration), so the stays' starts and the talks' and trips' days keep their distances.
 */
type Opened = Awaited<ReturnType<typeof openTestDatabase>>;
let opened: Opened;

beforeAll(async () => {
  opened = await openTestDatabase();
  const made = await opened.db.selectFrom('member').select((eb) => eb.fn.max('created_at').as('at')).executeTakeFirstOrThrow();
  const now = new Date(made.at as Date);
  await seedLearningDemo(opened.db, opened.tenantId, now);
  await seedCareDemo(opened.db, opened.tenantId, now);
  await seedCardsDemo(opened.db, opened.tenantId, now);
  await seedDeliveriesDemo(opened.db, opened.tenantId, now);
});
afterAll(async () => opened?.close());

/** A pronoun of the other gender: 她 about a man, 他 about a woman (其他 "other" is not a pronoun). */
const wrongPronoun = (gender: string | null, text: string | null): boolean =>
  text !== null && (gender === 'female' ? /(?<!其)他/.test(text) : gender === 'male' ? /她/.test(text) : false);

describe('the demo village reads true', () => {
  it('visits every member of a delivery trip on or after the start of their current stay, in its city', async () => {
    const visits = await sql<{ trip_on: string; since: string | null; same_city: boolean }>`
      SELECT d.trip_on::text, mb.since::text, (mb.city_code = d.city_code) AS same_city
      FROM delivery_member dm
      JOIN delivery d ON d.tenant_id = dm.tenant_id AND d.id = dm.delivery_id
      LEFT JOIN mobility mb ON mb.tenant_id = dm.tenant_id AND mb.member_id = dm.member_id AND mb.ended_on IS NULL
    `.execute(opened.db);
    expect(visits.rows.length).toBeGreaterThan(4);
    expect(visits.rows.filter((v) => v.since === null || v.trip_on < v.since || !v.same_city)).toEqual([]);
  });

  it('dates no talk about a member\'s life away before they went out', async () => {
    const talks = await sql<{ talked_on: string; since: string | null }>`
      SELECT t.talked_on::text, mb.since::text
      FROM talk t
      LEFT JOIN mobility mb ON mb.tenant_id = t.tenant_id AND mb.member_id = t.member_id AND mb.ended_on IS NULL
    `.execute(opened.db);
    expect(talks.rows.length).toBeGreaterThan(20);
    expect(talks.rows.filter((t) => t.since === null || t.talked_on < t.since)).toEqual([]);
  });

  it('says 他 or 她 as the member is a man or a woman, in every text about them', async () => {
    const texts = await sql<{ gender: string | null; text: string | null; what: string }>`
      SELECT m.gender, x.text, x.what
      FROM member m
      JOIN LATERAL (
        SELECT t.summary AS text, 'talk' AS what FROM talk t WHERE t.tenant_id = m.tenant_id AND t.member_id = m.id
        UNION ALL SELECT t.situation_work, 'talk' FROM talk t WHERE t.tenant_id = m.tenant_id AND t.member_id = m.id
        UNION ALL SELECT t.situation_family, 'talk' FROM talk t WHERE t.tenant_id = m.tenant_id AND t.member_id = m.id
        UNION ALL SELECT t.situation_health, 'talk' FROM talk t WHERE t.tenant_id = m.tenant_id AND t.member_id = m.id
        UNION ALL SELECT t.situation_thoughts, 'talk' FROM talk t WHERE t.tenant_id = m.tenant_id AND t.member_id = m.id
        UNION ALL SELECT t.concerns, 'talk' FROM talk t WHERE t.tenant_id = m.tenant_id AND t.member_id = m.id
        UNION ALL SELECT c.reason, 'care task' FROM care_task c WHERE c.tenant_id = m.tenant_id AND c.member_id = m.id
        UNION ALL SELECT dm.words, 'trip words' FROM delivery_member dm WHERE dm.tenant_id = m.tenant_id AND dm.member_id = m.id
        UNION ALL SELECT dm.handed_to, 'trip' FROM delivery_member dm WHERE dm.tenant_id = m.tenant_id AND dm.member_id = m.id
        UNION ALL SELECT cc.greeting, 'card' FROM card k JOIN card_campaign cc ON cc.tenant_id = k.tenant_id AND cc.id = k.campaign_id
          WHERE k.tenant_id = m.tenant_id AND k.member_id = m.id
      ) x ON true
      WHERE m.tenant_id = ${opened.tenantId}
    `.execute(opened.db);
    const genders = new Set(texts.rows.map((r) => r.gender));
    expect(genders).toEqual(new Set(['male', 'female']));
    // The check itself tells them apart.
    expect(wrongPronoun('female', '提醒他按时交党费')).toBe(true);
    expect(wrongPronoun('female', '其他同事')).toBe(false);
    expect(wrongPronoun('male', '看了她租的房子')).toBe(true);
    expect(texts.rows.some((r) => r.text !== null && /[他她]/.test(r.text.replaceAll('其他', '')))).toBe(true);
    expect(texts.rows.filter((r) => wrongPronoun(r.gender, r.text))).toEqual([]);
  });
});
