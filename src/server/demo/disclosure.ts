import type { Database } from '../db/database.ts';
import { clock } from '../clock.ts';
import { addMonths, chinaDay } from '../../shared/china-time.ts';
import { draftSnapshot } from '../modules/disclosure/index.ts';

/**
 * The demo village's 党务公开: last month drafted from the demo's data by the general branch
 * secretary, with a short note, and approved — so /open/<village> has a month to show and the
 * console's 党务公开 lists it. Seeded after the service, pledges and donations demos it reads.
 */
export async function seedDisclosureDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const village = await db.selectFrom('org').select(['id', 'name', 'path']).where('tenant_id', '=', tenantId).where('kind', '=', 'general_branch').orderBy('sort_order').executeTakeFirst();
  const secretary = await db.selectFrom('account').select(['id', 'display_name']).where('tenant_id', '=', tenantId).where('phone', '=', '13800000000').executeTakeFirst();
  if (!village || !secretary) return;
  const month = addMonths(`${chinaDay(now).slice(0, 7)}-01`, -1).slice(0, 7);
  const snapshot = await draftSnapshot(db, tenantId, village, month);
  const at = new Date(now.getTime() - 3600_000);
  await db
    .insertInto('disclosure')
    .values({
      tenant_id: tenantId,
      org_id: village.id,
      month,
      state: 'approved',
      sections: JSON.stringify(snapshot),
      generated_at: at,
      note: '欢迎村民监督。对公开内容有疑问的，可到村党群服务中心咨询。',
      created_by: secretary.id,
      created_by_name: secretary.display_name,
      submitted_by: secretary.id,
      submitted_by_name: secretary.display_name,
      submitted_at: at,
      reviewed_by: secretary.id,
      reviewed_by_name: secretary.display_name,
      reviewed_at: at,
      approved_by: secretary.id,
      approved_by_name: secretary.display_name,
      approved_at: at,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'org_id', 'month']).doNothing())
    .execute();
}
