import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** localStorage as the phone has it, in memory; `full` makes every write throw as a full storage does. */
class MemoryStorage implements Storage {
  readonly map = new Map<string, string>();
  full = false;
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
    if (this.full) throw new DOMException('quota', 'QuotaExceededError');
    this.map.set(key, value);
  }
}

const ACCOUNT_A = 'account-a';
const ACCOUNT_B = 'account-b';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The server's answer to a write that went through. */
const ok = () => () => ({ ok: true });

interface Sent {
  vars: { n: number; item?: string };
  key: string;
}

/** The phone's clock at the start of each test (the fake timers' time). */
const START = new Date('2026-12-01T02:00:00Z');

describe('the phone’s queue of writes (outbox.ts)', () => {
  let storage: MemoryStorage;
  let outbox: typeof import('./outbox.ts');
  let ApiError: typeof import('../common/api-error.ts').ApiError;
  /** What the "server" does with the next sends: answer, fail the network, refuse. */
  let answers: (() => unknown)[];
  let sent: Sent[];
  let applied: number[];

  const signIn = (account: string | null) => {
    if (account === null) storage.removeItem('lx_member_account');
    else storage.setItem('lx_member_account', account);
  };
  const kept = (account = ACCOUNT_A) => JSON.parse(storage.getItem('lx_outbox:' + account) ?? '[]') as { id: string; state: string; error: string | null; vars: { n: number } }[];
  const offline = () => () => {
    throw ApiError.network();
  };

  beforeEach(async () => {
    vi.resetModules();
    vi.useFakeTimers();
    vi.setSystemTime(START);
    storage = new MemoryStorage();
    vi.stubGlobal('window', { localStorage: storage, setInterval, clearInterval, setTimeout, clearTimeout });
    outbox = await import('./outbox.ts');
    ({ ApiError } = await import('../common/api-error.ts'));
    answers = [];
    sent = [];
    applied = [];
    outbox.registerOutboxKind<{ n: number; item?: string }>('write', {
      send: async (vars, key) => {
        sent.push({ vars, key });
        const next = answers.shift() ?? ok();
        return next();
      },
      onSent: (_answer: never, vars) => applied.push(vars.n),
      coalesce: (vars) => vars.item ?? null,
    });
    signIn(ACCOUNT_A);
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('sends at once with signal: the answer comes back, its cache update runs, the entry is listed as sent', async () => {
    await expect(outbox.submit('write', { n: 1 })).resolves.toEqual({ ok: true });
    expect(applied).toEqual([1]);
    expect(sent[0]?.key).toMatch(UUID);
    expect(kept().map((e) => e.state)).toEqual(['sent']);
    expect(outbox.waitingCount()).toBe(0);
  });

  it('without signal keeps the write waiting and sends it once, with the same key, when the signal returns', async () => {
    answers = [offline()];
    const made = outbox.submit('write', { n: 1 });
    await expect(made).rejects.toBeInstanceOf(outbox.QueuedError);
    expect(kept().map((e) => e.state)).toEqual(['waiting']);
    expect(outbox.waitingCount()).toBe(1);

    await outbox.flush();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.key).toBe(sent[0]?.key);
    expect(applied).toEqual([1]);
    expect(kept().map((e) => e.state)).toEqual(['sent']);
    await outbox.flush();
    expect(sent).toHaveLength(2);
  });

  it('sends in order: a later write waits behind an earlier one that could not go', async () => {
    answers = [offline()];
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    answers = [offline()];
    await expect(outbox.submit('write', { n: 2 })).rejects.toBeInstanceOf(outbox.QueuedError);
    expect(sent.map((s) => s.vars.n)).toEqual([1, 1]);
    await outbox.flush();
    expect(sent.map((s) => s.vars.n)).toEqual([1, 1, 1, 2]);
    expect(applied).toEqual([1, 2]);
  });

  it('keeps waiting on a server error or "still being handled", never marking it failed', async () => {
    answers = [() => { throw new ApiError(503, 'http_503', ''); }];
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    answers = [() => { throw new ApiError(409, 'in_progress', '这项操作正在处理中，请稍后再试'); }];
    await outbox.flush();
    expect(kept().map((e) => e.state)).toEqual(['waiting']);
    await outbox.flush();
    expect(kept().map((e) => e.state)).toEqual(['sent']);
  });

  it('a lost session marks the writes needs-login; they go out after the same account signs in again', async () => {
    answers = [offline()];
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    answers = [() => { throw new ApiError(401, 'unauthenticated', '请先登录'); }];
    await outbox.flush();
    expect(kept().map((e) => e.state)).toEqual(['needs-login']);
    expect(outbox.waitingCount()).toBe(1);

    outbox.readSucceeded();
    await outbox.flush();
    expect(kept().map((e) => e.state)).toEqual(['sent']);
    expect(applied).toEqual([1]);
  });

  it('another account on the phone never sends nor sees the first one’s writes; they wait for their owner', async () => {
    answers = [offline()];
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    signIn(ACCOUNT_B);
    outbox.readSucceeded();
    await outbox.flush();
    expect(sent).toHaveLength(1);
    expect(outbox.waitingCount()).toBe(0);
    expect(kept(ACCOUNT_B)).toEqual([]);
    expect(kept(ACCOUNT_A).map((e) => e.state)).toEqual(['waiting']);

    signIn(ACCOUNT_A);
    outbox.readSucceeded();
    await outbox.flush();
    expect(kept(ACCOUNT_A).map((e) => e.state)).toEqual(['sent']);
  });

  it('a refusal while the screen waits is the screen’s to show (nothing stays); a refusal later marks the entry failed with the server’s words', async () => {
    answers = [() => { throw new ApiError(409, 'conflict', '补学已截止'); }];
    await expect(outbox.submit('write', { n: 1 })).rejects.toMatchObject({ status: 409, message: '补学已截止' });
    expect(kept()).toEqual([]);

    answers = [offline()];
    await expect(outbox.submit('write', { n: 2 })).rejects.toBeInstanceOf(outbox.QueuedError);
    answers = [() => { throw new ApiError(404, 'not_found', '学习内容不存在'); }];
    await outbox.flush();
    expect(kept().map((e) => [e.state, e.error])).toEqual([['failed', '学习内容不存在']]);
    expect(outbox.waitingCount()).toBe(0);

    // 重试 sends it again; 删除 drops it.
    answers = [() => { throw new ApiError(404, 'not_found', '学习内容不存在'); }];
    outbox.retryEntry(kept()[0]?.id ?? '');
    await outbox.flush();
    expect(kept().map((e) => e.state)).toEqual(['failed']);
    outbox.removeEntry(kept()[0]?.id ?? '');
    expect(kept()).toEqual([]);
  });

  it('a newer write of the same thing replaces one that still waits, under a new key', async () => {
    answers = [offline()];
    await expect(outbox.submit('write', { n: 1, item: 'x' })).rejects.toBeInstanceOf(outbox.QueuedError);
    const first = kept()[0]?.id;
    answers = [offline()];
    await expect(outbox.submit('write', { n: 2, item: 'x' })).rejects.toBeInstanceOf(outbox.QueuedError);
    expect(kept().map((e) => e.vars.n)).toEqual([2]);
    expect(kept()[0]?.id).not.toBe(first);
  });

  it('is bounded: too many waiting is refused in words, and a full storage drops sent entries first, then says so', async () => {
    for (let n = 0; n < outbox.MAX_UNSENT; n++) {
      answers = [offline()];
      await expect(outbox.submit('write', { n })).rejects.toBeInstanceOf(outbox.QueuedError);
    }
    await expect(outbox.submit('write', { n: 999 })).rejects.toMatchObject({ name: 'OutboxFullError', reason: 'too-many' });
    expect(outbox.waitingCount()).toBe(outbox.MAX_UNSENT);

    signIn(ACCOUNT_B);
    await expect(outbox.submit('write', { n: 1 })).resolves.toEqual({ ok: true });
    expect(kept(ACCOUNT_B).map((e) => e.state)).toEqual(['sent']);
    storage.full = true;
    await expect(outbox.submit('write', { n: 2 })).rejects.toMatchObject({ name: 'OutboxFullError', reason: 'storage' });
    expect(kept(ACCOUNT_B).map((e) => e.vars.n)).toEqual([1]);
  });

  it('keeps sent entries for a week for the "sent at" list, then lets them go', async () => {
    await outbox.submit('write', { n: 1 });
    vi.setSystemTime(new Date(START.getTime() + outbox.SENT_KEEP_MS + 60_000));
    await outbox.submit('write', { n: 2 });
    expect(kept().map((e) => e.vars.n)).toEqual([2]);
  });

  it('signing out forgets the account’s queue', async () => {
    answers = [offline()];
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    outbox.forgetOutbox();
    expect(storage.getItem('lx_outbox:' + ACCOUNT_A)).toBeNull();
    expect(outbox.waitingCount()).toBe(0);
  });

  it('makes a UUID v4 key on browsers without crypto.randomUUID', () => {
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => a.fill(0xab) });
    expect(outbox.newId()).toMatch(UUID);
    vi.stubGlobal('crypto', undefined);
    expect(outbox.newId()).toMatch(UUID);
  });
});
