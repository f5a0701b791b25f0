import crypto from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { hashPassword } from '../src/server/auth/passwords.ts';
import type { Database } from '../src/server/db/database.ts';
import type { DB } from '../src/server/db/tables.ts';
import type { GeneratedCounty } from './generate.ts';

/**
 * A year of learning history for a generated county, ending yesterday (Asia/Shanghai), written
 * set-based (INSERT … SELECT … generate_series) so the same SQL runs on PostgreSQL and PGlite:
 *
 *   - 30 study items per village (村党总支);
 *   - one push per village per day (07:30), one item each, delivered to every member of the
 *     village: ~70% read, ~8% opened only, the rest unread and reminded after 24 h. Members have a
 *     habit (20% read everything and never miss a class, 40% read nearly everything, 25% about
 *     half, 15% rarely), so the coverage view has both full coverage and real gaps to show;
 *   - 12 monthly online classes (云课堂) per branch, closed, one attendance row per member of
 *     the branch: ~80% present or late, some excused (leave approved), the rest absent; about half
 *     of those who missed made it up (make-up submitted, attendance 'made_up'), make-ups of the last
 *     month still open, older ones expired;
 *   - learning_month rebuilt from the deliveries in one GROUP BY, members' last_active_at set;
 *   - drifting members for the drift radar: 3% stopped reading, opening and attending 75 days ago
 *     (nothing made up), 5% read only 15% for the last 50 days;
 *   - care (generateCareHistory): member-app accounts, talks with mobile members by their mentor
 *     (some never), follow-up tasks of talks, delivery trips per town, holiday e-cards per village.
 *
 * The ~22 million deliveries of a county are the cost: they are loaded one day per statement (so the
 * heap is laid out by delivery time, as a live system's would be) with push_delivery's rollup
 * triggers disabled and its keys and indexes dropped, then the indexes are built by sort and the
 * foreign keys validated in one pass each, exactly as the migrations defined them (read back from
 * the catalog, so a later migration's index is rebuilt too).
 *
 * `scopeOrgId` limits the history to one unit's subtree (PGlite: one town).
 * Bump HISTORY_VERSION whenever the output changes: cached databases are keyed by it.
 */
export const HISTORY_VERSION = 2;

export interface GeneratedHistory {
  version: number;
  scopeOrgId: string | null;
  days: number;
  firstDay: string;
  lastDay: string;
  counts: {
    members: number;
    studyItems: number;
    pushes: number;
    deliveries: number;
    sessions: number;
    attendance: number;
    makeups: number;
    learningMonths: number;
    talks: number;
    trips: number;
    visits: number;
    cards: number;
    careTasks: number;
    memberAccounts: number;
  };
  seconds: number;
  /** pg_database_size after the history and VACUUM ANALYZE */
  databaseBytes: number;
}

const ITEMS_PER_VILLAGE = 30;
const CLASSES_PER_BRANCH = 12;
/** Drifting readers: "stopped" ones read, open and attend nothing for this many days; "fading" ones read 15% for this many. */
const STOPPED_DAYS = 75;
const FADING_DAYS = 50;
/** Delivery trips per town: to the cities where most of its mobile members live. */
const TRIPS_PER_TOWN = 4;
const MEMBERS_PER_TRIP = 12;

const TALK_SUMMARIES = [
  '了解近况：在外工作稳定，收入尚可，按时参加线上学习，希望村里多推送家乡新闻。',
  '孩子在老家上学，由老人照看，担心老人身体；已告知村里的帮扶政策。',
  '最近工厂订单多，加班较多，学习时间紧张，表示会利用休息时间补学。',
  '谈了在外务工的体会，愿意为家乡介绍就业信息，提了一条修路的建议。',
  '换了工作单位，新地址已登记；身体健康，思想稳定，对党组织的关心表示感谢。',
  '参加了所在社区的志愿服务，想把在外学到的种植技术带回村里。',
];

/**
 * The care history the drift radar and the timeline read (written after the learning history,
 * from its temp table bench_hm):
 *   - member-app accounts: 90% of mobile members and half of the others (one shared password hash;
 *     members with an account keep it), created before the year began;
 *   - talks (谈心谈话) with mobile members by their mentor: 10% never, 55% roughly monthly with gaps,
 *     the rest every few months; none after the last contact of a member not heard from for 150+ days;
 *     5% need follow-up and open a care task (done a few days later; the latest of the last two weeks
 *     still open);
 *   - delivery trips (千里送学): per town, ${TRIPS_PER_TOWN} a year to the cities where most of its
 *     mobile members live, meeting up to ${MEMBERS_PER_TRIP} of them each, with books and a badge;
 *   - holiday cards: per village, a spring-festival and a mid-autumn e-card campaign to its mobile
 *     members, about 70% opened.
 */
