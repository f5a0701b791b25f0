import { sql, type SqlBool } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, authorizeList, can, scopePaths } from '../../auth/policy.ts';
import { AppError, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { clock, sqlNow } from '../../clock.ts';
import { getOrg } from '../../directory/index.ts';
import { chinaMonth } from '../../../shared/china-time.ts';
import type { Disclosure, DisclosureList, DisclosurePatch, DisclosurePreview, DisclosureSection, DisclosureSnapshot, DisclosureState, DisclosureSummary, DisclosureUnits } from '../../../shared/api-disclosure.ts';
import { buildSnapshot } from './snapshot-repo.ts';
import { maskMobiles } from './mask.ts';
import { monthHtml, openPathOf } from './public.ts';

/**
 * 党务公开: a secretary covering a unit (service.manage on it) drafts the unit's month from the data
 * (生成本月公开内容), leaves sections out, adds a short note and submits; a secretary covering the unit
 * approves it or sends it back with a reason — the states of news: draft → submitted → approved |
 * returned. Approve and return name the `updatedAt` the reviewer read: anything changed since (a
 * second click, a withdrawal and resubmission) is a 409. A village may have one secretary, so the
 * drafter may approve their own month (the audit entry says so, `selfReview`).
 *
 * Only an approved month is public, exactly as approved: it takes no edit nor regeneration until it
 * is withdrawn, which makes it a draft again. Regenerating refreshes the snapshot of a draft or a
 * returned month (a returned one becomes a draft).
 */

const PAGE_MAX = 200;

function rowQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('disclosure as d')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'd.tenant_id').onRef('o.id', '=', 'd.org_id'))
    .where('d.tenant_id', '=', tenantId)
    .select([
      'd.id',
      'd.org_id',
      'o.name as org_name',
      'o.path as org_path',
      'd.month',
      'd.state',
      'd.sections',
      'd.generated_at',
      'd.omitted',
      'd.note',
      'd.return_reason',
      'd.created_by',
      'd.created_by_name',
      'd.submitted_by_name',
      'd.submitted_at',
      'd.reviewed_by_name',
      'd.reviewed_at',
      'd.approved_by_name',
      'd.approved_at',
      'd.withdrawn_at',
      'd.updated_at',
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof rowQuery>['executeTakeFirstOrThrow']>>;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const manages = (ctx: RequestContext, path: string): boolean => can(ctx.actor, 'service.manage', { kind: 'org', tenantId: ctx.actor.tenantId, path });
const authorizeUnit = (ctx: RequestContext, path: string): void => authorize(ctx.actor, 'service.manage', { kind: 'org', tenantId: ctx.actor.tenantId, path });

const summaryView = (r: Row, publicUrl: string): DisclosureSummary => ({
  id: r.id,
  orgId: r.org_id,
  orgName: r.org_name,
  month: r.month,
  state: r.state,
  updatedAt: new Date(r.updated_at).toISOString(),
  submittedAt: iso(r.submitted_at),
  approvedAt: iso(r.approved_at),
  publicUrl: `${publicUrl}${openPathOf(r.org_id, r.month)}`,
});

function detailView(ctx: RequestContext, r: Row, publicUrl: string): Disclosure {
  const mine = manages(ctx, r.org_path);
  const editable = r.state === 'draft' || r.state === 'returned';
  return {
    ...summaryView(r, publicUrl),
    sections: r.sections as DisclosureSnapshot,
    generatedAt: new Date(r.generated_at).toISOString(),
    omitted: r.omitted as DisclosureSection[],
    note: r.note,
    returnReason: r.return_reason,
    createdByName: r.created_by_name,
    submittedByName: r.submitted_by_name,
    reviewedByName: r.reviewed_by_name,
    reviewedAt: iso(r.reviewed_at),
    approvedByName: r.approved_by_name,
    withdrawnAt: iso(r.withdrawn_at),
    can: { edit: mine && editable, submit: mine && editable, review: mine && r.state === 'submitted', withdraw: mine && r.state === 'approved' },
  };
}

/** What the audit log keeps of a month: its state and what it shows, by counts. */
const auditShape = (r: Pick<Row, 'org_id' | 'month' | 'state' | 'omitted' | 'note' | 'sections'>) => {
  const s = r.sections as DisclosureSnapshot;
  return {
    orgId: r.org_id,
    month: r.month,
    state: r.state,
    omitted: r.omitted,
    note: r.note,
    projects: s.projects.length,
    totalMinutes: s.hours.totalMinutes,
    pledges: s.pledges.length,
    campaigns: s.donations.map((c) => ({ title: c.title, receivedFen: c.receivedFen, spentFen: c.spentFen, balanceFen: c.balanceFen })),
  };
};

async function loadRow(db: Executor, tenantId: string, id: string): Promise<Row> {
  const row = await rowQuery(db, tenantId).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('公开内容');
  return row;
}

async function loadManaged(db: Executor, ctx: RequestContext, id: string): Promise<Row> {
  const row = await loadRow(db, ctx.actor.tenantId, id);
  authorizeUnit(ctx, row.org_path);
  return row;
}

/** An update that applies only from these states; none left (someone acted first) is a 409. */
async function changeFrom(tx: Executor, tenantId: string, id: string, from: DisclosureState[], set: Record<string, unknown>, extra?: SqlBool | ReturnType<typeof sql<SqlBool>>, conflict = '公开内容的状态已变化，请刷新后再试'): Promise<void> {
  let q = tx.updateTable('disclosure').set({ ...set, updated_at: sqlNow }).where('tenant_id', '=', tenantId).where('id', '=', id).where('state', 'in', from);
  if (extra) q = q.where(extra as ReturnType<typeof sql<SqlBool>>);
  const done = await q.executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) throw new AppError('conflict', conflict);
}

const NOT_EDITABLE: Record<DisclosureState, string> = {
  draft: '',
  returned: '',
  submitted: '公开内容已送审，审核后才能修改',
  approved: '公开内容已公开；撤回后才能修改',
};

// ---------- use cases ----------

/** 生成本月公开内容: the unit's month from the data, new or refreshed (a draft or a returned one). */
export async function generateDisclosure(db: Database, ctx: RequestContext, input: { orgId: string; month: string }, publicUrl: string): Promise<Disclosure> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const org = await getOrg(db, tenantId, input.orgId);
  authorizeUnit(ctx, org.path);
  if (org.retired_at) throw new AppError('validation_failed', '该组织已撤销，不能公开', [{ field: 'orgId', message: '组织已撤销' }]);
  if (input.month > chinaMonth(clock.now())) throw new AppError('validation_failed', '不能生成未来月份的公开内容', [{ field: 'month', message: '不能生成未来月份的公开内容' }]);
  return db.transaction().execute(async (tx) => {
    const snapshot = await buildSnapshot(tx, tenantId, org, input.month);
    const sections = JSON.stringify(snapshot);
    const existing = await tx
      .selectFrom('disclosure')
      .select(['id', 'state'])
      .where('tenant_id', '=', tenantId)
      .where('org_id', '=', org.id)
      .where('month', '=', input.month)
      .forUpdate()
      .executeTakeFirst();
    let id: string;
    let before: Row | null = null;
    if (!existing) {
      const made = await tx
        .insertInto('disclosure')
        .values({ tenant_id: tenantId, org_id: org.id, month: input.month, sections, generated_at: sqlNow, created_by: actor.accountId, created_by_name: actor.displayName, created_at: sqlNow, updated_at: sqlNow })
        .onConflict((oc) => oc.columns(['tenant_id', 'org_id', 'month']).doNothing())
        .returning('id')
        .executeTakeFirst();
      // Two first clicks at once: the other one made it; this one is told so.
      if (!made) throw new AppError('conflict', '本月公开内容刚由他人生成，请刷新后再试');
      id = made.id;
    } else {
      if (NOT_EDITABLE[existing.state]) throw new AppError('conflict', existing.state === 'approved' ? '本月内容已公开；撤回后才能重新生成' : '本月内容已送审，审核后才能重新生成');
      id = existing.id;
      before = await loadRow(tx, tenantId, id);
      await changeFrom(tx, tenantId, id, ['draft', 'returned'], { sections, generated_at: sqlNow, state: 'draft' });
    }
    const after = await loadRow(tx, tenantId, id);
    await recordAudit(tx, ctx, { tenantId, action: 'disclosure.generate', entity: 'disclosure', entityId: id, ...(before ? { before: auditShape(before) } : {}), after: auditShape(after) });
    return detailView(ctx, after, publicUrl);
  });
}

