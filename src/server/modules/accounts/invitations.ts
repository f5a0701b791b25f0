import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, can } from '../../auth/policy.ts';
import { accountReachOfMember, authorizeAccountOfMember } from '../../auth/account-reach.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { loadActor, type AuthService, type SessionCookie } from '../../auth/sessions.ts';
import type { Actor } from '../../auth/actor.ts';
import type { FieldCipher } from '../../secrets.ts';
import { AppError, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg, memberWithOrg } from '../../directory/index.ts';
import { clock } from '../../clock.ts';
import type { BulkInvitationBody, InvitationSheetItem, InvitationStatus, InvitationView, IssuedInvitation } from '../../../shared/api-invitations.ts';

/**
 * Invitations: a one-time link that lets a member into the member app without a password read over
 * the phone. The member proves who they are with what the secretary's roster holds and they know
 * (the last 4 characters of their ID number, or their birth date), then chooses their own password.
 * The same link resets the password of a member who already has a login.
 *
 * Only a hash of the token is stored: the link exists once, in the answer to the secretary.
 */

/**
 * Wrong answers an invitation takes before it locks, for how long it then stays locked, and after
 * how many in all it is withdrawn: the last 4 of an ID number have about 11,000 values, so a link
 * that fell into the wrong hands gets 15 guesses, not a week of them.
 */
export const WRONG_ANSWERS_BEFORE_LOCK = 5;
export const LOCK_MINUTES = 30;
export const WRONG_ANSWERS_BEFORE_WITHDRAWAL = 15;
/** The most members one invitation sheet may hold. */
const SHEET_MAX = 500;

const tokenHash = (token: string): string => crypto.createHash('sha256').update(token).digest('base64url');
const newToken = (): string => crypto.randomBytes(32).toString('base64url');

/** Where invitation links point: `<public url>/m/invite/<token>`. */
const invitationLink = (publicUrl: string, token: string): string => `${publicUrl.replace(/\/+$/, '')}/m/invite/${token}`;

/** 张*明: the first and last character stay; a two-character name keeps its first (张*). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

interface InvitationRow {
  tenant_id: string;
  id: string;
  member_id: string;
  created_by: string | null;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  failed_attempts: number;
  locked_until: Date | null;
}

function statusOf(inv: InvitationRow, now: Date): InvitationStatus {
  if (inv.used_at) return 'used';
  if (inv.revoked_at) return 'revoked';
  if (inv.expires_at.getTime() <= now.getTime()) return 'expired';
  if (inv.locked_until && inv.locked_until.getTime() > now.getTime()) return 'locked';
  return 'open';
}

/** What a member is asked: the ID number's last 4 when one is on record, else the birth date. */
function askOf(member: { id_number_enc: string | null; birth_date: string | null }): 'id_last4' | 'birth_date' | null {
  if (member.id_number_enc) return 'id_last4';
  if (member.birth_date) return 'birth_date';
  return null;
}

const NO_IDENTITY = '该党员没有登记身份证号或出生日期，无法核对本人身份，请先补全后再发送邀请';

// ---------------------------------------------------------------- issuing (secretaries)

interface Issuable {
  id: string;
  name: string;
  org_name: string;
}

/**
 * Makes a fresh invitation for each member in the caller's transaction, revoking their open one:
 * a member has one link that works, the newest.
 */
async function issueFor(
  tx: Executor,
  ctx: RequestContext,
  members: Issuable[],
  expiresAt: Date,
  publicUrl: string,
): Promise<(InvitationSheetItem & { invitationId: string })[]> {
  const { actor } = ctx;
  if (members.length === 0) return [];
  const now = clock.now();
  const ids = members.map((m) => m.id);
  await tx
    .updateTable('invitation')
    .set({ revoked_at: now })
    .where('tenant_id', '=', actor.tenantId)
    .where('member_id', 'in', ids)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .execute();
  const tokens = members.map(() => newToken());
  const rows = await tx
    .insertInto('invitation')
    .values(members.map((m, i) => ({
      tenant_id: actor.tenantId,
      member_id: m.id,
      token_hash: tokenHash(tokens[i] as string),
      created_by: actor.accountId,
      created_at: now,
      expires_at: expiresAt,
    })))
    .returning(['id', 'member_id'])
    .execute();
  const idOf = new Map(rows.map((r) => [r.member_id, r.id]));
  const items = members.map((m, i) => ({
    invitationId: idOf.get(m.id) as string,
    memberId: m.id,
    name: m.name,
    unitName: m.org_name,
    link: invitationLink(publicUrl, tokens[i] as string),
    expiresAt: expiresAt.toISOString(),
  }));
  for (const item of items) {
    // Never the token or the link: whoever reads the audit log must not be able to use it.
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'invitation.issue',
      entity: 'member',
      entityId: item.memberId,
      after: { invitationId: item.invitationId, expiresAt: item.expiresAt },
    });
  }
  return items;
}