async function generateCareHistory(
  conn: Conn,
  t: string,
  today: string,
  days: number,
  step: (label: string, q: { execute(c: Conn): Promise<unknown> }) => Promise<void>,
): Promise<void> {
  const hash = await hashPassword(crypto.randomBytes(12).toString('base64url'));
  await step(
    'history: member accounts',
    sql`INSERT INTO account (tenant_id, phone, display_name, password_hash, member_id, created_at, password_changed_at)
      SELECT ${t}, m.phone, m.name, ${hash}, m.id, ${today}::date - ${days + 30}::int, ${today}::date - ${days + 30}::int
      FROM bench_hm h JOIN member m ON m.tenant_id = ${t} AND m.id = h.member_id
      WHERE random() < CASE WHEN h.mobile THEN 0.9 ELSE 0.5 END
        AND NOT EXISTS (SELECT 1 FROM account a WHERE a.tenant_id = m.tenant_id AND (a.member_id = m.id OR a.phone = m.phone))`,
  );
  await sql`CREATE TEMP TABLE bench_cm AS
    SELECT h.member_id, h.village_id, h.town_id, ms.mentor_member_id, mm.name AS mentor_name, m.last_contact_at,
      CASE WHEN s.r < 0.10 THEN 0 WHEN s.r < 0.65 THEN 0.85 ELSE 0.35 END AS talk_p
    FROM (SELECT member_id, random() AS r FROM bench_hm WHERE mobile OFFSET 0) s
    JOIN bench_hm h ON h.member_id = s.member_id
    JOIN member m ON m.tenant_id = ${t} AND m.id = h.member_id
    JOIN mentorship ms ON ms.tenant_id = ${t} AND ms.member_id = h.member_id AND ms.ended_on IS NULL
    JOIN member mm ON mm.tenant_id = ${t} AND mm.id = ms.mentor_member_id`.execute(conn);
  await step(
    'history: talks',
    sql`INSERT INTO talk (tenant_id, member_id, talked_on, channel, talker_member_id, talker_name, summary,
        situation_work, situation_family, situation_thoughts, follow_up_needed, created_at)
      SELECT ${t}, x.member_id, x.day, (ARRAY['phone','video','wechat','in_person'])[1 + floor(x.v * 4)::int],
        x.mentor_member_id, x.mentor_name, (${TALK_SUMMARIES}::text[])[1 + floor(x.w * ${TALK_SUMMARIES.length}::int)::int],
        CASE WHEN x.w < 0.5 THEN '工作稳定' ELSE '换了新工作，正在适应' END,
        CASE WHEN x.v < 0.3 THEN '老人在家，身体尚可' END, '思想稳定，愿意参加组织生活',
        x.f < 0.05, (x.day + time '20:00') AT TIME ZONE 'Asia/Shanghai'
      FROM (SELECT c.member_id, c.mentor_member_id, c.mentor_name, c.last_contact_at, c.talk_p,
              ${today}::date - (k * 30 + 1 + floor(random() * 29))::int AS day, random() AS u, random() AS v, random() AS w, random() AS f
            FROM bench_cm c CROSS JOIN generate_series(0, ${Math.floor(days / 30) - 1}::int) k OFFSET 0) x
      WHERE x.u < x.talk_p
        AND (x.last_contact_at IS NULL OR x.last_contact_at >= ${today}::date - 150 OR x.day <= x.last_contact_at)`,
  );
  await step(
    'history: follow-up tasks of talks',
    sql`INSERT INTO care_task (tenant_id, member_id, kind, reason, assignee_member_id, status, due_on, note, closed_at, source_talk_id, created_at)
      SELECT ${t}, x.member_id, 'follow_up', '谈话跟进：帮助解决谈话中提出的困难', x.talker_member_id,
        CASE WHEN x.still_open THEN 'open' ELSE 'done' END, x.talked_on + 7,
        CASE WHEN x.still_open THEN NULL ELSE '已电话回访，问题已解决' END,
        CASE WHEN x.still_open THEN NULL ELSE x.created_at + interval '5 days' END, x.id, x.created_at
      FROM (SELECT tk.*, (tk.talked_on >= ${today}::date - 14
                          AND row_number() OVER (PARTITION BY tk.member_id ORDER BY tk.talked_on DESC) = 1) AS still_open
            FROM talk tk WHERE tk.tenant_id = ${t} AND tk.follow_up_needed) x`,
  );
  await sql`UPDATE talk tk SET follow_up_task_id = c.id FROM care_task c
    WHERE tk.tenant_id = ${t} AND c.tenant_id = ${t} AND c.source_talk_id = tk.id`.execute(conn);
  await sql`CREATE TEMP TABLE bench_trip AS
    SELECT gen_random_uuid() AS delivery_id, c.town_id, c.province_code, c.city_code,
      coalesce(substring(c.place_name from '^(.*?市)'), c.place_name) AS place_name,
      ${today}::date - (20 + c.rk * 80 + floor(random() * 30))::int AS trip_on
    FROM (SELECT h.town_id, mb.province_code, mb.city_code, min(mb.place_name) AS place_name,
            row_number() OVER (PARTITION BY h.town_id ORDER BY count(*) DESC, mb.city_code) - 1 AS rk
          FROM bench_hm h JOIN mobility mb ON mb.tenant_id = ${t} AND mb.member_id = h.member_id AND mb.ended_on IS NULL
          WHERE h.mobile AND mb.city_code IS NOT NULL
          GROUP BY h.town_id, mb.province_code, mb.city_code) c
    WHERE c.rk < ${TRIPS_PER_TOWN}::int`.execute(conn);
  await step(
    'history: delivery trips',
    sql`INSERT INTO delivery (tenant_id, id, org_id, trip_on, province_code, city_code, place_name, travellers, notes, created_at, updated_at)
      SELECT ${t}, tr.delivery_id, tr.town_id, tr.trip_on, tr.province_code, tr.city_code, tr.place_name,
        ARRAY['镇党委组织委员', '村党总支书记'], '千里送学，送书送党徽，座谈交流',
        (tr.trip_on + time '21:00') AT TIME ZONE 'Asia/Shanghai', (tr.trip_on + time '21:00') AT TIME ZONE 'Asia/Shanghai'
      FROM bench_trip tr`,
  );
  await step(
    'history: members met on trips',
    sql`INSERT INTO delivery_member (tenant_id, delivery_id, member_id, items, words)
      SELECT ${t}, x.delivery_id, x.member_id, ARRAY['《习近平新时代中国特色社会主义思想学习纲要》', '党徽'],
        CASE WHEN x.u < 0.5 THEN '感谢家乡党组织的关心，在外一定好好工作，不给家乡丢脸。' END
      FROM (SELECT tr.delivery_id, h.member_id, random() AS u,
              row_number() OVER (PARTITION BY tr.delivery_id ORDER BY random()) AS rn
            FROM bench_trip tr
            JOIN bench_hm h ON h.town_id = tr.town_id AND h.mobile
            JOIN mobility mb ON mb.tenant_id = ${t} AND mb.member_id = h.member_id AND mb.ended_on IS NULL AND mb.city_code = tr.city_code
            JOIN member m ON m.tenant_id = ${t} AND m.id = h.member_id AND m.lost_contact_since IS NULL) x
      WHERE x.rn <= ${MEMBERS_PER_TRIP}::int`,
  );
  await sql`CREATE TEMP TABLE bench_campaign AS
    SELECT gen_random_uuid() AS campaign_id, v.village_id, o.occasion, o.title, o.greeting, ${today}::date - o.back AS send_on
    FROM (SELECT DISTINCT village_id FROM bench_hm) v
    CROSS JOIN (VALUES ('spring_festival', '新春贺卡', '新春佳节，家乡党组织向您拜年！离乡不离党，流动不流失。', 300),
                       ('mid_autumn', '中秋贺卡', '月圆人团圆，家乡党组织牵挂在外的您。', 65)) AS o(occasion, title, greeting, back)`.execute(conn);
  await step(
    'history: card campaigns',
    sql`INSERT INTO card_campaign (tenant_id, id, org_id, occasion, title, greeting, signature, send_on, sent_at, created_at)
      SELECT ${t}, c.campaign_id, c.village_id, c.occasion, c.title, c.greeting, o.name, c.send_on,
        (c.send_on + time '09:00') AT TIME ZONE 'Asia/Shanghai', (c.send_on - 7 + time '09:00') AT TIME ZONE 'Asia/Shanghai'
      FROM bench_campaign c JOIN org o ON o.tenant_id = ${t} AND o.id = c.village_id`,
  );
  await step(
    'history: cards',
    sql`INSERT INTO card (tenant_id, campaign_id, member_id, channel, sent_at, opened_at)
      SELECT ${t}, x.campaign_id, x.member_id, 'ecard', x.sent_at, CASE WHEN x.u < 0.7 THEN x.sent_at + x.u * interval '3 days' END
      FROM (SELECT c.campaign_id, h.member_id, (c.send_on + time '09:00') AT TIME ZONE 'Asia/Shanghai' AS sent_at, random() AS u
            FROM bench_campaign c JOIN bench_hm h ON h.village_id = c.village_id AND h.mobile OFFSET 0) x`,
  );
  for (const temp of ['bench_campaign', 'bench_trip', 'bench_cm']) await sql`DROP TABLE ${sql.id(temp)}`.execute(conn);
}

