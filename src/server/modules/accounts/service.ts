import crypto from 'node:crypto';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { authorizeAccountOfMember } from '../../auth/account-reach.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { AppError, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { bumpAuthEpoch } from '../../auth/epoch.ts';
import { memberWithOrg } from '../../directory/index.ts';
import { clock } from '../../clock.ts';

// No 0/O, 1/l/I: an initial password is read aloud over the phone or copied by hand.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function initialPassword(length = 10): string {
  const bytes = crypto.randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

export interface IssuedLogin {
  phone: string;
  initialPassword: string;
  created: boolean;
}

/**
 * Opens the member app to a member (or resets their password): the secretary gets a one-time
 * initial password to pass on; it is never stored or logged in clear. Resetting signs the member
 * out everywhere.
 */
export async function issueMemberLogin(db: Database, ctx: RequestContext, memberId: string): Promise<IssuedLogin> {
  const { actor } = ctx;
  const m = await memberWithOrg(db, actor.tenantId, memberId);
  if (!m || m.left_at) throw notFound('党员');
  authorize(actor, 'member.write', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  await authorizeAccountOfMember(db, actor, memberId);
  const password = initialPassword();
  const hash = await hashPassword(password);
  const issued = await db.transaction().execute(async (tx): Promise<IssuedLogin> => {
    const existing = await tx.selectFrom('account').select(['id', 'member_id', 'phone']).where('tenant_id', '=', actor.tenantId).where((eb) => eb.or([eb('member_id', '=', memberId), eb('phone', '=', m.phone)])).execute();
    const own = existing.find((a) => a.member_id === memberId);
    const clash = existing.find((a) => a.member_id !== memberId);
    if (clash) throw new AppError('conflict', `手机号 ${m.phone} 已被另一个账号使用，请先核对党员的手机号`);
    if (own) {
      await tx
        .updateTable('account')
        .set({ password_hash: hash, password_changed_at: clock.now(), phone: m.phone, display_name: m.name, disabled_at: null })
        .where('tenant_id', '=', actor.tenantId)
        .where('id', '=', own.id)
        .execute();
      await tx.deleteFrom('session').where('tenant_id', '=', actor.tenantId).where('account_id', '=', own.id).execute();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'account.reset_password', entity: 'member', entityId: memberId, after: { phone: m.phone } });
      return { phone: m.phone, initialPassword: password, created: false };
    }
    await tx.insertInto('account').values({ tenant_id: actor.tenantId, phone: m.phone, display_name: m.name, password_hash: hash, member_id: memberId }).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'account.open', entity: 'member', entityId: memberId, after: { phone: m.phone } });
    return { phone: m.phone, initialPassword: password, created: true };
  });
  // A reset ended the member's sessions: callers cached in this process must be reloaded.
  if (!issued.created) bumpAuthEpoch();
  return issued;
}
