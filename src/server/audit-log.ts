import type { Executor } from './db/database.ts';

/** What an audit entry says happened. */
export interface AuditEntryInput {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Who did it (a request's context; null for the system: scheduled jobs, the command line). */
export interface AuditContext {
  actor: { accountId: string; displayName: string };
  ip: string | null;
}

/**
 * Appends to the audit log inside the caller's transaction, so an entry exists exactly when the
 * change it describes was committed. It sits below auth/ and the modules: signing in writes entries
 * as every use case does; reading the log is the audit module's (`modules/audit`).
 */
export async function recordAudit(db: Executor, ctx: AuditContext | null, entry: AuditEntryInput & { tenantId: string }): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      tenant_id: entry.tenantId,
      account_id: ctx?.actor.accountId ?? null,
      actor_name: ctx?.actor.displayName ?? 'system',
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId ?? null,
      before: entry.before === undefined ? null : JSON.stringify(entry.before),
      after: entry.after === undefined ? null : JSON.stringify(entry.after),
      ip: ctx?.ip ?? null,
    })
    .execute();
}
