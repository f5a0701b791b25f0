import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { AppError } from '../../errors.ts';
import type { FieldCipher } from '../../secrets.ts';
import { sqlNow } from '../../clock.ts';
import { ALIYUN_RECEIPT_ACK, parseAliyunReceipts } from './providers/sms-aliyun.ts';
import { parseTencentReceipts, TENCENT_RECEIPT_ACK } from './providers/sms-tencent.ts';
import type { SmsReceipt } from './providers/types.ts';
import { tenantOfReceiptKey } from './sms-settings.ts';

/**
 * Delivery receipts the SMS services post (阿里云 SmsReport, 腾讯云 短信下发状态). The address
 * carries the tenant's receipt key (sms-settings.ts), so a stranger cannot mark messages
 * delivered. Services post the same receipt again when unsure it arrived: each is kept once in
 * `sms_receipt`, and setting the notification's status is harmless to repeat.
 */

export type ReceiptProvider = 'aliyun' | 'tencent';

const PARSERS: Record<ReceiptProvider, (body: unknown) => SmsReceipt[]> = { aliyun: parseAliyunReceipts, tencent: parseTencentReceipts };
const ACKS: Record<ReceiptProvider, unknown> = { aliyun: ALIYUN_RECEIPT_ACK, tencent: TENCENT_RECEIPT_ACK };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Records the receipts of `body` for the tenant the key names; answers what the service expects back. */
export async function recordSmsReceipts(db: Database, cipher: FieldCipher, provider: ReceiptProvider, key: string, body: unknown): Promise<{ ack: unknown; recorded: number }> {
  const tenantId = await tenantOfReceiptKey(db, cipher, key);
  if (!tenantId) throw new AppError('forbidden', '回执地址的密钥不正确');
  if (!Array.isArray(body)) throw new AppError('validation_failed', '回执应为 JSON 数组', [{ field: 'body', message: '回执应为 JSON 数组' }]);
  const receipts = PARSERS[provider](body);
  let recorded = 0;
  await db.transaction().execute(async (tx) => {
    for (const r of receipts) {
      const status = r.delivered ? 'delivered' : 'failed';
      const inserted = await tx
        .insertInto('sms_receipt')
        .values({ provider, provider_msg_id: r.providerMsgId, status, phone: r.phone ?? null, code: r.code ?? null, reported_at: r.at ?? null })
        .onConflict((oc) => oc.columns(['provider', 'provider_msg_id', 'status']).doNothing())
        .executeTakeFirst();
      recorded += Number(inserted.numInsertedOrUpdatedRows ?? 0n);
      const outId = r.outId && UUID.test(r.outId) ? r.outId : null;
      const match = sql<boolean>`(provider_msg_id = ${r.providerMsgId}${outId ? sql` OR id = ${outId}::uuid` : sql``})`;
      // A delivery is final; a failure never overwrites a delivery nor a message that was withdrawn.
      await tx
        .updateTable('notification')
        .set(
          r.delivered
            ? // A receipt can outrun the dispatcher's record of the send (matched by our id): it was sent.
              { status: 'delivered', delivered_at: r.at ?? sqlNow, sent_at: sql<Date>`coalesce(sent_at, ${r.at ?? sqlNow})` }
            : { status: 'failed', failed_at: r.at ?? sqlNow, last_error: `receipt: ${r.code ?? 'FAIL'}`.slice(0, 500) },
        )
        .where('tenant_id', '=', tenantId)
        .where('channel', '=', 'sms')
        .where(match)
        .where('status', 'not in', r.delivered ? ['delivered', 'cancelled'] : ['delivered', 'failed', 'cancelled'])
        .execute();
    }
  });
  return { ack: ACKS[provider], recorded };
}
