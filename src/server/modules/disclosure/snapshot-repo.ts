import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import { lastDayOfMonth } from '../../../shared/china-time.ts';
import type { DisclosureSnapshot } from '../../../shared/api-disclosure.ts';
import { maskMobiles, maskMobilesDeep } from './mask.ts';

/**
 * The read model of 党务公开: what a unit's month shows, read with our own SQL from the tables of
 * service (志愿服务), pledges (四个一承诺) and donations (捐款捐物), like the reviews' evidence. A unit
 * means its subtree (the org path prefix). It never reads the people looked after (care_recipient)
 * nor any phone number, and names no member by id: only what the public page prints.
 *
 *   projects   service projects not cancelled whose dates meet the month (the unit's subtree)
 *   hours      service logs of the month (served_on, not voided) of members of the subtree, by team
 *   pledges    pledges that became real (adopted or done) with outcome_at in the month (China time)
 *   donations  campaigns of the subtree active in the month, with their totals, received list and
 *              spending up to the month's last day (entries not voided; money in integer fen)
 */

/** A pledge's text is cut to this many characters on the public page. */
export const PLEDGE_TEXT_MAX = 120;
/** At most this many entries of each list per campaign (a campaign's totals count every entry). */
export const LIST_MAX = 500;
const ANONYMOUS_DONOR = '爱心人士';