export async function updateDisclosure(db: Database, ctx: RequestContext, id: string, patch: DisclosurePatch, publicUrl: string): Promise<Disclosure> {
  const tenantId = ctx.actor.tenantId;
  const before = await loadManaged(db, ctx, id);
  if (NOT_EDITABLE[before.state]) throw new AppError('conflict', NOT_EDITABLE[before.state]);
  const omitted = patch.omitted !== undefined ? [...new Set(patch.omitted)] : undefined;
  // the note is printed on the public page: a mobile number typed into it is kept masked (mask.ts)
  const note = patch.note !== undefined ? (patch.note ? maskMobiles(patch.note) : null) : undefined;
  return db.transaction().execute(async (tx) => {
    await changeFrom(tx, tenantId, id, ['draft', 'returned'], { ...(omitted !== undefined ? { omitted } : {}), ...(note !== undefined ? { note } : {}), state: 'draft' }, undefined, NOT_EDITABLE.submitted);
    const after = await loadRow(tx, tenantId, id);
    await recordAudit(tx, ctx, { tenantId, action: 'disclosure.update', entity: 'disclosure', entityId: id, before: auditShape(before), after: auditShape(after) });
    return detailView(ctx, after, publicUrl);
  });
}

export async function submitDisclosure(db: Database, ctx: RequestContext, id: string, publicUrl: string): Promise<Disclosure> {
  const tenantId = ctx.actor.tenantId;
  const before = await loadManaged(db, ctx, id);
  if (before.state === 'submitted') throw new AppError('conflict', '公开内容已在审核中');
  if (before.state === 'approved') throw new AppError('conflict', '公开内容已公开');
  if (before.omitted.length >= 4) throw new AppError('validation_failed', '四部分内容都被隐去，没有可公开的内容', [{ field: 'omitted', message: '至少保留一部分内容' }]);
  return db.transaction().execute(async (tx) => {
    await changeFrom(tx, tenantId, id, [before.state], { state: 'submitted', submitted_by: ctx.actor.accountId, submitted_by_name: ctx.actor.displayName, submitted_at: sqlNow }, sql<SqlBool>`date_trunc('milliseconds', updated_at) = ${new Date(before.updated_at)}`, '公开内容已在审核中');
    const after = await loadRow(tx, tenantId, id);
    await recordAudit(tx, ctx, { tenantId, action: 'disclosure.submit', entity: 'disclosure', entityId: id, before: auditShape(before), after: auditShape(after) });
    return detailView(ctx, after, publicUrl);
  });
}

