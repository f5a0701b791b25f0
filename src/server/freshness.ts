/**
 * In-process change counters that let caches of derived views (the member app's "today") know
 * they are stale without asking the database. Every successful write request bumps its tenant;
 * a scheduled job that changed something bumps every tenant. Another server process's writes are
 * not seen here, so such caches also expire after a short time.
 */
let everyone = 0;
const byTenant = new Map<string, number>();

export function markChanged(tenantId?: string): void {
  if (tenantId === undefined) everyone++;
  else byTenant.set(tenantId, (byTenant.get(tenantId) ?? 0) + 1);
}

/** Grows whenever something in the tenant may have changed. */
export function changeVersion(tenantId: string): number {
  return everyone + (byTenant.get(tenantId) ?? 0);
}
