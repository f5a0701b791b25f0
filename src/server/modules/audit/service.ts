import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';

export interface AuditEntryInput {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends to the audit log inside the caller's transaction, so an entry exists exactly when the
 * change it describes was committed.
 */
export async function recordAudit(db: Executor, ctx: RequestContext | null, entry: AuditEntryInput & { tenantId: string }): Promise<void> {
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

export async function listAuditEntries(
  db: Executor,
  ctx: RequestContext,
  q: { entity?: string | undefined; entityId?: string | undefined; page: number; pageSize: number },
) {
  const { actor } = ctx;
  authorize(actor, 'audit.read', { kind: 'tenant', tenantId: actor.tenantId });
  let base = db.selectFrom('audit_log').where('tenant_id', '=', actor.tenantId);
  if (q.entity) base = base.where('entity', '=', q.entity);
  if (q.entityId) base = base.where('entity_id', '=', q.entityId);
  const [rows, total] = await Promise.all([
    base
      .selectAll()
      .orderBy('id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      id: Number(r.id),
      at: r.at.toISOString(),
      actorName: r.actor_name,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      before: r.before,
      after: r.after,
      ip: r.ip,
    })),
  };
}
