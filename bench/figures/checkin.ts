import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { OpenedDatabase } from '../../src/server/db/database.ts';
import type { GeneratedCounty } from '../generate.ts';
import type { LoadRequest } from '../load-child.ts';
import { memberLogins, runLoad, startBenchApp } from '../lib/app.ts';
import { log, ms, percentile, ratio, secs } from '../lib/stats.ts';
import { passMark, unavailable, type Row } from '../lib/table.ts';

/**
 * Check-in burst (云课堂 starts): 20,000 invited members check in from the app within a minute.
 * A county-wide online class is planned in the database with its check-in window open and 20,000
 * invitees (attendance 'invited', as createSessions writes them); each invitee gets a member-app
 * login (account + session row, no password hashing). A child process sends
 * POST /api/me/sessions/:id/checkin to the real app at a steady rate with a cap on requests in
 * flight, plus ~5% duplicates: half as a double tap sent alongside the first, half as a retry two
 * seconds later. Afterwards SQL checks that nothing was lost (every member with a 2xx answer is
 * present or late) and nothing duplicated (one attendance row per invitee, one check-in audit entry
 * per member checked in).
 * Limit: a bare Fastify hello-world loaded with the same pattern for a tenth of the requests.
 */
export const CHECKIN_MEMBERS = 20_000;
export const CHECKIN_TARGET_P99_MS = 100;
export const CHECKIN_TARGET_SECONDS = 60;

const shuffle = <T>(items: T[], seed: number): T[] => {
  let s = seed;
  const rand = () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
};

