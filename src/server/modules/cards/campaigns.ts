import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { clock, isRealDay, shanghaiDate } from '../../clock.ts';
import { AppError, notFound, type FieldIssue } from '../../errors.ts';
import type { CardPostStatus } from '../../db/tables.ts';
import type { CampaignDetail, CampaignInput, CampaignQuery, CampaignSummary, CardPatch, CardRow, CardsBulkPatch } from '../../../shared/api-care.ts';
import { recordAudit } from '../../audit-log.ts';
import { compareUnitNames } from '../../../shared/sort-order.ts';
import {
  campaignById,
  campaignCards,
  campaignRows,
  cardById,
  cardUnitPath,
  countCampaigns,
  deleteCampaignRow,
  hasPostedCard,
  insertCampaignWithCards,
  lockCampaign,
  lockCard,
  lockCards,
  recipientFilter,
  sendDueCampaigns,
  updateCardRow,
  type CampaignRow,
  type CardRowData,
} from './repo.ts';
import { fail, orgTarget, scopeWhere } from './shared.ts';
import { listSubtrees, membersWithOrgs, unitFor } from '../../directory/index.ts';
import { noticeCardsSent } from './notices.ts';

// 节日贺卡: holiday-card campaigns (春节, 端午, 中秋) — e-cards to the member app and cards by post.

type CampaignInputData = z.infer<typeof CampaignInput>;
type CampaignQueryData = z.infer<typeof CampaignQuery>;
type CardPatchData = z.infer<typeof CardPatch>;
type CardsBulkPatchData = z.infer<typeof CardsBulkPatch>;

function presentSummary(c: CampaignRow): CampaignSummary {
  return {
    id: c.id,
    orgId: c.org_id,
    orgName: c.org_name,
    occasion: c.occasion,
    title: c.title,
    sendOn: c.send_on,
    sentAt: c.sent_at ? c.sent_at.toISOString() : null,
    recipients: c.recipients,
    opened: c.opened,
    posted: c.posted,
    delivered: c.delivered,
    returned: c.returned,
  };
}

function presentCard(k: CardRowData): CardRow {
  return {
    id: k.id,
    memberId: k.member_id,
    memberName: k.member_name,
    phone: k.phone,
    orgName: k.org_name,
    channel: k.channel,
    address: k.address,
    postStatus: k.post_status,
    postNote: k.post_note,
    sentAt: k.sent_at ? k.sent_at.toISOString() : null,
    openedAt: k.opened_at ? k.opened_at.toISOString() : null,
  };
}

async function loadCampaign(db: Executor, tenantId: string, campaignId: string): Promise<CampaignRow> {
  const row = await campaignById(db, tenantId, campaignId);
  if (!row) throw notFound('贺卡活动');
  return row;
}

async function campaignDetail(db: Executor, tenantId: string, campaign: CampaignRow): Promise<CampaignDetail> {
  const cards = await campaignCards(db, tenantId, campaign.id);
  // By unit in their numbers' order (SQL's text order puts 第七 before 第三), each unit's people in pinyin order.
  cards.sort((a, b) => compareUnitNames(a.org_name, b.org_name));
  return { ...presentSummary(campaign), greeting: campaign.greeting, signature: campaign.signature, cards: cards.map(presentCard) };
}

/**
 * Creates a campaign and one card per recipient:
 *  - recipients: the unit's subtree's current mobile members (default), everyone in it, or a list
 *    (each must be a current member inside the subtree; the wrong rows are named);
 *  - channel 'post' or 'both' needs a postal address: the member's current destination (place and
 *    workplace); members who are not away get an e-card only (`withoutAddress` says how many).
 *    Posted cards start 'pending';
 *  - when `sendOn` is today or earlier (China), the e-cards reach the members at once; otherwise
 *    the job `send-cards` sends them on the day.
 */
