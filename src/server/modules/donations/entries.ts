import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError, notFound, type FieldIssue } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { memberWithOrg } from '../../directory/index.ts';
import { filesToAttach } from '../files/index.ts';
import type { Ledger, ReceiptInput, SpendingInput, VoidInput } from '../../../shared/api-donations.ts';
import { formatFen, parseYuan } from '../../../shared/money.ts';
import { campaignTotals, lockCampaign, receiptNoTaken, receiptRows, spendingRows } from './repo.ts';
import { campaignFor, getLedger } from './campaigns.ts';
import { receiptView, spendingView } from './views.ts';

/**
 * Receipts (收款 / 收物) and spending (支出 / 移交) of a campaign, and voiding a wrong entry. Each
 * write takes the campaign's row lock first, so entries of one campaign are written one after
 * another: the balance a spending is checked against, and the next receipt number, cannot change
 * under it. Entries are never deleted; a voided one stays in the ledger with its reason.
 */

type Receipt = z.output<typeof ReceiptInput>;
type Spending = z.output<typeof SpendingInput>;

function fail(issues: FieldIssue[]): never {
  throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

function checkDay(day: string, field: string, issues: FieldIssue[]): void {
  if (day > shanghaiDate()) issues.push({ field, message: '日期不能晚于今天' });
}

/** Fen of a yuan text the schema already checked. */
const fenOf = (yuan: string | undefined): number | null => (yuan === undefined ? null : parseYuan(yuan));

async function openCampaignLocked(tx: Executor, ctx: RequestContext, campaignId: string) {
  const locked = await lockCampaign(tx, ctx.actor.tenantId, campaignId);
  if (!locked) throw notFound('捐助活动');
  if (locked.status !== 'open') throw new AppError('conflict', '活动已结束，不能再登记；如需补记，请先重新开启活动');
  return locked;
}

/** The balance (fen) of the campaign now, counting entries not voided. */
async function balanceOf(tx: Executor, tenantId: string, campaignId: string): Promise<number> {
  const t = (await campaignTotals(tx, tenantId, [campaignId])).get(campaignId);
  return (t?.received_fen ?? 0) - (t?.spent_fen ?? 0);
}

export async function addReceipt(db: Database, ctx: RequestContext, campaignId: string, input: Receipt): Promise<Ledger> {
  const tenantId = ctx.actor.tenantId;
  const campaign = await campaignFor(db, ctx, campaignId);
  const issues: FieldIssue[] = [];
  checkDay(input.receivedOn, 'receivedOn', issues);
  let donorName = input.donorName ?? '';
  if (input.donorMemberId) {
    const m = await memberWithOrg(db, tenantId, input.donorMemberId);
    if (!m) issues.push({ field: 'donorMemberId', message: '所选党员不存在' });
    else if (!m.org_path.startsWith(campaign.org_path)) issues.push({ field: 'donorMemberId', message: `${m.name}不属于${campaign.org_name}` });
    else if (!donorName) donorName = m.name;
  }
  if (issues.length) fail(issues);
  await db.transaction().execute(async (tx) => {
    const locked = await openCampaignLocked(tx, ctx, campaignId);
    let receiptNo = input.receiptNo;
    let seq = locked.receipt_seq;
    if (receiptNo) {
      if (await receiptNoTaken(tx, tenantId, campaignId, receiptNo)) {
        throw new AppError('conflict', `收据编号 ${receiptNo} 已用于本活动的另一笔记录`, [{ field: 'receiptNo', message: `收据编号 ${receiptNo} 已用于本活动的另一笔记录` }]);
      }
    } else {
      // The campaign's next readable number (JZ-0001 …), skipping any number typed by hand.
      do {
        seq += 1;
        receiptNo = `JZ-${String(seq).padStart(4, '0')}`;
      } while (await receiptNoTaken(tx, tenantId, campaignId, receiptNo));
      await tx.updateTable('donation_campaign').set({ receipt_seq: seq }).where('tenant_id', '=', tenantId).where('id', '=', campaignId).execute();
    }
    const row = await tx
      .insertInto('donation_receipt')
      .values({
        tenant_id: tenantId,
        campaign_id: campaignId,
        donor_name: donorName,
        donor_member_id: input.donorMemberId ?? null,
        show_name: input.showName,
        kind: input.kind,
        amount_fen: input.kind === 'money' ? fenOf(input.amountYuan) : null,
        goods: input.kind === 'goods' ? (input.goods ?? null) : null,
        quantity: input.quantity ?? null,
        received_on: input.receivedOn,
        receipt_no: receiptNo,
        note: input.note,
        created_by: ctx.actor.accountId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const after = (await receiptRows(tx, tenantId, campaignId)).find((r) => r.id === row.id);
    await recordAudit(tx, ctx, { tenantId, action: 'donation_receipt.create', entity: 'donation_receipt', entityId: row.id, after: after && receiptView(after) });
  });
  return getLedger(db, ctx, campaignId);
}

export async function addSpending(db: Database, ctx: RequestContext, campaignId: string, input: Spending): Promise<Ledger> {
  const tenantId = ctx.actor.tenantId;
  await campaignFor(db, ctx, campaignId);
  const issues: FieldIssue[] = [];
  checkDay(input.spentOn, 'spentOn', issues);
  if (input.photoFileId) {
    const { found } = await filesToAttach(db, ctx, [{ fileId: input.photoFileId, field: 'photoFileId' }]);
    const file = found.get(input.photoFileId);
    if (!file) issues.push({ field: 'photoFileId', message: '凭证照片的文件不存在，请重新上传' });
    else if (!file.mime_type.startsWith('image/')) {
      throw new AppError('unsupported_file', `「${file.file_name}」不是图片：凭证照片只能是 jpg、png、webp 或 gif 格式`, [
        { field: 'photoFileId', message: `「${file.file_name}」不是图片：凭证照片只能是 jpg、png、webp 或 gif 格式` },
      ]);
    }
  }
  if (issues.length) fail(issues);
  const amountFen = input.kind === 'money' ? fenOf(input.amountYuan) : null;
  await db.transaction().execute(async (tx) => {
    await openCampaignLocked(tx, ctx, campaignId);
    if (amountFen !== null) {
      const balance = await balanceOf(tx, tenantId, campaignId);
      if (amountFen > balance) {
        const message = `支出 ${formatFen(amountFen)} 元超过结余 ${formatFen(balance)} 元，不能登记`;
        throw new AppError('conflict', message, [{ field: 'amountYuan', message }]);
      }
    }
    const row = await tx
      .insertInto('donation_spending')
      .values({
        tenant_id: tenantId,
        campaign_id: campaignId,
        kind: input.kind,
        amount_fen: amountFen,
        goods: input.kind === 'goods' ? (input.goods ?? null) : null,
        quantity: input.quantity ?? null,
        spent_on: input.spentOn,
        purpose: input.purpose,
        recipient: input.recipient,
        photo_file_id: input.photoFileId ?? null,
        created_by: ctx.actor.accountId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const after = (await spendingRows(tx, tenantId, campaignId)).find((s) => s.id === row.id);
    await recordAudit(tx, ctx, { tenantId, action: 'donation_spending.create', entity: 'donation_spending', entityId: row.id, after: after && spendingView(after) });
  });
  return getLedger(db, ctx, campaignId);
}

/**
 * Voids a wrong receipt with a reason. A money receipt whose voiding would leave less than what
 * was already spent is refused (the balance never goes below zero): void the spending first.
 */
export async function voidReceipt(db: Database, ctx: RequestContext, receiptId: string, input: z.output<typeof VoidInput>): Promise<Ledger> {
  const tenantId = ctx.actor.tenantId;
  const entry = await db.selectFrom('donation_receipt').select(['campaign_id']).where('tenant_id', '=', tenantId).where('id', '=', receiptId).executeTakeFirst();
  if (!entry) throw notFound('收入记录');
  await campaignFor(db, ctx, entry.campaign_id);
  await db.transaction().execute(async (tx) => {
    const locked = await lockCampaign(tx, tenantId, entry.campaign_id);
    if (!locked) throw notFound('捐助活动');
    const before = (await receiptRows(tx, tenantId, entry.campaign_id)).find((r) => r.id === receiptId);
    if (!before || before.voided_at) throw new AppError('conflict', '这笔记录已作废');
    const amount = before.amount_fen === null ? 0 : Number(before.amount_fen);
    const balance = await balanceOf(tx, tenantId, entry.campaign_id);
    if (amount > balance) {
      throw new AppError('conflict', `作废后结余将为负数（当前结余 ${formatFen(balance)} 元）：请先作废相应的支出`);
    }
    await tx
      .updateTable('donation_receipt')
      .set({ voided_at: clock.now(), voided_by: ctx.actor.accountId, void_reason: input.reason })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', receiptId)
      .execute();
    await recordAudit(tx, ctx, { tenantId, action: 'donation_receipt.void', entity: 'donation_receipt', entityId: receiptId, before: receiptView(before), after: { reason: input.reason } });
  });
  return getLedger(db, ctx, entry.campaign_id);
}

export async function voidSpending(db: Database, ctx: RequestContext, spendingId: string, input: z.output<typeof VoidInput>): Promise<Ledger> {
  const tenantId = ctx.actor.tenantId;
  const entry = await db.selectFrom('donation_spending').select(['campaign_id']).where('tenant_id', '=', tenantId).where('id', '=', spendingId).executeTakeFirst();
  if (!entry) throw notFound('支出记录');
  await campaignFor(db, ctx, entry.campaign_id);
  await db.transaction().execute(async (tx) => {
    const locked = await lockCampaign(tx, tenantId, entry.campaign_id);
    if (!locked) throw notFound('捐助活动');
    const before = (await spendingRows(tx, tenantId, entry.campaign_id)).find((s) => s.id === spendingId);
    if (!before || before.voided_at) throw new AppError('conflict', '这笔记录已作废');
    await tx
      .updateTable('donation_spending')
      .set({ voided_at: clock.now(), voided_by: ctx.actor.accountId, void_reason: input.reason })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', spendingId)
      .execute();
    await recordAudit(tx, ctx, { tenantId, action: 'donation_spending.void', entity: 'donation_spending', entityId: spendingId, before: spendingView(before), after: { reason: input.reason } });
  });
  return getLedger(db, ctx, entry.campaign_id);
}
