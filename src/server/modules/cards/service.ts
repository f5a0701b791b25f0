import QRCode from 'qrcode';
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { addDays, clock, isRealDay, mondayOf, shanghaiDate } from '../../clock.ts';
import { AppError, notFound, type FieldIssue } from '../../errors.ts';
import type { CardPostStatus } from '../../db/tables.ts';
import type {
  Birthday,
  BirthdayQuery,
  CampaignDetail,
  CampaignInput,
  CampaignQuery,
  CampaignSummary,
  CardPatch,
  CardRow,
  CardsBulkPatch,
  ContactCard,
  ContactCardQuery,
  MyCard,
} from '../../../shared/api-care.ts';
import { recordAudit } from '../audit/service.ts';
import { inSubtrees, membersWithOrgs, memberWithOrg } from '../members/repo.ts';
import { requireMember } from '../me/member.ts';
import { careManageScope, managedOrg } from '../care/scope.ts';
import { anniversaryIn, anniversaryYears, joinMonthDays } from './dates.ts';
import {
  campaignRows,
  cardQuery,
  contactMemberRows,
  countCampaigns,
  destinationAddressSql,
  POSTED_STATUSES,
  unitsWithSecretaries,
  type CampaignRow,
  type CardRowData,
} from './repo.ts';
import { comparePersonNames, compareUnitNames } from '../../../shared/sort-order.ts';

type CampaignInputData = z.infer<typeof CampaignInput>;
type CampaignQueryData = z.infer<typeof CampaignQuery>;
type CardPatchData = z.infer<typeof CardPatch>;
type CardsBulkPatchData = z.infer<typeof CardsBulkPatch>;
type ContactCardQueryData = z.infer<typeof ContactCardQuery>;
type BirthdayQueryData = z.infer<typeof BirthdayQuery>;

const orgTarget = (ctx: RequestContext, path: string) => ({ kind: 'org', tenantId: ctx.actor.tenantId, path }) as const;

function fail(issues: FieldIssue[]): never {
  throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

const scopeWhere = (tenantId: string, paths: string[] | 'all', column: string): RawBuilder<SqlBool> =>
  paths === 'all' ? sql<SqlBool>`true` : inSubtrees(tenantId, paths, column);

// ---------- holiday-card campaigns (节日贺卡) ----------

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
  const [row] = await campaignRows(db, tenantId, sql<SqlBool>`c.id = ${campaignId}`);
  if (!row) throw notFound('贺卡活动');
  return row;
}

