import type { MemberDelivery } from '../../../shared/api-care.ts';
import type { Executor } from '../../db/database.ts';

/**
 * The study-delivery visits (千里送学) one member received, newest first. No authorization here:
 * callers decide (the member page checks care.read; the member's own records page is the member).
 */
export async function listMemberDeliveries(db: Executor, tenantId: string, memberId: string): Promise<MemberDelivery[]> {
  const rows = await db
    .selectFrom('delivery_member as dm')
    .innerJoin('delivery as d', (j) => j.onRef('d.tenant_id', '=', 'dm.tenant_id').onRef('d.id', '=', 'dm.delivery_id'))
    .where('dm.tenant_id', '=', tenantId)
    .where('dm.member_id', '=', memberId)
    .select(['d.id', 'd.trip_on', 'd.place_name', 'd.travellers', 'dm.items', 'dm.handed_to', 'dm.words'])
    .orderBy('d.trip_on', 'desc')
    .orderBy('d.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    deliveryId: r.id,
    tripOn: r.trip_on,
    placeName: r.place_name,
    travellers: r.travellers,
    items: r.items,
    handedTo: r.handed_to,
    words: r.words,
  }));
}
