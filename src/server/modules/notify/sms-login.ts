import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { Actor } from '../../auth/actor.ts';
import type { AuthService, SessionCookie } from '../../auth/sessions.ts';
import { recordAudit } from '../../audit-log.ts';
import { AppError } from '../../errors.ts';
import { clock } from '../../clock.ts';
import { limitedAddress } from '../../auth/rate-limit.ts';
import type { SmsCodeSent } from '../../../shared/api-sms.ts';
import { readStoredSmsSettings, smsProviderFor } from './providers/sms.ts';
import { smsProviderRowInForce, smsText, tenantsWithSms, type SmsContext } from './sms-settings.ts';

/**
 * Signing in with a one-time code by SMS, where the tenant has an SMS provider in force. Codes live
 * in `sms_login_code` (global: the phone is known before the tenant), only as a keyed hash.
 *
 * - A code has 6 digits and lasts 5 minutes; asking again makes a new one and the older stops counting.
 * - One code a minute and five an hour per phone; twenty an hour per address (counted in the sign-in
 *   limits' table, so every process sees them), against one machine sending codes to many phones.
 * - Five wrong tries end a code; failed sign-ins also count in the password login's limits
 *   (per phone and address), so guessing codes and passwords share one budget.
 * - Nothing tells whether a phone has an account: the same answer, the same limits, a code row for
 *   every request; the message itself is sent after the answer, so the time taken says nothing either.
 */

export const CODE_TTL_MS = 5 * 60_000;
export const CODE_LIMITS = { perMinute: 1, perHour: 5, tries: 5, perAddressHour: 20 } as const;
export const CODE_SENT_WORDS = '如果该手机号已开通，验证码已发送';
const WRONG_CODE = '验证码不正确或已过期，请重新获取';