export async function createCampaign(db: Database, ctx: RequestContext, input: CampaignInputData, now: Date = clock.now()): Promise<CampaignDetail> {
  const { actor } = ctx;
  const org = await unitFor(db, ctx, 'care.manage', input.orgId);
  const issues: FieldIssue[] = [];
  if (org.retired_at) issues.push({ field: 'orgId', message: `${org.name}已撤销，不能发送贺卡` });
  if (!isRealDay(input.sendOn)) issues.push({ field: 'sendOn', message: `发送日期 ${input.sendOn} 不是有效日期` });

  let listed: string[] = [];
  if (input.audience === 'list') {
    const ids = input.memberIds ?? [];
    if (ids.length === 0) issues.push({ field: 'memberIds', message: '请选择收贺卡的党员' });
    const rows = await membersWithOrgs(db, actor.tenantId, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    ids.forEach((id, i) => {
      const m = byId.get(id);
      if (!m || m.left_at) issues.push({ field: `memberIds.${i}`, message: `第 ${i + 1} 位党员不存在或已离开` });
      else if (!m.org_path.startsWith(org.path)) issues.push({ field: `memberIds.${i}`, message: `${m.name}不在${org.name}范围内，不能给其发贺卡` });
    });
    listed = [...new Set(ids)];
  }
  if (issues.length) fail(issues);

  const today = shanghaiDate(now);
  const sendNow = input.sendOn <= today;
  const signature = input.signature || org.name;
  const recipientWhere = recipientFilter(actor.tenantId, input.audience === 'list' ? { listed } : { orgPath: org.path, mobileOnly: input.audience === 'mobile' });

  const campaignId = await db.transaction().execute(async (tx) => {
    const posted = input.channel !== 'ecard';
    const counts = await insertCampaignWithCards(
      tx,
      {
        tenant_id: actor.tenantId,
        org_id: org.id,
        occasion: input.occasion,
        title: input.title,
        greeting: input.greeting,
        signature,
        send_on: input.sendOn,
        sent_at: sendNow ? now : null,
        created_by: actor.accountId,
      },
      { recipientWhere, channel: input.channel, postAddress: posted, sentAt: sendNow ? now : null },
    );
    if (counts.recipients === 0) {
      const who = input.audience === 'mobile' ? '流动党员' : '党员';
      throw new AppError('validation_failed', `${org.name}下没有${who}，无人可收贺卡`, [{ field: 'audience', message: `${org.name}下没有${who}` }]);
    }
    if (sendNow) await noticeCardsSent(tx, actor.tenantId, counts.id, now);
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'card_campaign.create',
      entity: 'card_campaign',
      entityId: counts.id,
      after: {
        orgId: org.id,
        occasion: input.occasion,
        title: input.title,
        sendOn: input.sendOn,
        audience: input.audience,
        channel: input.channel,
        recipients: counts.recipients,
        withoutAddress: posted ? counts.withoutAddress : 0,
        sent: sendNow,
      },
    });
    return { id: counts.id, withoutAddress: posted ? counts.withoutAddress : 0 };
  });
  const detail = await campaignDetail(db, actor.tenantId, await loadCampaign(db, actor.tenantId, campaignId.id));
  return input.channel === 'ecard' ? detail : { ...detail, withoutAddress: campaignId.withoutAddress };
}

/** Campaigns of the units in `orgId`'s subtree (or the caller's secretary units), newest day first, with their counts. */
export async function listCampaigns(db: Database, ctx: RequestContext, q: CampaignQueryData): Promise<{ items: CampaignSummary[]; total: number }> {
  const { actor } = ctx;
  const paths = await listSubtrees(db, ctx, 'care.manage', q.orgId);
  const where = scopeWhere(actor.tenantId, paths, 'c.org_id');
  const [rows, total] = await Promise.all([
    campaignRows(db, actor.tenantId, where, { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }),
    countCampaigns(db, actor.tenantId, where),
  ]);
  return { items: rows.map(presentSummary), total };
}

