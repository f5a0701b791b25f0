import net from 'node:net';
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { clock } from '../clock.ts';

/**
 * Sign-in limits. Only failures count, so a village office signing in behind one NAT address is
 * never limited by its own successful logins.
 *
 * - pair (phone + address): 5 failures in 15 minutes block that phone from that address until the
 *   window ends. Someone guessing elsewhere cannot lock the secretary out of her own office.
 * - address: 50 failures in 15 minutes block the address, against one address trying many phones.
 * - phone: a backstop against many addresses guessing one phone. It slows rather than locks:
 *   after 10 failures in an hour each further failure makes the next attempt on that phone wait
 *   twice as long (1 s, 2 s, 4 s … at most 60 s). The owner then waits at most a minute, while an
 *   attacker with a thousand addresses gets about one guess a minute instead of thousands.
 *
 * Counters live in the database (table login_attempt) so several app processes share them. An
 * attempt is counted before its password is checked and given back when it succeeds: parallel
 * requests therefore cannot all slip in under the limit while their passwords are being hashed.
 */
export interface LimitRule {
  windowMs: number;
  /** Failures allowed in a window before attempts wait. */
  free: number;
  /** How long the next attempt waits after `failures` failures; the pair and address limits wait for the window to end. */
  delayMs?: (failures: number) => number;
}

type Scope = 'pair' | 'address' | 'phone';

export const LOGIN_LIMITS: Record<Scope, LimitRule> = {
  pair: { windowMs: 15 * 60_000, free: 5 },
  address: { windowMs: 15 * 60_000, free: 50 },
  phone: { windowMs: 60 * 60_000, free: 10, delayMs: (failures) => Math.min(2 ** (failures - 10), 60) * 1000 },
};

/** The longest window: a row older than this says nothing any more. */
const LONGEST_WINDOW_MS = Math.max(...Object.values(LOGIN_LIMITS).map((r) => r.windowMs));

interface Key {
  scope: Scope;
  subject: string;
}

/** An attempt let through and counted; settle it once the password has been checked. */
export interface LoginTicket {
  keys: Key[];
}

export class LoginLimiter {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => clock.now(),
    private readonly limits: Record<Scope, LimitRule> = LOGIN_LIMITS,
  ) {}

  /** Counts an attempt, or throws `rate_limited` (429 with retry-after) without counting it. */
  async begin(phone: string, clientAddress: string): Promise<LoginTicket> {
    const address = limitedAddress(clientAddress);
    // Sorted, so two processes lock the same rows in the same order and never deadlock.
    const keys: Key[] = [
      { scope: 'address' as const, subject: address },
      { scope: 'pair' as const, subject: `${phone} ${address}` },
      { scope: 'phone' as const, subject: phone },
    ];
    const now = this.now();
    const waitMs = await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('login_attempt')
        .values(keys.map((k) => ({ ...k, failures: 0, window_started_at: now, last_attempt_at: now })))
        .onConflict((oc) => oc.columns(['scope', 'subject']).doNothing())
        .execute();
      const rows = await tx
        .selectFrom('login_attempt')
        .selectAll()
        .where((eb) => eb.or(keys.map((k) => eb.and([eb('scope', '=', k.scope), eb('subject', '=', k.subject)]))))
        .orderBy('scope')
        .orderBy('subject')
        .forUpdate()
        .execute();
      let wait = 0;
      for (const row of rows) {
        const rule = this.limits[row.scope];
        if (row.window_started_at.getTime() + rule.windowMs <= now.getTime()) continue; // the window is over
        if (row.failures < rule.free) continue;
        const until = rule.delayMs
          ? row.last_attempt_at.getTime() + rule.delayMs(row.failures)
          : row.window_started_at.getTime() + rule.windowMs;
        wait = Math.max(wait, until - now.getTime());
      }
      if (wait > 0) return wait;
      for (const row of rows) {
        const expired = row.window_started_at.getTime() + this.limits[row.scope].windowMs <= now.getTime();
        await tx
          .updateTable('login_attempt')
          .set({
            failures: expired ? 1 : row.failures + 1,
            window_started_at: expired ? now : row.window_started_at,
            last_attempt_at: now,
          })
          .where('scope', '=', row.scope)
          .where('subject', '=', row.subject)
          .execute();
      }
      return 0;
    });
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      const when = seconds < 60 ? `${seconds} 秒` : `${Math.ceil(seconds / 60)} 分钟`;
      throw new AppError('rate_limited', `登录失败次数过多，请 ${when}后再试`, undefined, seconds);
    }
    return { keys };
  }

  /**
   * A correct password: the pair starts afresh, and the attempt is given back to the address and
   * the phone (it was counted in advance). A wrong one stays counted.
   */
  async succeeded(ticket: LoginTicket): Promise<void> {
    const pair = ticket.keys.find((k) => k.scope === 'pair');
    const others = ticket.keys.filter((k) => k.scope !== 'pair');
    await this.db.transaction().execute(async (tx) => {
      if (pair) await tx.deleteFrom('login_attempt').where('scope', '=', 'pair').where('subject', '=', pair.subject).execute();
      for (const k of others) {
        await tx
          .updateTable('login_attempt')
          .set({ failures: sql<number>`greatest(failures - 1, 0)` })
          .where('scope', '=', k.scope)
          .where('subject', '=', k.subject)
          .execute();
      }
    });
  }

  /** Deletes counters whose window ended long enough ago that they can no longer limit anyone. */
  static async purge(db: Database, now: Date): Promise<number> {
    const res = await db
      .deleteFrom('login_attempt')
      .where('window_started_at', '<', new Date(now.getTime() - LONGEST_WINDOW_MS))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

/**
 * The address a limit is kept for. One IPv6 subscriber is handed a whole /64 and can pick a new
 * address in it for every attempt, so IPv6 addresses count by their /64; IPv4 (also written as
 * ::ffff:a.b.c.d) counts by the address.
 */
export function limitedAddress(address: string): string {
  if (net.isIP(address) !== 6) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [...left, ...Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
