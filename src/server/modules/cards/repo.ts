import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Insertable, Updateable } from 'kysely';
import type { Executor, Tx } from '../../db/database.ts';
import type { CardChannel, CardOccasion, CardPostStatus, DB } from '../../db/tables.ts';
import { inSubtrees } from '../../directory/index.ts';

/** Cards that went into the post: posted, then delivered or returned. */
export const POSTED_STATUSES: CardPostStatus[] = ['posted', 'delivered', 'returned'];

/** A campaign with its unit and the counts of its cards. */
export interface CampaignRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  occasion: CardOccasion;
  title: string;
  greeting: string;
  signature: string;
  send_on: string;
  sent_at: Date | null;
  recipients: number;
  opened: number;
  posted: number;
  delivered: number;
  returned: number;
}

/**
 * Campaigns with their counts, newest day first. `where` narrows them (alias c for the campaign);
 * `page` limits the rows.
 */
export async function campaignRows(
  db: Executor,
  tenantId: string,
  where: RawBuilder<SqlBool>,
  page?: { limit: number; offset: number },
): Promise<CampaignRow[]> {
  const res = await sql<CampaignRow>`
    SELECT c.id, c.org_id, o.name AS org_name, o.path AS org_path, c.occasion, c.title, c.greeting, c.signature,
           c.send_on, c.sent_at,
           count(k.id)::int AS recipients,
           count(k.opened_at)::int AS opened,
           count(*) FILTER (WHERE k.post_status IN ('posted','delivered','returned'))::int AS posted,
           count(*) FILTER (WHERE k.post_status = 'delivered')::int AS delivered,
           count(*) FILTER (WHERE k.post_status = 'returned')::int AS returned
    FROM card_campaign c
    JOIN org o ON o.tenant_id = c.tenant_id AND o.id = c.org_id
    LEFT JOIN card k ON k.tenant_id = c.tenant_id AND k.campaign_id = c.id
    WHERE c.tenant_id = ${tenantId} AND ${where}
    GROUP BY c.tenant_id, c.id, o.name, o.path
    ORDER BY c.send_on DESC, c.created_at DESC, c.id
    ${page ? sql`LIMIT ${page.limit} OFFSET ${page.offset}` : sql``}
  `.execute(db);
  return res.rows;
}

export async function countCampaigns(db: Executor, tenantId: string, where: RawBuilder<SqlBool>): Promise<number> {
  const res = await sql<{ n: number }>`SELECT count(*)::int AS n FROM card_campaign c WHERE c.tenant_id = ${tenantId} AND ${where}`.execute(db);
  return res.rows[0]?.n ?? 0;
}

/** One card with its recipient, for the console. */
export interface CardRowData {
  id: string;
  campaign_id: string;
  member_id: string;
  member_name: string;
  phone: string;
  org_name: string;
  channel: CardChannel;
  address: string | null;
  post_status: CardPostStatus;
  post_note: string | null;
  sent_at: Date | null;
  opened_at: Date | null;
  posted_at: Date | null;
  delivered_at: Date | null;
  returned_at: Date | null;
}

export function cardQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('card as k')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'k.tenant_id').onRef('m.id', '=', 'k.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .where('k.tenant_id', '=', tenantId)
    .select([
      'k.id',
      'k.campaign_id',
      'k.member_id',
      'm.name as member_name',
      'm.phone',
      'o.name as org_name',
      'k.channel',
      'k.address',
      'k.post_status',
      'k.post_note',
      'k.sent_at',
      'k.opened_at',
      'k.posted_at',
      'k.delivered_at',
      'k.returned_at',
    ]);
}

/** One campaign with its counts; undefined when there is none. */
export async function campaignById(db: Executor, tenantId: string, campaignId: string): Promise<CampaignRow | undefined> {
  const [row] = await campaignRows(db, tenantId, sql<SqlBool>`c.id = ${campaignId}`);
  return row;
}

/** A campaign's cards, their recipients in pinyin order. */
export async function campaignCards(db: Executor, tenantId: string, campaignId: string): Promise<CardRowData[]> {
  return cardQuery(db, tenantId).where('k.campaign_id', '=', campaignId).orderBy('m.name_sort_key').orderBy('m.name').orderBy('k.id').execute();
}