/** A campaign with every card: the recipient's name, phone, unit, address and statuses. */
export async function getCampaign(db: Database, ctx: RequestContext, campaignId: string): Promise<CampaignDetail> {
  const campaign = await loadCampaign(db, ctx.actor.tenantId, campaignId);
  authorize(ctx.actor, 'care.manage', orgTarget(ctx, campaign.org_path));
  return campaignDetail(db, ctx.actor.tenantId, campaign);
}

/** Deletes a campaign whose e-cards have not gone out and none of whose cards was posted. */
export async function deleteCampaign(db: Database, ctx: RequestContext, campaignId: string): Promise<void> {
  const { actor } = ctx;
  const campaign = await loadCampaign(db, actor.tenantId, campaignId);
  authorize(actor, 'care.manage', orgTarget(ctx, campaign.org_path));
  await db.transaction().execute(async (tx) => {
    // Locked, so the sending job cannot send it between the check and the delete.
    const locked = await lockCampaign(tx, actor.tenantId, campaignId);
    if (!locked) throw notFound('贺卡活动');
    if (locked.sent_at) throw new AppError('conflict', '贺卡已发出，不能删除');
    if (await hasPostedCard(tx, actor.tenantId, campaignId)) throw new AppError('conflict', '已有贺卡寄出，不能删除');
    await deleteCampaignRow(tx, actor.tenantId, campaignId);
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'card_campaign.delete',
      entity: 'card_campaign',
      entityId: campaignId,
      before: { orgId: campaign.org_id, occasion: campaign.occasion, title: campaign.title, sendOn: campaign.send_on, recipients: campaign.recipients },
    });
  });
}

/** Timestamps that go with a new posting status (a status set again keeps its time). */
function statusTimes(from: CardPostStatus, to: CardPostStatus, at: Date, current: { posted_at: Date | null }) {
  if (from === to) return {};
  switch (to) {
    case 'none':
    case 'pending':
      return { posted_at: null, delivered_at: null, returned_at: null };
    case 'posted':
      return { posted_at: at, delivered_at: null, returned_at: null };
    case 'delivered':
      return { posted_at: current.posted_at ?? at, delivered_at: at, returned_at: null };
    case 'returned':
      return { posted_at: current.posted_at ?? at, returned_at: at, delivered_at: null };
  }
}

const STATUS_LABEL: Record<CardPostStatus, string> = { none: '无需邮寄', pending: '待寄出', posted: '已寄出', delivered: '已送达', returned: '已退回' };

/**
 * Changes one card: its channel or address while it has not gone into the post (or came back),
 * its posting status (posted, delivered, returned, or back to pending) with a note. Each status
 * sets its time. A card whose e-card already reached the member stays an e-card; a card that
 * becomes an e-card after its campaign went out reaches the member at once.
 */
