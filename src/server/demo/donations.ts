import type { Database } from '../db/database.ts';
import { clock } from '../clock.ts';
import { addDays, addMonths, chinaDay } from '../../shared/china-time.ts';
import { GIVEN, SURNAMES } from './names.ts';

/**
 * The demo village's 捐款捐物: a campaign 爱心助学捐款 started last month with three money receipts
 * (a party member and a villager who agreed to be named, one who did not) and one spending, so the
 * console's ledger shows 收入 / 支出 / 结余 that add up and the 党务公开 demo has totals to show.
 * Fictional people; amounts in fen.
 */
export async function seedDonationsDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const village = await db.selectFrom('org').select('id').where('tenant_id', '=', tenantId).where('kind', '=', 'general_branch').orderBy('sort_order').executeTakeFirst();
  const secretary = await db.selectFrom('account').select('id').where('tenant_id', '=', tenantId).where('phone', '=', '13800000000').executeTakeFirst();
  const donor = await db.selectFrom('member').select(['id', 'name']).where('tenant_id', '=', tenantId).where('phone', '=', '13800000002').executeTakeFirst();
  if (!village || !secretary || !donor) return;
  const today = chinaDay(now);
  const thisMonth = `${today.slice(0, 7)}-01`;
  const lastMonth = addMonths(thisMonth, -1);
  const villager = `${SURNAMES[12]}${GIVEN[5]}`;
  await db.transaction().execute(async (tx) => {
    const campaign = await tx
      .insertInto('donation_campaign')
      .values({
        tenant_id: tenantId,
        org_id: village.id,
        title: '爱心助学捐款',
        purpose: '为村里考上大学的困难家庭学生购买学习用品、补助路费',
        starts_on: lastMonth,
        receipt_seq: 3,
        created_by: secretary.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const receipts = [
      { donor_name: donor.name, donor_member_id: donor.id, show_name: true, amount_fen: 50_000, received_on: addDays(lastMonth, 9), receipt_no: 'JZ-0001' },
      { donor_name: villager, donor_member_id: null, show_name: true, amount_fen: 20_050, received_on: addDays(lastMonth, 12), receipt_no: 'JZ-0002' },
      { donor_name: '一位在外务工的村民', donor_member_id: null, show_name: false, amount_fen: 100_000, received_on: thisMonth, receipt_no: 'JZ-0003' },
    ];
    for (const r of receipts) {
      await tx
        .insertInto('donation_receipt')
        .values({ tenant_id: tenantId, campaign_id: campaign.id, kind: 'money', created_by: secretary.id, ...r })
        .execute();
    }
    await tx
      .insertInto('donation_spending')
      .values({
        tenant_id: tenantId,
        campaign_id: campaign.id,
        kind: 'money',
        amount_fen: 60_000,
        spent_on: today,
        purpose: '为两名新生购买书包、台灯和开学路费',
        recipient: '两户困难家庭',
        created_by: secretary.id,
      })
      .execute();
  });
}
