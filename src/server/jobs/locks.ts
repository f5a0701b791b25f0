import pg from 'pg';

/**
 * Which process runs a tick of a job, when several server processes share one PostgreSQL
 * database: the one that gets the job's advisory lock. The others skip that tick.
 */
export interface JobLocks {
  /** Takes the job's lock if no process holds it; returns how to release it, or null when it is held. */
  tryLock(jobName: string): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

/**
 * Session-level advisory locks, all on one dedicated connection: a lock must be released on the
 * connection that took it, and holding a pooled connection for a whole run would starve requests
 * (every job runs at start). If that connection drops, the server releases its locks, so another
 * process may start a job this one is still running: harmless, since every job writes under keys
 * that make a repeat do nothing. The next tick reconnects.
 */
export class AdvisoryJobLocks implements JobLocks {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private closed = false;
  // pg deprecates queries issued while another is running on the client: they go one at a time.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly databaseUrl: string) {}

  async tryLock(jobName: string): Promise<(() => Promise<void>) | null> {
    const client = await this.connection();
    const key = `lianxin:job:${jobName}`;
    const res = await this.oneAtATime(() => client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [key]));
    if (!res.rows[0]?.locked) return null;
    return async () => {
      // A new connection holds none of the old one's locks: the server released them when it dropped.
      if (this.client !== client) return;
      await this.oneAtATime(() => client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]));
    };
  }

  private oneAtATime<T>(query: () => Promise<T>): Promise<T> {
    const result = this.queue.then(query);
    this.queue = result.catch(() => {});
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (this.connecting ? await this.connecting.catch(() => null) : null);
    this.client = null;
    if (client) await client.end().catch(() => {});
  }

  private connection(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('job locks are closed'));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'lianxin-job-locks' });
      const forget = () => {
        if (this.client === client) this.client = null;
      };
      client.on('error', forget);
      client.on('end', forget);
      try {
        await client.connect();
      } catch (err) {
        client.end().catch(() => {});
        throw err;
      }
      this.client = client;
      return client;
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }
}