/** The member an invitation may be issued for, after checking the caller may manage their login. */
async function issuableMember(db: Executor, ctx: RequestContext, memberId: string) {
  const { actor } = ctx;
  const m = await memberWithOrg(db, actor.tenantId, memberId);
  if (!m || m.left_at) throw notFound('党员');
  authorize(actor, 'member.write', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  await authorizeAccountOfMember(db, actor, memberId);
  return m;
}

export interface InvitationOptions {
  /** the tenant's `invitationDays` */
  days: number;
  publicUrl: string;
}

/** `POST /api/members/:id/invitation`: a new link for one member (their previous open one stops working). */
export async function issueInvitation(db: Database, ctx: RequestContext, memberId: string, opts: InvitationOptions): Promise<IssuedInvitation> {
  const m = await issuableMember(db, ctx, memberId);
  if (!askOf(m)) throw new AppError('conflict', NO_IDENTITY);
  const expiresAt = new Date(clock.now().getTime() + opts.days * 86_400_000);
  const [item] = await db.transaction().execute((tx) => issueFor(tx, ctx, [{ id: m.id, name: m.name, org_name: m.org_name }], expiresAt, opts.publicUrl));
  if (!item) throw new AppError('internal', '服务器内部错误，请稍后再试');
  return { invitationId: item.invitationId, link: item.link, expiresAt: item.expiresAt };
}

/** `DELETE /api/members/:id/invitation`: the member's open link stops working. */
export async function revokeInvitation(db: Database, ctx: RequestContext, memberId: string): Promise<void> {
  const { actor } = ctx;
  await issuableMember(db, ctx, memberId);
  await db.transaction().execute(async (tx) => {
    const revoked = await tx
      .updateTable('invitation')
      .set({ revoked_at: clock.now() })
      .where('tenant_id', '=', actor.tenantId)
      .where('member_id', '=', memberId)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (!revoked) throw notFound('邀请');
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'invitation.revoke', entity: 'member', entityId: memberId, before: { invitationId: revoked.id } });
  });
}

/**
 * `POST /api/invitations/bulk`: the invitation sheet of a unit. With `memberIds`, exactly those
 * members (each must be in the unit's subtree and the caller's hands: else 403); without, the
 * unit's members in the caller's hands — by default those without a login yet (`only`), leaving
 * out members whose login reaches beyond the caller and members with neither ID number nor birth
 * date on record (they cannot prove who they are).
 */
