import type { Database } from '../db/database.ts';
import { clock } from '../clock.ts';
import { addDays, chinaDay, chinaDayStart } from '../../shared/china-time.ts';

/** A China day's hour as an instant. */
const at = (day: string, hour: number) => new Date(chinaDayStart(day).getTime() + hour * 3_600_000);

/**
 * The demo village's 值守: a roster 村委会防汛值守 with a shift yesterday (served, marked) and two
 * shifts a day for the next four days, some with members on them and places left, so the console's
 * week view has names and the phone's 值守 has shifts to sign up for.
 */
export async function seedDutyDemo(db: Database, tenantId: string, now = clock.now()): Promise<void> {
  const village = await db.selectFrom('org').select('id').where('tenant_id', '=', tenantId).where('kind', '=', 'general_branch').orderBy('sort_order').executeTakeFirst();
  const secretary = await db.selectFrom('account').select('id').where('tenant_id', '=', tenantId).where('phone', '=', '13800000000').executeTakeFirst();
  const member = (phone: string) => db.selectFrom('member').select('id').where('tenant_id', '=', tenantId).where('phone', '=', phone).executeTakeFirst();
  const [generalSecretary, mentor, leader] = await Promise.all([member('13800000000'), member('13800000002'), member('13800000004')]);
  if (!village || !secretary || !generalSecretary || !mentor || !leader) return;
  const today = chinaDay(now);
  await db.transaction().execute(async (tx) => {
    const roster = await tx
      .insertInto('duty_roster')
      .values({ tenant_id: tenantId, org_id: village.id, title: '村委会防汛值守', place: '村委会值班室', note: '汛期每天两班，值班期间保持电话畅通。', created_by: secretary.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const shift = async (day: string, hour: number) =>
      (
        await tx
          .insertInto('duty_shift')
          .values({ tenant_id: tenantId, roster_id: roster.id, starts_at: at(day, hour), ends_at: at(day, hour + 4), capacity: 2 })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const past = await shift(addDays(today, -1), 8);
    for (const m of [mentor, leader]) {
      await tx
        .insertInto('duty_assignment')
        .values({ tenant_id: tenantId, shift_id: past, member_id: m.id, served: 'served', served_marked_by: secretary.id, served_marked_at: at(today, 9) })
        .execute();
    }
    for (let d = 1; d <= 4; d++) {
      const morning = await shift(addDays(today, d), 8);
      await shift(addDays(today, d), 14);
      const on = d % 2 === 1 ? [generalSecretary] : [mentor];
      for (const m of on) await tx.insertInto('duty_assignment').values({ tenant_id: tenantId, shift_id: morning, member_id: m.id }).execute();
    }
  });
}