async function campaignDetail(db: Executor, tenantId: string, campaign: CampaignRow): Promise<CampaignDetail> {
  const cards = await cardQuery(db, tenantId).where('k.campaign_id', '=', campaign.id).orderBy('m.name_sort_key').orderBy('m.name').orderBy('k.id').execute();
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
  const org = await managedOrg(db, ctx, input.orgId);
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
  const recipientWhere =
    input.audience === 'list'
      ? sql<SqlBool>`m.id = ANY(${listed}::uuid[])`
      : input.audience === 'mobile'
        ? sql<SqlBool>`${inSubtrees(actor.tenantId, [org.path])} AND mb.id IS NOT NULL`
        : inSubtrees(actor.tenantId, [org.path]);

  const campaignId = await db.transaction().execute(async (tx) => {
    const campaign = await tx
      .insertInto('card_campaign')
      .values({
        tenant_id: actor.tenantId,
        org_id: org.id,
        occasion: input.occasion,
        title: input.title,
        greeting: input.greeting,
        signature,
        send_on: input.sendOn,
        sent_at: sendNow ? now : null,
        created_by: actor.accountId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const posted = input.channel !== 'ecard';
    const res = await sql<{ recipients: number; without_address: number }>`
      WITH recipient AS (
        SELECT m.tenant_id, m.id, ${posted ? destinationAddressSql : sql`NULL::text`} AS address
        FROM member m
        LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
        WHERE m.tenant_id = ${actor.tenantId} AND m.left_at IS NULL AND ${recipientWhere}
      ), inserted AS (
        INSERT INTO card (tenant_id, campaign_id, member_id, channel, address, post_status, sent_at)
        SELECT r.tenant_id, ${campaign.id}::uuid, r.id,
               CASE WHEN r.address IS NULL THEN 'ecard' ELSE ${input.channel} END,
               r.address,
               CASE WHEN r.address IS NULL THEN 'none' ELSE 'pending' END,
               CASE WHEN ${sendNow}::boolean AND (r.address IS NULL OR ${input.channel} = 'both') THEN ${now}::timestamptz END
        FROM recipient r
        RETURNING channel
      )
      SELECT count(*)::int AS recipients, count(*) FILTER (WHERE channel = 'ecard')::int AS without_address FROM inserted
    `.execute(tx);
    const counts = res.rows[0] ?? { recipients: 0, without_address: 0 };
    if (counts.recipients === 0) {
      const who = input.audience === 'mobile' ? '流动党员' : '党员';
      throw new AppError('validation_failed', `${org.name}下没有${who}，无人可收贺卡`, [{ field: 'audience', message: `${org.name}下没有${who}` }]);
    }
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'card_campaign.create',
      entity: 'card_campaign',
      entityId: campaign.id,
      after: {
        orgId: org.id,
        occasion: input.occasion,
        title: input.title,
        sendOn: input.sendOn,
        audience: input.audience,
        channel: input.channel,
        recipients: counts.recipients,
        withoutAddress: posted ? counts.without_address : 0,
        sent: sendNow,
      },
    });
    return { id: campaign.id, withoutAddress: posted ? counts.without_address : 0 };
  });
  const detail = await campaignDetail(db, actor.tenantId, await loadCampaign(db, actor.tenantId, campaignId.id));
  return input.channel === 'ecard' ? detail : { ...detail, withoutAddress: campaignId.withoutAddress };
}

/** Campaigns of the units in `orgId`'s subtree (or the caller's secretary units), newest day first, with their counts. */
export async function listCampaigns(db: Database, ctx: RequestContext, q: CampaignQueryData): Promise<{ items: CampaignSummary[]; total: number }> {
  const { actor } = ctx;
  const paths = await careManageScope(db, ctx, q.orgId);
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
    const locked = await tx
      .selectFrom('card_campaign')
      .select(['sent_at'])
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', campaignId)
      .forUpdate()
      .executeTakeFirst();
    if (!locked) throw notFound('贺卡活动');
    if (locked.sent_at) throw new AppError('conflict', '贺卡已发出，不能删除');
    const posted = await tx
      .selectFrom('card')
      .select('id')
      .where('tenant_id', '=', actor.tenantId)
      .where('campaign_id', '=', campaignId)
      .where('post_status', 'in', POSTED_STATUSES)
      .limit(1)
      .executeTakeFirst();
    if (posted) throw new AppError('conflict', '已有贺卡寄出，不能删除');
    await tx.deleteFrom('card_campaign').where('tenant_id', '=', actor.tenantId).where('id', '=', campaignId).execute();
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
  const found = await db
    .selectFrom('card as k')
    .innerJoin('card_campaign as c', (j) => j.onRef('c.tenant_id', '=', 'k.tenant_id').onRef('c.id', '=', 'k.campaign_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'c.tenant_id').onRef('o.id', '=', 'c.org_id'))
    .select(['o.path'])
    .where('k.tenant_id', '=', actor.tenantId)
    .where('k.id', '=', cardId)
    .executeTakeFirst();
  if (!found) throw notFound('贺卡');
  authorize(actor, 'care.manage', orgTarget(ctx, found.path));

  await db.transaction().execute(async (tx) => {
    const card = await tx
      .selectFrom('card as k')
      .innerJoin('card_campaign as c', (j) => j.onRef('c.tenant_id', '=', 'k.tenant_id').onRef('c.id', '=', 'k.campaign_id'))
      .select(['k.channel', 'k.address', 'k.post_status', 'k.post_note', 'k.sent_at', 'k.posted_at', 'c.sent_at as campaign_sent_at'])
      .where('k.tenant_id', '=', actor.tenantId)
      .where('k.id', '=', cardId)
      .forUpdate('k')
      .executeTakeFirstOrThrow();
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
    await tx
      .updateTable('card')
      .set({
        channel,
        address,
        post_status: status,
        ...statusTimes(card.post_status, status, now, card),
        ...(patch.postNote !== undefined ? { post_note: patch.postNote || null } : {}),
        ...(sendsNow ? { sent_at: now } : {}),
      })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', cardId)
      .execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'card.update',
      entity: 'card',
      entityId: cardId,
      before: { channel: card.channel, address: card.address, postStatus: card.post_status, postNote: card.post_note },
      after: { channel, address, postStatus: status, postNote: patch.postNote !== undefined ? patch.postNote || null : card.post_note },
    });
  });
  const row = await cardQuery(db, actor.tenantId).where('k.id', '=', cardId).executeTakeFirstOrThrow();
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
    const cards = await tx
      .selectFrom('card as k')
      .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'k.tenant_id').onRef('m.id', '=', 'k.member_id'))
      .select(['k.id', 'k.campaign_id', 'k.channel', 'k.post_status', 'k.posted_at', 'm.name'])
      .where('k.tenant_id', '=', actor.tenantId)
      .where('k.id', 'in', ids)
      .orderBy('k.id')
      .forUpdate('k')
      .execute();
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
      await tx
        .updateTable('card')
        .set({ post_status: body.postStatus, ...statusTimes(k.post_status, body.postStatus, now, k) })
        .where('tenant_id', '=', actor.tenantId)
        .where('id', '=', k.id)
        .execute();
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
 * The job: sends the e-cards of campaigns whose day has come (China date at `now`). One statement:
 * each due campaign is claimed (locked, skipped if another process holds it), its e-cards get
 * their sent time and the campaign its own; a sent campaign is never due again.
 */
