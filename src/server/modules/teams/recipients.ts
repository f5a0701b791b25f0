import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorizeList, scopePaths } from '../../auth/policy.ts';
import { AppError, forbidden, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { clock } from '../../clock.ts';
import { inSubtrees } from '../../directory/index.ts';
import type { CareRecipient, CareRecipientCategory, CareRecipientExportQuery, CareRecipientInput, CareRecipientPatch } from '../../../shared/api-teams.ts';
import { getTeamAccess, type TeamAccess } from './access.ts';

/**
 * The people a team looks after (服务对象). Who may read them: the team's members and leader, the
 * secretaries above the team's unit and the tenant admin; every read (a list or one) writes a
 * `care_recipient.view` entry naming the records shown, in the same transaction. Who may add, edit
 * and retire them: the team's leader and the secretaries above (a plain member reads only: the
 * leader answers for what the team keeps about people).
 */

const fieldError = (field: string, message: string): AppError => new AppError('validation_failed', message, [{ field, message }]);

export const CATEGORY_LABEL: Record<CareRecipientCategory, string> = {
  elderly_alone: '独居老人',
  left_behind_child: '留守儿童',
  disabled: '残疾人',
  other: '其他',
};

/** Who may read a team's people: its members and leader while the team is active; the secretaries above and the tenant admin always. */
export const canReadRecipients = (a: TeamAccess): boolean => a.manager || (!a.retired && (a.member || a.leader));
const canWriteRecipients = (a: TeamAccess): boolean => a.leader || a.manager;

function recipientQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('care_recipient as cr')
    .leftJoin('grid as g', (j) => j.onRef('g.tenant_id', '=', 'cr.tenant_id').onRef('g.id', '=', 'cr.grid_id'))
    .select(['cr.id', 'cr.team_id', 'cr.grid_id', 'g.name as grid_name', 'cr.label', 'cr.category', 'cr.need', 'cr.contact_name', 'cr.contact_phone', 'cr.created_at'])
    .where('cr.tenant_id', '=', tenantId);
}
type RecipientRow = Awaited<ReturnType<ReturnType<typeof recipientQuery>['executeTakeFirstOrThrow']>>;
const toRecipient = (r: RecipientRow): CareRecipient => ({
  id: r.id,
  teamId: r.team_id,
  gridId: r.grid_id,
  gridName: r.grid_name,
  label: r.label,
  category: r.category,
  need: r.need,
  contactName: r.contact_name,
  contactPhone: r.contact_phone,
  createdAt: new Date(r.created_at).toISOString(),
});

/** Writes the audit entry of a read of these people (none when nobody was shown). */
export async function auditRecipientView(db: Executor, ctx: RequestContext, teamId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await recordAudit(db, ctx, { tenantId: ctx.actor.tenantId, action: 'care_recipient.view', entity: 'service_team', entityId: teamId, after: { recipientIds: ids } });
}

/** The team's people looked after (not retired), read and audited in one transaction. */
export async function readTeamRecipients(db: Database, ctx: RequestContext, access: TeamAccess): Promise<CareRecipient[]> {
  if (!canReadRecipients(access)) throw forbidden();
  return db.transaction().execute(async (tx) => {
    const rows = await recipientQuery(tx, ctx.actor.tenantId).where('cr.team_id', '=', access.teamId).where('cr.retired_at', 'is', null).orderBy('cr.created_at').orderBy('cr.id').execute();
    const items = rows.map(toRecipient);
    await auditRecipientView(tx, ctx, access.teamId, items.map((i) => i.id));
    return items;
  });
}

export async function listTeamRecipients(db: Database, ctx: RequestContext, teamId: string): Promise<CareRecipient[]> {
  return readTeamRecipients(db, ctx, await getTeamAccess(db, ctx, teamId));
}

/** A grid for a person of this team: one of the team's unit subtree, or 400 naming `gridId`. */
async function checkGrid(db: Executor, ctx: RequestContext, access: TeamAccess, gridId: string): Promise<void> {
  const grid = await db
    .selectFrom('grid as g')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'g.tenant_id').onRef('o.id', '=', 'g.org_id'))
    .select(['g.id', 'o.path', 'g.retired_at'])
    .where('g.tenant_id', '=', ctx.actor.tenantId)
    .where('g.id', '=', gridId)
    .executeTakeFirst();
  if (!grid || grid.retired_at !== null || !grid.path.startsWith(access.orgPath)) throw fieldError('gridId', '网格不属于本服务队所在组织');
}

export async function addRecipient(db: Database, ctx: RequestContext, teamId: string, input: CareRecipientInput): Promise<CareRecipient> {
  const { actor } = ctx;
  const access = await getTeamAccess(db, ctx, teamId);
  if (!canWriteRecipients(access)) throw forbidden();
  if (access.retired) throw new AppError('conflict', '服务队已撤销');
  const gridId = input.gridId === undefined ? access.gridId : input.gridId;
  if (gridId) await checkGrid(db, ctx, access, gridId);
  return db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('care_recipient')
      .values({
        tenant_id: actor.tenantId,
        team_id: teamId,
        grid_id: gridId,
        label: input.label,
        category: input.category,
        need: input.need,
        contact_name: input.contactName ?? null,
        contact_phone: input.contactPhone ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The entry names the record, not the person: the label and contact stay in their table.
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'care_recipient.create', entity: 'care_recipient', entityId: id, after: { teamId, gridId, category: input.category } });
    return toRecipient(await recipientQuery(tx, actor.tenantId).where('cr.id', '=', id).executeTakeFirstOrThrow());
  });
}