/** A decision applies to what the reviewer read: still submitted, with the `updatedAt` they saw. */
const unchangedSince = (seen: string) => sql<SqlBool>`date_trunc('milliseconds', updated_at) = ${new Date(seen)}`;
const CHANGED_SINCE_SEEN = '内容已被修改，请重新审阅';

export async function approveDisclosure(db: Database, ctx: RequestContext, id: string, input: { updatedAt: string }, publicUrl: string): Promise<Disclosure> {
  const tenantId = ctx.actor.tenantId;
  const before = await loadManaged(db, ctx, id);
  if (before.state !== 'submitted') throw new AppError('conflict', '只有待审核的公开内容可以审核');
  const selfReview = before.created_by === ctx.actor.accountId;
  return db.transaction().execute(async (tx) => {
    await changeFrom(
      tx,
      tenantId,
      id,
      ['submitted'],
      { state: 'approved', reviewed_by: ctx.actor.accountId, reviewed_by_name: ctx.actor.displayName, reviewed_at: sqlNow, approved_by: ctx.actor.accountId, approved_by_name: ctx.actor.displayName, approved_at: sqlNow, withdrawn_at: null, withdrawn_by: null },
      unchangedSince(input.updatedAt),
      CHANGED_SINCE_SEEN,
    );
    const after = await loadRow(tx, tenantId, id);
    await recordAudit(tx, ctx, { tenantId, action: 'disclosure.approve', entity: 'disclosure', entityId: id, before: auditShape(before), after: { ...auditShape(after), selfReview } });
    return detailView(ctx, after, publicUrl);
  });
}

export async function returnDisclosure(db: Database, ctx: RequestContext, id: string, input: { reason: string; updatedAt: string }, publicUrl: string): Promise<Disclosure> {
  const tenantId = ctx.actor.tenantId;
  const before = await loadManaged(db, ctx, id);
  if (before.state !== 'submitted') throw new AppError('conflict', '只有待审核的公开内容可以退回');
  return db.transaction().execute(async (tx) => {
    await changeFrom(
      tx,
      tenantId,
      id,
      ['submitted'],
      { state: 'returned', return_reason: input.reason, reviewed_by: ctx.actor.accountId, reviewed_by_name: ctx.actor.displayName, reviewed_at: sqlNow },
      unchangedSince(input.updatedAt),
      CHANGED_SINCE_SEEN,
    );
    const after = await loadRow(tx, tenantId, id);
    await recordAudit(tx, ctx, { tenantId, action: 'disclosure.return', entity: 'disclosure', entityId: id, before: auditShape(before), after: { ...auditShape(after), reason: input.reason } });
    return detailView(ctx, after, publicUrl);
  });
}

