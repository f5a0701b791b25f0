import crypto from 'node:crypto';
import path from 'node:path';
import fs from 'node:fs';
import { sql } from 'kysely';
import type { Database, OpenedDatabase } from '../../src/server/db/database.ts';
import type { GeneratedCounty } from '../generate.ts';
import { log, ratio, secs } from '../lib/stats.ts';
import { passMark, unavailable, type Row } from '../lib/table.ts';

/**
 * Daily push to the whole county: a push for the county committee's subtree planned a minute
 * ago, delivered by the scheduler's job `deliverDuePushes(db, now)` (modules/pushes/service.ts)
 * into every member's inbox on top of a year of deliveries. Checked afterwards: one delivery per
 * member of the county, the push marked delivered with that count, and the monthly rollup grown by
 * as much. Limit: the same delivery for a second, identical push as one hand-written INSERT … SELECT
 * (the rollup trigger included), marked delivered, in one transaction.
 */
export const PUSH_TARGET_S = 30;

const REPO = path.resolve(import.meta.dirname, '../..');
const SERVICE = path.join(REPO, 'src/server/modules/pushes/service.ts');

type Deliver = (db: Database, now: Date) => Promise<number>;

async function planPush(db: Database, tenantId: string, rootId: string, itemId: string, at: Date, status: 'planned' | 'cancelled'): Promise<string> {
  const id = crypto.randomUUID();
  await sql`INSERT INTO push (tenant_id, id, org_id, title, planned_at, audience, status, created_at)
    VALUES (${tenantId}, ${id}, ${rootId}, '全县每日一推送（压测）', ${at}, 'subtree', ${status}, now())`.execute(db);
  await sql`INSERT INTO push_item (tenant_id, push_id, item_id, position) VALUES (${tenantId}, ${id}, ${itemId}, 1)`.execute(db);
  return id;
}

export async function benchPush(opts: { opened: OpenedDatabase; county: GeneratedCounty }): Promise<Row[]> {
  const db = opts.opened.db;
  const t = opts.county.tenantId;
  const figure = 'PostgreSQL county + year: daily push to the whole county, deliverDuePushes(db, now)';
  const target = `≤ ${PUSH_TARGET_S} s`;
  if (!fs.existsSync(SERVICE)) return [unavailable(figure, target, 'not available: modules/pushes/service.ts is missing')];
  const mod = (await import(SERVICE)) as { deliverDuePushes?: Deliver };
  if (typeof mod.deliverDuePushes !== 'function') return [unavailable(figure, target, 'not available: deliverDuePushes is not exported')];

  const root = await sql<{ id: string; path: string }>`SELECT id, path FROM org WHERE tenant_id = ${t} AND parent_id IS NULL`.execute(db);
  const county = root.rows[0];
  if (!county) throw new Error('no county root');
  const itemId = crypto.randomUUID();
  await sql`INSERT INTO study_item (tenant_id, id, org_id, kind, title, category, body_html, minutes, created_at, updated_at)
    VALUES (${t}, ${itemId}, ${county.id}, 'article', '全县学习材料（压测）', 'policy', '<p>学习内容</p>', 5, now(), now())`.execute(db);
  const expected = await sql<{ n: number }>`SELECT count(*)::int AS n FROM member WHERE tenant_id = ${t} AND left_at IS NULL`.execute(db);
  const members = expected.rows[0]?.n ?? 0;
  const rollup = () =>
    sql<{ n: number }>`SELECT coalesce(sum(pushes_delivered), 0)::int AS n FROM learning_month WHERE tenant_id = ${t}`.execute(db).then((r) => r.rows[0]?.n ?? 0);
  const before = await rollup();
  // Nothing else may be due, or the job would deliver it too and the time would not be this push's.
  const due = await sql<{ n: number }>`SELECT count(*)::int AS n FROM push WHERE status = 'planned' AND planned_at <= now()`.execute(db);
  if (due.rows[0]?.n) throw new Error(`${due.rows[0].n} other pushes are due in the bench database`);

  const now = new Date();
  const pushId = await planPush(db, t, county.id, itemId, new Date(now.getTime() - 60_000), 'planned');
  log(`  push: delivering to ${members} members`);
  const started = performance.now();
  const delivered = await mod.deliverDuePushes(db, now);
  const seconds = (performance.now() - started) / 1000;
  const got = await sql<{ n: number; status: string; delivered_count: number }>`
    SELECT (SELECT count(*) FROM push_delivery WHERE tenant_id = ${t} AND push_id = ${pushId})::int AS n, status, delivered_count
    FROM push WHERE tenant_id = ${t} AND id = ${pushId}`.execute(db);
  const g = got.rows[0];
  const grown = (await rollup()) - before;
  const correct = delivered === 1 && g?.n === members && g.status === 'delivered' && g.delivered_count === members && grown === members;
  log(`  push: ${seconds.toFixed(2)} s, ${g?.n} deliveries (expected ${members}), status ${g?.status}, count ${g?.delivered_count}, rollup +${grown}`);

  // The limit: the same delivery by hand, for a second push (planned as cancelled so the job never sees it).
  const bareId = await planPush(db, t, county.id, itemId, now, 'cancelled');
  const bareStarted = performance.now();
  await db.transaction().execute(async (tx) => {
    await sql`INSERT INTO push_delivery (tenant_id, push_id, member_id, delivered_at)
      SELECT ${t}, ${bareId}::uuid, m.id, ${now}::timestamptz FROM member m
      WHERE m.tenant_id = ${t} AND m.left_at IS NULL
        AND m.org_id = ANY(ARRAY(SELECT id FROM org WHERE tenant_id = ${t} AND path LIKE ${county.path + '%'}))
      ON CONFLICT DO NOTHING`.execute(tx);
    await sql`UPDATE push SET status = 'delivered', delivered_at = ${now}, delivered_count = ${members}::int WHERE tenant_id = ${t} AND id = ${bareId}`.execute(tx);
  });
  const bare = (performance.now() - bareStarted) / 1000;
  return [
    {
      figure: `${figure}, ${members.toLocaleString('en-US')} members`,
      value: `${secs(seconds)}; ${(g?.n ?? 0).toLocaleString('en-US')} delivered${correct ? '' : ` ⚠ expected ${members} deliveries, push delivered with that count and the rollup +${members} (got ${g?.n}, ${g?.status} ${g?.delivered_count}, +${grown})`}`,
      target,
      limit: `hand-written INSERT … SELECT ${secs(bare)}`,
      ratio: ratio(seconds / bare),
      pass: passMark(correct && seconds <= PUSH_TARGET_S),
    },
  ];
}