type Conn = Kysely<DB>;

async function count(conn: Conn, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
  const r = await query.execute(conn);
  return Number(r.rows[0]?.n ?? 0);
}

interface SavedDdl {
  table: string;
  constraints: { name: string; def: string }[];
  indexes: string[];
}

/**
 * Drops a table's keys for a bulk load, returning their definitions from the catalog so they are
 * rebuilt exactly as the migrations made them: with `indexes`, the primary and unique keys and the
 * other indexes (rebuilt by one sort each); with `foreignKeys`, the foreign keys (validated by one
 * join each). A superuser keeps the foreign keys and disables their per-row checks instead
 * (DISABLE TRIGGER ALL, as pg_dump's --disable-triggers does): the rows are made consistent.
 */
async function dropKeys(conn: Conn, table: string, opts: { indexes: boolean; foreignKeys: boolean }): Promise<SavedDdl> {
  const kinds = [...(opts.indexes ? ['p', 'u'] : []), ...(opts.foreignKeys ? ['f'] : [])];
  const constraints = await sql<{ name: string; def: string; contype: string }>`
    SELECT conname AS name, pg_get_constraintdef(oid) AS def, contype FROM pg_constraint
    WHERE conrelid = ${table}::regclass AND contype = ANY(${kinds}::"char"[]) ORDER BY conname`.execute(conn);
  const indexes = opts.indexes
    ? await sql<{ name: string; def: string }>`
        SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = ${table}::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)`.execute(conn)
    : { rows: [] };
  // Foreign keys first: a key of the same table may back one.
  const ordered = [...constraints.rows.filter((r) => r.contype === 'f'), ...constraints.rows.filter((r) => r.contype !== 'f')];
  for (const c of ordered) await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.id(c.name)}`.execute(conn);
  for (const i of indexes.rows) await sql`DROP INDEX ${sql.id(i.name)}`.execute(conn);
  return { table, constraints: ordered.map((r) => ({ name: r.name, def: r.def })), indexes: indexes.rows.map((r) => r.def) };
}

const isFk = (k: { def: string }): boolean => k.def.startsWith('FOREIGN KEY');

async function restoreKeys(conn: Conn, saved: SavedDdl, progress: (m: string) => void): Promise<void> {
  // Primary and unique keys first, then indexes, then the foreign keys.
  const timed = async (label: string, q: { execute(c: Conn): Promise<unknown> }) => {
    const t = performance.now();
    await q.execute(conn);
    progress(`  ${label} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  };
  const add = (k: { name: string; def: string }) => sql`ALTER TABLE ${sql.table(saved.table)} ADD CONSTRAINT ${sql.id(k.name)} ${sql.raw(k.def)}`;
  for (const k of saved.constraints.filter((x) => !isFk(x))) await timed(`${k.name} rebuilt`, add(k));
  for (const def of saved.indexes) await timed(`${def.replace(/ ON .*/, '').replace('CREATE ', '')} rebuilt`, sql.raw(def));
  for (const k of saved.constraints.filter(isFk)) await timed(`${k.name} validated`, add(k));
}

