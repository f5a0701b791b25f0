import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, openTestDatabase, PHONES } from '../../../test/support/harness.ts';
import { MyShareQuery, ShareListQuery } from '../../shared/api-shares.ts';
import { listPosts, myFeed } from '../modules/shares/service.ts';
import { seedSharesDemo } from './shares.ts';

let env: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  env = await openTestDatabase();
  await seedSharesDemo(env.db, env.tenantId);
});
afterAll(async () => env?.close());

describe('the demo sharing', () => {
  it('has this month’s village topic, a dozen posts with comments and likes, and one hidden comment', async () => {
    const feed = await myFeed(env.db, await contextFor(env, PHONES.mobileMember), MyShareQuery.parse({ scope: 'village' }));
    expect(feed.topic?.title).toBe('说说家乡这一年的变化');
    expect(feed.items.length).toBeGreaterThan(4);
    expect(feed.items.some((p) => p.likeCount > 0)).toBe(true);
    const all = await listPosts(env.db, await contextFor(env, PHONES.generalSecretary), ShareListQuery.parse({}));
    expect(all.items).toHaveLength(12);
    expect(all.items.some((p) => p.commentCount > 0)).toBe(true);
    const hidden = await env.db.selectFrom('share_comment').select('hidden_reason').where('hidden_at', 'is not', null).execute();
    expect(hidden).toHaveLength(1);
  });
});
