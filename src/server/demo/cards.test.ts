import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, openTestDatabase, PHONES } from '../../../test/support/harness.ts';
import { listBirthdays } from '../modules/cards/birthdays.ts';
import { sendDueCards } from '../modules/cards/campaigns.ts';
import { myGreetings } from '../modules/cards/my-cards.ts';
import { seedCardsDemo } from './cards.ts';

type Opened = Awaited<ReturnType<typeof openTestDatabase>>;
let opened: Opened;
// A Thursday in China; the demo members all joined on 1 July, so nobody has an anniversary this week.
const NOW = new Date('2026-11-26T03:00:00Z');

beforeAll(async () => {
  opened = await openTestDatabase();
  await seedCardsDemo(opened.db, opened.tenantId, NOW);
});
afterAll(async () => opened?.close());

const campaignOf = (occasion: 'mid_autumn' | 'spring_festival') =>
  opened.db.selectFrom('card_campaign').selectAll().where('occasion', '=', occasion).executeTakeFirstOrThrow();
const cardsOf = (campaignId: string) => opened.db.selectFrom('card').selectAll().where('campaign_id', '=', campaignId).execute();

describe('the demo village holiday cards', () => {
  it('sent the 中秋 cards to the 13 mobile members on the day, some also by post with every posting status', async () => {
    const autumn = await campaignOf('mid_autumn');
    expect(autumn.send_on).toBe('2026-09-25');
    expect(autumn.sent_at).not.toBeNull();
    const cards = await cardsOf(autumn.id);
    expect(cards).toHaveLength(13);
    expect(cards.every((c) => c.sent_at !== null)).toBe(true);
    const posted = cards.filter((c) => c.channel === 'both');
    expect(posted).toHaveLength(6);
    expect(posted.every((c) => c.address && c.posted_at)).toBe(true);
    expect(posted.map((c) => c.post_status).sort()).toEqual(['delivered', 'delivered', 'delivered', 'posted', 'posted', 'returned']);
    expect(posted.find((c) => c.post_status === 'returned')).toMatchObject({ post_note: '地址不详，退回' });
    expect(cards.filter((c) => c.opened_at === null).length).toBe(2);
    expect(cards.filter((c) => c.channel === 'ecard').every((c) => c.post_status === 'none' && c.address === null)).toBe(true);
  });

  it('plans the 春节 cards for 除夕, not sent yet, and the job sends them on the day', async () => {
    const spring = await campaignOf('spring_festival');
    expect(spring.send_on).toBe('2027-02-05');
    expect(spring.sent_at).toBeNull();
    const cards = await cardsOf(spring.id);
    expect(cards).toHaveLength(13);
    expect(cards.every((c) => c.channel === 'both' && c.post_status === 'pending' && c.sent_at === null)).toBe(true);
    expect(await sendDueCards(opened.db, NOW)).toBe(0);
    expect(await sendDueCards(opened.db, new Date('2027-02-05T00:30:00+08:00'))).toBe(1);
    expect((await cardsOf(spring.id)).every((c) => c.sent_at !== null)).toBe(true);
  });

  it('gives the demo mentee a political birthday today, shown to the secretary this week and to the member', async () => {
    const secretary = await contextFor(opened, PHONES.generalSecretary);
    const week = await listBirthdays(opened.db, secretary, { days: 7 }, '2026-11-26');
    expect(week.from).toBe('2026-11-23');
    const mentee = await opened.db.selectFrom('member').select(['id', 'join_date']).where('phone', '=', PHONES.mobileMember).executeTakeFirstOrThrow();
    expect(mentee.join_date?.slice(5)).toBe('11-26');
    expect(week.items.map((i) => i.memberId)).toEqual([mentee.id]);
    const greetings = await myGreetings(opened.db, await contextFor(opened, PHONES.mobileMember), '2026-11-26');
    expect(greetings.politicalBirthday?.joinDate).toBe(mentee.join_date);
    expect(greetings.politicalBirthday?.years).toBeGreaterThan(0);
  });
});

describe('a week that holds 1 July', () => {
  it('keeps every joining day as it is', async () => {
    const other = await openTestDatabase();
    try {
      await seedCardsDemo(other.db, other.tenantId, new Date('2026-06-30T03:00:00Z'));
      const changed = await other.db.selectFrom('member').select('id').where('join_date', 'is not', null).where(sql<boolean>`to_char(join_date, 'MM-DD') <> '07-01'`).execute();
      expect(changed).toHaveLength(0);
      const autumn = await other.db.selectFrom('card_campaign').select('send_on').where('occasion', '=', 'mid_autumn').executeTakeFirstOrThrow();
      expect(autumn.send_on).toBe('2025-10-06');
    } finally {
      await other.close();
    }
  });
});
