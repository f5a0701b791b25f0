import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { OpenedDatabase } from '../../src/server/db/database.ts';
import { FieldCipher } from '../../src/server/secrets.ts';
import { chinaDay, chinaDayStart } from '../../src/shared/china-time.ts';
import { dispatchDue, enqueueNotice } from '../../src/server/modules/notify/index.ts';
import { robotProvider } from '../../src/server/modules/notify/providers/robots/index.ts';
import { startFakeRobotServer, type FakeRequest } from '../../src/server/modules/notify/providers/robots/fake-robot-server.ts';
import type { GeneratedCounty } from '../generate.ts';
import { log, ratio, secs } from '../lib/stats.ts';
import { passMark, type Row } from '../lib/table.ts';

/**
 * Group-robot digests for every unit of the county within the services' rate limits, on a
 * simulated clock. Every unit gets a 企业微信 or 钉钉 robot (alternately) whose webhook is a
 * loopback fake that behaves like the services: more than 20 messages from one robot in 60 s is
 * answered "too fast" (130101 / 45009) and counted. A burst of notices to every unit (one a
 * simulated second, BENCH_ROBOT_NOTICES of them) is enqueued while the dispatcher runs once per
 * simulated second. Measured: the most messages any robot got in any 60 s window (≤ 20), the
 * simulated time until every digest was out (a correct dispatcher sends at most 20 a robot in
 * the first minute and the rest after it), and the wall time. Limit: the same number of messages
 * posted straight to the fake by the providers, without the outbox.
 */
const PER_MINUTE = 20;
const WINDOW_MS = 60_000;
const STEP_MS = 1_000;
const MAX_SIMULATED_MS = 3_600_000;
const intEnv = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
};

/** The most requests one robot got in any window of `WINDOW_MS` (times sorted per robot). */
function maxInWindow(times: number[]): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] as number) - (times[start] as number) >= WINDOW_MS) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const robotKey = (r: FakeRequest): string => r.query.get('key') ?? r.query.get('access_token') ?? '';

