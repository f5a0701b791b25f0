import type { Campaign, Receipt, Spending } from '../../../shared/api-donations.ts';
import type { CampaignRow, ReceiptRow, SpendingRow, TotalsRow } from './repo.ts';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function campaignView(row: Omit<CampaignRow, 'org_path'> & { org_path?: string }, totals: TotalsRow | undefined): Campaign {
  const received = totals?.received_fen ?? 0;
  const spent = totals?.spent_fen ?? 0;
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    title: row.title,
    purpose: row.purpose,
    startsOn: row.starts_on,
    endsOn: row.ends_on ?? null,
    status: row.status,
    totals: {
      receivedFen: received,
      spentFen: spent,
      balanceFen: received - spent,
      receipts: totals?.receipts ?? 0,
      goodsReceived: totals?.goods_received ?? 0,
      goodsHandedOver: totals?.goods_handed_over ?? 0,
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const voided = (r: { voided_at: Date | null; void_reason: string | null; voided_by_name: string | null }) =>
  r.voided_at ? { at: iso(r.voided_at) as string, by: r.voided_by_name ?? '', reason: r.void_reason ?? '' } : null;

export function receiptView(r: ReceiptRow): Receipt {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    donorName: r.donor_name,
    donorMemberId: r.donor_member_id,
    showName: r.show_name,
    kind: r.kind,
    amountFen: r.amount_fen === null ? null : Number(r.amount_fen),
    goods: r.goods,
    quantity: r.quantity,
    receivedOn: r.received_on,
    receiptNo: r.receipt_no,
    note: r.note,
    voided: voided(r),
    createdAt: r.created_at.toISOString(),
  };
}

export function spendingView(s: SpendingRow): Spending {
  return {
    id: s.id,
    campaignId: s.campaign_id,
    kind: s.kind,
    amountFen: s.amount_fen === null ? null : Number(s.amount_fen),
    goods: s.goods,
    quantity: s.quantity,
    spentOn: s.spent_on,
    purpose: s.purpose,
    recipient: s.recipient,
    photo: s.photo_file_id ? { fileId: s.photo_file_id, url: `/api/files/${s.photo_file_id}` } : null,
    voided: voided(s),
    createdAt: s.created_at.toISOString(),
  };
}
