import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { sql } from 'kysely';
import { authorize } from '../../auth/policy.ts';
import { AUDIT_HIDDEN } from '../../../shared/api.ts';

// Entries are written by `recordAudit` (src/server/audit-log.ts), below auth/ so signing in writes them too.

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/**
 * Fields whose text must not reach the audit answer even though older entries hold it (a member's
 * hardship note was copied into member.create/member.update entries, and the log cannot be changed).
 * The key stays, so the page can still say that the field changed.
 */
const HIDDEN_FIELDS = new Set(['hardship_note', 'hardshipNote', 'id_number_enc', 'id_number_hash']);

function hideSensitive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hideSensitive);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = HIDDEN_FIELDS.has(k) ? (v === null || v === '' ? v : AUDIT_HIDDEN) : hideSensitive(v);
  return out;
}

function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  return phone.length >= 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone.replace(/\d(?=\d{2})/g, '*');
}

/** One entity's column, and the name of the member a row is about, for the entity named by the entry. */
const named = (table: string, column: string) =>
  sql`(SELECT ${sql.ref(`x.${column}`)} FROM ${sql.table(table)} x WHERE x.tenant_id = a.tenant_id AND x.id = a.eid)`;
const memberOf = (table: string) =>
  sql`(SELECT m.name FROM ${sql.table(table)} x JOIN member m ON m.tenant_id = x.tenant_id AND m.id = x.member_id WHERE x.tenant_id = a.tenant_id AND x.id = a.eid)`;
/**
 * The name a person knows an entity by, looked up for the whole page in the one query. Entries name
 * their entity by kind; attendance and make-up entries name the session, care tasks, talks and
 * cards the member they are about. An id that is not a UUID (or no longer exists) gives null.
 */
const entityName = sql<string | null>`CASE
    WHEN a.entity = 'member' THEN ${named('member', 'name')}
    WHEN a.entity = 'org' THEN ${named('org', 'name')}
    WHEN a.entity = 'grid' THEN ${named('grid', 'name')}
    WHEN a.entity = 'tenant' THEN (SELECT x.name FROM tenant x WHERE x.id = a.tenant_id AND x.id = a.eid)
    WHEN a.entity = 'study_item' THEN ${named('study_item', 'title')}
    WHEN a.entity IN ('study_session', 'attendance', 'makeup') THEN ${named('study_session', 'title')}
    WHEN a.entity = 'push' THEN ${named('push', 'title')}
    WHEN a.entity = 'card_campaign' THEN ${named('card_campaign', 'title')}
    WHEN a.entity = 'delivery' THEN ${named('delivery', 'place_name')}
    WHEN a.entity = 'stored_file' THEN ${named('stored_file', 'file_name')}
    WHEN a.entity = 'account' THEN ${named('account', 'display_name')}
    WHEN a.entity = 'care_task' THEN ${memberOf('care_task')}
    WHEN a.entity = 'talk' THEN ${memberOf('talk')}
    WHEN a.entity = 'card' THEN ${memberOf('card')}
  END`;

export async function listAuditEntries(
  db: Executor,
  ctx: RequestContext,
  q: { entity?: string | undefined; entityId?: string | undefined; action?: string | undefined; actor?: string | undefined; page: number; pageSize: number },
) {
  const { actor } = ctx;
  authorize(actor, 'audit.read', { kind: 'tenant', tenantId: actor.tenantId });
  let base = db.selectFrom('audit_log as l').where('l.tenant_id', '=', actor.tenantId);
  if (q.entity) base = base.where('l.entity', '=', q.entity);
  if (q.entityId) base = base.where('l.entity_id', '=', q.entityId);
  if (q.action) base = base.where('l.action', '=', q.action);
  const who = q.actor?.trim();
  if (who) {
    const like = `%${who.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // A whole phone number finds the login's entries even after its name changed.
    const phone = /^\d{11}$/.test(who) ? who : null;
    base = base.where((eb) =>
      eb.or([
        eb('l.actor_name', 'like', like),
        ...(phone ? [eb('l.account_id', 'in', eb.selectFrom('account').select('account.id').where('tenant_id', '=', actor.tenantId).where('phone', '=', phone))] : []),
      ]),
    );
  }
  const page = base
    .selectAll('l')
    .select(sql<string | null>`CASE WHEN l.entity_id ~ ${UUID} THEN l.entity_id::uuid END`.as('eid'))
    .orderBy('l.id', 'desc')
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  const [rows, total] = await Promise.all([
    db
      .selectFrom(page.as('a'))
      .leftJoin('account as ac', (j) => j.onRef('ac.tenant_id', '=', 'a.tenant_id').onRef('ac.id', '=', 'a.account_id'))
      .select(['a.id', 'a.at', 'a.actor_name', 'a.account_id', 'a.action', 'a.entity', 'a.entity_id', 'a.before', 'a.after', 'a.ip', 'ac.phone as actor_phone', entityName.as('entity_name')])
      .orderBy('a.id', 'desc')
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(total.n),
    items: rows.map((r) => ({
      id: Number(r.id),
      at: r.at.toISOString(),
      actorName: r.actor_name,
      actorAccountId: r.account_id,
      actorPhone: maskPhone(r.actor_phone),
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      entityName: r.entity_name,
      before: hideSensitive(r.before),
      after: hideSensitive(r.after),
      ip: r.ip,
    })),
  };
}
