import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isKept, keptForm } from './kept-forms.ts';

/** localStorage as the phone has it, in memory. */
class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  text(): string {
    return [...this.map.entries()].map(([k, v]) => `${k}=${v}`).join('\n');
  }
}

const profile = {
  member: {
    id: 'm1',
    name: '王建国',
    phone: '13800000003',
    idNumberMasked: '3301**********1234',
    hardshipNote: '母亲住院',
    homeAddress: '浙江省杭州市某路1号',
    birthDate: '1980-05-01',
    mobilityHistory: [{ placeName: '宁波' }],
    mentor: { name: '李梅', phone: '13800000002' },
  },
  branch: null,
  group: null,
  secretary: null,
};

const inboxPage = (n: number) => ({ items: [], total: 100, unread: n });

describe('what is kept on the phone', () => {
  it('keeps today, the profile, the mentor’s list, the cards and the inbox; nothing else', () => {
    expect(['today', 'profile', 'mentees', 'cards', 'inbox'].map((k) => isKept([k]))).toEqual([true, true, true, true, true]);
    // Items are kept apart, in IndexedDB (offline-store.ts), not in this copy.
    expect(['records', 'item', 'sessions', 'makeups', 'care-tasks', 'regions'].some((k) => isKept([k]))).toBe(false);
  });

  it('keeps the inbox’s first three pages only', () => {
    const inbox = { pages: [1, 2, 3, 4, 5].map(inboxPage), pageParams: [1, 2, 3, 4, 5] };
    expect(keptForm(['inbox'], inbox)).toEqual({ pages: [1, 2, 3].map(inboxPage), pageParams: [1, 2, 3] });
  });

  it('keeps the profile without ID number, notes, address, birth date or history, and the mentor’s number', () => {
    const kept = keptForm(['profile'], profile) as typeof profile;
    expect(kept.member).toEqual({
      ...profile.member,
      idNumberMasked: null,
      hardshipNote: null,
      homeAddress: null,
      birthDate: null,
      mobilityHistory: [],
    });
    expect(profile.member.hardshipNote).toBe('母亲住院');
  });

  it('keeps today without meeting links, replays or what the member wrote', () => {
    const session = { id: 's1', meetingUrl: 'https://meeting.example/j/1', replayUrl: 'https://replay.example/1', title: '云课堂' };
    const makeup = { sessionId: 's0', replayUrl: 'https://replay.example/0', reflection: '体会', answers: ['答'], reviewNote: '请补充' };
    const today = { date: '2026-12-06', pushes: [], makeups: [makeup], nextSession: session, checkinOpen: [session] };
    const kept = keptForm(['today'], today) as typeof today;
    expect(kept.nextSession).toEqual({ ...session, meetingUrl: null, replayUrl: null });
    expect(kept.checkinOpen).toEqual([{ ...session, meetingUrl: null, replayUrl: null }]);
    expect(kept.makeups).toEqual([{ sessionId: 's0', replayUrl: null, reflection: null, answers: null, reviewNote: null }]);
  });
});

describe('the query client', () => {
  let storage: MemoryStorage;

  // Saves to the phone are throttled (a second); the clock is the test's own.
  beforeEach(() => {
    vi.resetModules();
    vi.useFakeTimers();
    storage = new MemoryStorage();
    vi.stubGlobal('window', { localStorage: storage });
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('retries a server error twice, never a refusal or a missing network', async () => {
    const { shouldRetry } = await import('./query.ts');
    // the class of the module graph query.ts was loaded in
    const { ApiError } = await import('../common/api-error.ts');
    expect([0, 1, 2].map((n) => shouldRetry(n, new ApiError(503, 'http_503', '')))).toEqual([true, true, false]);
    expect(shouldRetry(0, new ApiError(404, 'not_found', '不存在'))).toBe(false);
    expect(shouldRetry(0, new ApiError(401, 'unauthenticated', ''))).toBe(false);
    expect(shouldRetry(0, ApiError.network())).toBe(false);
  });

  it('keeps answers for the signed-in account, puts them back on the next start, and drops them for another account or at sign-out', async () => {
    const first = await import('./query.ts');
    first.keepFor('account-a');
    first.queryClient.setQueryData(['profile'], profile);
    first.queryClient.setQueryData(['records'], { talks: [], hardshipNote: '母亲住院', deliveries: [] });
    await vi.advanceTimersByTimeAsync(2_000);
    const kept = storage.getItem('lx_member_cache') ?? '';
    expect(kept).toContain('王建国');
    expect(kept).not.toContain('母亲住院');
    expect(storage.getItem('lx_member_account')).toBe('account-a');

    // The app starts again (same phone): the kept answers are in the cache before any screen.
    vi.resetModules();
    const second = await import('./query.ts');
    await second.restoreKept();
    expect(second.queryClient.getQueryData<typeof profile>(['profile'])?.member.name).toBe('王建国');
    expect(second.queryClient.getQueryData(['records'])).toBeUndefined();

    // The same account signs in: nothing is dropped.
    second.keepFor('account-a');
    expect(second.queryClient.getQueryData(['profile'])).toBeDefined();

    // Another account signs in: the first one's answers go from memory and from the phone at once.
    second.keepFor('account-b');
    expect(second.queryClient.getQueryData(['profile'])).toBeUndefined();
    expect(storage.getItem('lx_member_cache')).toBeNull();
    second.queryClient.setQueryData(['profile'], { ...profile, member: { ...profile.member, id: 'm2', name: '陈晓' } });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(storage.text()).toContain('陈晓');
    expect(storage.text()).not.toContain('王建国');

    // Sign-out: nothing of the member stays, and a save that was waiting does not bring it back.
    second.queryClient.setQueryData(['today'], { date: '2026-12-06', pushes: [], makeups: [], nextSession: null, checkinOpen: [] });
    second.forgetKept();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(storage.text()).toBe('');
    expect(second.queryClient.getQueryCache().getAll()).toEqual([]);
  });

  it('forgets every draft of another account when a different account signs in; keeps them for the same account', async () => {
    // kept.ts reads localStorage directly when forgetting
    vi.stubGlobal('localStorage', storage);
    const drafts = [
      'lx_talk_draft:member-1',
      'lx_share_draft:account-a',
      'lx_question_draft:account-a',
      'lx_review_summary:round-1',
      'lx_evaluation_self:round-2',
    ];
    const first = await import('./query.ts');
    first.keepFor('account-a');
    for (const key of drafts) storage.setItem(key, JSON.stringify({ body: '写了一半的私事', text: '写了一半的私事' }));
    first.keepFor('account-a');
    expect(drafts.map((k) => storage.getItem(k) !== null)).toEqual(drafts.map(() => true));
    first.keepFor('account-b');
    expect(drafts.filter((k) => storage.getItem(k) !== null)).toEqual([]);
    expect(storage.getItem('lx_member_account')).toBe('account-b');
  });

  it('throws away a kept copy of another version or account instead of showing it', async () => {
    const first = await import('./query.ts');
    first.keepFor('account-a');
    first.queryClient.setQueryData(['profile'], profile);
    await vi.advanceTimersByTimeAsync(2_000);
    // The account remembered on the phone no longer matches the copy (it was written for another).
    storage.setItem('lx_member_account', 'account-b');
    vi.resetModules();
    const second = await import('./query.ts');
    await second.restoreKept();
    expect(second.queryClient.getQueryData(['profile'])).toBeUndefined();
    expect(storage.getItem('lx_member_cache')).toBeNull();
  });
});
