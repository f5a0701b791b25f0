import { z } from 'zod';
import { DateString, Uuid } from './primitives.ts';
import { DONATION_CAMPAIGN_STATUSES, DONATION_KINDS } from './enums.ts';
import { yuanProblem } from './money.ts';

/**
 * 捐款捐物 (donation campaigns) as the console calls them under /api/donations: a unit's campaigns,
 * their receipts (收款 / 收物) and spending (支出 / 移交), voiding a wrong entry with a reason, the
 * ledger's xlsx. Money: requests give yuan as a decimal string with at most two places
 * ("12.50"), answers give integer fen (`…Fen`); src/shared/money.ts converts both ways.
 */

export const DonationKind = z.enum(DONATION_KINDS);
export const CampaignStatus = z.enum(DONATION_CAMPAIGN_STATUSES);

/** Yuan as a decimal string, at most two places, more than zero. */
const Yuan = z
  .string()
  .superRefine((v, ctx) => {
    const problem = yuanProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    else if (/^[0.\s]*$/.test(v)) ctx.addIssue({ code: 'custom', message: '金额应大于 0' });
  });

const title = z.string().trim().min(1, '请填写活动名称').max(120, '活动名称不能超过 120 字');
const purpose = z.string().trim().max(1000, '用途说明不能超过 1000 字');

export const CampaignInput = z
  .object({ orgId: Uuid, title, purpose: purpose.default(''), startsOn: DateString, endsOn: DateString.nullable().optional() })
  .refine((c) => !c.endsOn || c.endsOn >= c.startsOn, { message: '结束日期不能早于开始日期', path: ['endsOn'] });
export type CampaignInput = z.input<typeof CampaignInput>;

export const CampaignPatch = z
  .object({ title, purpose, endsOn: DateString.nullable(), status: CampaignStatus })
  .partial()
  .refine((p) => Object.values(p).some((v) => v !== undefined), '没有要修改的内容');
export type CampaignPatch = z.input<typeof CampaignPatch>;

export const CampaignQuery = z.object({ orgId: Uuid.optional(), status: CampaignStatus.optional() });
export type CampaignQuery = z.input<typeof CampaignQuery>;

/** Totals over entries not voided: money in fen, goods as the number of entries. */
export const CampaignTotals = z.object({
  receivedFen: z.number().int(),
  spentFen: z.number().int(),
  balanceFen: z.number().int(),
  receipts: z.number().int(),
  goodsReceived: z.number().int(),
  goodsHandedOver: z.number().int(),
});
export type CampaignTotals = z.infer<typeof CampaignTotals>;