export async function issueInvitationSheet(db: Database, ctx: RequestContext, body: BulkInvitationBody, opts: InvitationOptions): Promise<InvitationSheetItem[]> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, body.orgId);
  authorize(actor, 'member.write', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  const picked = body.memberIds ? [...new Set(body.memberIds)] : null;
  const only = body.only ?? (picked ? 'all' : 'without_account');
  let query = db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['m.id', 'm.name', 'm.left_at', 'm.id_number_enc', 'm.birth_date', 'o.name as org_name', 'o.path as org_path'])
    .select(sql<boolean>`EXISTS (SELECT 1 FROM account a WHERE a.tenant_id = m.tenant_id AND a.member_id = m.id)`.as('has_account'))
    .where('m.tenant_id', '=', actor.tenantId);
  if (picked) query = query.where('m.id', 'in', picked);
  else query = query.where('o.path', 'like', `${org.path}%`).where('m.left_at', 'is', null);
  const rows = await query.orderBy('o.path').orderBy('m.name_sort_key').orderBy('m.id').execute();

  let chosen: typeof rows;
  if (picked) {
    if (rows.length !== picked.length) throw notFound('党员');
    for (const m of rows) {
      if (m.left_at) throw notFound('党员');
      if (!m.org_path.startsWith(org.path)) throw new AppError('forbidden', '无权执行此操作');
      authorize(actor, 'member.write', { kind: 'member', tenantId: actor.tenantId, memberId: m.id, orgPath: m.org_path });
      await authorizeAccountOfMember(db, actor, m.id);
      if (!askOf(m)) throw new AppError('conflict', `${m.name}：该党员没有登记身份证号或出生日期，无法核对本人身份，请先补全后再发送邀请`);
    }
    chosen = rows.filter((m) => only === 'all' || !m.has_account);
  } else {
    chosen = [];
    for (const m of rows) {
      if (only === 'without_account' && m.has_account) continue;
      if (!askOf(m)) continue;
      if (!can(actor, 'member.write', { kind: 'member', tenantId: actor.tenantId, memberId: m.id, orgPath: m.org_path })) continue;
      const reach = m.has_account ? await accountReachOfMember(db, actor.tenantId, m.id) : null;
      if (reach && !can(actor, 'account.manage', { kind: 'account', tenantId: actor.tenantId, reach })) continue;
      chosen.push(m);
    }
  }
  if (chosen.length > SHEET_MAX) {
    throw new AppError('validation_failed', `一次最多为 ${SHEET_MAX} 人生成邀请，请按下级组织分批生成`, [
      { field: 'orgId', message: `一次最多为 ${SHEET_MAX} 人生成邀请，请按下级组织分批生成` },
    ]);
  }
  const expiresAt = new Date(clock.now().getTime() + opts.days * 86_400_000);
  const items = await db.transaction().execute((tx) => issueFor(tx, ctx, chosen, expiresAt, opts.publicUrl));
  return items.map((item) => ({ memberId: item.memberId, name: item.name, unitName: item.unitName, link: item.link, expiresAt: item.expiresAt }));
}

// ---------------------------------------------------------------- the link (public)

interface Found {
  inv: InvitationRow;
  member: NonNullable<Awaited<ReturnType<typeof memberWithOrg>>>;
}

async function findByToken(db: Executor, token: string, lock = false): Promise<Found> {
  let query = db
    .selectFrom('invitation')
    .select(['tenant_id', 'id', 'member_id', 'created_by', 'expires_at', 'used_at', 'revoked_at', 'failed_attempts', 'locked_until'])
    .where('token_hash', '=', tokenHash(token));
  if (lock) query = query.forUpdate();
  const inv = await query.executeTakeFirst();
  if (!inv) throw notFound('邀请链接');
  const member = await memberWithOrg(db, inv.tenant_id, inv.member_id);
  if (!member) throw notFound('邀请链接');
  // A member who has left the party organization is no longer invited.
  if (member.left_at && !inv.used_at && !inv.revoked_at) inv.revoked_at = member.left_at;
  return { inv, member };
}

/** Whom a member asks when the link does not work: who sent it, or else the nearest secretary above them. */
async function contactFor(db: Executor, inv: InvitationRow, orgPath: string): Promise<{ name: string; phone: string } | null> {
  if (inv.created_by) {
    const issuer = await db
      .selectFrom('account')
      .select(['display_name', 'phone'])
      .where('tenant_id', '=', inv.tenant_id)
      .where('id', '=', inv.created_by)
      .where('disabled_at', 'is', null)
      .where('is_tenant_admin', '=', false)
      .executeTakeFirst();
    if (issuer) return { name: issuer.display_name, phone: issuer.phone };
  }
  const secretary = await db
    .selectFrom('role_assignment as r')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .innerJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 'r.tenant_id').onRef('a.id', '=', 'r.account_id'))
    .select(['a.display_name', 'a.phone'])
    .where('r.tenant_id', '=', inv.tenant_id)
    .where('r.role', '=', 'secretary')
    .where('a.disabled_at', 'is', null)
    .where('o.retired_at', 'is', null)
    .where(sql<boolean>`${orgPath} LIKE o.path || '%'`)
    .orderBy(sql`length(o.path)`, 'desc')
    .orderBy('r.created_at')
    .limit(1)
    .executeTakeFirst();
  return secretary ? { name: secretary.display_name, phone: secretary.phone } : null;
}

/** `GET /api/invitations/:token`: what the invitation page shows before anyone has signed in. */
export async function viewInvitation(db: Database, token: string): Promise<InvitationView> {
  const { inv, member } = await findByToken(db, token);
  const status = statusOf(inv, clock.now());
  return {
    status,
    name: maskName(member.name),
    unitName: member.org_name,
    ask: askOf(member) ?? 'birth_date',
    contact: await contactFor(db, inv, member.org_path),
    lockedUntil: status === 'locked' && inv.locked_until ? inv.locked_until.toISOString() : null,
  };
}