export async function sendDueCards(db: Database, now: Date): Promise<number> {
  const today = shanghaiDate(now);
  const res = await sql<{ id: string }>`
    WITH due AS (
      SELECT tenant_id, id FROM card_campaign
      WHERE sent_at IS NULL AND send_on <= ${today}::date
      FOR UPDATE SKIP LOCKED
    ), cards AS (
      UPDATE card k SET sent_at = ${now}::timestamptz
      FROM due
      WHERE k.tenant_id = due.tenant_id AND k.campaign_id = due.id AND k.sent_at IS NULL AND k.channel IN ('ecard','both')
      RETURNING k.id
    )
    UPDATE card_campaign c SET sent_at = ${now}::timestamptz
    FROM due
    WHERE c.tenant_id = due.tenant_id AND c.id = due.id
    RETURNING c.id
  `.execute(db);
  return res.rows.length;
}

// ---------- the member's cards (member app) ----------

function myCardQuery(db: Executor, tenantId: string, memberId: string) {
  return db
    .selectFrom('card as k')
    .innerJoin('card_campaign as c', (j) => j.onRef('c.tenant_id', '=', 'k.tenant_id').onRef('c.id', '=', 'k.campaign_id'))
    .select(['k.id', 'c.occasion', 'c.title', 'c.greeting', 'c.signature', 'k.sent_at', 'k.opened_at'])
    .where('k.tenant_id', '=', tenantId)
    .where('k.member_id', '=', memberId)
    .where('k.channel', 'in', ['ecard', 'both'])
    .where('k.sent_at', 'is not', null);
}

function presentMyCard(r: { id: string; occasion: MyCard['occasion']; title: string; greeting: string; signature: string; sent_at: Date | null; opened_at: Date | null }): MyCard {
  return {
    id: r.id,
    occasion: r.occasion,
    title: r.title,
    greeting: r.greeting,
    signature: r.signature,
    sentAt: (r.sent_at as Date).toISOString(),
    openedAt: r.opened_at ? r.opened_at.toISOString() : null,
  };
}

/** The e-cards the caller received, newest first. */
export async function listMyCards(db: Database, ctx: RequestContext): Promise<{ items: MyCard[] }> {
  const memberId = requireMember(ctx);
  const rows = await myCardQuery(db, ctx.actor.tenantId, memberId).orderBy('k.sent_at', 'desc').orderBy('k.id').execute();
  return { items: rows.map(presentMyCard) };
}