export async function benchRobots(opts: { engine: string; opened: OpenedDatabase; county: GeneratedCounty }): Promise<Row[]> {
  const db = opts.opened.db;
  const t = opts.county.tenantId;
  // 21 notices a second apart: one more than a robot may take in a minute, so the limit must hold.
  const noticesN = intEnv('BENCH_ROBOT_NOTICES', 21);
  const unitCap = intEnv('BENCH_ROBOT_UNITS', Number.MAX_SAFE_INTEGER);
  const cipher = new FieldCipher(Buffer.from(opts.county.keyHex, 'hex'));
  // 10:00 in China today: outside the quiet hours whenever the bench runs.
  const start = new Date(chinaDayStart(chinaDay(new Date())).getTime() + 10 * 3_600_000);
  let simNow = start.getTime();

  // The fake services: a robot's 21st message within 60 s is refused, as 企业微信 and 钉钉 do.
  const fake = await startFakeRobotServer({ stamp: () => simNow });
  const recent = new Map<string, number[]>();
  let refused = 0;
  fake.answer = (req) => {
    const key = robotKey(req);
    const times = (recent.get(key) ?? []).filter((at) => req.at - at < WINDOW_MS);
    times.push(req.at);
    recent.set(key, times);
    if (times.length <= PER_MINUTE) return null;
    refused++;
    return req.path.includes('/robot/send')
      ? { status: 200, body: JSON.stringify({ errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }) }
      : { status: 200, body: JSON.stringify({ errcode: 45009, errmsg: 'api freq out of limit' }) };
  };

  try {
    const units = (await sql<{ id: string }>`SELECT id FROM org WHERE tenant_id = ${t} AND retired_at IS NULL ORDER BY path LIMIT ${Math.min(unitCap, 1_000_000)}`.execute(db)).rows;
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < units.length; i += 500) {
        await tx
          .insertInto('notify_robot')
          .values(
            units.slice(i, i + 500).map((u, j) => {
              const n = i + j;
              const kind = n % 2 === 0 ? ('wecom' as const) : ('dingtalk' as const);
              const webhook = kind === 'wecom' ? `${fake.base}/ok/cgi-bin/webhook/send?key=r${n}` : `${fake.base}/ok/robot/send?access_token=r${n}`;
              return { tenant_id: t, org_id: u.id, kind, name: `压测群${n}`, webhook_cipher: cipher.encrypt(webhook), secret_cipher: kind === 'dingtalk' ? cipher.encrypt(`SECbench${n}`) : null };
            }),
          )
          .execute();
      }
    });
    // One member of every unit with a robot that has members: every robot's subtree then holds an addressee.
    const unitIds = units.map((u) => u.id);
    const members = (
      await sql<{ id: string }>`SELECT DISTINCT ON (org_id) id FROM member WHERE tenant_id = ${t} AND left_at IS NULL AND org_id = ANY(${unitIds}::uuid[]) ORDER BY org_id, id`.execute(db)
    ).rows.map((r) => r.id);
    log(`  robots: ${units.length.toLocaleString('en-US')} units with a robot, ${noticesN} notices one a simulated second, addressed to ${members.length.toLocaleString('en-US')} members (one per unit)`);

    const runtime = { cipher, publicUrl: 'https://lianxin.example.cn' };
    const sources: string[] = [];
    const wallStarted = performance.now();
    let enqueued = 0;
    let lastSend = simNow;
    for (let step = 0; simNow - start.getTime() <= MAX_SIMULATED_MS; step++) {
      const now = new Date(simNow);
      if (step < noticesN) {
        const sourceId = crypto.randomUUID();
        sources.push(sourceId);
        enqueued += await db
          .transaction()
          .execute((tx) => enqueueNotice(tx, { tenantId: t, sourceKind: 'push', sourceId, title: `全县学习通知（压测）第 ${step + 1} 条`, path: 'study' }, members, { now }));
      }
      const before = fake.requests.length;
      await dispatchDue(db, runtime, now, { limit: 1_000_000 });
      if (fake.requests.length > before) lastSend = simNow;
      if (step % 10 === 0) log(`  robots: ${(simNow - start.getTime()) / 1000} s simulated, ${fake.requests.length.toLocaleString('en-US')} messages, ${secs((performance.now() - wallStarted) / 1000)} wall`);
      if (step >= noticesN - 1) {
        const left = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM notification
          WHERE tenant_id = ${t} AND source_id = ANY(${sources}::uuid[]) AND status IN ('pending', 'sending')`.execute(db);
        if ((left.rows[0]?.n ?? 0) === 0) break;
      }
      simNow += STEP_MS;
    }
    const wall = (performance.now() - wallStarted) / 1000;
    const simulated = (lastSend - start.getTime()) / 1000;

    const byRobot = new Map<string, number[]>();
    for (const r of fake.requests) byRobot.set(robotKey(r), [...(byRobot.get(robotKey(r)) ?? []), r.at]);
    const worst = Math.max(0, ...[...byRobot.values()].map((times) => maxInWindow(times.sort((a, b) => a - b))));
    const status = (
      await sql<{ status: string; n: number }>`
        SELECT status, count(*)::int AS n FROM notification WHERE tenant_id = ${t} AND source_id = ANY(${sources}::uuid[]) GROUP BY status`.execute(db)
    ).rows;
    const counts = Object.fromEntries(status.map((s) => [s.status, s.n]));
    const messages = fake.requests.length;
    const allSent = (counts.sent ?? 0) === enqueued;
    log(
      `  robots: ${enqueued.toLocaleString('en-US')} rows, ${messages.toLocaleString('en-US')} messages to ${byRobot.size} robots; ` +
        `most in any 60 s: ${worst}; refused as too fast: ${refused}; all out after ${secs(simulated)} simulated, ${secs(wall)} wall; statuses ${JSON.stringify(counts)}`,
    );

    // The limit: as many messages, posted by the providers straight to the fake (8 at a time, as the dispatcher does).
    fake.answer = null;
    const targets = [...byRobot.keys()];
    const bareStarted = performance.now();
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= messages) return;
        const key = targets[i % targets.length] as string;
        const kind = i % 2 === 0 ? ('wecom' as const) : ('dingtalk' as const);
        await robotProvider(kind).send(
          { kind, webhook: kind === 'wecom' ? `${fake.base}/ok/cgi-bin/webhook/send?key=${key}` : `${fake.base}/ok/robot/send?access_token=${key}`, secret: kind === 'dingtalk' ? 'SECbench' : null },
          { title: '连心：有 3 条新通知', lines: [1, 2, 3].map((n) => ({ text: `【学习】全县学习通知（压测）第 ${n} 条`, link: `https://lianxin.example.cn/m/study?n=${crypto.randomUUID()}` })) },
          new Date(simNow),
        );
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const bare = (performance.now() - bareStarted) / 1000;

    const withinLimits = worst <= PER_MINUTE && refused === 0;
    return [
      {
        figure: `${opts.engine} county: ${noticesN} notices (one a second) to every unit's group robot (${byRobot.size.toLocaleString('en-US')} 企业微信/钉钉 robots on a loopback fake), dispatcher on a simulated clock`,
        value:
          `most messages to one robot in any 60 s: ${worst} (refused as too fast: ${refused}); all ${messages.toLocaleString('en-US')} digests out after ${secs(simulated)} simulated, ${secs(wall)} wall` +
          (allSent ? '' : ` ⚠ not all sent: ${JSON.stringify(counts)} of ${enqueued}`),
          target: `≤ ${PER_MINUTE} per robot in any 60 s; all out ≤ 120 s simulated`,
        limit: `the same ${messages.toLocaleString('en-US')} messages posted straight to the fake: ${secs(bare)}`,
        ratio: ratio(wall / bare),
        pass: passMark(withinLimits && allSent && simulated <= 120),
      },
    ];
  } finally {
    await fake.close();
  }
}