export async function generateHistory(
  db: Database,
  county: GeneratedCounty,
  opts: { scopeOrgId?: string; days?: number; engine: 'postgres' | 'pglite'; progress?: (message: string) => void },
): Promise<GeneratedHistory> {
  const started = performance.now();
  const progress = opts.progress ?? (() => undefined);
  const days = opts.days ?? 365;
  const t = county.tenantId;
  // One pinned connection: the helper tables are temporary, and session settings must stick.
  return db.connection().execute(async (conn) => {
    if (opts.engine === 'postgres') {
      await sql`SET maintenance_work_mem = '1GB'`.execute(conn);
      await sql`SET work_mem = '256MB'`.execute(conn);
    }
    const scope = await sql<{ path: string; today: string }>`
      SELECT path, (now() AT TIME ZONE 'Asia/Shanghai')::date::text AS today FROM org
      WHERE tenant_id = ${t} AND ${opts.scopeOrgId ? sql`id = ${opts.scopeOrgId}` : sql`parent_id IS NULL`}`.execute(conn);
    const root = scope.rows[0];
    if (!root) throw new Error('history: the scope unit does not exist');
    const today = root.today;
    const step = async (label: string, q: { execute(c: Conn): Promise<unknown> }) => {
      const s = performance.now();
      await q.execute(conn);
      progress(`${label} (${((performance.now() - s) / 1000).toFixed(1)} s)`);
    };

    // ----- who: every member of the scope with their village, branch and habits -----
    await step(
      'history: members',
      sql`CREATE TEMP TABLE bench_hm AS
        SELECT s.member_id, s.village_id, s.town_id, s.branch_id, s.voting, s.mobile,
          CASE WHEN s.r < 0.20 THEN 1.0 WHEN s.r < 0.60 THEN 0.90 WHEN s.r < 0.85 THEN 0.50 ELSE 0.12 END AS read_p,
          CASE WHEN s.r < 0.20 THEN 1.0 WHEN s.r < 0.60 THEN 0.88 WHEN s.r < 0.85 THEN 0.75 ELSE 0.45 END AS attend_p,
          -- drifting readers (the drift radar's work): 3% stopped (STOPPED_DAYS), 5% fading (FADING_DAYS)
          CASE WHEN s.r2 < 0.03 THEN 'stopped' WHEN s.r2 < 0.08 THEN 'fading' END AS drift
        FROM (SELECT m.id AS member_id, v.id AS village_id, v.parent_id AS town_id, b.id AS branch_id, (m.status = 'full') AS voting,
                (mb.member_id IS NOT NULL) AS mobile, random() AS r, random() AS r2
              FROM member m
              JOIN org g ON g.tenant_id = m.tenant_id AND g.id = m.org_id
              JOIN org b ON b.tenant_id = g.tenant_id AND b.id = g.parent_id AND b.kind = 'branch'
              JOIN org v ON v.tenant_id = b.tenant_id AND v.id = b.parent_id AND v.kind = 'general_branch'
              LEFT JOIN (SELECT DISTINCT member_id FROM mobility WHERE tenant_id = ${t} AND ended_on IS NULL) mb ON mb.member_id = m.id
              WHERE m.tenant_id = ${t} AND m.left_at IS NULL AND v.path LIKE ${root.path + '%'}
              ORDER BY v.id, m.id OFFSET 0) s`,
    );
    await sql`CREATE TEMP TABLE bench_village AS SELECT village_id, count(*)::int AS members FROM bench_hm GROUP BY 1`.execute(conn);
    await sql`ANALYZE bench_hm`.execute(conn);
    await sql`ANALYZE bench_village`.execute(conn);

    // ----- study items: 30 per village -----
    await sql`CREATE TEMP TABLE bench_item AS
      SELECT v.village_id, n, gen_random_uuid() AS item_id FROM bench_village v CROSS JOIN generate_series(1, ${ITEMS_PER_VILLAGE}::int) n`.execute(conn);
    await step(
      'history: study items',
      sql`INSERT INTO study_item (tenant_id, id, org_id, kind, title, category, tags, author, summary, body_html, media_url, minutes, created_at, updated_at)
        SELECT ${t}, i.item_id, i.village_id,
          (ARRAY['article','article','article','audio','video'])[1 + i.n % 5],
          (ARRAY['党史故事','理论学习','政策解读','微党课','家乡新闻'])[1 + i.n % 5] || '第' || i.n || '期',
          (ARRAY['party_history','theory','policy','micro_lecture','home_news'])[1 + i.n % 5],
          ARRAY['每日一学'], '村党总支', '每日一推送的学习内容',
          CASE WHEN i.n % 5 < 3 THEN '<p>学习内容正文，第' || i.n || '期。</p>' END,
          CASE WHEN i.n % 5 >= 3 THEN 'https://media.example.org/study/' || i.item_id END,
          3 + i.n % 8,
          ((${today}::date - ${days + 30}::int) + time '09:00') AT TIME ZONE 'Asia/Shanghai', ((${today}::date - ${days + 30}::int) + time '09:00') AT TIME ZONE 'Asia/Shanghai'
        FROM bench_item i`,
    );

    // ----- pushes: one per village per day, 07:30 Shanghai, each with one item -----
    await sql`CREATE TEMP TABLE bench_push AS
      SELECT gen_random_uuid() AS push_id, v.village_id, d AS day_no, v.members, i.item_id,
        ((${today}::date - d) + time '07:30') AT TIME ZONE 'Asia/Shanghai' AS planned_at
      FROM bench_village v CROSS JOIN generate_series(1, ${days}::int) d
      JOIN bench_item i ON i.village_id = v.village_id AND i.n = 1 + d % ${ITEMS_PER_VILLAGE}::int`.execute(conn);
    await sql`CREATE INDEX ON bench_push (day_no)`.execute(conn);
    await sql`ANALYZE bench_push`.execute(conn);
    await step(
      'history: pushes',
      sql`INSERT INTO push (tenant_id, id, org_id, title, planned_at, audience, status, delivered_at, delivered_count, created_at)
        SELECT ${t}, p.push_id, p.village_id, '每日一推送 ' || to_char(p.planned_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'),
          p.planned_at, 'subtree', 'delivered', p.planned_at, p.members, p.planned_at - interval '1 day'
        FROM bench_push p ORDER BY p.day_no DESC, p.village_id`,
    );
    await sql`INSERT INTO push_item (tenant_id, push_id, item_id, position) SELECT ${t}, push_id, item_id, 1 FROM bench_push`.execute(conn);

    // ----- deliveries: the bulk, one day per statement, keys and rollup triggers off -----
    const superuser = await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM pg_roles WHERE rolname = current_user AND rolsuper`);
    // USER: the rollup triggers (learning_month is rebuilt below); ALL: the foreign keys' checks too.
    const triggers = sql.raw(superuser ? 'ALL' : 'USER');
    const saved = await dropKeys(conn, 'push_delivery', { indexes: true, foreignKeys: !superuser });
    await sql`ALTER TABLE push_delivery DISABLE TRIGGER ${triggers}`.execute(conn);
    const loadStarted = performance.now();
    for (let d = days; d >= 1; d--) {
      // The random draws live in a subquery fenced by OFFSET 0, so each row draws once and every
      // CASE below sees the same u and v.
      // A drifting reader's chances drop inside their window: stopped ones neither read nor open.
      const readP = sql.raw(
        `CASE WHEN h.drift = 'stopped' AND ${d} <= ${STOPPED_DAYS} THEN 0 WHEN h.drift = 'fading' AND ${d} <= ${FADING_DAYS} THEN 0.15 ELSE h.read_p END`,
      );
      const openP = sql.raw(`CASE WHEN h.drift = 'stopped' AND ${d} <= ${STOPPED_DAYS} THEN 0 ELSE 0.08 END`);
      await sql`INSERT INTO push_delivery (tenant_id, push_id, member_id, delivered_at, opened_at, read_item_ids, read_at, reminded_at)
        SELECT ${t}, s.push_id, s.member_id, s.planned_at,
          CASE WHEN s.u < s.read_p + s.open_p THEN s.planned_at + s.v * interval '14 hours' END,
          CASE WHEN s.u < s.read_p THEN ARRAY[s.item_id] ELSE '{}'::uuid[] END,
          CASE WHEN s.u < s.read_p THEN s.planned_at + s.v * interval '14 hours' + interval '4 minutes' END,
          CASE WHEN s.u >= s.read_p AND s.planned_at + interval '24 hours' <= now() THEN s.planned_at + interval '24 hours' END
        FROM (SELECT p.push_id, p.planned_at, p.item_id, h.member_id, ${readP} AS read_p, ${openP} AS open_p, random() AS u, random() AS v
              FROM bench_push p JOIN bench_hm h ON h.village_id = p.village_id
              WHERE p.day_no = ${d}::int OFFSET 0) s`.execute(conn);
      if (d % 30 === 0) progress(`history: deliveries, ${days - d + 1}/${days} days loaded (${((performance.now() - loadStarted) / 1000).toFixed(0)} s)`);
    }
    progress(`history: deliveries loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s; rebuilding keys`);
    await restoreKeys(conn, saved, progress);
    await sql`ALTER TABLE push_delivery ENABLE TRIGGER ${triggers}`.execute(conn);

    // ----- classes: 12 monthly online classes per branch, closed -----
    await sql`CREATE TEMP TABLE bench_class AS
      SELECT gen_random_uuid() AS session_id, b.branch_id, b.series_id, k,
        ((${today}::date - make_interval(months => k))::date + time '19:30') AT TIME ZONE 'Asia/Shanghai' AS starts_at
      FROM (SELECT branch_id, gen_random_uuid() AS series_id FROM (SELECT DISTINCT branch_id FROM bench_hm) d) b
      CROSS JOIN generate_series(1, ${CLASSES_PER_BRANCH}::int) k`.execute(conn);
    await step(
      'history: classes',
      sql`INSERT INTO study_session (tenant_id, id, org_id, kind, title, starts_at, ends_at, mode, meeting_url, agenda, replay_url,
          checkin_opens_at, checkin_closes_at, qr_secret, audience, status, closed_at, makeup_days, makeup_questions, series_id, created_at)
        SELECT ${t}, c.session_id, c.branch_id, 'online_class',
          to_char(c.starts_at AT TIME ZONE 'Asia/Shanghai', 'FMMM') || '月流动党员云课堂',
          c.starts_at, c.starts_at + interval '90 minutes', 'online',
          'https://meeting.example.org/j/' || substr(md5(c.session_id::text), 1, 9), '学习讨论，交流工作和城市见闻',
          'https://replay.example.org/' || c.session_id,
          c.starts_at - interval '30 minutes', c.starts_at + interval '90 minutes', md5(random()::text), 'subtree', 'closed',
          c.starts_at + interval '90 minutes', 30, '["本次学习的主要收获是什么？"]'::jsonb, c.series_id,
          c.starts_at - interval '20 days'
        FROM bench_class c`,
    );
    // The outcome of each invitation, drawn once: 0 present, 1 late, 2 excused, 3 absent; missed
    // ones are made up about half the time (within their 30 days).
    await sql`CREATE TEMP TABLE bench_att AS
      SELECT s.session_id, s.member_id, s.voting, s.starts_at,
        CASE WHEN s.u < s.attend_p * 0.85 THEN 0 WHEN s.u < s.attend_p THEN 1 WHEN s.u < s.attend_p + 0.06 THEN 2 ELSE 3 END AS outcome,
        s.v, s.w
      FROM (SELECT c.session_id, h.member_id, h.voting, c.starts_at, random() AS u, random() AS v,
              -- a member who stopped reading stopped coming too, and makes nothing up
              CASE WHEN h.drift = 'stopped' AND c.starts_at > now() - ${STOPPED_DAYS}::int * interval '1 day' THEN 0 ELSE h.attend_p END AS attend_p,
              CASE WHEN h.drift = 'stopped' AND c.starts_at > now() - ${STOPPED_DAYS}::int * interval '1 day' THEN 0.9 ELSE random() END AS w
            FROM bench_class c JOIN bench_hm h ON h.branch_id = c.branch_id OFFSET 0) s`.execute(conn);
    const attendanceKeys = await dropKeys(conn, 'attendance', { indexes: false, foreignKeys: !superuser });
    const makeupKeys = await dropKeys(conn, 'makeup', { indexes: false, foreignKeys: !superuser });
    await sql`ALTER TABLE attendance DISABLE TRIGGER ${triggers}`.execute(conn);
    await sql`ALTER TABLE makeup DISABLE TRIGGER ${triggers}`.execute(conn);
    await step(
      'history: attendance',
      sql`INSERT INTO attendance (tenant_id, session_id, member_id, status, voting, checked_in_at, method, marked_by,
          leave_reason, leave_status, leave_requested_at, updated_at)
        SELECT ${t}, a.session_id, a.member_id,
          CASE a.outcome WHEN 0 THEN 'present' WHEN 1 THEN 'late'
            ELSE CASE WHEN a.w < 0.5 AND a.starts_at + interval '90 minutes' + (a.v * 25) * interval '1 day' <= now() THEN 'made_up'
                      WHEN a.outcome = 2 THEN 'excused' ELSE 'absent' END END,
          a.voting,
          CASE a.outcome WHEN 0 THEN a.starts_at - interval '15 minutes' + a.v * interval '15 minutes'
                         WHEN 1 THEN a.starts_at + interval '5 minutes' + a.v * interval '30 minutes' END,
          CASE WHEN a.outcome <= 1 THEN (CASE WHEN a.w < 0.3 THEN 'qr' ELSE 'self' END) END,
          NULL,
          CASE WHEN a.outcome = 2 THEN '外出务工，无法参加' END,
          CASE WHEN a.outcome = 2 THEN 'approved' END,
          CASE WHEN a.outcome = 2 THEN a.starts_at - interval '2 days' END,
          a.starts_at + interval '90 minutes'
        FROM bench_att a`,
    );
    await step(
      'history: make-ups',
      sql`INSERT INTO makeup (tenant_id, session_id, member_id, missed_status, due_on, status, reflection, submitted_at, created_at)
        SELECT ${t}, a.session_id, a.member_id, CASE a.outcome WHEN 2 THEN 'excused' ELSE 'absent' END,
          ((a.starts_at AT TIME ZONE 'Asia/Shanghai')::date + 30),
          CASE WHEN a.w < 0.5 AND a.starts_at + interval '90 minutes' + (a.v * 25) * interval '1 day' <= now() THEN 'submitted'
               WHEN (a.starts_at AT TIME ZONE 'Asia/Shanghai')::date + 30 >= ${today}::date THEN 'open' ELSE 'expired' END,
          CASE WHEN a.w < 0.5 AND a.starts_at + interval '90 minutes' + (a.v * 25) * interval '1 day' <= now()
               THEN '观看了回放，学习了本次课程的内容，结合自己在外务工的实际，谈谈体会。' END,
          CASE WHEN a.w < 0.5 AND a.starts_at + interval '90 minutes' + (a.v * 25) * interval '1 day' <= now()
               THEN a.starts_at + interval '90 minutes' + (a.v * 25) * interval '1 day' END,
          a.starts_at + interval '90 minutes'
        FROM bench_att a WHERE a.outcome >= 2`,
    );
    await sql`ALTER TABLE attendance ENABLE TRIGGER ${triggers}`.execute(conn);
    await sql`ALTER TABLE makeup ENABLE TRIGGER ${triggers}`.execute(conn);
    await restoreKeys(conn, attendanceKeys, progress);
    await restoreKeys(conn, makeupKeys, progress);

    // learning_month in one INSERT, as the rollup triggers would have kept it (0003: pushes
    // delivered and read per member and month of delivery; 0004, when present: attendance of
    // closed sessions in the month the session starts); members' last activity from the same pass.
    const sessionColumns = await count(
      conn,
      sql<{ n: number }>`SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'learning_month' AND column_name = 'sessions_invited'`,
    );
    const sessionsAgg = sessionColumns
      ? sql`SELECT a.member_id, date_trunc('month', s.starts_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
            count(*)::int AS invited, count(*) FILTER (WHERE a.status IN ('present','late'))::int AS attended,
            count(*) FILTER (WHERE a.status = 'made_up')::int AS made_up, count(*) FILTER (WHERE a.status IN ('absent','excused'))::int AS missed
          FROM attendance a JOIN study_session s ON s.tenant_id = a.tenant_id AND s.id = a.session_id AND s.status = 'closed'
          WHERE a.tenant_id = ${t} GROUP BY 1, 2`
      : sql`SELECT NULL::uuid AS member_id, NULL::date AS month, 0 AS invited, 0 AS attended, 0 AS made_up, 0 AS missed WHERE false`;
    await step(
      'history: learning_month rebuilt',
      sql`WITH pushes AS (
          SELECT member_id, date_trunc('month', delivered_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
            count(*)::int AS delivered, count(read_at)::int AS read, max(opened_at) AS last_opened
          FROM push_delivery WHERE tenant_id = ${t} GROUP BY 1, 2),
        sessions AS (${sessionsAgg}),
        ins AS (
          INSERT INTO learning_month (tenant_id, member_id, month, pushes_delivered, pushes_read
            ${sessionColumns ? sql`, sessions_invited, sessions_attended, sessions_made_up, sessions_missed` : sql``})
          SELECT ${t}, coalesce(p.member_id, s.member_id), coalesce(p.month, s.month), coalesce(p.delivered, 0), coalesce(p.read, 0)
            ${sessionColumns ? sql`, coalesce(s.invited, 0), coalesce(s.attended, 0), coalesce(s.made_up, 0), coalesce(s.missed, 0)` : sql``}
          FROM pushes p FULL JOIN sessions s ON s.member_id = p.member_id AND s.month = p.month)
        UPDATE member m SET last_active_at = x.last_opened
        FROM (SELECT member_id, max(last_opened) AS last_opened FROM pushes GROUP BY 1) x
        WHERE m.tenant_id = ${t} AND m.id = x.member_id AND x.last_opened IS NOT NULL`,
    );
    // A check-in later than the last push opened is the member's last activity.
    await sql`UPDATE member m SET last_active_at = x.at
      FROM (SELECT member_id, max(checked_in_at) AS at FROM attendance WHERE tenant_id = ${t} AND checked_in_at IS NOT NULL GROUP BY 1) x
      WHERE m.tenant_id = ${t} AND m.id = x.member_id AND (m.last_active_at IS NULL OR m.last_active_at < x.at)`.execute(conn);

    await generateCareHistory(conn, t, today, days, step);

    for (const temp of ['bench_att', 'bench_class', 'bench_push', 'bench_item', 'bench_village', 'bench_hm']) await sql`DROP TABLE ${sql.id(temp)}`.execute(conn);

    const s = performance.now();
    await sql`VACUUM ANALYZE`.execute(conn);
    progress(`history: vacuum analyze (${((performance.now() - s) / 1000).toFixed(1)} s)`);

    const counts = {
      members: await count(conn, sql<{ n: number }>`SELECT count(DISTINCT member_id) AS n FROM learning_month WHERE tenant_id = ${t}`),
      studyItems: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM study_item WHERE tenant_id = ${t}`),
      pushes: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM push WHERE tenant_id = ${t}`),
      deliveries: await count(conn, sql<{ n: number }>`SELECT sum(pushes_delivered) AS n FROM learning_month WHERE tenant_id = ${t}`),
      sessions: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM study_session WHERE tenant_id = ${t}`),
      attendance: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM attendance WHERE tenant_id = ${t}`),
      makeups: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM makeup WHERE tenant_id = ${t}`),
      learningMonths: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM learning_month WHERE tenant_id = ${t}`),
      talks: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM talk WHERE tenant_id = ${t}`),
      trips: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM delivery WHERE tenant_id = ${t}`),
      visits: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM delivery_member WHERE tenant_id = ${t}`),
      cards: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM card WHERE tenant_id = ${t}`),
      careTasks: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM care_task WHERE tenant_id = ${t}`),
      memberAccounts: await count(conn, sql<{ n: number }>`SELECT count(*) AS n FROM account WHERE tenant_id = ${t} AND member_id IS NOT NULL`),
    };
    const size = await count(conn, sql<{ n: number }>`SELECT pg_database_size(current_database()) AS n`);
    const span = await sql<{ first: string; last: string }>`SELECT (${today}::date - ${days}::int)::text AS first, (${today}::date - 1)::text AS last`.execute(conn);
    return {
      version: HISTORY_VERSION,
      scopeOrgId: opts.scopeOrgId ?? null,
      days,
      firstDay: span.rows[0]?.first ?? '',
      lastDay: span.rows[0]?.last ?? '',
      counts,
      seconds: (performance.now() - started) / 1000,
      databaseBytes: size,
    };
  });
}
