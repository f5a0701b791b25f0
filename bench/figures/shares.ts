import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openDatabase, type Database, type OpenedDatabase } from '../../src/server/db/database.ts';
import { migrateToLatest } from '../../src/server/db/migrate.ts';
import type { Actor, RequestContext } from '../../src/server/auth/actor.ts';
import { clock } from '../../src/server/clock.ts';
import { myFeed } from '../../src/server/modules/shares/service.ts';
import { SHARE_KINDS } from '../../src/shared/enums.ts';
import type { MyShareFeed } from '../../src/shared/api-shares.ts';
import { ensurePostgres, recreateDatabase, dropDatabase } from '../lib/postgres.ts';
import { elapsed, log, ms, ratio, secs, summarize } from '../lib/stats.ts';
import { passMark, unavailable, type Row } from '../lib/table.ts';

/**
 * 每月一互动's feed on a village of 200 members with a year of sharing, in a fresh database (PGlite,
 * and PostgreSQL when bench/lib/postgres.ts finds or starts one): a general branch with 4 branches of
 * 50 members, ≈ 2,400 posts over the last 365 days (a third for the whole village, the rest for the
 * author's branch), ≈ 20,000 comments and ≈ 12,000 likes by members who see each post. Then the
 * first page of a member's village feed (20 posts, newest first, with like and comment counts, files
 * and this month's topic) through the use case (myFeed), timed next to the same page in hand-written
 * SQL, checked equal first (ids in order, like and comment counts). Target: p95 ≤ 50 ms over ≥ 50 runs.
 */
export const SHARES_FEED_TARGET_P95_MS = 50;
const MEMBERS = 200;
const BRANCHES = 4;
const POSTS = 2400;
const COMMENTS = 20_000;
const LIKES = 12_000;
const RUNS = 60;
const WARMUP = 5;
const PG_DB = 'lianxin_bench_shares';

interface Village {
  tenantId: string;
  reader: RequestContext;
  /** the reader's unit path's ids, top down: the audience units of their village feed */
  audienceIds: string[];
}

function ctxOf(tenantId: string, accountId: string, memberId: string): RequestContext {
  const actor: Actor = { tenantId, accountId, displayName: 'bench', phone: '', memberId, isTenantAdmin: false, scopes: [], menteeIds: [], csrfToken: '' };
  return { actor, ip: null };
}