async function writableRecipient(db: Executor, ctx: RequestContext, recipientId: string) {
  const row = await db
    .selectFrom('care_recipient')
    .select(['id', 'team_id', 'grid_id', 'category', 'retired_at'])
    .where('tenant_id', '=', ctx.actor.tenantId)
    .where('id', '=', recipientId)
    .executeTakeFirst();
  if (!row || row.retired_at !== null) throw notFound('服务对象');
  const access = await getTeamAccess(db, ctx, row.team_id);
  if (!canWriteRecipients(access)) throw forbidden();
  return { row, access };
}

export async function updateRecipient(db: Database, ctx: RequestContext, recipientId: string, input: CareRecipientPatch): Promise<CareRecipient> {
  const { actor } = ctx;
  const { row, access } = await writableRecipient(db, ctx, recipientId);
  if (input.gridId) await checkGrid(db, ctx, access, input.gridId);
  const changes = {
    ...(input.label !== undefined ? { label: input.label } : {}),
    ...(input.category !== undefined ? { category: input.category } : {}),
    ...(input.need !== undefined ? { need: input.need } : {}),
    ...(input.contactName !== undefined ? { contact_name: input.contactName } : {}),
    ...(input.contactPhone !== undefined ? { contact_phone: input.contactPhone } : {}),
    ...(input.gridId !== undefined ? { grid_id: input.gridId } : {}),
  };
  if (Object.keys(changes).length === 0) throw new AppError('validation_failed', '没有要修改的内容');
  return db.transaction().execute(async (tx) => {
    await tx.updateTable('care_recipient').set({ ...changes, updated_at: sql`lianxin_now()` }).where('tenant_id', '=', actor.tenantId).where('id', '=', recipientId).execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'care_recipient.update',
      entity: 'care_recipient',
      entityId: recipientId,
      before: { gridId: row.grid_id, category: row.category },
      // which fields changed, not what they now say
      after: { fields: Object.keys(input).filter((k) => input[k as keyof CareRecipientPatch] !== undefined) },
    });
    return toRecipient(await recipientQuery(tx, actor.tenantId).where('cr.id', '=', recipientId).executeTakeFirstOrThrow());
  });
}

export async function retireRecipient(db: Database, ctx: RequestContext, recipientId: string): Promise<void> {
  const { actor } = ctx;
  const { row } = await writableRecipient(db, ctx, recipientId);
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('care_recipient').set({ retired_at: clock.now(), updated_at: sql`lianxin_now()` }).where('tenant_id', '=', actor.tenantId).where('id', '=', recipientId).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'care_recipient.retire', entity: 'care_recipient', entityId: recipientId, after: { teamId: row.team_id } });
  });
}

/** The export's only columns: the grid, the category and the need — never a label or a contact. */
export const EXPORT_HEADER = ['网格', '类别', '需求'] as const;

/** The people looked after in the secretary's subtrees (one team or all) as xlsx: grid, category and need only. */
export async function exportRecipients(db: Database, ctx: RequestContext, query: CareRecipientExportQuery): Promise<{ fileName: string; body: Buffer }> {
  const { actor } = ctx;
  const scope = scopePaths(authorizeList(actor, 'service.manage'));
  if (query.teamId) {
    const access = await getTeamAccess(db, ctx, query.teamId);
    if (!access.manager) throw forbidden();
  }
  const rows = await db
    .selectFrom('care_recipient as cr')
    .innerJoin('service_team as t', (j) => j.onRef('t.tenant_id', '=', 'cr.tenant_id').onRef('t.id', '=', 'cr.team_id'))
    .leftJoin('grid as g', (j) => j.onRef('g.tenant_id', '=', 'cr.tenant_id').onRef('g.id', '=', 'cr.grid_id'))
    .select(['g.name as grid_name', 'cr.category', 'cr.need'])
    .where('cr.tenant_id', '=', actor.tenantId)
    .where('cr.retired_at', 'is', null)
    .$if(scope !== 'all', (qb) => qb.where(inSubtrees(actor.tenantId, scope === 'all' ? [] : scope, 't.org_id')))
    .$if(query.teamId !== undefined, (qb) => qb.where('cr.team_id', '=', query.teamId as string))
    .orderBy('g.name')
    .orderBy('cr.category')
    .orderBy('cr.id')
    .execute();
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('服务对象');
  sheet.addRow([...EXPORT_HEADER]).font = { bold: true };
  for (const r of rows) sheet.addRow([r.grid_name ?? '', CATEGORY_LABEL[r.category], r.need]);
  sheet.columns.forEach((c, i) => {
    c.width = i === 2 ? 50 : 16;
  });
  const body = Buffer.from(await workbook.xlsx.writeBuffer());
  await recordAudit(db, ctx, { tenantId: actor.tenantId, action: 'care_recipient.export', entity: 'care_recipient', after: { teamId: query.teamId ?? null, rows: rows.length } });
  return { fileName: '服务对象需求.xlsx', body };
}