export class SmsLoginService {
  /** Messages being sent after their answer went out (tests wait for them with `idle()`). */
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly auth: AuthService,
    private readonly sms: SmsContext,
    private readonly onSendError: (err: unknown) => void = () => {},
  ) {}

  private codeHash(phone: string, code: string): string {
    return this.sms.cipher.hash(`sms-login:${phone}:${code}`);
  }

  /** Whether any tenant here signs in by SMS code (the login screen then offers it). */
  async methods(): Promise<{ smsCode: boolean }> {
    const tenants = await this.db.selectFrom('tenant').select('id').execute();
    const withSms = await tenantsWithSms(this.db, tenants.map((t) => t.id), this.sms.env);
    return { smsCode: withSms.size > 0 };
  }

  /** The account a code for this phone signs into: the first (by tenant) active account whose tenant has SMS in force. */
  private async accountFor(db: Executor, phone: string): Promise<{ tenantId: string; accountId: string; displayName: string } | null> {
    const accounts = await db
      .selectFrom('account')
      .select(['tenant_id', 'id', 'display_name'])
      .where('phone', '=', phone)
      .where('disabled_at', 'is', null)
      .orderBy('tenant_id')
      .orderBy('id')
      .execute();
    const withSms = await tenantsWithSms(db, [...new Set(accounts.map((a) => a.tenant_id))], this.sms.env);
    const a = accounts.find((x) => withSms.has(x.tenant_id));
    return a ? { tenantId: a.tenant_id, accountId: a.id, displayName: a.display_name } : null;
  }

  async requestCode(phone: string, clientAddress: string | null): Promise<SmsCodeSent> {
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    const now = clock.now();
    const target = await this.db.transaction().execute(async (tx) => {
      // One request per phone at a time, so two at once cannot both pass the limits.
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`sms-login:${phone}`}))`.execute(tx);
      const recent = await tx
        .selectFrom('sms_login_code')
        .select(['created_at'])
        .where('phone', '=', phone)
        .where('created_at', '>', new Date(now.getTime() - 3_600_000))
        .orderBy('created_at', 'desc')
        .execute();
      const last = recent[0]?.created_at;
      if (last && now.getTime() - last.getTime() < 60_000) {
        const seconds = Math.max(1, Math.ceil((60_000 - (now.getTime() - last.getTime())) / 1000));
        throw new AppError('rate_limited', `请 ${seconds} 秒后再获取验证码`, undefined, seconds);
      }
      if (recent.length >= CODE_LIMITS.perHour) {
        const oldest = recent[recent.length - 1]!.created_at;
        const seconds = Math.max(60, Math.ceil((3_600_000 - (now.getTime() - oldest.getTime())) / 1000));
        throw new AppError('rate_limited', `验证码获取次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试`, undefined, seconds);
      }
      await countAddress(tx, `sms-code ${limitedAddress(clientAddress ?? 'unknown')}`, now);
      await tx
        .insertInto('sms_login_code')
        .values({ phone, code_hash: this.codeHash(phone, code), created_at: now, expires_at: new Date(now.getTime() + CODE_TTL_MS) })
        .execute();
      return this.accountFor(tx, phone);
    });
    if (target) this.track(this.send(target.tenantId, phone, code));
    return { message: CODE_SENT_WORDS, resendAfterSeconds: 60 };
  }

  private track(p: Promise<void>): void {
    const done = p.catch((err: unknown) => this.onSendError(err)).finally(() => this.sending.delete(done));
    this.sending.add(done);
  }

  /** Resolves once every code asked for so far has been handed to its provider. */
  async idle(): Promise<void> {
    while (this.sending.size > 0) await Promise.all(this.sending);
  }

  private async send(tenantId: string, phone: string, code: string): Promise<void> {
    const row = await smsProviderRowInForce(this.db, tenantId, this.sms.env);
    if (!row) return;
    const params = { code };
    const provider = smsProviderFor(row, this.sms.cipher, { db: this.db, ...this.sms.http });
    const text = smsText(readStoredSmsSettings(row.settings).signName, 'login_code', params);
    const outcome = await provider.send({ phone, templateKey: 'login_code', params, text, outId: crypto.randomUUID() });
    // The provider's health as the console shows it; never the code.
    await this.db
      .updateTable('notify_sms_provider')
      .set(outcome.ok ? { last_success_at: clock.now() } : { last_error_at: clock.now(), last_error: outcome.error.slice(0, 500) })
      .where('tenant_id', '=', tenantId)
      .execute();
  }

  /**
   * Signs in with the newest code of the phone. A wrong, used, expired or exhausted code gets one
   * answer (400 on the field `code`), whether or not the phone has an account.
   */
  async signIn(phone: string, code: string, opts: { remember: boolean; ip: string | null; userAgent: string | null }): Promise<{ cookie: SessionCookie; actor: Actor }> {
    const ticket = await this.auth.limiter.begin(phone, opts.ip ?? 'unknown');
    const now = clock.now();
    const result = await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('sms_login_code')
        .select(['id', 'code_hash', 'expires_at', 'attempts', 'used_at'])
        .where('phone', '=', phone)
        .orderBy('created_at', 'desc')
        .limit(1)
        .forUpdate()
        .executeTakeFirst();
      if (!row || row.used_at || row.expires_at.getTime() <= now.getTime() || row.attempts >= CODE_LIMITS.tries) return null;
      const expected = Buffer.from(row.code_hash);
      const given = Buffer.from(this.codeHash(phone, code));
      if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
        await tx.updateTable('sms_login_code').set({ attempts: row.attempts + 1 }).where('id', '=', row.id).execute();
        return null;
      }
      await tx.updateTable('sms_login_code').set({ used_at: now }).where('id', '=', row.id).execute();
      const account = await this.accountFor(tx, phone);
      if (!account) return null;
      await recordAudit(tx, { actor: { accountId: account.accountId, displayName: account.displayName }, ip: opts.ip }, { tenantId: account.tenantId, action: 'account.sms_login', entity: 'account', entityId: account.accountId });
      return account;
    });
    if (!result) throw new AppError('validation_failed', WRONG_CODE, [{ field: 'code', message: WRONG_CODE }]);
    await this.auth.limiter.succeeded(ticket);
    return this.auth.startSession(result.tenantId, result.accountId, { remember: opts.remember, ip: opts.ip, userAgent: opts.userAgent });
  }
}

/**
 * Counts one code asked for from an address in the hour's window (a row of `login_attempt` whose
 * subject starts "sms-code ", apart from the password limits' own subjects); refuses past the limit.
 */
async function countAddress(tx: Executor, subject: string, now: Date): Promise<void> {
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const { rows } = await sql<{ failures: number; window_started_at: Date }>`
    INSERT INTO login_attempt (scope, subject, failures, window_started_at, last_attempt_at)
    VALUES ('address', ${subject}, 1, ${now}, ${now})
    ON CONFLICT (scope, subject) DO UPDATE SET
      failures = CASE WHEN login_attempt.window_started_at <= ${hourAgo} THEN 1 ELSE login_attempt.failures + 1 END,
      window_started_at = CASE WHEN login_attempt.window_started_at <= ${hourAgo} THEN ${now} ELSE login_attempt.window_started_at END,
      last_attempt_at = ${now}
    RETURNING failures, window_started_at`.execute(tx);
  const row = rows[0];
  if (row && row.failures > CODE_LIMITS.perAddressHour) {
    const seconds = Math.max(60, Math.ceil((new Date(row.window_started_at).getTime() + 3_600_000 - now.getTime()) / 1000));
    throw new AppError('rate_limited', `验证码获取次数过多，请 ${Math.ceil(seconds / 60)} 分钟后再试`, undefined, seconds);
  }
}

/** Codes older than a day say nothing any more (the limits look back an hour): the scheduled purge. */
export async function purgeSmsLoginCodes(db: Executor, now: Date): Promise<number> {
  const res = await db.deleteFrom('sms_login_code').where('created_at', '<', new Date(now.getTime() - 86_400_000)).executeTakeFirst();
  return Number(res.numDeletedRows);
}
