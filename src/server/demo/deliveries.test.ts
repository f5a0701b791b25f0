import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, openTestDatabase, PHONES } from '../../../test/support/harness.ts';
import { listDeliveries, listMemberDeliveries } from '../modules/deliveries/service.ts';
import { seedDeliveriesDemo } from './deliveries.ts';
import { addDays, shanghaiDate } from '../clock.ts';

type Opened = Awaited<ReturnType<typeof openTestDatabase>>;
let opened: Opened;
// The moment the template's village was made: its stays began so many days before it, and the
// talks and trips are laid out from the same moment, so their distances hold on any day.
let NOW = new Date(0);

beforeAll(async () => {
  opened = await openTestDatabase();
  const made = await opened.db.selectFrom('member').select((eb) => eb.fn.max('created_at').as('at')).executeTakeFirstOrThrow();
  NOW = new Date(made.at as Date);
  await seedDeliveriesDemo(opened.db, opened.tenantId, NOW);
});
afterAll(async () => opened?.close());

describe('the demo village delivery trips', () => {
  it('has four trips of the general branch over the last year, to the cities its mobile members work in', async () => {
    const ctx = await contextFor(opened, PHONES.generalSecretary);
    const list = await listDeliveries(opened.db, ctx, { page: 1, pageSize: 20 });
    expect(list.total).toBe(4);
    expect(new Set(list.items.map((i) => i.orgName))).toEqual(new Set(['新桥村党总支']));
    expect(list.items.map((i) => i.placeName)).toEqual(['江苏省南京市', '江苏省苏州市', '浙江省宁波市', '上海市']);
    const today = shanghaiDate(NOW);
    for (const i of list.items) {
      expect(i.tripOn > addDays(today, -365) && i.tripOn < today).toBe(true);
      expect(i.memberCount).toBeGreaterThanOrEqual(1);
      expect(i.memberCount).toBeLessThanOrEqual(4);
      expect(i.travellers.length).toBeGreaterThan(0);
    }
    // Everyone met was, at the time of the seed, living in the trip's city (demo.test.ts: and already on the trip's day).
    const mismatched = await opened.db
      .selectFrom('delivery_member as dm')
      .innerJoin('delivery as d', 'd.id', 'dm.delivery_id')
      .innerJoin('mobility as mb', (j) => j.onRef('mb.member_id', '=', 'dm.member_id').on('mb.ended_on', 'is', null))
      .select('dm.member_id')
      .whereRef('mb.city_code', '!=', 'd.city_code')
      .execute();
    expect(mismatched).toEqual([]);
  });

  it('records what was handed over and what members said, and the demo mentee received the 苏州 visit', async () => {
    const rows = await opened.db.selectFrom('delivery_member').select(['items', 'words', 'handed_to']).execute();
    expect(rows.every((r) => r.items.length > 0)).toBe(true);
    expect(rows.flatMap((r) => r.items)).toContain('《习近平新时代中国特色社会主义思想学习纲要》');
    expect(rows.filter((r) => r.words).length).toBeGreaterThanOrEqual(rows.length - 1);
    const mentee = await opened.db.selectFrom('member').select(['id', 'last_contact_at']).where('phone', '=', PHONES.mobileMember).executeTakeFirstOrThrow();
    const visits = await listMemberDeliveries(opened.db, opened.tenantId, mentee.id);
    expect(visits.map((v) => v.placeName)).toEqual(['江苏省苏州市']);
    expect(mentee.last_contact_at && mentee.last_contact_at >= (visits[0]?.tripOn as string)).toBe(true);
    expect(await opened.db.selectFrom('delivery_photo').select('file_id').execute()).toEqual([]);
  });
});
