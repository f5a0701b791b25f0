import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { inSubtrees } from '../../directory/index.ts';

/** A campaign with its unit (the unit's path decides who may manage it). */
export function findCampaign(db: Executor, tenantId: string, campaignId: string) {
  return db
    .selectFrom('donation_campaign as c')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'c.tenant_id').onRef('o.id', '=', 'c.org_id'))
    .selectAll('c')
    .select(['o.name as org_name', 'o.path as org_path'])
    .where('c.tenant_id', '=', tenantId)
    .where('c.id', '=', campaignId)
    .executeTakeFirst();
}
export type CampaignRow = NonNullable<Awaited<ReturnType<typeof findCampaign>>>;

/** Takes the campaign's row lock for the rest of the transaction (entries and the balance check wait on it). */
export async function lockCampaign(tx: Executor, tenantId: string, campaignId: string) {
  return tx
    .selectFrom('donation_campaign')
    .select(['id', 'status', 'receipt_seq'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', campaignId)
    .forUpdate()
    .executeTakeFirst();
}

export interface TotalsRow {
  campaign_id: string;
  received_fen: number;
  spent_fen: number;
  receipts: number;
  goods_received: number;
  goods_handed_over: number;
}

/** Totals over entries not voided, exact: sums of bigint fen. */
export async function campaignTotals(db: Executor, tenantId: string, campaignIds: string[]): Promise<Map<string, TotalsRow>> {
  const out = new Map<string, TotalsRow>();
  if (campaignIds.length === 0) return out;
  const { rows } = await sql<TotalsRow>`
    SELECT c.id AS campaign_id,
           COALESCE((SELECT sum(r.amount_fen) FROM donation_receipt r WHERE r.tenant_id = c.tenant_id AND r.campaign_id = c.id AND r.voided_at IS NULL AND r.kind = 'money'), 0)::bigint AS received_fen,
           COALESCE((SELECT sum(s.amount_fen) FROM donation_spending s WHERE s.tenant_id = c.tenant_id AND s.campaign_id = c.id AND s.voided_at IS NULL AND s.kind = 'money'), 0)::bigint AS spent_fen,
           (SELECT count(*) FROM donation_receipt r WHERE r.tenant_id = c.tenant_id AND r.campaign_id = c.id AND r.voided_at IS NULL)::int AS receipts,
           (SELECT count(*) FROM donation_receipt r WHERE r.tenant_id = c.tenant_id AND r.campaign_id = c.id AND r.voided_at IS NULL AND r.kind = 'goods')::int AS goods_received,
           (SELECT count(*) FROM donation_spending s WHERE s.tenant_id = c.tenant_id AND s.campaign_id = c.id AND s.voided_at IS NULL AND s.kind = 'goods')::int AS goods_handed_over
      FROM donation_campaign c
     WHERE c.tenant_id = ${tenantId} AND c.id = ANY(${campaignIds}::uuid[])`.execute(db);
  for (const r of rows) out.set(r.campaign_id, { ...r, received_fen: Number(r.received_fen), spent_fen: Number(r.spent_fen) });
  return out;
}

/** Campaigns of the unit subtrees ('all': the tenant), newest first. */
export function listCampaignRows(db: Executor, tenantId: string, paths: string[] | 'all', status?: 'open' | 'closed') {
  let q = db
    .selectFrom('donation_campaign as c')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'c.tenant_id').onRef('o.id', '=', 'c.org_id'))
    .selectAll('c')
    .select(['o.name as org_name', 'o.path as org_path'])
    .where('c.tenant_id', '=', tenantId);
  if (paths !== 'all') q = q.where(inSubtrees(tenantId, paths, 'c.org_id'));
  if (status) q = q.where('c.status', '=', status);
  return q.orderBy('c.starts_on', 'desc').orderBy('c.created_at', 'desc').orderBy('c.id').limit(500).execute();
}

export function receiptRows(db: Executor, tenantId: string, campaignId: string) {
  return db
    .selectFrom('donation_receipt as r')
    .leftJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 'r.tenant_id').onRef('a.id', '=', 'r.voided_by'))
    .selectAll('r')
    .select('a.display_name as voided_by_name')
    .where('r.tenant_id', '=', tenantId)
    .where('r.campaign_id', '=', campaignId)
    .orderBy('r.received_on')
    .orderBy('r.created_at')
    .orderBy('r.id')
    .execute();
}
export type ReceiptRow = Awaited<ReturnType<typeof receiptRows>>[number];

export function spendingRows(db: Executor, tenantId: string, campaignId: string) {
  return db
    .selectFrom('donation_spending as s')
    .leftJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 's.tenant_id').onRef('a.id', '=', 's.voided_by'))
    .selectAll('s')
    .select('a.display_name as voided_by_name')
    .where('s.tenant_id', '=', tenantId)
    .where('s.campaign_id', '=', campaignId)
    .orderBy('s.spent_on')
    .orderBy('s.created_at')
    .orderBy('s.id')
    .execute();
}
export type SpendingRow = Awaited<ReturnType<typeof spendingRows>>[number];

/** Whether a receipt number is taken in the campaign by an entry not voided. */
export async function receiptNoTaken(db: Executor, tenantId: string, campaignId: string, receiptNo: string): Promise<boolean> {
  const row = await db
    .selectFrom('donation_receipt')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('campaign_id', '=', campaignId)
    .where('receipt_no', '=', receiptNo)
    .where('voided_at', 'is', null)
    .executeTakeFirst();
  return !!row;
}
