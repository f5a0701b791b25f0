/** Small statistics and formatting helpers for the bench. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  // Nearest-rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export function summarize(samples: number[]): { p50: number; p95: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), n: sorted.length };
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)) + ' ms';
export const secs = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + ' s';
export const kb = (bytes: number): string => (bytes / 1024).toFixed(1) + ' KB';
export const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0) + ' MB';
export const rps = (v: number): string => Math.round(v).toLocaleString('en-US') + ' req/s';
export const ratio = (v: number): string => (Number.isFinite(v) ? (v >= 10 ? v.toFixed(0) : v.toFixed(2)) + '×' : '—');
export const pct = (v: number): string => (v * 100).toFixed(v < 0.01 ? 2 : v < 0.1 ? 1 : 0) + '%';

/** Milliseconds since `start` (from performance.now()). */
export const elapsed = (start: number): number => performance.now() - start;

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