/** Takes an approved month off the public page: it becomes a draft again. */
export async function withdrawDisclosure(db: Database, ctx: RequestContext, id: string, publicUrl: string): Promise<Disclosure> {
  const tenantId = ctx.actor.tenantId;
  const before = await loadManaged(db, ctx, id);
  if (before.state !== 'approved') throw new AppError('conflict', '公开内容未公开，无需撤回');
  return db.transaction().execute(async (tx) => {
    await changeFrom(tx, tenantId, id, ['approved'], { state: 'draft', withdrawn_at: sqlNow, withdrawn_by: ctx.actor.accountId }, undefined, '公开内容未公开，无需撤回');
    const after = await loadRow(tx, tenantId, id);
    await recordAudit(tx, ctx, { tenantId, action: 'disclosure.withdraw', entity: 'disclosure', entityId: id, before: auditShape(before), after: auditShape(after) });
    return detailView(ctx, after, publicUrl);
  });
}

export async function getDisclosure(db: Database, ctx: RequestContext, id: string, publicUrl: string): Promise<Disclosure> {
  return detailView(ctx, await loadManaged(db, ctx, id), publicUrl);
}

/** The page exactly as the public would see it, from the current snapshot (sections left out, note). */
export async function previewDisclosure(db: Database, ctx: RequestContext, id: string, publicUrl: string): Promise<DisclosurePreview> {
  const r = await loadManaged(db, ctx, id);
  const approvedAt = r.state === 'approved' && r.approved_at ? new Date(r.approved_at) : null;
  return { html: monthHtml({ orgId: r.org_id, snapshot: r.sections as DisclosureSnapshot, omitted: r.omitted as DisclosureSection[], note: r.note, approvedAt }, publicUrl) };
}

export async function listDisclosures(db: Database, ctx: RequestContext, q: { orgId?: string | undefined; state?: DisclosureState | undefined; page: number; pageSize: number }, publicUrl: string): Promise<DisclosureList> {
  const tenantId = ctx.actor.tenantId;
  const paths = scopePaths(authorizeList(ctx.actor, 'service.manage'));
  let query = rowQuery(db, tenantId);
  if (paths !== 'all') query = query.where((eb) => eb.or(paths.map((p) => eb('o.path', 'like', `${p}%`))));
  if (q.orgId) {
    const org = await getOrg(db, tenantId, q.orgId);
    authorizeUnit(ctx, org.path);
    query = query.where('d.org_id', '=', org.id);
  }
  if (q.state) query = query.where('d.state', '=', q.state);
  const pageSize = Math.min(q.pageSize, PAGE_MAX);
  const rows = await query
    .select(sql<number>`count(*) OVER ()`.as('total'))
    .orderBy('d.month', 'desc')
    .orderBy('o.path')
    .orderBy('d.id')
    .limit(pageSize)
    .offset((q.page - 1) * pageSize)
    .execute();
  return { items: rows.map((r) => summaryView(r, publicUrl)), total: rows[0] ? Number(rows[0].total) : 0 };
}

/** The units the caller may disclose for: those of their secretary subtrees (party groups excluded). */
export async function listDisclosureUnits(db: Database, ctx: RequestContext): Promise<DisclosureUnits> {
  const tenantId = ctx.actor.tenantId;
  const paths = scopePaths(authorizeList(ctx.actor, 'service.manage'));
  const rows = await db
    .selectFrom('org')
    .select(['id', 'name'])
    .where('tenant_id', '=', tenantId)
    .where('retired_at', 'is', null)
    .where('kind', '!=', 'group')
    .where((eb) => (paths === 'all' ? sql<SqlBool>`true` : eb.or(paths.map((p) => eb('path', 'like', `${p}%`)))))
    .orderBy('path')
    .limit(PAGE_MAX)
    .execute();
  return { items: rows.map((o) => ({ orgId: o.id, orgName: o.name })), currentMonth: chinaMonth(clock.now()) };
}