export async function benchCheckin(opts: {
  opened: OpenedDatabase;
  county: GeneratedCounty;
  hello: { url: string };
  /** the burst is spread over this many seconds (default 50, inside the 60 s target) */
  seconds: number;
  concurrency: number;
  members?: number;
}): Promise<Row[]> {
  const { opened, county } = opts;
  const db = opened.db;
  const t = county.tenantId;
  const count = opts.members ?? CHECKIN_MEMBERS;
  const figure = `PostgreSQL county + year: check-in burst, ${count.toLocaleString('en-US')} members (+5% duplicates) over HTTP in ${opts.seconds} s, ≤ ${opts.concurrency} in flight`;

  // ----- the class, its invitees and their logins -----
  const invitees = await sql<{ id: string; status: string }>`
    SELECT id, status FROM member WHERE tenant_id = ${t} AND left_at IS NULL ORDER BY id LIMIT ${count}::int`.execute(db);
  if (invitees.rows.length < count) return [unavailable(figure, `p99 ≤ ${CHECKIN_TARGET_P99_MS} ms`, `only ${invitees.rows.length} members`)];
  const root = await sql<{ id: string }>`SELECT id FROM org WHERE tenant_id = ${t} AND parent_id IS NULL`.execute(db);
  const sessionId = crypto.randomUUID();
  const now = Date.now();
  await db.transaction().execute(async (tx) => {
    await sql`INSERT INTO study_session (tenant_id, id, org_id, kind, title, starts_at, ends_at, mode, meeting_url,
        checkin_opens_at, checkin_closes_at, qr_secret, audience, status, makeup_days, makeup_questions, created_at)
      VALUES (${t}, ${sessionId}, ${root.rows[0]?.id}, 'online_class', '全县流动党员云课堂（压测）',
        ${new Date(now + 10 * 60_000)}, ${new Date(now + 100 * 60_000)}, 'online', 'https://meeting.example.org/j/bench',
        ${new Date(now - 20 * 60_000)}, ${new Date(now + 100 * 60_000)}, ${crypto.randomBytes(32).toString('base64url')}, 'list', 'planned', 30, '[]'::jsonb, now())`.execute(tx);
    await sql`INSERT INTO attendance (tenant_id, session_id, member_id, voting)
      SELECT ${t}, ${sessionId}, id, status = 'full' FROM unnest(${invitees.rows.map((r) => r.id)}::uuid[], ${invitees.rows.map((r) => r.status)}::text[]) AS x(id, status)`.execute(tx);
  });
  const logins = await memberLogins(opened, t, invitees.rows.map((r) => r.id));
  log(`  check-in: class ${sessionId} with ${logins.length} invitees and logins`);

  const server = await startBenchApp(opened, county);
  try {
    const path = `/api/me/sessions/${sessionId}/checkin`;
    const requestOf = (l: (typeof logins)[number]): LoadRequest => ({
      method: 'POST',
      path,
      headers: { cookie: l.cookie, 'x-csrf-token': l.csrfToken, 'content-type': 'application/json' },
      body: '{}',
      tag: l.memberId,
    });
    // A probe that the route exists, with a member outside the burst (their check-in stays valid).
    const probeLogin = logins[logins.length - 1] as (typeof logins)[number];
    const probe = await fetch(`${server.address}${path}`, { method: 'POST', headers: requestOf(probeLogin).headers, body: '{}' });
    if (probe.status === 404 && !(await probe.text()).includes('会议')) {
      return [unavailable(figure, `p99 ≤ ${CHECKIN_TARGET_P99_MS} ms`, 'not available: POST /api/me/sessions/:id/checkin is not registered')];
    }
    if (probe.status !== 200) throw new Error(`check-in probe answered ${probe.status}: ${await probe.text()}`);

    const burst = shuffle(logins.slice(0, -1), 20_240_701);
    const requests: LoadRequest[] = [];
    const retries: { at: number; r: LoadRequest }[] = [];
    const rate = (burst.length * 1.05) / opts.seconds;
    burst.forEach((l, i) => {
      requests.push(requestOf(l));
      if (i % 40 === 0) requests.push(requestOf(l)); // double tap: in flight together with the first
      if (i % 40 === 20) retries.push({ at: i + Math.round(rate * 2), r: requestOf(l) }); // a retry ~2 s later
    });
    for (const { at, r } of retries.toReversed()) requests.splice(Math.min(at, requests.length), 0, r);

    // The floor: hello-world under the same pattern, a tenth of the requests.
    const helloUrl = new URL(opts.hello.url);
    const floor = await runLoad({
      baseUrl: helloUrl.origin,
      ratePerSecond: rate,
      concurrency: opts.concurrency,
      requests: requests.slice(0, Math.ceil(requests.length / 10)).map(() => ({ method: 'GET', path: helloUrl.pathname, headers: {} })),
    });
    log(`  check-in: firing ${requests.length} requests (${requests.length - burst.length} duplicates) at ${Math.round(rate)}/s`);
    const load = await runLoad({ baseUrl: server.address, ratePerSecond: rate, concurrency: opts.concurrency, requests });

    // ----- what the database says -----
    const ok = new Set(load.results.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.tag as string));
    ok.add(probeLogin.memberId);
    const statuses = load.results.reduce<Record<string, number>>((acc, r) => ((acc[r.error ? `error ${r.error}` : String(r.status)] = (acc[r.error ? `error ${r.error}` : String(r.status)] ?? 0) + 1), acc), {});
    const check = await sql<{ rows: number; distinct_members: number; checked_in: number; lost: number; audits: number; audit_members: number }>`
      SELECT
        (SELECT count(*) FROM attendance WHERE tenant_id = ${t} AND session_id = ${sessionId})::int AS rows,
        (SELECT count(DISTINCT member_id) FROM attendance WHERE tenant_id = ${t} AND session_id = ${sessionId})::int AS distinct_members,
        (SELECT count(*) FROM attendance WHERE tenant_id = ${t} AND session_id = ${sessionId} AND status IN ('present','late'))::int AS checked_in,
        (SELECT count(*) FROM unnest(${[...ok]}::uuid[]) AS x(member_id)
           WHERE NOT EXISTS (SELECT 1 FROM attendance a WHERE a.tenant_id = ${t} AND a.session_id = ${sessionId} AND a.member_id = x.member_id AND a.status IN ('present','late')))::int AS lost,
        (SELECT count(*) FROM audit_log WHERE tenant_id = ${t} AND entity = 'attendance' AND entity_id = ${sessionId} AND action = 'attendance.checkin')::int AS audits,
        (SELECT count(DISTINCT after->>'memberId') FROM audit_log WHERE tenant_id = ${t} AND entity = 'attendance' AND entity_id = ${sessionId} AND action = 'attendance.checkin')::int AS audit_members`.execute(db);
    const c = check.rows[0] as NonNullable<(typeof check.rows)[number]>;
    const duplicated = c.rows - c.distinct_members + (c.audits - c.audit_members) + Math.max(0, c.checked_in - ok.size);
    log(`  check-in: answers ${JSON.stringify(statuses)}; rows ${c.rows}, checked in ${c.checked_in}, 2xx members ${ok.size}, lost ${c.lost}, audits ${c.audits} for ${c.audit_members} members`);

    const lat = load.results.map((r) => r.ms).sort((a, b) => a - b);
    const floorLat = floor.results.map((r) => r.ms).sort((a, b) => a - b);
    const p50 = percentile(lat, 50);
    const p99 = percentile(lat, 99);
    const floorP99 = percentile(floorLat, 99);
    const maxLag = Math.max(...load.results.map((r) => r.lagMs));
    const non2xx = load.results.length - load.results.filter((r) => r.status >= 200 && r.status < 300).length;
    const allIn = load.wallSeconds <= CHECKIN_TARGET_SECONDS;
    const sound = c.lost === 0 && duplicated === 0 && non2xx === 0;
    return [
      {
        figure,
        value:
          `p50 ${ms(p50)} · p99 ${ms(p99)}; all answered in ${secs(load.wallSeconds)} (${Math.round(load.results.length / load.wallSeconds)}/s, max ${ms(maxLag)} behind schedule); ` +
          `${c.checked_in.toLocaleString('en-US')} checked in, lost ${c.lost}, duplicated ${duplicated}` +
          (non2xx ? ` ⚠ ${non2xx} non-2xx: ${JSON.stringify(statuses)}` : ''),
        target: `p99 ≤ ${CHECKIN_TARGET_P99_MS} ms, all within ${CHECKIN_TARGET_SECONDS} s, none lost or duplicated`,
        limit: `hello-world, same pattern: p50 ${ms(percentile(floorLat, 50))} · p99 ${ms(floorP99)}`,
        ratio: ratio(p99 / floorP99),
        pass: passMark(p99 <= CHECKIN_TARGET_P99_MS && allIn && sound),
      },
    ];
  } finally {
    await server.close();
  }
}