export async function cardById(db: Executor, tenantId: string, cardId: string): Promise<CardRowData> {
  return cardQuery(db, tenantId).where('k.id', '=', cardId).executeTakeFirstOrThrow();
}

/**
 * Which members a campaign goes to, over member `m` and its open mobility row `mb`: the listed
 * members, or the unit's subtree (only those away now with `mobileOnly`).
 */
export function recipientFilter(tenantId: string, to: { listed: string[] } | { orgPath: string; mobileOnly: boolean }): RawBuilder<SqlBool> {
  if ('listed' in to) return sql<SqlBool>`m.id = ANY(${to.listed}::uuid[])`;
  const inUnit = inSubtrees(tenantId, [to.orgPath]);
  return to.mobileOnly ? sql<SqlBool>`${inUnit} AND mb.id IS NOT NULL` : inUnit;
}

/**
 * The postal address of a member's current destination (place and workplace), in SQL over the
 * open mobility row `mb`; NULL when the member is not away.
 */
export const destinationAddressSql = sql<string | null>`CASE WHEN mb.id IS NULL THEN NULL ELSE concat_ws(' ', mb.place_name, NULLIF(btrim(mb.workplace), '')) END`;

/**
 * Writes a campaign and one card per recipient (current members matched by `recipientWhere`, over
 * member `m` and its open mobility row `mb`). With `postAddress`, a recipient who is away gets a
 * posted card to their destination ('pending') on `channel`; everyone else an e-card only. When
 * `sentAt` is given, the e-cards go out at that moment. Returns the campaign's id and the counts.
 */
export async function insertCampaignWithCards(
  tx: Tx,
  campaign: Insertable<DB['card_campaign']>,
  c: { recipientWhere: RawBuilder<SqlBool>; channel: CardChannel; postAddress: boolean; sentAt: Date | null },
): Promise<{ id: string; recipients: number; withoutAddress: number }> {
  const row = await tx.insertInto('card_campaign').values(campaign).returning('id').executeTakeFirstOrThrow();
  const res = await sql<{ recipients: number; without_address: number }>`
    WITH recipient AS (
      SELECT m.tenant_id, m.id, ${c.postAddress ? destinationAddressSql : sql`NULL::text`} AS address
      FROM member m
      LEFT JOIN mobility mb ON mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL
      WHERE m.tenant_id = ${campaign.tenant_id} AND m.left_at IS NULL AND ${c.recipientWhere}
    ), inserted AS (
      INSERT INTO card (tenant_id, campaign_id, member_id, channel, address, post_status, sent_at)
      SELECT r.tenant_id, ${row.id}::uuid, r.id,
             CASE WHEN r.address IS NULL THEN 'ecard' ELSE ${c.channel} END,
             r.address,
             CASE WHEN r.address IS NULL THEN 'none' ELSE 'pending' END,
             CASE WHEN ${c.sentAt !== null}::boolean AND (r.address IS NULL OR ${c.channel} = 'both') THEN ${c.sentAt}::timestamptz END
      FROM recipient r
      RETURNING channel
    )
    SELECT count(*)::int AS recipients, count(*) FILTER (WHERE channel = 'ecard')::int AS without_address FROM inserted
  `.execute(tx);
  const counts = res.rows[0] ?? { recipients: 0, without_address: 0 };
  return { id: row.id, recipients: counts.recipients, withoutAddress: counts.without_address };
}

/** The campaign's sending time, its row locked until the transaction ends; undefined when there is none. */
export async function lockCampaign(tx: Tx, tenantId: string, campaignId: string) {
  return tx.selectFrom('card_campaign').select(['sent_at']).where('tenant_id', '=', tenantId).where('id', '=', campaignId).forUpdate().executeTakeFirst();
}

/** Whether any card of the campaign went into the post. */
export async function hasPostedCard(db: Executor, tenantId: string, campaignId: string): Promise<boolean> {
  const posted = await db
    .selectFrom('card')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('campaign_id', '=', campaignId)
    .where('post_status', 'in', POSTED_STATUSES)
    .limit(1)
    .executeTakeFirst();
  return posted !== undefined;
}

/** Deletes the campaign (its cards go with it). */
export async function deleteCampaignRow(tx: Tx, tenantId: string, campaignId: string): Promise<void> {
  await tx.deleteFrom('card_campaign').where('tenant_id', '=', tenantId).where('id', '=', campaignId).execute();
}