export async function updateCard(db: Database, ctx: RequestContext, cardId: string, patch: CardPatchData, now: Date = clock.now()): Promise<CardRow> {
  const { actor } = ctx;
  if (patch.channel === undefined && patch.address === undefined && patch.postStatus === undefined && patch.postNote === undefined) {
    throw new AppError('validation_failed', '没有要修改的内容');
  }
  const path = await cardUnitPath(db, actor.tenantId, cardId);
  if (path === undefined) throw notFound('贺卡');
  authorize(actor, 'care.manage', orgTarget(ctx, path));

  await db.transaction().execute(async (tx) => {
    const card = await lockCard(tx, actor.tenantId, cardId);
    const issues: FieldIssue[] = [];
    const channel = patch.channel ?? card.channel;
    const address = patch.address === undefined ? card.address : patch.address;
    const changesRoute = (patch.channel !== undefined && patch.channel !== card.channel) || (patch.address !== undefined && patch.address !== card.address);
    if (changesRoute && (card.post_status === 'posted' || card.post_status === 'delivered')) {
      throw new AppError('conflict', `贺卡${STATUS_LABEL[card.post_status]}，不能再修改寄送方式或地址`);
    }
    if (channel !== 'ecard' && !address) issues.push({ field: 'address', message: '邮寄贺卡请填写收件地址' });
    if (channel === 'post' && card.sent_at) issues.push({ field: 'channel', message: '电子贺卡已送达，不能改为仅邮寄；可改为“电子贺卡+邮寄”' });

    let status: CardPostStatus = card.post_status;
    if (channel === 'ecard') {
      if (patch.postStatus !== undefined) issues.push({ field: 'postStatus', message: '电子贺卡无需邮寄，不能标记邮寄状态' });
      status = 'none';
    } else if (patch.postStatus !== undefined) {
      status = patch.postStatus;
    } else if (card.post_status === 'none' || (card.post_status === 'returned' && changesRoute)) {
      // Newly posted, or sent back and now readdressed: to be posted (again).
      status = 'pending';
    }
    if (issues.length) fail(issues);

    const sendsNow = channel !== 'post' && !card.sent_at && card.campaign_sent_at !== null;
    await updateCardRow(tx, actor.tenantId, cardId, {
      channel,
      address,
      post_status: status,
      ...statusTimes(card.post_status, status, now, card),
      ...(patch.postNote !== undefined ? { post_note: patch.postNote || null } : {}),
      ...(sendsNow ? { sent_at: now } : {}),
    });
    if (sendsNow) await noticeCardsSent(tx, actor.tenantId, card.campaign_id, now);
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'card.update',
      entity: 'card',
      entityId: cardId,
      before: { channel: card.channel, address: card.address, postStatus: card.post_status, postNote: card.post_note },
      after: { channel, address, postStatus: status, postNote: patch.postNote !== undefined ? patch.postNote || null : card.post_note },
    });
  });
  const row = await cardById(db, actor.tenantId, cardId);
  return presentCard(row);
}

/**
 * Marks several posted cards of one campaign at once (all labels posted today, all delivered).
 * Every card must belong to the campaign and be a posted one; `updated` counts the cards whose
 * status changed (marking them again changes nothing).
 */
export async function updateCardsBulk(db: Database, ctx: RequestContext, campaignId: string, body: CardsBulkPatchData, now: Date = clock.now()): Promise<{ updated: number }> {
  const { actor } = ctx;
  const campaign = await loadCampaign(db, actor.tenantId, campaignId);
  authorize(actor, 'care.manage', orgTarget(ctx, campaign.org_path));
  return db.transaction().execute(async (tx) => {
    const ids = [...new Set(body.cardIds)];
    const cards = await lockCards(tx, actor.tenantId, ids);
    const byId = new Map(cards.map((k) => [k.id, k]));
    const issues: FieldIssue[] = [];
    body.cardIds.forEach((id, i) => {
      const k = byId.get(id);
      if (!k || k.campaign_id !== campaignId) issues.push({ field: `cardIds.${i}`, message: `第 ${i + 1} 张贺卡不属于本次活动` });
      else if (k.channel === 'ecard') issues.push({ field: `cardIds.${i}`, message: `${k.name}的是电子贺卡，无需邮寄` });
    });
    if (issues.length) fail(issues);

    const changed = cards.filter((k) => k.post_status !== body.postStatus);
    for (const k of changed) {
      await updateCardRow(tx, actor.tenantId, k.id, { post_status: body.postStatus, ...statusTimes(k.post_status, body.postStatus, now, k) });
    }
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'card.bulk_update',
      entity: 'card_campaign',
      entityId: campaignId,
      after: { postStatus: body.postStatus, updated: changed.length, cardIds: changed.map((k) => k.id) },
    });
    return { updated: changed.length };
  });
}

/**
 * The job: sends the e-cards of campaigns whose day has come (China date at `now`), each campaign
 * once, whatever runs it at the same time. Returns how many campaigns it sent.
 */
export async function sendDueCards(db: Database, now: Date): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const sent = await sendDueCampaigns(tx, shanghaiDate(now), now);
    // The members hear of their e-cards in the same transaction as they are sent.
    for (const c of sent) await noticeCardsSent(tx, c.tenant_id, c.id, now);
    return sent.length;
  });
}