/** The caller opens one of their e-cards: the first opening is kept. Someone else's card is not found. */
export async function openMyCard(db: Database, ctx: RequestContext, cardId: string): Promise<MyCard> {
  const memberId = requireMember(ctx);
  const updated = await db
    .updateTable('card')
    .set({ opened_at: sql<Date>`COALESCE(opened_at, lianxin_now())` })
    .where('tenant_id', '=', ctx.actor.tenantId)
    .where('id', '=', cardId)
    .where('member_id', '=', memberId)
    .where('channel', 'in', ['ecard', 'both'])
    .where('sent_at', 'is not', null)
    .returning('id')
    .executeTakeFirst();
  if (!updated) throw notFound('贺卡');
  return presentMyCard(await myCardQuery(db, ctx.actor.tenantId, memberId).where('k.id', '=', cardId).executeTakeFirstOrThrow());
}

// ---------- grid contact cards (网格连心卡) ----------

/**
 * Printable grid contact cards: for one member (care.manage on their unit), every current member of
 * a grid (care.manage on the grid's unit), or every mobile member of a unit's subtree. Each card
 * names the member's grid and its leader, the secretary of their branch (the nearest unit above
 * them with a secretary), the general branch's secretary, their mentor, and carries a QR code of
 * the member app at `origin`/m/. Phone numbers are printed: the printing is audited.
 */
export async function listContactCards(db: Database, ctx: RequestContext, q: ContactCardQueryData, origin: string): Promise<{ items: ContactCard[] }> {
  const { actor } = ctx;
  const asked = [q.memberId, q.gridId, q.orgId].filter((v) => v !== undefined).length;
  if (asked !== 1) {
    throw new AppError('validation_failed', '请选择一名党员、一个网格或一个组织（只选一项）', [{ field: 'memberId', message: '请在党员、网格、组织中选择一项' }]);
  }
  let where: RawBuilder<SqlBool>;
  let entity: { entity: string; entityId: string };
  if (q.memberId) {
    const member = await memberWithOrg(db, actor.tenantId, q.memberId);
    if (!member || member.left_at) throw notFound('党员');
    authorize(actor, 'care.manage', orgTarget(ctx, member.org_path));
    where = sql<SqlBool>`m.id = ${member.id}`;
    entity = { entity: 'member', entityId: member.id };
  } else if (q.gridId) {
    const grid = await db
      .selectFrom('grid as g')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'g.tenant_id').onRef('o.id', '=', 'g.org_id'))
      .select(['g.id', 'o.path'])
      .where('g.tenant_id', '=', actor.tenantId)
      .where('g.id', '=', q.gridId)
      .executeTakeFirst();
    if (!grid) throw notFound('网格');
    authorize(actor, 'care.manage', orgTarget(ctx, grid.path));
    where = sql<SqlBool>`m.grid_id = ${grid.id}`;
    entity = { entity: 'grid', entityId: grid.id };
  } else {
    const org = await managedOrg(db, ctx, q.orgId as string);
    where = sql<SqlBool>`${inSubtrees(actor.tenantId, [org.path])} AND EXISTS (
      SELECT 1 FROM mobility mb WHERE mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL)`;
    entity = { entity: 'org', entityId: org.id };
  }

  const members = await contactMemberRows(db, actor.tenantId, where);
  const unitIds = [...new Set(members.flatMap((m) => m.org_path.split('/').filter(Boolean)))];
  const units = await unitsWithSecretaries(db, actor.tenantId, unitIds);
  const appUrl = `${origin}/m/`;
  const qrSvg = members.length ? await QRCode.toString(appUrl, { type: 'svg', margin: 1 }) : '';

  const items: ContactCard[] = members.map((m) => {
    const path = m.org_path.split('/').filter(Boolean);
    const upward = [...path].reverse();
    const nearest = upward.map((id) => units.get(id)?.secretary).find((s) => s) ?? null;
    const villageId = upward.find((id) => units.get(id)?.kind === 'general_branch') ?? path[0] ?? '';
    const village = units.get(villageId);
    return {
      memberId: m.id,
      memberName: m.name,
      orgName: m.org_name,
      villageName: village?.name ?? m.org_name,
      grid: m.grid_name ? { name: m.grid_name, leaderName: m.leader_name, leaderPhone: m.leader_phone } : null,
      branchSecretary: nearest,
      generalSecretary: village?.secretary ?? null,
      mentor: m.mentor_name && m.mentor_phone ? { name: m.mentor_name, phone: m.mentor_phone } : null,
      appUrl,
      qrSvg,
    };
  });
  items.sort((a, b) => compareUnitNames(a.orgName, b.orgName) || comparePersonNames(a.memberName, b.memberName));
  await recordAudit(db, ctx, { tenantId: actor.tenantId, action: 'contact_card.print', ...entity, after: { count: items.length } });
  return { items };
}

