import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { clock } from '../../clock.ts';
import { AppError, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { listSubtrees, unitFor } from '../../directory/index.ts';
import type { Campaign, CampaignInput, CampaignList, CampaignPatch, CampaignQuery, Ledger } from '../../../shared/api-donations.ts';
import { campaignTotals, findCampaign, listCampaignRows, receiptRows, spendingRows, type CampaignRow } from './repo.ts';
import { campaignView, receiptView, spendingView } from './views.ts';

/**
 * 捐款捐物: a unit's donation campaigns, managed by the secretaries above the unit
 * (`service.manage`). A campaign's ledger lists every entry, voided ones marked; its totals count
 * only entries not voided.
 */

const orgTarget = (ctx: RequestContext, path: string) => ({ kind: 'org', tenantId: ctx.actor.tenantId, path }) as const;

/** The campaign, after checking the caller manages its unit (404, else 403). */
export async function campaignFor(db: Executor, ctx: RequestContext, campaignId: string): Promise<CampaignRow> {
  const row = await findCampaign(db, ctx.actor.tenantId, campaignId);
  if (!row) throw notFound('捐助活动');
  authorize(ctx.actor, 'service.manage', orgTarget(ctx, row.org_path));
  return row;
}

export async function loadCampaign(db: Executor, tenantId: string, campaignId: string): Promise<Campaign> {
  const row = await findCampaign(db, tenantId, campaignId);
  if (!row) throw notFound('捐助活动');
  const totals = await campaignTotals(db, tenantId, [row.id]);
  return campaignView(row, totals.get(row.id));
}

export async function createCampaign(db: Database, ctx: RequestContext, input: z.output<typeof CampaignInput>): Promise<Campaign> {
  const tenantId = ctx.actor.tenantId;
  const org = await unitFor(db, ctx, 'service.manage', input.orgId);
  if (org.retired_at) throw new AppError('validation_failed', `${org.name}已撤销`, [{ field: 'orgId', message: `${org.name}已撤销` }]);
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('donation_campaign')
      .values({
        tenant_id: tenantId,
        org_id: org.id,
        title: input.title,
        purpose: input.purpose,
        starts_on: input.startsOn,
        ends_on: input.endsOn ?? null,
        created_by: ctx.actor.accountId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const view = await loadCampaign(tx, tenantId, row.id);
    await recordAudit(tx, ctx, { tenantId, action: 'donation_campaign.create', entity: 'donation_campaign', entityId: row.id, after: view });
    return view;
  });
}

export async function updateCampaign(db: Database, ctx: RequestContext, campaignId: string, patch: z.output<typeof CampaignPatch>): Promise<Campaign> {
  const tenantId = ctx.actor.tenantId;
  const row = await campaignFor(db, ctx, campaignId);
  const endsOn = patch.endsOn === undefined ? row.ends_on : patch.endsOn;
  if (endsOn && endsOn < row.starts_on) {
    throw new AppError('validation_failed', '结束日期不能早于开始日期', [{ field: 'endsOn', message: '结束日期不能早于开始日期' }]);
  }
  return db.transaction().execute(async (tx) => {
    const before = await loadCampaign(tx, tenantId, campaignId);
    await tx
      .updateTable('donation_campaign')
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.purpose !== undefined ? { purpose: patch.purpose } : {}),
        ...(patch.endsOn !== undefined ? { ends_on: patch.endsOn } : {}),
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        updated_at: clock.now(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', campaignId)
      .execute();
    const after = await loadCampaign(tx, tenantId, campaignId);
    await recordAudit(tx, ctx, { tenantId, action: 'donation_campaign.update', entity: 'donation_campaign', entityId: campaignId, before, after });
    return after;
  });
}

export async function listCampaigns(db: Database, ctx: RequestContext, query: z.output<typeof CampaignQuery>): Promise<CampaignList> {
  const tenantId = ctx.actor.tenantId;
  const paths = await listSubtrees(db, ctx, 'service.manage', query.orgId);
  const rows = await listCampaignRows(db, tenantId, paths, query.status);
  const totals = await campaignTotals(db, tenantId, rows.map((r) => r.id));
  return { items: rows.map((r) => campaignView(r, totals.get(r.id))) };
}

/** The campaign with every receipt and spending (voided ones too, marked). */
export async function getLedger(db: Database, ctx: RequestContext, campaignId: string): Promise<Ledger> {
  const tenantId = ctx.actor.tenantId;
  const row = await campaignFor(db, ctx, campaignId);
  const [totals, receipts, spendings] = await Promise.all([
    campaignTotals(db, tenantId, [row.id]),
    receiptRows(db, tenantId, row.id),
    spendingRows(db, tenantId, row.id),
  ]);
  return { campaign: campaignView(row, totals.get(row.id)), receipts: receipts.map(receiptView), spendings: spendings.map(spendingView) };
}