/** The path of the unit whose campaign the card belongs to (what authorization reads); undefined when there is no such card. */
export async function cardUnitPath(db: Executor, tenantId: string, cardId: string): Promise<string | undefined> {
  const found = await db
    .selectFrom('card as k')
    .innerJoin('card_campaign as c', (j) => j.onRef('c.tenant_id', '=', 'k.tenant_id').onRef('c.id', '=', 'k.campaign_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'c.tenant_id').onRef('o.id', '=', 'c.org_id'))
    .select(['o.path'])
    .where('k.tenant_id', '=', tenantId)
    .where('k.id', '=', cardId)
    .executeTakeFirst();
  return found?.path;
}

/** The card with its campaign's sending time, the card locked until the transaction ends. */
export async function lockCard(tx: Tx, tenantId: string, cardId: string) {
  return tx
    .selectFrom('card as k')
    .innerJoin('card_campaign as c', (j) => j.onRef('c.tenant_id', '=', 'k.tenant_id').onRef('c.id', '=', 'k.campaign_id'))
    .select(['k.channel', 'k.address', 'k.post_status', 'k.post_note', 'k.sent_at', 'k.posted_at', 'k.campaign_id', 'c.sent_at as campaign_sent_at'])
    .where('k.tenant_id', '=', tenantId)
    .where('k.id', '=', cardId)
    .forUpdate('k')
    .executeTakeFirstOrThrow();
}

/** The cards with their recipient's name, in id order, locked until the transaction ends (any campaign: the caller checks). */
export async function lockCards(tx: Tx, tenantId: string, cardIds: string[]) {
  return tx
    .selectFrom('card as k')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'k.tenant_id').onRef('m.id', '=', 'k.member_id'))
    .select(['k.id', 'k.campaign_id', 'k.channel', 'k.post_status', 'k.posted_at', 'm.name'])
    .where('k.tenant_id', '=', tenantId)
    .where('k.id', 'in', cardIds)
    .orderBy('k.id')
    .forUpdate('k')
    .execute();
}

export async function updateCardRow(tx: Tx, tenantId: string, cardId: string, changes: Updateable<DB['card']>): Promise<void> {
  await tx.updateTable('card').set(changes).where('tenant_id', '=', tenantId).where('id', '=', cardId).execute();
}

/**
 * Sends the e-cards of every campaign, of every tenant, whose day (`today`, China) has come, in one
 * statement: each due campaign is claimed (locked, skipped if another process holds it), its
 * e-cards get their sent time and the campaign its own; a sent campaign is never due again.
 * Returns the campaigns sent.
 */
export async function sendDueCampaigns(db: Executor, today: string, now: Date): Promise<{ id: string; tenant_id: string }[]> {
  const res = await sql<{ id: string; tenant_id: string }>`
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
    RETURNING c.id, c.tenant_id
  `.execute(db);
  return res.rows;
}

// ---------- the member's own e-cards ----------

/** The e-cards that reached the member. */
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

/** The e-cards that reached the member, newest first. */
export async function myCards(db: Executor, tenantId: string, memberId: string) {
  return myCardQuery(db, tenantId, memberId).orderBy('k.sent_at', 'desc').orderBy('k.id').execute();
}

/** One e-card that reached the member (it must exist). */
export async function myCard(db: Executor, tenantId: string, memberId: string, cardId: string) {
  return myCardQuery(db, tenantId, memberId).where('k.id', '=', cardId).executeTakeFirstOrThrow();
}

/** Keeps the first opening of the member's e-card; false when the member has no such e-card. */
export async function markCardOpened(db: Executor, tenantId: string, memberId: string, cardId: string): Promise<boolean> {
  const updated = await db
    .updateTable('card')
    .set({ opened_at: sql<Date>`COALESCE(opened_at, lianxin_now())` })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', cardId)
    .where('member_id', '=', memberId)
    .where('channel', 'in', ['ecard', 'both'])
    .where('sent_at', 'is not', null)
    .returning('id')
    .executeTakeFirst();
  return updated !== undefined;
}

/** The member's joining day and how many of their e-cards are still unopened, in one look-up. */
export async function greetingRow(db: Executor, tenantId: string, memberId: string) {
  return db
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
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', '=', memberId)
    .executeTakeFirst();
}
