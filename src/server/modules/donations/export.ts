import ExcelJS from 'exceljs';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { recordAudit } from '../../audit-log.ts';
import { formatFen } from '../../../shared/money.ts';
import { getLedger } from './campaigns.ts';

const KIND = { money: '款', goods: '物' } as const;

/** The campaign's ledger as xlsx: 收入, 支出 (voided entries marked, not counted) and the totals. Audited. */
export async function exportLedger(db: Database, ctx: RequestContext, campaignId: string): Promise<{ fileName: string; body: Buffer }> {
  const ledger = await getLedger(db, ctx, campaignId);
  const { campaign } = ledger;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('台账');
  sheet.addRow([`${campaign.orgName} ${campaign.title} 收支台账`]).font = { bold: true };
  sheet.addRow([`收入 ${formatFen(campaign.totals.receivedFen)} 元`, `支出 ${formatFen(campaign.totals.spentFen)} 元`, `结余 ${formatFen(campaign.totals.balanceFen)} 元`]);
  sheet.addRow([]);
  sheet.addRow(['收入']).font = { bold: true };
  sheet.addRow(['收据编号', '日期', '捐赠人', '同意公开姓名', '类别', '金额（元）', '物品', '数量', '备注', '作废原因']).font = { bold: true };
  for (const r of ledger.receipts) {
    sheet.addRow([r.receiptNo, r.receivedOn, r.donorName, r.showName ? '是' : '否', KIND[r.kind], r.amountFen === null ? '' : formatFen(r.amountFen), r.goods ?? '', r.quantity ?? '', r.note, r.voided ? `已作废：${r.voided.reason}` : '']);
  }
  sheet.addRow([]);
  sheet.addRow(['支出 / 移交']).font = { bold: true };
  sheet.addRow(['日期', '类别', '金额（元）', '物品', '数量', '用途', '接收方', '作废原因']).font = { bold: true };
  for (const s of ledger.spendings) {
    sheet.addRow([s.spentOn, KIND[s.kind], s.amountFen === null ? '' : formatFen(s.amountFen), s.goods ?? '', s.quantity ?? '', s.purpose, s.recipient, s.voided ? `已作废：${s.voided.reason}` : '']);
  }
  sheet.columns.forEach((c) => (c.width = 16));
  const body = Buffer.from(await workbook.xlsx.writeBuffer());
  await recordAudit(db, ctx, { tenantId: ctx.actor.tenantId, action: 'donation_campaign.export', entity: 'donation_campaign', entityId: campaign.id, after: { title: campaign.title } });
  return { fileName: `${campaign.title}-收支台账.xlsx`, body };
}