/** Compares without revealing: in constant time, of equal-length digests. */
function sameText(a: string, b: string): boolean {
  const da = crypto.createHash('sha256').update(a).digest();
  const db = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(da, db);
}

/** Whether the answer proves the member: the ID number's last 4 (x or X), or the birth date (2 May 1980 as 1980-05-02, 1980/5/2 or 19800502). */
function answerMatches(cipher: FieldCipher, member: { id_number_enc: string | null; birth_date: string | null }, answer: string): boolean {
  const given = answer.trim().toUpperCase();
  if (member.id_number_enc) {
    const idNumber = cipher.decrypt(member.id_number_enc).trim().toUpperCase();
    return idNumber.length >= 4 && sameText(idNumber.slice(-4), given);
  }
  if (member.birth_date) {
    const parts = given.split(/[-/.年月日\s]+/).filter(Boolean);
    const digits =
      parts.length === 3 && parts[0]?.length === 4
        ? `${parts[0]}${parts[1]?.padStart(2, '0')}${parts[2]?.padStart(2, '0')}`
        : given.replace(/\D/g, '');
    return sameText(member.birth_date.replaceAll('-', ''), digits);
  }
  return false;
}

function refusal(status: InvitationStatus, lockedUntil: Date | null, now: Date): AppError {
  switch (status) {
    case 'used':
      return new AppError('conflict', '该邀请链接已经用过了，请直接用手机号和密码登录；忘记密码请联系书记重新发送邀请');
    case 'expired':
      return new AppError('conflict', '该邀请链接已过期，请联系书记重新发送');
    case 'revoked':
      return new AppError('conflict', '该邀请链接已作废，请联系书记重新发送');
    default: {
      const seconds = Math.max(1, Math.ceil(((lockedUntil?.getTime() ?? now.getTime()) - now.getTime()) / 1000));
      return new AppError('rate_limited', `答错次数太多，请 ${Math.ceil(seconds / 60)} 分钟后再试，或联系书记`, undefined, seconds);
    }
  }
}

export interface RedeemInput {
  answer: string;
  password: string;
  remember: boolean;
  ip: string | null;
  userAgent: string | null;
}

export interface Redeemed {
  cookie: SessionCookie;
  actor: Actor;
}

/**
 * Whether the login the invitation would set a password for is still within what its sender may
 * manage: a member invited as a plain member who has since become a secretary above the sender
 * must not have their password set by that sender's old link.
 */
async function stillManageable(tx: Executor, inv: InvitationRow): Promise<boolean> {
  const reach = await accountReachOfMember(tx, inv.tenant_id, inv.member_id);
  if (!reach) return true;
  const sender = inv.created_by ? await loadActor(tx, inv.tenant_id, inv.created_by, '') : null;
  if (sender) return can(sender, 'account.manage', { kind: 'account', tenantId: inv.tenant_id, reach });
  return !reach.isTenantAdmin && reach.rolePaths.length === 0 && reach.menteeOrgPaths.length === 0;
}

/**
 * `POST /api/invitations/:token/redeem`: the member proves who they are and chooses a password;
 * their login is opened (or its password set: every other session of it ends) and they are signed
 * in. A wrong answer is counted on the invitation (locked for 30 minutes after every 5, withdrawn
 * after 15) and on the caller's address (the sign-in limits of auth/rate-limit.ts).
 */
