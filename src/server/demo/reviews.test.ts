import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, openTestDatabase, PHONES } from '../../../test/support/harness.ts';
import { shanghaiDate } from '../clock.ts';
import { previousQuarter, quarterOf } from '../../shared/api-reviews.ts';
import { getRound, listReviewRounds } from '../modules/reviews/rounds.ts';
import { myReview } from '../modules/reviews/my-review.ts';
import { seedReviewsDemo } from './reviews.ts';

let env: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  env = await openTestDatabase();
  await seedReviewsDemo(env.db, env.tenantId);
});
afterAll(async () => env?.close());

describe('the demo quarterly reviews', () => {
  it('has last quarter published for 第一党支部 and this quarter open for 流动党员党支部', async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    const rounds = await listReviewRounds(env.db, village, {});
    const thisQuarter = quarterOf(shanghaiDate());
    expect(rounds.items.map((r) => [r.orgName, r.quarter, r.status])).toEqual(
      expect.arrayContaining([
        ['第一党支部', previousQuarter(thisQuarter), 'published'],
        ['流动党员党支部', thisQuarter, 'open'],
      ]),
    );
    const published = rounds.items.find((r) => r.status === 'published');
    expect(published?.members).toBeGreaterThan(0);
    expect(published?.scored).toBe(published?.members);
    const round = await getRound(env.db, village, published?.id ?? '');
    expect(round.entries.every((e) => e.total !== null && e.total <= 100)).toBe(true);
    // the demo's mobile member sees the result, new
    const mine = await myReview(env.db, await contextFor(env, PHONES.mobileMember));
    expect(mine.results).toHaveLength(1);
    expect(mine.results[0]?.seenAt).toBeNull();
  });
});
