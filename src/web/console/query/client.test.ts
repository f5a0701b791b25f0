import { QueryObserver, type QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api-error.ts';
import { createQueryClient, invalidateAfterWrite, markAllStale, shouldRetry } from './client.ts';
import { apiKey } from './keys.ts';

const clients: QueryClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.clear();
});

/** A query on screen: an observer keeps it active, as a mounted component does. */
async function shown(client: QueryClient, path: string, query: Record<string, string | number> = {}) {
  let calls = 0;
  const observer = new QueryObserver(client, {
    queryKey: apiKey(path, query),
    queryFn: async () => ({ answer: ++calls }),
  });
  const unsubscribe = observer.subscribe(() => undefined);
  await client.getQueryCache().find({ queryKey: apiKey(path, query) })?.promise;
  return { calls: () => calls, unsubscribe, state: () => client.getQueryState(apiKey(path, query)) };
}

async function settled(client: QueryClient) {
  await Promise.all(client.getQueryCache().getAll().map((q) => q.promise));
}

describe('query keys', () => {
  it('name the area first, then the path, then the query without empty values', () => {
    expect(apiKey('/api/members/a%2Fb/engagement', { page: 2, q: '', orgId: undefined })).toEqual(['members', 'a/b', 'engagement', { page: 2 }]);
    expect(apiKey('/api/care-tasks')).toEqual(['care-tasks', {}]);
  });
});

describe('a write refreshes what it changed', () => {
  it('asks again for the lists of the area on screen and the views derived from it, and nothing else', async () => {
    const client = createQueryClient();
    clients.push(client);
    const badge = await shown(client, '/api/care-tasks', { status: 'open', overdue: 'true', page: 1, pageSize: 1 });
    const tasks = await shown(client, '/api/care-tasks', { page: 1, pageSize: 20 });
    const study = await shown(client, '/api/study-items');
    expect([badge.calls(), tasks.calls(), study.calls()]).toEqual([1, 1, 1]);

    // a talk that opened a follow-up task: the care-task lists (derived from talks) are asked again
    await invalidateAfterWrite(client, ['talks']);
    await settled(client);
    expect([badge.calls(), tasks.calls(), study.calls()]).toEqual([2, 2, 1]);
    expect(client.getQueryData(apiKey('/api/care-tasks', { page: 1, pageSize: 20 }))).toEqual({ answer: 2 });
    for (const q of [badge, tasks, study]) q.unsubscribe();
  });

  it('marks everything cached stale after any write, so a page shown later asks again', async () => {
    const client = createQueryClient();
    clients.push(client);
    const orgs = await shown(client, '/api/orgs');
    orgs.unsubscribe();
    expect(orgs.state()?.isInvalidated).toBe(false);
    markAllStale(client);
    await settled(client);
    expect(orgs.state()?.isInvalidated).toBe(true);
    // nobody shows it now: it is not asked again until it is shown
    expect(orgs.calls()).toBe(1);
  });

  it('leaves the static region list alone', async () => {
    const client = createQueryClient();
    clients.push(client);
    const regions = await shown(client, '/api/regions');
    markAllStale(client);
    await settled(client);
    expect(regions.state()?.isInvalidated).toBe(false);
    regions.unsubscribe();
  });
});

describe('retries', () => {
  it('never repeats a refusal, retries a network failure or a server error twice', () => {
    expect(shouldRetry(0, new ApiError(404, 'not_found', '未找到'))).toBe(false);
    expect(shouldRetry(0, new ApiError(403, 'forbidden', '无权'))).toBe(false);
    expect(shouldRetry(0, ApiError.network())).toBe(true);
    expect(shouldRetry(1, new ApiError(503, 'http_503', ''))).toBe(true);
    expect(shouldRetry(2, new ApiError(503, 'http_503', ''))).toBe(false);
  });
});