// ---------- political birthdays (政治生日) ----------

/**
 * Current members of the subtree whose joining anniversary falls in [from, from + days): by
 * default the week from Monday (China). A 29 February joining day is kept on 28 February in common
 * years; the joining year itself is no anniversary. Ordered by day, then name.
 */
export async function listBirthdays(db: Database, ctx: RequestContext, q: BirthdayQueryData, today: string = shanghaiDate()): Promise<{ from: string; to: string; items: Birthday[] }> {
  const { actor } = ctx;
  const paths = await careManageScope(db, ctx, q.orgId);
  const from = q.from ?? mondayOf(today);
  if (!isRealDay(from)) fail([{ field: 'from', message: `开始日期 ${from} 不是有效日期` }]);
  const to = addDays(from, q.days - 1);
  const days = Array.from({ length: q.days }, (_, i) => addDays(from, i));
  const rows = await db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .leftJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'm.tenant_id').onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
    .select(['m.id', 'm.name', 'm.phone', 'm.join_date', 'o.name as org_name'])
    .select(sql<boolean>`mb.id IS NOT NULL`.as('mobile'))
    .where('m.tenant_id', '=', actor.tenantId)
    .where('m.left_at', 'is', null)
    .where('m.join_date', 'is not', null)
    .where(sql<SqlBool>`to_char(m.join_date, 'MM-DD') = ANY(${joinMonthDays(days)}::text[])`)
    .where(scopeWhere(actor.tenantId, paths, 'm.org_id'))
    .execute();
  const years = [...new Set([from.slice(0, 4), to.slice(0, 4)])].map(Number);
  const items: Birthday[] = [];
  for (const r of rows) {
    const joinDate = r.join_date as string;
    for (const year of years) {
      const day = anniversaryIn(joinDate, year);
      const n = day >= from && day <= to ? anniversaryYears(joinDate, day) : null;
      if (n !== null) items.push({ memberId: r.id, name: r.name, orgName: r.org_name, phone: r.phone, mobile: r.mobile, joinDate, day, years: n });
    }
  }
  items.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.name.localeCompare(b.name, 'zh-CN')));
  return { from, to, items };
}

/**
 * For the member app's home: the political birthday when `today` (China) is the caller's joining
 * anniversary, and how many received e-cards are still unopened.
 */
export async function myGreetings(
  db: Executor,
  ctx: RequestContext,
  today: string,
): Promise<{ politicalBirthday: { years: number; joinDate: string } | null; unopenedCards: number }> {
  const memberId = requireMember(ctx);
  const row = await db
    .selectFrom('member as m')
    .select(['m.join_date'])
    .select((eb) =>
      eb
        .selectFrom('card as k')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('k.tenant_id', '=', 'm.tenant_id')
        .whereRef('k.member_id', '=', 'm.id')
        .where('k.channel', 'in', ['ecard', 'both'])
        .where('k.sent_at', 'is not', null)
        .where('k.opened_at', 'is', null)
        .as('unopened'),
    )
    .where('m.tenant_id', '=', ctx.actor.tenantId)
    .where('m.id', '=', memberId)
    .executeTakeFirst();
  const joinDate = row?.join_date ?? null;
  const years = joinDate ? anniversaryYears(joinDate, today) : null;
  return { politicalBirthday: joinDate && years !== null ? { years, joinDate } : null, unopenedCards: row?.unopened ?? 0 };
}