const like = (path: string): string => `${path.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** Masked before it is cut, so a number at the cut is not left half in clear. */
const short = (text: string): string => {
  const s = maskMobiles(text);
  return s.length > PLEDGE_TEXT_MAX ? `${s.slice(0, PLEDGE_TEXT_MAX - 1)}…` : s;
};

export async function buildSnapshot(db: Executor, tenantId: string, org: { name: string; path: string }, month: string): Promise<DisclosureSnapshot> {
  const first = `${month}-01`;
  const last = lastDayOfMonth(first);
  const subtree = like(org.path);

  const projects = await sql<{ title: string; place: string; starts_on: string; ends_on: string; team_name: string | null }>`
    SELECT p.title, p.place, p.starts_on::text AS starts_on, p.ends_on::text AS ends_on, t.name AS team_name
      FROM service_project p
      JOIN org o ON o.tenant_id = p.tenant_id AND o.id = p.org_id
      LEFT JOIN service_team t ON t.tenant_id = p.tenant_id AND t.id = p.team_id
     WHERE p.tenant_id = ${tenantId} AND o.path LIKE ${subtree}
       AND p.status <> 'cancelled' AND p.starts_on <= ${last}::date AND p.ends_on >= ${first}::date
     ORDER BY p.starts_on, p.title, p.id`.execute(db);

  const hours = await sql<{ team_name: string | null; minutes: number; logs: number; people: number }>`
    SELECT t.name AS team_name, sum(l.minutes)::int AS minutes, count(*)::int AS logs, count(DISTINCT l.member_id)::int AS people
      FROM service_log l
      LEFT JOIN service_team t ON t.tenant_id = l.tenant_id AND t.id = l.team_id
     WHERE l.tenant_id = ${tenantId} AND l.org_path LIKE ${subtree}
       AND l.voided_at IS NULL AND l.served_on BETWEEN ${first}::date AND ${last}::date
     GROUP BY l.team_id, t.name
     ORDER BY (t.name IS NULL), sum(l.minutes) DESC, t.name`.execute(db);

  // outcome_at in the month, by China days: [first 00:00, next month's first 00:00) in Asia/Shanghai
  const pledges = await sql<{ kind: DisclosureSnapshot['pledges'][number]['kind']; body: string; outcome: DisclosureSnapshot['pledges'][number]['outcome']; outcome_note: string | null; outcome_on: string; member_name: string }>`
    SELECT p.kind, p.body, p.outcome, p.outcome_note, (p.outcome_at AT TIME ZONE 'Asia/Shanghai')::date::text AS outcome_on, m.name AS member_name
      FROM pledge p
      JOIN org o ON o.tenant_id = p.tenant_id AND o.id = p.org_id
      JOIN member m ON m.tenant_id = p.tenant_id AND m.id = p.member_id
     WHERE p.tenant_id = ${tenantId} AND o.path LIKE ${subtree}
       AND p.outcome IN ('adopted','done')
       AND p.outcome_at >= (${first}::date::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND p.outcome_at < ((${last}::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
     ORDER BY p.outcome_at, p.id`.execute(db);

  const campaigns = await sql<{ id: string; title: string; purpose: string; starts_on: string; ends_on: string | null }>`
    SELECT c.id, c.title, c.purpose, c.starts_on::text AS starts_on, c.ends_on::text AS ends_on
      FROM donation_campaign c
      JOIN org o ON o.tenant_id = c.tenant_id AND o.id = c.org_id
     WHERE c.tenant_id = ${tenantId} AND o.path LIKE ${subtree}
       AND c.starts_on <= ${last}::date AND (c.ends_on IS NULL OR c.ends_on >= ${first}::date)
     ORDER BY c.starts_on, c.title, c.id`.execute(db);

  const donations: DisclosureSnapshot['donations'] = [];
  for (const c of campaigns.rows) {
    const totals = await sql<{ received_fen: number; goods_entries: number; spent_fen: number; goods_out: number }>`
      SELECT
        (SELECT coalesce(sum(amount_fen), 0)::bigint FROM donation_receipt WHERE tenant_id = ${tenantId} AND campaign_id = ${c.id} AND voided_at IS NULL AND kind = 'money' AND received_on <= ${last}::date) AS received_fen,
        (SELECT count(*)::int FROM donation_receipt WHERE tenant_id = ${tenantId} AND campaign_id = ${c.id} AND voided_at IS NULL AND kind = 'goods' AND received_on <= ${last}::date) AS goods_entries,
        (SELECT coalesce(sum(amount_fen), 0)::bigint FROM donation_spending WHERE tenant_id = ${tenantId} AND campaign_id = ${c.id} AND voided_at IS NULL AND kind = 'money' AND spent_on <= ${last}::date) AS spent_fen,
        (SELECT count(*)::int FROM donation_spending WHERE tenant_id = ${tenantId} AND campaign_id = ${c.id} AND voided_at IS NULL AND kind = 'goods' AND spent_on <= ${last}::date) AS goods_out`.execute(db);
    const received = await sql<{ donor_name: string; show_name: boolean; kind: 'money' | 'goods'; amount_fen: number | null; goods: string | null; quantity: string | null; received_on: string }>`
      SELECT donor_name, show_name, kind, amount_fen, goods, quantity, received_on::text AS received_on
        FROM donation_receipt
       WHERE tenant_id = ${tenantId} AND campaign_id = ${c.id} AND voided_at IS NULL AND received_on <= ${last}::date
       ORDER BY received_on, created_at, id
       LIMIT ${LIST_MAX}`.execute(db);
    const spending = await sql<{ kind: 'money' | 'goods'; amount_fen: number | null; goods: string | null; quantity: string | null; spent_on: string; purpose: string }>`
      SELECT kind, amount_fen, goods, quantity, spent_on::text AS spent_on, purpose
        FROM donation_spending
       WHERE tenant_id = ${tenantId} AND campaign_id = ${c.id} AND voided_at IS NULL AND spent_on <= ${last}::date
       ORDER BY spent_on, created_at, id
       LIMIT ${LIST_MAX}`.execute(db);
    const t = totals.rows[0] ?? { received_fen: 0, goods_entries: 0, spent_fen: 0, goods_out: 0 };
    const receivedFen = Number(t.received_fen);
    const spentFen = Number(t.spent_fen);
    donations.push({
      title: c.title,
      purpose: c.purpose,
      startsOn: c.starts_on,
      endsOn: c.ends_on,
      receivedFen,
      goodsEntries: Number(t.goods_entries),
      spentFen,
      goodsHandedOver: Number(t.goods_out),
      balanceFen: receivedFen - spentFen,
      received: received.rows.map((r) => ({
        donor: r.show_name ? r.donor_name : ANONYMOUS_DONOR,
        kind: r.kind,
        amountFen: r.amount_fen === null ? null : Number(r.amount_fen),
        goods: r.goods,
        quantity: r.quantity,
        receivedOn: r.received_on,
      })),
      spending: spending.rows.map((s) => ({
        kind: s.kind,
        amountFen: s.amount_fen === null ? null : Number(s.amount_fen),
        goods: s.goods,
        quantity: s.quantity,
        spentOn: s.spent_on,
        purpose: s.purpose,
      })),
    });
  }

  const teams = hours.rows.map((h) => ({ teamName: h.team_name, minutes: Number(h.minutes), logs: Number(h.logs), people: Number(h.people) }));
  return maskMobilesDeep<DisclosureSnapshot>({
    orgName: org.name,
    month,
    projects: projects.rows.map((p) => ({ title: p.title, place: p.place, startsOn: p.starts_on, endsOn: p.ends_on, teamName: p.team_name })),
    hours: { teams, totalMinutes: teams.reduce((a, t) => a + t.minutes, 0), totalLogs: teams.reduce((a, t) => a + t.logs, 0) },
    pledges: pledges.rows.map((p) => ({
      kind: p.kind,
      text: short(p.body),
      outcome: p.outcome,
      outcomeNote: p.outcome_note === null ? null : short(p.outcome_note),
      outcomeOn: p.outcome_on,
      memberName: p.member_name,
    })),
    donations,
  });
}
