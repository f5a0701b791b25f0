/**
 * Change counters that let caches of derived views (the member app's "today") know they are
 * stale without asking the database. Every successful write request bumps its tenant; a
 * scheduled job that changed something bumps every tenant. On PostgreSQL, other server processes
 * hear of these bumps through the change feed (change-feed.ts) and bump their own counters;
 * caches still expire after a short time, for notices lost while the feed was reconnecting.
 */
let everyone = 0;
const byTenant = new Map<string, number>();
let announce: ((tenantId: string | undefined) => void) | null = null;

function bump(tenantId: string | undefined): void {
  if (tenantId === undefined) everyone++;
  else byTenant.set(tenantId, (byTenant.get(tenantId) ?? 0) + 1);
}

/** Something in the tenant (every tenant when omitted) changed in this process. */
export function markChanged(tenantId?: string): void {
  bump(tenantId);
  announce?.(tenantId);
}

/** Another process reported a change: bump the counters without announcing it again. */
export function heardChange(tenantId?: string): void {
  bump(tenantId);
}

/** Where this process's changes are announced to the others (null: nowhere, as on PGlite). */
export function announceChangesTo(fn: ((tenantId: string | undefined) => void) | null): void {
  announce = fn;
}

/** Grows whenever something in the tenant may have changed. */
export function changeVersion(tenantId: string): number {
  return everyone + (byTenant.get(tenantId) ?? 0);
}
