import crypto from 'node:crypto';
import os from 'node:os';
import pg from 'pg';
import { sql } from 'kysely';
import type { Database } from './db/database.ts';
import { announceChangesTo, heardChange } from './freshness.ts';
import { announceAuthChangesTo, heardAuthChange } from './auth/epoch.ts';

/**
 * Tells the other server processes on the same PostgreSQL database what changed here, and hears
 * what changed there, so their caches (the member app's today, callers' authorization scopes)
 * drop stale answers at once instead of at their expiry. Changes go out by NOTIFY on one channel;
 * each process LISTENs on a dedicated connection (a pooled one could be handed to a request).
 *
 * A notice names the tenants whose change counter moved (freshness.ts), or all of them, and
 * whether who-sees-what changed (auth/epoch.ts). It carries the sender's id so a process ignores
 * its own. A burst of writes is coalesced into at most one notice per `coalesceMs`. While the
 * listening connection is down, caches fall back to their expiry; on reconnecting, everything is
 * treated as changed, since notices sent meanwhile were lost.
 *
 * PGlite is one process per data folder: there is nobody to tell, and the feed does nothing.
 */
export const CHANGE_CHANNEL = 'lianxin_changes';

/** More tenants than this in one notice are sent as "everything changed" (NOTIFY payloads stop at 8000 bytes). */
const MAX_TENANTS_PER_NOTICE = 100;
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 10_000;

export interface ChangeNotice {
  /** the sending process */
  p: string;
  /** tenants whose data changed */
  t?: string[];
  /** every tenant changed (a scheduled job) */
  all?: true;
  /** who may see what changed */
  auth?: true;
}

export interface FeedLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export interface ChangeFeed {
  /** this process's id in notices */
  readonly id: string;
  /** notices sent and notices heard from other processes, for logs and tests */
  readonly stats: { sent: number; heard: number; connected: boolean };
  /** Sends what is waiting now and resolves when no notice is waiting or being sent. */
  flush(): Promise<void>;
  /** Sends what is waiting, stops listening and closes the connection. */
  stop(): Promise<void>;
}

export interface ChangeFeedOptions {
  kind: 'pglite' | 'postgres';
  db: Database;
  databaseUrl: string | undefined;
  log: FeedLog;
  /** the shortest time between two notices of this process (default 100 ms) */
  coalesceMs?: number;
  /** defaults to host:pid:random */
  id?: string;
}

/** Starts the feed on PostgreSQL; on PGlite returns one that does nothing. */
export async function startChangeFeed(opts: ChangeFeedOptions): Promise<ChangeFeed> {
  if (opts.kind !== 'postgres' || !opts.databaseUrl) {
    const stats = { sent: 0, heard: 0, connected: false };
    return { id: 'local', stats, flush: async () => {}, stop: async () => {} };
  }
  const feed = new PgChangeFeed(opts.databaseUrl, opts.db, opts.log, opts.coalesceMs ?? 100, opts.id);
  await feed.start();
  return feed;
}

class PgChangeFeed implements ChangeFeed {
  readonly id: string;
  readonly stats = { sent: 0, heard: 0, connected: false };
  /** the connection listening, or being opened to listen */
  private client: pg.Client | null = null;
  private stopping = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay = RECONNECT_FIRST_MS;
  private everConnected = false;
  // what waits to be announced
  private tenants = new Set<string>();
  private all = false;
  private auth = false;
  private sendTimer: NodeJS.Timeout | null = null;
  private lastSentAt = 0;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly db: Database,
    private readonly log: FeedLog,
    private readonly coalesceMs: number,
    id: string | undefined,
  ) {
    this.id = id ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  }

  async start(): Promise<void> {
    announceChangesTo((tenantId) => {
      if (tenantId === undefined) this.all = true;
      else this.tenants.add(tenantId);
      this.schedule();
    });
    announceAuthChangesTo(() => {
      this.auth = true;
      this.schedule();
    });
    await this.connect();
  }

  async flush(): Promise<void> {
    if (this.sendTimer) {
      clearTimeout(this.sendTimer);
      this.sendTimer = null;
      this.send();
    }
    await this.sending;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    announceChangesTo(null);
    announceAuthChangesTo(null);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.flush();
    const client = this.client;
    this.client = null;
    this.stats.connected = false;
    if (client) await client.end().catch(() => {});
  }

  /** The first change after a quiet spell goes out on the next turn; later ones wait out `coalesceMs`. */
  private schedule(): void {
    if (this.sendTimer || this.stopping) return;
    const wait = Math.max(0, this.lastSentAt + this.coalesceMs - Date.now());
    this.sendTimer = setTimeout(() => {
      this.sendTimer = null;
      this.send();
    }, wait);
    this.sendTimer.unref();
  }

  private send(): void {
    if (!this.all && !this.auth && this.tenants.size === 0) return;
    const notice: ChangeNotice = { p: this.id };
    if (this.all || this.tenants.size > MAX_TENANTS_PER_NOTICE) notice.all = true;
    else if (this.tenants.size) notice.t = [...this.tenants];
    if (this.auth) notice.auth = true;
    this.all = false;
    this.auth = false;
    this.tenants.clear();
    this.lastSentAt = Date.now();
    const payload = JSON.stringify(notice);
    // Through the pool, not the listening connection: notices still go out while it reconnects.
    this.sending = this.sending.then(async () => {
      try {
        await sql`SELECT pg_notify(${CHANGE_CHANNEL}, ${payload})`.execute(this.db);
        this.stats.sent++;
      } catch (err) {
        // The others' caches expire by themselves; a lost notice only delays them.
        this.log.warn({ err }, 'could not announce a change to other processes');
      }
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'lianxin-change-feed' });
    client.on('notification', (msg) => {
      if (msg.channel === CHANGE_CHANNEL && msg.payload) this.heard(msg.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (this.stopping || this.client !== client) {
      await client.end().catch(() => {});
      return;
    }
    this.stats.connected = true;
    this.reconnectDelay = RECONNECT_FIRST_MS;
    if (this.everConnected) {
      // Whatever was announced while we were not listening is lost: treat everything as changed.
      heardChange();
      heardAuthChange();
      this.log.info({ feed: this.id }, 'change feed reconnected');
    }
    this.everConnected = true;
  }

  private lost(client: pg.Client, err: unknown): void {
    // 'error' and 'end' both come for one loss; a connection already given up says nothing new.
    if (this.stopping || this.client !== client) return;
    this.client = null;
    this.stats.connected = false;
    client.removeAllListeners('end');
    client.end().catch(() => {});
    this.log.warn({ err, retryMs: this.reconnectDelay }, 'change feed connection lost; caches fall back to their expiry');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }

  private heard(payload: string): void {
    let notice: ChangeNotice;
    try {
      notice = JSON.parse(payload) as ChangeNotice;
    } catch {
      return;
    }
    if (notice.p === this.id) return;
    this.stats.heard++;
    if (notice.all) heardChange();
    if (Array.isArray(notice.t)) for (const tenantId of notice.t) if (typeof tenantId === 'string') heardChange(tenantId);
    if (notice.auth) heardAuthChange();
  }
}