export async function redeemInvitation(db: Database, cipher: FieldCipher, auth: AuthService, token: string, input: RedeemInput): Promise<Redeemed> {
  const first = await findByToken(db, token);
  const before = statusOf(first.inv, clock.now());
  if (before !== 'open') throw refusal(before, first.inv.locked_until, clock.now());
  const ticket = await auth.limiter.begin(`invitation:${first.inv.id}`, input.ip ?? 'unknown');
  // Hashed before the transaction: the invitation's row stays locked only for the short writes.
  const passwordHash = await hashPassword(input.password);

  const outcome = await db.transaction().execute(async (tx) => {
    const { inv, member } = await findByToken(tx, token, true);
    const now = clock.now();
    const status = statusOf(inv, now);
    if (status !== 'open') return { kind: 'refused' as const, error: refusal(status, inv.locked_until, now) };

    if (!answerMatches(cipher, member, input.answer)) {
      const failed = inv.failed_attempts + 1;
      const withdraws = failed >= WRONG_ANSWERS_BEFORE_WITHDRAWAL;
      const locks = !withdraws && failed % WRONG_ANSWERS_BEFORE_LOCK === 0;
      const lockedUntil = locks ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : null;
      await tx
        .updateTable('invitation')
        .set({ failed_attempts: failed, ...(locks ? { locked_until: lockedUntil } : {}), ...(withdraws ? { revoked_at: now } : {}) })
        .where('tenant_id', '=', inv.tenant_id)
        .where('id', '=', inv.id)
        .execute();
      // Never the answer given: it is part of an ID number or a birth date.
      await recordAudit(tx, null, {
        tenantId: inv.tenant_id,
        action: 'invitation.wrong_answer',
        entity: 'member',
        entityId: inv.member_id,
        after: { invitationId: inv.id, attempt: failed, locked: locks, withdrawn: withdraws, ip: input.ip },
      });
      if (withdraws) return { kind: 'refused' as const, error: new AppError('conflict', '答错次数太多，该邀请链接已作废，请联系书记重新发送') };
      return { kind: 'wrong' as const, left: WRONG_ANSWERS_BEFORE_LOCK - (failed % WRONG_ANSWERS_BEFORE_LOCK), lockedUntil, now };
    }

    if (!(await stillManageable(tx, inv))) {
      await tx.updateTable('invitation').set({ revoked_at: now }).where('tenant_id', '=', inv.tenant_id).where('id', '=', inv.id).execute();
      await recordAudit(tx, null, { tenantId: inv.tenant_id, action: 'invitation.revoke', entity: 'member', entityId: inv.member_id, after: { invitationId: inv.id, reason: 'beyond_sender' } });
      return { kind: 'refused' as const, error: refusal('revoked', null, now) };
    }

    const accounts = await tx
      .selectFrom('account')
      .select(['id', 'member_id'])
      .where('tenant_id', '=', inv.tenant_id)
      .where((eb) => eb.or([eb('member_id', '=', inv.member_id), eb('phone', '=', member.phone)]))
      .execute();
    const own = accounts.find((a) => a.member_id === inv.member_id);
    if (accounts.some((a) => a.member_id !== inv.member_id)) {
      return { kind: 'refused' as const, error: new AppError('conflict', '您的手机号已被另一个账号使用，请联系书记核对手机号') };
    }
    let accountId: string;
    if (own) {
      accountId = own.id;
      await tx
        .updateTable('account')
        .set({ password_hash: passwordHash, password_changed_at: now, phone: member.phone, display_name: member.name, disabled_at: null })
        .where('tenant_id', '=', inv.tenant_id)
        .where('id', '=', own.id)
        .execute();
      // A reset: whoever was signed in with the old password is signed out.
      await tx.deleteFrom('session').where('tenant_id', '=', inv.tenant_id).where('account_id', '=', own.id).execute();
    } else {
      const created = await tx
        .insertInto('account')
        .values({ tenant_id: inv.tenant_id, phone: member.phone, display_name: member.name, password_hash: passwordHash, member_id: inv.member_id })
        .returning('id')
        .executeTakeFirstOrThrow();
      accountId = created.id;
    }
    await tx.updateTable('invitation').set({ used_at: now, locked_until: null }).where('tenant_id', '=', inv.tenant_id).where('id', '=', inv.id).execute();
    await recordAudit(
      tx,
      { actor: { accountId, displayName: member.name }, ip: input.ip },
      { tenantId: inv.tenant_id, action: 'invitation.redeem', entity: 'member', entityId: inv.member_id, after: { invitationId: inv.id, created: !own, phone: member.phone } },
    );
    return { kind: 'redeemed' as const, reset: Boolean(own), tenantId: inv.tenant_id, accountId };
  });

  if (outcome.kind === 'refused') throw outcome.error;
  if (outcome.kind === 'wrong') {
    if (outcome.lockedUntil) throw refusal('locked', outcome.lockedUntil, outcome.now);
    const message = `答案不正确，还可以再试 ${outcome.left} 次`;
    throw new AppError('validation_failed', message, [{ field: 'answer', message }]);
  }
  await auth.limiter.succeeded(ticket);
  if (outcome.reset) auth.forgetSessionsOf(outcome.tenantId, outcome.accountId);
  // Signed in once the password is committed (the session reads the tenant's settings on its own).
  return auth.startSession(outcome.tenantId, outcome.accountId, { remember: input.remember, ip: input.ip, userAgent: input.userAgent });
}
