/**
 * Fixed-window counters for login attempts, per phone and per IP. Kept in memory: one process
 * serves one data folder, and a restart clearing the counters is acceptable for this purpose.
 */
export class AttemptLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfter(key: string): number {
    const entry = this.hits.get(key);
    const t = this.now();
    if (!entry || entry.resetAt <= t) return 0;
    return entry.count >= this.limit ? Math.ceil((entry.resetAt - t) / 1000) : 0;
  }

  hit(key: string): void {
    const t = this.now();
    const entry = this.hits.get(key);
    if (!entry || entry.resetAt <= t) this.hits.set(key, { count: 1, resetAt: t + this.windowMs });
    else entry.count++;
    if (this.hits.size > 100_000) this.sweep(t);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private sweep(t: number): void {
    for (const [k, v] of this.hits) if (v.resetAt <= t) this.hits.delete(k);
  }
}
