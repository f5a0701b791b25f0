import type { Executor } from '../../db/database.ts';
import { enqueueNotice, type NoticeSource } from '../notify/index.ts';

/**
 * A campaign's e-cards went out: one notice for the campaign, to every member whose e-card was
 * sent (a group robot gets one line for the campaign, not one per card), in the sending's
 * transaction. Its link opens the member's cards.
 */
export async function noticeCardsSent(tx: Executor, tenantId: string, campaignId: string, now: Date): Promise<number> {
  const rows = await tx
    .selectFrom('card as k')
    .innerJoin('card_campaign as c', (j) => j.onRef('c.tenant_id', '=', 'k.tenant_id').onRef('c.id', '=', 'k.campaign_id'))
    .select(['k.member_id', 'c.title'])
    .where('k.tenant_id', '=', tenantId)
    .where('k.campaign_id', '=', campaignId)
    .where('k.sent_at', 'is not', null)
    .where('k.channel', 'in', ['ecard', 'both'])
    .execute();
  const first = rows[0];
  if (!first) return 0;
  return enqueueNotice(tx, { tenantId, sourceKind: 'card', sourceId: campaignId, title: `贺卡：${first.title}`, path: 'cards' }, rows.map((r) => r.member_id), { now });
}

/** Of these members, those who opened their e-card of the campaign. */
export const cardNoticeSource: NoticeSource = {
  async seen(db, tenantId, campaignId, memberIds) {
    if (memberIds.length === 0) return new Set();
    const rows = await db
      .selectFrom('card')
      .select('member_id')
      .where('tenant_id', '=', tenantId)
      .where('campaign_id', '=', campaignId)
      .where('member_id', 'in', memberIds)
      .where('opened_at', 'is not', null)
      .execute();
    return new Set(rows.map((r) => r.member_id));
  },
};