export const Campaign = z.object({
  id: Uuid,
  orgId: Uuid,
  orgName: z.string(),
  title: z.string(),
  purpose: z.string(),
  startsOn: z.string(),
  endsOn: z.string().nullable(),
  status: CampaignStatus,
  totals: CampaignTotals,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Campaign = z.infer<typeof Campaign>;
export const CampaignList = z.object({ items: z.array(Campaign) });
export type CampaignList = z.infer<typeof CampaignList>;

const goods = z.string().trim().min(1, '请写明物品').max(200, '物品说明不能超过 200 字');
const quantity = z.string().trim().min(1, '请写明数量').max(60, '数量不能超过 60 字');

export const ReceiptInput = z
  .object({
    /** a party member of the campaign's unit or below; else `donorName` (a person or a company) */
    donorMemberId: Uuid.nullable().optional(),
    donorName: z.string().trim().max(60, '捐赠人姓名不能超过 60 字').optional(),
    /** the donor's consent to be named publicly; without it the public page says 爱心人士 */
    showName: z.boolean().default(false),
    kind: DonationKind,
    amountYuan: Yuan.optional(),
    goods: goods.optional(),
    quantity: quantity.optional(),
    receivedOn: DateString,
    /** generated per campaign (JZ-0001 …) when not given */
    receiptNo: z.string().trim().min(1, '请填写收据编号').max(40, '收据编号不能超过 40 字').optional(),
    note: z.string().trim().max(500, '备注不能超过 500 字').default(''),
  })
  .superRefine((r, ctx) => {
    if (!r.donorMemberId && !r.donorName) ctx.addIssue({ code: 'custom', path: ['donorName'], message: '请填写捐赠人，或选择一名党员' });
    if (r.kind === 'money' && r.amountYuan === undefined) ctx.addIssue({ code: 'custom', path: ['amountYuan'], message: '请填写金额' });
    if (r.kind === 'money' && r.goods !== undefined) ctx.addIssue({ code: 'custom', path: ['goods'], message: '捐款不填写物品' });
    if (r.kind === 'goods' && r.goods === undefined) ctx.addIssue({ code: 'custom', path: ['goods'], message: '请写明物品' });
    if (r.kind === 'goods' && r.amountYuan !== undefined) ctx.addIssue({ code: 'custom', path: ['amountYuan'], message: '捐物不填写金额' });
  });
export type ReceiptInput = z.input<typeof ReceiptInput>;

export const SpendingInput = z
  .object({
    kind: DonationKind,
    amountYuan: Yuan.optional(),
    goods: goods.optional(),
    quantity: quantity.optional(),
    spentOn: DateString,
    purpose: z.string().trim().min(1, '请写明用途').max(500, '用途不能超过 500 字'),
    /** to whom it was paid or handed over */
    recipient: z.string().trim().max(120, '接收方不能超过 120 字').default(''),
    /** a photo of the receipt, uploaded with purpose 'service' */
    photoFileId: Uuid.nullable().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.kind === 'money' && r.amountYuan === undefined) ctx.addIssue({ code: 'custom', path: ['amountYuan'], message: '请填写金额' });
    if (r.kind === 'money' && r.goods !== undefined) ctx.addIssue({ code: 'custom', path: ['goods'], message: '支出不填写物品' });
    if (r.kind === 'goods' && r.goods === undefined) ctx.addIssue({ code: 'custom', path: ['goods'], message: '请写明物品' });
    if (r.kind === 'goods' && r.amountYuan !== undefined) ctx.addIssue({ code: 'custom', path: ['amountYuan'], message: '移交物品不填写金额' });
  });
export type SpendingInput = z.input<typeof SpendingInput>;

export const VoidInput = z.object({ reason: z.string().trim().min(1, '请写明作废原因').max(200, '作废原因不能超过 200 字') });
export type VoidInput = z.input<typeof VoidInput>;

const Voided = z.object({ at: z.string(), by: z.string(), reason: z.string() }).nullable();

export const Receipt = z.object({
  id: Uuid,
  campaignId: Uuid,
  donorName: z.string(),
  donorMemberId: Uuid.nullable(),
  showName: z.boolean(),
  kind: DonationKind,
  amountFen: z.number().int().nullable(),
  goods: z.string().nullable(),
  quantity: z.string().nullable(),
  receivedOn: z.string(),
  receiptNo: z.string(),
  note: z.string(),
  voided: Voided,
  createdAt: z.string(),
});
export type Receipt = z.infer<typeof Receipt>;

export const Spending = z.object({
  id: Uuid,
  campaignId: Uuid,
  kind: DonationKind,
  amountFen: z.number().int().nullable(),
  goods: z.string().nullable(),
  quantity: z.string().nullable(),
  spentOn: z.string(),
  purpose: z.string(),
  recipient: z.string(),
  photo: z.object({ fileId: Uuid, url: z.string() }).nullable(),
  voided: Voided,
  createdAt: z.string(),
});
export type Spending = z.infer<typeof Spending>;

/** A campaign with every entry, voided ones too (marked), received on and spent on in order. */
export const Ledger = z.object({ campaign: Campaign, receipts: z.array(Receipt), spendings: z.array(Spending) });
export type Ledger = z.infer<typeof Ledger>;