async function generate(db: Database): Promise<Village> {
  // mulberry32: a small seeded generator in 32-bit integer arithmetic (the same village every run)
  let seed = 20_260_101;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pickOf = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const tenant = await db.insertInto('tenant').values({ name: '分享测试镇' }).returning('id').executeTakeFirstOrThrow();
  const tenantId = tenant.id;
  const villageId = crypto.randomUUID();
  const villagePath = `/${villageId}/`;
  await db.insertInto('org').values({ tenant_id: tenantId, id: villageId, kind: 'general_branch', name: '测试村党总支', path: villagePath }).execute();
  const branches: { id: string; path: string }[] = [];
  for (let b = 0; b < BRANCHES; b++) {
    const id = crypto.randomUUID();
    const path = `${villagePath}${id}/`;
    await db.insertInto('org').values({ tenant_id: tenantId, id, parent_id: villageId, kind: 'branch', name: `第${b + 1}党支部`, path }).execute();
    branches.push({ id, path });
  }
  const members = await db
    .insertInto('member')
    .values(
      Array.from({ length: MEMBERS }, (_, i) => ({
        tenant_id: tenantId,
        org_id: (branches[i % BRANCHES] as { id: string }).id,
        name: `党员${String(i + 1).padStart(3, '0')}`,
        name_sort_key: `dangyuan${String(i + 1).padStart(3, '0')}`,
        gender: i % 3 === 0 ? ('female' as const) : ('male' as const),
        phone: `139${String(20000000 + i).padStart(8, '0')}`,
        status: 'full' as const,
      })),
    )
    .returning(['id', 'org_id'])
    .execute();
  const reader = members[0] as { id: string; org_id: string };
  const account = await db.insertInto('account').values({ tenant_id: tenantId, phone: '13900000000', display_name: '读者', password_hash: 'x', member_id: reader.id }).returning('id').executeTakeFirstOrThrow();
  const month = new Date(clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
  await db.insertInto('share_topic').values({ tenant_id: tenantId, org_id: villageId, month, title: '本月话题', due_on: `${month}-28` }).execute();

  const now = clock.now().getTime();
  const branchOf = (orgId: string) => branches.find((b) => b.id === orgId) as { id: string; path: string };
  const posts = Array.from({ length: POSTS }, () => {
    const author = pickOf(members);
    const village = rnd() < 1 / 3;
    const unit = village ? { id: villageId, path: villagePath } : branchOf(author.org_id);
    return {
      tenant_id: tenantId,
      id: crypto.randomUUID(),
      member_id: author.id,
      org_id: author.org_id,
      kind: pickOf(SHARE_KINDS),
      body: `第 ${Math.floor(rnd() * 1000)} 条分享：在外工作学习的见闻与家乡建言。`,
      audience: village ? ('village' as const) : ('branch' as const),
      audience_org_id: unit.id,
      audience_path: unit.path,
      created_at: new Date(now - Math.floor(rnd() * 365 * 86_400_000)),
      hidden_at: rnd() < 0.01 ? new Date(now) : null,
      hidden_reason: null as string | null,
    };
  }).map((p) => ({ ...p, hidden_reason: p.hidden_at ? '内容不妥' : null }));
  for (let i = 0; i < posts.length; i += 500) await db.insertInto('share_post').values(posts.slice(i, i + 500)).execute();
  const seers = (p: (typeof posts)[number]) => members.filter((m) => p.audience === 'village' || m.org_id === p.org_id);
  const comments = Array.from({ length: COMMENTS }, () => {
    const p = pickOf(posts);
    return { tenant_id: tenantId, post_id: p.id, member_id: pickOf(seers(p)).id, body: '说得好，学习了！', created_at: new Date(p.created_at.getTime() + Math.floor(rnd() * 86_400_000)) };
  });
  for (let i = 0; i < comments.length; i += 1000) await db.insertInto('share_comment').values(comments.slice(i, i + 1000)).execute();
  const likes = new Map<string, { tenant_id: string; post_id: string; member_id: string; created_at: Date }>();
  for (let tries = 0; likes.size < LIKES && tries < LIKES * 10; tries++) {
    const p = pickOf(posts);
    const m = pickOf(seers(p));
    likes.set(`${p.id}|${m.id}`, { tenant_id: tenantId, post_id: p.id, member_id: m.id, created_at: p.created_at });
  }
  const likeRows = [...likes.values()];
  for (let i = 0; i < likeRows.length; i += 1000) await db.insertInto('share_like').values(likeRows.slice(i, i + 1000)).execute();
  await sql`ANALYZE`.execute(db);
  return { tenantId, reader: ctxOf(tenantId, account.id, reader.id), audienceIds: [villageId, branchOf(reader.org_id).id] };
}

interface HandRow {
  id: string;
  like_count: number;
  comment_count: number;
}

/** The first page of the reader's village feed in hand-written SQL: posts of their branch and village, newest first. */
async function handFeed(db: Database, v: Village): Promise<HandRow[]> {
  const me = v.reader.actor.memberId;
  const { rows } = await sql<HandRow>`
    SELECT p.id,
           (SELECT count(*)::int FROM share_like l WHERE l.tenant_id = p.tenant_id AND l.post_id = p.id) AS like_count,
           (SELECT count(*)::int FROM share_comment c WHERE c.tenant_id = p.tenant_id AND c.post_id = p.id
               AND c.deleted_at IS NULL AND (c.hidden_at IS NULL OR c.member_id = ${me})) AS comment_count
      FROM share_post p
     WHERE p.tenant_id = ${v.tenantId} AND p.audience_org_id = ANY(${v.audienceIds}::uuid[])
       AND p.deleted_at IS NULL AND (p.hidden_at IS NULL OR p.member_id = ${me})
     ORDER BY p.created_at DESC, p.id DESC
     LIMIT 20`.execute(db);
  return rows;
}

function differences(feed: MyShareFeed, hand: HandRow[]): string[] {
  const got = feed.items.map((p) => `${p.id}:${p.likeCount}:${p.commentCount}`);
  const want = hand.map((h) => `${h.id}:${h.like_count}:${h.comment_count}`);
  return got.join() === want.join() ? [] : [`use case ${got.length} rows, hand SQL ${want.length}; first difference at ${got.findIndex((g, i) => g !== want[i])}`];
}

async function measure(engine: string, opened: OpenedDatabase): Promise<Row[]> {
  const { db } = opened;
  await migrateToLatest(db);
  const t0 = performance.now();
  const v = await generate(db);
  const counts = await sql<{ posts: number; comments: number; likes: number }>`
    SELECT (SELECT count(*)::int FROM share_post) AS posts, (SELECT count(*)::int FROM share_comment) AS comments, (SELECT count(*)::int FROM share_like) AS likes`.execute(db);
  const c = counts.rows[0] as { posts: number; comments: number; likes: number };
  log(`shares (${engine}): ${MEMBERS} members, ${c.posts} posts, ${c.comments} comments, ${c.likes} likes generated in ${secs(elapsed(t0) / 1000)}`);

  const feed = await myFeed(db, v.reader, { scope: 'village' });
  const diffs = differences(feed, await handFeed(db, v));
  for (const d of diffs) log(`shares (${engine}): use case and hand-written SQL disagree: ${d}`);
  const caseMs: number[] = [];
  const handMs: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    let t = performance.now();
    await myFeed(db, v.reader, { scope: 'village' });
    if (i >= WARMUP) caseMs.push(elapsed(t));
    t = performance.now();
    await handFeed(db, v);
    if (i >= WARMUP) handMs.push(elapsed(t));
  }
  const s = summarize(caseMs);
  const h = summarize(handMs);
  return [
    {
      figure: `sharing feed (${engine}): first page (20) of a member's village feed through myFeed, village of ${MEMBERS} members with a year of sharing (${c.posts.toLocaleString('en-US')} posts, ${c.comments.toLocaleString('en-US')} comments, ${c.likes.toLocaleString('en-US')} likes)`,
      value: `myFeed p50 ${ms(s.p50)} · p95 ${ms(s.p95)} (n=${s.n})`,
      target: `p95 ≤ ${SHARES_FEED_TARGET_P95_MS} ms`,
      limit: `hand-written SQL p50 ${ms(h.p50)} · p95 ${ms(h.p95)}${diffs.length ? ' ⚠ results differ' : ''}`,
      ratio: ratio(s.p95 / SHARES_FEED_TARGET_P95_MS),
      pass: passMark(diffs.length === 0 && s.p95 <= SHARES_FEED_TARGET_P95_MS),
    },
  ];
}

export async function benchShares(): Promise<Row[]> {
  const rows: Row[] = [];
  const pglite = await PGlite.create();
  const opened = await openDatabase({ pglite });
  try {
    rows.push(...(await measure('PGlite', opened)));
  } finally {
    await opened.close();
    await pglite.close();
  }
  let server: Awaited<ReturnType<typeof ensurePostgres>> | null = null;
  try {
    server = await ensurePostgres();
  } catch (e) {
    rows.push(unavailable('sharing feed (PostgreSQL)', `p95 ≤ ${SHARES_FEED_TARGET_P95_MS} ms`, `not available: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`));
  }
  if (server) {
    const url = await recreateDatabase(server.serverUrl, PG_DB);
    const pgOpened = await openDatabase({ databaseUrl: url });
    try {
      rows.push(...(await measure('PostgreSQL', pgOpened)));
    } finally {
      await pgOpened.close();
      await dropDatabase(server.serverUrl, PG_DB);
      await server.stop();
    }
  }
  return rows;
}
