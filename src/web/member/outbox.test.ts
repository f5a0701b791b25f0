import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * localStorage as the phone has it, in memory; `full` makes every write throw as a full storage does,
 * `limit` only writes longer than that many characters.
 */
class MemoryStorage implements Storage {
  readonly map = new Map<string, string>();
  full = false;
  limit = Infinity;
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
    if (this.full || value.length > this.limit) throw new DOMException('quota', 'QuotaExceededError');
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
  account: string | null;
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

  /** The account the phone keeps (query.ts), confirmed by the server for this page load (keepFor). */
  const signIn = async (account: string) => {
    storage.setItem('lx_member_account', account);
    outbox.confirmAccount(account);
    await Promise.resolve();
  };
  const kept = (account = ACCOUNT_A) =>
    JSON.parse(storage.getItem('lx_outbox:' + account) ?? '[]') as { id: string; state: string; error: string | null; reason?: string | null; createdAt: string; vars: { n: number } }[];
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
      send: async (vars, key, account) => {
        sent.push({ vars, key, account });
        const next = answers.shift() ?? ok();
        return next();
      },
      onSent: (_answer: never, vars) => applied.push(vars.n),
      coalesce: (vars) => vars.item ?? null,
    });
    await signIn(ACCOUNT_A);
    await outbox.flush();
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
    await signIn(ACCOUNT_B);
    outbox.readSucceeded();
    await outbox.flush();
    expect(sent).toHaveLength(1);
    expect(outbox.waitingCount()).toBe(0);
    expect(kept(ACCOUNT_B)).toEqual([]);
    expect(kept(ACCOUNT_A).map((e) => e.state)).toEqual(['waiting']);

    await signIn(ACCOUNT_A);
    outbox.readSucceeded();
    await outbox.flush();
    expect(kept(ACCOUNT_A).map((e) => e.state)).toEqual(['sent']);
    expect(sent.map((s) => s.account)).toEqual([ACCOUNT_A, ACCOUNT_A]);
  });

  it('sends nothing before the server confirmed who is signed in on this page load', async () => {
    vi.resetModules();
    outbox = await import('./outbox.ts');
    outbox.registerOutboxKind<{ n: number }>('write', {
      send: async (vars, key, account) => {
        sent.push({ vars, key, account });
        return { ok: true };
      },
    });
    // The phone keeps account A from an earlier visit; the cookie may be someone else's.
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    await outbox.flush();
    expect(sent).toEqual([]);
    expect(kept().map((e) => e.state)).toEqual(['waiting']);

    await signIn(ACCOUNT_A);
    await outbox.flush();
    expect(sent.map((s) => [s.vars.n, s.account])).toEqual([[1, ACCOUNT_A]]);
    expect(kept().map((e) => e.state)).toEqual(['sent']);
  });

  it('a page opened without signal asks the server who is signed in before sending: the same account sends, another does not', async () => {
    vi.resetModules();
    outbox = await import('./outbox.ts');
    outbox.registerOutboxKind<{ n: number }>('write', {
      send: async (vars, key, account) => {
        sent.push({ vars, key, account });
        return { ok: true };
      },
    });
    let signedIn = ACCOUNT_B;
    outbox.setAccountProbe(async () => signedIn);
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    await outbox.flush();
    expect(sent).toEqual([]);
    signedIn = ACCOUNT_A;
    await outbox.flush();
    expect(sent.map((s) => [s.vars.n, s.account])).toEqual([[1, ACCOUNT_A]]);
  });

  it('a page opened without signal sends once a read goes through, without waiting for the timed retry', async () => {
    vi.resetModules();
    outbox = await import('./outbox.ts');
    outbox.registerOutboxKind<{ n: number }>('write', {
      send: async (vars, key, account) => {
        sent.push({ vars, key, account });
        return { ok: true };
      },
    });
    let online = false;
    outbox.setAccountProbe(async () => {
      if (!online) throw new Error('no signal');
      return ACCOUNT_A;
    });
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    await outbox.flush();
    expect(sent).toEqual([]);
    online = true;
    outbox.readSucceeded();
    await vi.waitFor(() => expect(sent.map((s) => [s.vars.n, s.account])).toEqual([[1, ACCOUNT_A]]));
  });

  it('never sends account A’s entries while another account is current, even when A was confirmed earlier', async () => {
    answers = [offline()];
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    // Another tab signed in as B: the phone now keeps B, the page confirmed A.
    storage.setItem('lx_member_account', ACCOUNT_B);
    await outbox.flush();
    expect(sent).toHaveLength(1);
    // B confirmed by the server: still none of A's entries.
    await signIn(ACCOUNT_B);
    await outbox.flush();
    expect(sent).toHaveLength(1);
    expect(kept(ACCOUNT_A).map((e) => e.state)).toEqual(['waiting']);
  });

  it('the server refusing the account (401) holds the entry for its owner, never dropped', async () => {
    answers = [() => { throw new ApiError(401, 'unauthenticated', '这条记录是另一个账号保存的，请用那个账号登录后再发送'); }];
    await expect(outbox.submit('write', { n: 1 })).rejects.toMatchObject({ name: 'QueuedError', needsLogin: true });
    expect(kept().map((e) => e.state)).toEqual(['needs-login']);
  });

  it('a refusal is shown to the screen that waits and always stays on 待发送 as failed with the server’s words; later refusals too', async () => {
    answers = [() => { throw new ApiError(409, 'conflict', '补学已截止'); }];
    await expect(outbox.submit('write', { n: 1 })).rejects.toMatchObject({ status: 409, message: '补学已截止' });
    expect(kept().map((e) => [e.state, e.error])).toEqual([['failed', '补学已截止']]);
    expect(outbox.waitingCount()).toBe(1);
    outbox.removeEntry(kept()[0]?.id ?? '');

    answers = [offline()];
    await expect(outbox.submit('write', { n: 2 })).rejects.toBeInstanceOf(outbox.QueuedError);
    answers = [() => { throw new ApiError(404, 'not_found', '学习内容不存在'); }];
    await outbox.flush();
    expect(kept().map((e) => [e.state, e.error])).toEqual([['failed', '学习内容不存在']]);
    // Failed entries count for the sign-out question.
    expect(outbox.waitingCount()).toBe(1);

    // 重试 sends it again under a fresh key (the refusal is stored under the old one); 删除 drops it.
    answers = [() => { throw new ApiError(404, 'not_found', '学习内容不存在'); }];
    const refusedKey = kept()[0]?.id;
    outbox.retryEntry(refusedKey ?? '');
    await outbox.flush();
    expect(sent.at(-1)?.key).toMatch(UUID);
    expect(sent.at(-1)?.key).not.toBe(refusedKey);
    expect(kept().map((e) => e.state)).toEqual(['failed']);
    outbox.removeEntry(kept()[0]?.id ?? '');
    expect(kept()).toEqual([]);
  });

  it('a newer write of the same thing replaces one that waits untried, under a new key; one already tried keeps its key and goes first', async () => {
    answers = [offline()];
    await expect(outbox.submit('write', { n: 1, item: 'y' })).rejects.toBeInstanceOf(outbox.QueuedError);
    const tried = kept()[0]?.id;
    // Behind the head (which is tried and fails again), x waits untried.
    answers = [offline()];
    const behind = outbox.submit('write', { n: 2, item: 'x' });
    await expect(behind).rejects.toBeInstanceOf(outbox.QueuedError);
    const untried = kept()[1]?.id;
    answers = [offline()];
    await expect(outbox.submit('write', { n: 3, item: 'x' })).rejects.toBeInstanceOf(outbox.QueuedError);
    expect(kept().map((e) => e.vars.n)).toEqual([1, 3]);
    expect(kept()[1]?.id).not.toBe(untried);

    // The tried one may have reached the server: it is not replaced, the newer one waits behind it.
    answers = [offline()];
    await expect(outbox.submit('write', { n: 4, item: 'y' })).rejects.toBeInstanceOf(outbox.QueuedError);
    expect(kept().map((e) => [e.vars.n, e.id === tried])).toEqual([
      [1, true],
      [3, false],
      [4, false],
    ]);
    await outbox.flush();
    expect(sent.slice(-3).map((s) => s.vars.n)).toEqual([1, 3, 4]);
    expect(sent.at(-3)?.key).toBe(tried);
  });

  it('a new write behind others still going out hears "saved" after a moment instead of waiting on them', async () => {
    const held: ((v: unknown) => void)[] = [];
    answers = [() => new Promise((resolve) => held.push(resolve))];
    const first = outbox.submit('write', { n: 1 });
    const second = outbox.submit('write', { n: 2 });
    const outcome = second.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(outbox.BEHIND_MS);
    expect(await outcome).toBeInstanceOf(outbox.QueuedError);
    held[0]?.({ ok: true });
    await expect(first).resolves.toEqual({ ok: true });
    await outbox.flush();
    expect(kept().map((e) => e.state)).toEqual(['sent', 'sent']);
  });

  it('a 200 that is not a JSON object (a Wi-Fi login page) is not taken as sent: the entry waits', async () => {
    answers = [() => undefined];
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    expect(kept().map((e) => e.state)).toEqual(['waiting']);
    expect(applied).toEqual([]);
    await outbox.flush();
    expect(kept().map((e) => e.state)).toEqual(['sent']);
    expect(applied).toEqual([1]);
  });

  it(`entries older than ${30} days are not resent: failed, to be confirmed, and 重试 sends them under a fresh key`, async () => {
    answers = [offline()];
    await expect(outbox.submit('write', { n: 1 })).rejects.toBeInstanceOf(outbox.QueuedError);
    const old = kept()[0]?.id;
    vi.setSystemTime(new Date(START.getTime() + outbox.KEEP_DAYS * 86_400_000 + 60_000));
    await outbox.flush();
    expect(sent).toHaveLength(1);
    expect(kept().map((e) => [e.state, e.error, e.reason])).toEqual([['failed', '已超过30天，请确认后重试', 'expired']]);
    outbox.retryEntry(old ?? '');
    await outbox.flush();
    expect(sent).toHaveLength(2);
    expect(sent[1]?.key).not.toBe(old);
    expect(kept().map((e) => e.state)).toEqual(['sent']);
  });

  it('another account’s entries stay for their owner and go at 30 days (at start)', async () => {
    const entry = (id: string, createdAt: Date) => ({ id, kind: 'write', vars: { n: 1 }, accountId: ACCOUNT_B, createdAt: createdAt.toISOString(), state: 'waiting', sentAt: null, error: null });
    storage.setItem(
      'lx_outbox:' + ACCOUNT_B,
      JSON.stringify([entry('old', new Date(START.getTime() - outbox.KEEP_DAYS * 86_400_000 - 1)), entry('young', new Date(START.getTime() - 86_400_000))]),
    );
    vi.stubGlobal('window', { localStorage: storage, setInterval, clearInterval, setTimeout, clearTimeout, addEventListener: () => undefined });
    vi.stubGlobal('document', { addEventListener: () => undefined });
    outbox.startOutbox();
    expect(kept(ACCOUNT_B).map((e) => e.id)).toEqual(['young']);
    await outbox.flush();
    expect(sent).toEqual([]);
  });

  it('an entry of a kind this app cannot send says so, not "refused"', async () => {
    storage.setItem(
      'lx_outbox:' + ACCOUNT_A,
      JSON.stringify([{ id: 'x', kind: 'gone', vars: {}, accountId: ACCOUNT_A, createdAt: START.toISOString(), state: 'waiting', sentAt: null, error: null }]),
    );
    await outbox.flush();
    expect(kept().map((e) => [e.state, e.reason])).toEqual([['failed', 'unknown-kind']]);
  });

  it('a storage failing while an entry is marked does not leave it "sending"', async () => {
    // The storage fills while the entry is out; the server refuses it with long words.
    outbox.registerOutboxKind<{ n: number }>('fills', {
      send: async () => {
        storage.full = true;
        throw new ApiError(409, 'conflict', '补学已截止，'.repeat(50));
      },
    });
    await expect(outbox.submit('fills', { n: 1 })).rejects.toMatchObject({ status: 409 });
    storage.full = false;
    expect(kept().map((e) => e.state)).not.toContain('sending');
  });

  it('is bounded: too many waiting is refused in words, and a full storage drops sent entries first, then says so', async () => {
    for (let n = 0; n < outbox.MAX_UNSENT; n++) {
      answers = [offline()];
      await expect(outbox.submit('write', { n })).rejects.toBeInstanceOf(outbox.QueuedError);
    }
    await expect(outbox.submit('write', { n: 999 })).rejects.toMatchObject({ name: 'OutboxFullError', reason: 'too-many' });
    expect(outbox.waitingCount()).toBe(outbox.MAX_UNSENT);

    await signIn(ACCOUNT_B);
    // Two sent entries, then a storage that holds no more than what is written now.
    await expect(outbox.submit('write', { n: 1 })).resolves.toEqual({ ok: true });
    await expect(outbox.submit('write', { n: 2 })).resolves.toEqual({ ok: true });
    expect(kept(ACCOUNT_B).map((e) => e.state)).toEqual(['sent', 'sent']);
    storage.limit = storage.getItem('lx_outbox:' + ACCOUNT_B)?.length ?? 0;
    answers = [offline()];
    // The new entry fits once the oldest sent entry is dropped.
    await expect(outbox.submit('write', { n: 3 })).rejects.toBeInstanceOf(outbox.QueuedError);
    expect(kept(ACCOUNT_B).map((e) => [e.vars.n, e.state])).toEqual([
      [2, 'sent'],
      [3, 'waiting'],
    ]);
    storage.full = true;
    await expect(outbox.submit('write', { n: 4 })).rejects.toMatchObject({ name: 'OutboxFullError', reason: 'storage' });
    expect(kept(ACCOUNT_B).map((e) => e.vars.n)).toEqual([2, 3]);
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
