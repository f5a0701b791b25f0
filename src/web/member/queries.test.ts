import type { QueryFunctionContext } from '@tanstack/react-query';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Inbox, Today } from './api.ts';

const calls = vi.hoisted(() => ({ kept: [] as string[][], inboxPage: 0 }));

vi.mock('./offline-store.ts', () => ({
  keepSeen: (ids: readonly string[]) => {
    calls.kept.push([...ids]);
    return Promise.resolve();
  },
  readItem: () => Promise.reject(new Error('not used here')),
}));

/** One push with one item per page, its item named after the page. */
const pageOf = (page: number) => ({ total: 200, items: [{ pushId: `push-${page}`, items: [{ id: `item-${page}` }] }] }) as unknown as Inbox;

vi.mock('./api.ts', () => ({
  api: {
    inbox: (page: number) => {
      calls.inboxPage = page;
      return Promise.resolve(pageOf(page));
    },
    today: () => Promise.resolve({ pushes: [{ pushId: 'p-today', items: [{ id: 'item-today' }] }] } as unknown as Today),
  },
}));

const { KEPT_INBOX_PAGES, keepsInboxPage, queries } = await import('./queries.ts');

type InboxContext = QueryFunctionContext<readonly ['inbox'], number>;

async function loadInboxPage(page: number): Promise<void> {
  const fn = queries.inbox().queryFn as (context: InboxContext) => Promise<Inbox>;
  await fn({ pageParam: page, signal: new AbortController().signal, queryKey: ['inbox'], meta: undefined, direction: 'forward' } as unknown as InboxContext);
}

describe('the items kept on the phone as lists load', () => {
  beforeEach(() => {
    calls.kept = [];
  });

  it('today’s items are kept', async () => {
    const fn = queries.today().queryFn as (context: unknown) => Promise<Today>;
    await fn({ signal: new AbortController().signal, queryKey: ['today'] });
    expect(calls.kept).toEqual([['item-today']]);
  });

  it('the inbox’s first pages are kept, the pages scrolled to after them are only shown', async () => {
    expect(KEPT_INBOX_PAGES).toBe(3);
    for (let page = 1; page <= 6; page += 1) await loadInboxPage(page);
    expect(calls.inboxPage).toBe(6);
    expect(calls.kept).toEqual([['item-1'], ['item-2'], ['item-3']]);
    expect([1, 3, 4].map(keepsInboxPage)).toEqual([true, true, false]);
  });
});
