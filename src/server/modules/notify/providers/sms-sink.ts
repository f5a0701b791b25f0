import { sql } from 'kysely';
import type { Executor } from '../../../db/database.ts';
import type { SendOutcome, SmsMessage, SmsProvider, SmsReceipt } from './types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One message for the sink, with the tenant it belongs to. */
export interface SinkMessage {
  tenantId: string;
  /** The notification it carries (or null: a message outside the outbox, e.g. a sign-in code). */
  notificationId: string | null;
  phone: string;
  text: string;
}

/**
 * Writes messages into `sms_sink` in one statement. A notification's message is written at most
 * once (ON CONFLICT on (tenant, notification) DO NOTHING), so a resend after a crash — the row
 * was written, the process died before recording it sent — never makes a second message.
 * Returns how many were new.
 */
export async function writeSink(db: Executor, messages: SinkMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const result = await sql`
    INSERT INTO sms_sink (tenant_id, notification_id, phone, text)
    SELECT t, n, p, x FROM unnest(${messages.map((m) => m.tenantId)}::uuid[], ${messages.map((m) => m.notificationId)}::uuid[],
      ${messages.map((m) => m.phone)}::text[], ${messages.map((m) => m.text)}::text[]) AS v(t, n, p, x)
    ON CONFLICT (tenant_id, notification_id) WHERE notification_id IS NOT NULL DO NOTHING`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * The local SMS sink: the default "provider" outside production. Nothing leaves the machine; the
 * messages a real provider would have sent are kept in `sms_sink` for developers, tests and the
 * bench to read. Its receipts are never posted (it reports nothing delivered).
 */
export class SinkSmsProvider implements SmsProvider {
  readonly kind = 'sink' as const;
  constructor(
    private readonly db: Executor,
    private readonly tenantId: string,
  ) {}

  async send(message: SmsMessage): Promise<SendOutcome> {
    await writeSink(this.db, [{ tenantId: this.tenantId, notificationId: UUID.test(message.outId) ? message.outId : null, phone: message.phone, text: message.text }]);
    return { ok: true, providerMsgId: `sink-${message.outId}` };
  }

  parseReceipts(): SmsReceipt[] {
    return [];
  }

  receiptAck(): unknown {
    return { ok: true };
  }
}
