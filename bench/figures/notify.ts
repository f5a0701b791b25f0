import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { OpenedDatabase } from '../../src/server/db/database.ts';
import { FieldCipher } from '../../src/server/secrets.ts';
import { chinaDay, chinaDayStart } from '../../src/shared/china-time.ts';
import { dispatchDue, enqueueNotice } from '../../src/server/modules/notify/index.ts';
import type { GeneratedCounty } from '../generate.ts';
import { log, mb, ratio, secs } from '../lib/stats.ts';
import { passMark, type Row } from '../lib/table.ts';

/**
 * Outbox fan-out: one push to every member of the county through the local SMS sink — enqueueNotice
 * (one INSERT … SELECT per channel) and then the dispatcher (claims of 500 rows under a lease, the
 * sink's messages in one statement per claim, outcomes in one statement) until every notification
 * is sent. Memory is sampled all along: the peak RSS growth should stay flat however many members.
 * Checked afterwards: one sent notification and one sink message per member. Limit: the same rows
 * written by hand — the notifications as sent and their sink messages, two INSERT … SELECT in one
 * transaction.
 */
export const NOTIFY_TARGET_S = 60;

export async function benchNotify(opts: { engine: string; opened: OpenedDatabase; county: GeneratedCounty }): Promise<Row[]> {
  const db = opts.opened.db;
  const t = opts.county.tenantId;
  const figure = `${opts.engine} county: a push to every member through the SMS sink, enqueueNotice + dispatchDue until all sent`;
  // Every member consented to SMS; the tenant's provider is the local sink; nothing else reaches them.
  await sql`INSERT INTO notify_preference (tenant_id, member_id, channel, enabled)
    SELECT tenant_id, id, 'sms', true FROM member WHERE tenant_id = ${t} AND left_at IS NULL ON CONFLICT DO NOTHING`.execute(db);
  await sql`INSERT INTO notify_sms_provider (tenant_id, kind) VALUES (${t}, 'sink') ON CONFLICT (tenant_id) DO NOTHING`.execute(db);
  const ids = (await sql<{ id: string }>`SELECT id FROM member WHERE tenant_id = ${t} AND left_at IS NULL`.execute(db)).rows.map((r) => r.id);
  const runtime = { cipher: new FieldCipher(Buffer.from(opts.county.keyHex, 'hex')), publicUrl: 'https://lianxin.example.cn' };
  // 10:00 in China today: outside the quiet hours whenever the bench runs.
  const now = new Date(chinaDayStart(chinaDay(new Date())).getTime() + 10 * 3_600_000);
  const sourceId = crypto.randomUUID();

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  log(`  notify: ${ids.length.toLocaleString('en-US')} members`);
  const started = performance.now();
  const enqueued = await db
    .transaction()
    .execute((tx) => enqueueNotice(tx, { tenantId: t, sourceKind: 'push', sourceId, title: '全县每日一推送（压测）', path: 'study' }, ids, { now }));
  const enqueueSeconds = (performance.now() - started) / 1000;
  let handled = 0;
  for (;;) {
    const n = await dispatchDue(db, runtime, now, { limit: 5_000 });
    if (n === 0) break;
    handled += n;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const got = (
    await sql<{ sent: number; sink: number; sink_distinct: number }>`
      SELECT
        (SELECT count(*)::int FROM notification WHERE tenant_id = ${t} AND source_id = ${sourceId} AND status = 'sent') AS sent,
        (SELECT count(*)::int FROM sms_sink s JOIN notification n ON n.tenant_id = s.tenant_id AND n.id = s.notification_id WHERE n.source_id = ${sourceId}) AS sink,
        (SELECT count(DISTINCT s.notification_id)::int FROM sms_sink s JOIN notification n ON n.tenant_id = s.tenant_id AND n.id = s.notification_id WHERE n.source_id = ${sourceId}) AS sink_distinct`.execute(db)
  ).rows[0];
  const correct = enqueued === ids.length && handled === ids.length && got?.sent === ids.length && got.sink === ids.length && got.sink_distinct === ids.length;
  log(`  notify: ${secs(seconds)} (enqueue ${secs(enqueueSeconds)}), ${got?.sent} sent, ${got?.sink} sink messages, peak RSS +${mb(peak - rssBefore)}`);

  // The limit: the same rows by hand, for a second source.
  const bareSource = crypto.randomUUID();
  const bareStarted = performance.now();
  await db.transaction().execute(async (tx) => {
    await sql`INSERT INTO notification (tenant_id, source_kind, source_id, channel, recipient_id, member_id, template_key, params, link, status, attempts, not_before, sent_at)
      SELECT m.tenant_id, 'push', ${bareSource}::uuid, 'sms', m.id, m.id, 'study', '{"title":"全县每日一推送（压测）"}'::jsonb, 'study', 'sent', 1, ${now}::timestamptz, ${now}::timestamptz
      FROM member m WHERE m.tenant_id = ${t} AND m.left_at IS NULL`.execute(tx);
    await sql`INSERT INTO sms_sink (tenant_id, notification_id, phone, text)
      SELECT n.tenant_id, n.id, m.phone, '您有一条新的学习通知，请点击链接查看：https://lianxin.example.cn/m/study?n=' || n.id
      FROM notification n JOIN member m ON m.tenant_id = n.tenant_id AND m.id = n.member_id
      WHERE n.tenant_id = ${t} AND n.source_id = ${bareSource}`.execute(tx);
  });
  const bare = (performance.now() - bareStarted) / 1000;
  return [
    {
      figure: `${figure}, ${ids.length.toLocaleString('en-US')} members`,
      value:
        `${secs(seconds)} (enqueue ${secs(enqueueSeconds)}); peak RSS +${mb(peak - rssBefore)}` +
        (correct ? '' : ` ⚠ expected ${ids.length} sent, each with one sink message (enqueued ${enqueued}, handled ${handled}, sent ${got?.sent}, sink ${got?.sink}/${got?.sink_distinct} distinct)`),
      target: `≤ ${NOTIFY_TARGET_S} s, flat memory`,
      limit: `hand-written INSERT … SELECT ${secs(bare)}`,
      ratio: ratio(seconds / bare),
      pass: passMark(correct && seconds <= NOTIFY_TARGET_S),
    },
  ];
}
