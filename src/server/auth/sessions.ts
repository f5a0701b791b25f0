import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Database, Executor } from '../db/database.ts';
import { AppError, notFound } from '../errors.ts';
import { describeUserAgent } from '../../shared/api-invitations.ts';
import type { Actor, RequestContext } from './actor.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.ts';
import { LoginLimiter } from './rate-limit.ts';
import { recordAudit } from '../audit-log.ts';
import { authEpoch, bumpAuthEpoch } from './epoch.ts';
import { clock, sqlNow } from '../clock.ts';

/** Actors are cached briefly per session: most requests then need no query to know their caller. */
const ACTOR_TTL_MS = 15_000;
const ACTOR_CACHE_MAX = 20_000;
interface CachedActor {
  actor: Actor;
  epoch: number;
  until: number;
}

const sha256 = (s: string): string => crypto.createHash('sha256').update(s).digest('base64url');

export interface DeviceRow {
  id: string;
  created_at: Date;
  last_seen_at: Date | null;
  expires_at: Date;
  user_agent: string | null;
  remember: boolean;
  current: boolean;
}

export interface StartSessionOptions {
  remember: boolean;
  ip: string | null;
  userAgent: string | null;
}

/** "Remember this phone" is for members: never for an account that acts for a unit or the tenant. */
function mayRemember(actor: Actor): boolean {
  return actor.memberId !== null && !actor.isTenantAdmin && !actor.scopes.some((s) => s.role === 'secretary');
}

/** A session's last-seen time is written at most this often, not on every request. */
const LAST_SEEN_EVERY_MS = 3_600_000;

export interface SessionCookie {
  value: string;
  csrfToken: string;
  expiresAt: Date;
  /**
   * The same lifetime counted from when the browser receives it: browsers expire cookies by their own
   * clock, which a server started at another moment (LIANXIN_CLOCK_AT, clock.ts) does not share.
   */
  maxAgeSeconds: number;
}

/** Cookie value: `<tenantId>.<token>`; the database stores only a hash of the token. */
function parseCookie(value: string): { tenantId: string; tokenHash: string } | null {
  const dot = value.indexOf('.');
  if (dot <= 0) return null;
  const tenantId = value.slice(0, dot);
  if (!/^[0-9a-f-]{36}$/.test(tenantId)) return null;
  return { tenantId, tokenHash: sha256(value.slice(dot + 1)) };
}

export class AuthService {
  /** Failed sign-ins per phone and address, per address and per phone (see rate-limit.ts). */
  readonly limiter: LoginLimiter;

  private readonly actors = new Map<string, CachedActor>();

  constructor(
    private readonly db: Database,
    private readonly sessionDays: number,
    private readonly now: () => Date = () => clock.now(),
    /**
     * How long a remembered phone stays signed in, per tenant (the `rememberDays` setting). The
     * assembly passes the settings module's reader: auth sits below the modules and cannot import it.
     * Without one a remembered session lasts as long as any other.
     */
    private readonly rememberDaysOf: (tenantId: string) => Promise<number> = async () => sessionDays,
  ) {
    this.limiter = new LoginLimiter(db, now);
  }

  private forgetAccount(tenantId: string, accountId: string): void {
    for (const [key, entry] of this.actors) {
      if (entry.actor.tenantId === tenantId && entry.actor.accountId === accountId) this.actors.delete(key);
    }
  }

  async login(
    phone: string,
    password: string,
    ip: string | null,
    userAgent: string | null,
    options: { remember?: boolean } = {},
  ): Promise<{ cookie: SessionCookie; actor: Actor }> {
    const ticket = await this.limiter.begin(phone, ip ?? 'unknown');
    const candidates = await this.db
      .selectFrom('account')
      .select(['tenant_id', 'id', 'password_hash', 'disabled_at'])
      .where('phone', '=', phone)
      .execute();
    let matched: (typeof candidates)[number] | undefined;
    for (const c of candidates) {
      if (!c.disabled_at && (await verifyPassword(c.password_hash, password))) {
        matched = c;
        break;
      }
    }
    if (candidates.length === 0) await verifyPassword(await dummyPasswordHash(), password);
    if (!matched) throw new AppError('invalid_credentials', '手机号或密码不正确');
    await this.limiter.succeeded(ticket);
    return this.startSession(matched.tenant_id, matched.id, { remember: options.remember ?? false, ip, userAgent }).catch((err: unknown) => {
      // The account was disabled between the password check and the session: the same answer as a wrong password.
      if (err instanceof AppError && err.code === 'unauthenticated') throw new AppError('invalid_credentials', '手机号或密码不正确');
      throw err;
    });
  }

  /**
   * Signs a person in: the one place a session is made (password login, invitations, SMS codes).
   * `remember` ("记住这台手机") is for members on their own phone and lasts the tenant's
   * `rememberDays`; an account that is a secretary or administrator always gets the short session,
   * whatever the box said. Call it after the caller's transaction has committed: it writes on its own.
   */
  async startSession(tenantId: string, accountId: string, options: StartSessionOptions): Promise<{ cookie: SessionCookie; actor: Actor }> {
    const token = crypto.randomBytes(32).toString('base64url');
    const csrfToken = crypto.randomBytes(24).toString('base64url');
    const actor = await loadActor(this.db, tenantId, accountId, csrfToken);
    if (!actor) throw new AppError('unauthenticated', '请先登录');
    const remember = options.remember && mayRemember(actor);
    const days = remember ? await this.rememberDaysOf(tenantId) : this.sessionDays;
    const now = this.now();
    const expiresAt = new Date(now.getTime() + days * 86_400_000);
    await this.db
      .insertInto('session')
      .values({
        tenant_id: tenantId,
        token_hash: sha256(token),
        account_id: accountId,
        csrf_token: csrfToken,
        expires_at: expiresAt,
        ip: options.ip,
        user_agent: options.userAgent?.slice(0, 300) ?? null,
        remember,
        last_seen_at: now,
      })
      .execute();
    return { cookie: { value: `${tenantId}.${token}`, csrfToken, expiresAt, maxAgeSeconds: days * 86_400 }, actor };
  }

  async actorFromCookie(value: string): Promise<Actor | null> {
    const parsed = parseCookie(value);
    if (!parsed) return null;
    const key = `${parsed.tenantId}.${parsed.tokenHash}`;
    const now = this.now().getTime();
    const cached = this.actors.get(key);
    if (cached && cached.until > now && cached.epoch === authEpoch()) return cached.actor;
    const epoch = authEpoch();
    // One round trip: the session with its account, roles and mentees (every request of a member
    // who has not called for 15 s starts here — a check-in burst is thousands of them).
    const row = await actorRowBySession(this.db, parsed.tenantId, parsed.tokenHash);
    if (!row || !row.expires_at || row.expires_at.getTime() < now) {
      this.actors.delete(key);
      return null;
    }
    const actor = actorOf(parsed.tenantId, row, row.csrf_token ?? '');
    if (!actor) return null;
    if (!row.last_seen_at || row.last_seen_at.getTime() + LAST_SEEN_EVERY_MS <= now) await this.touch(parsed.tenantId, parsed.tokenHash, now);
    if (this.actors.size >= ACTOR_CACHE_MAX) this.actors.clear();
    this.actors.set(key, { actor, epoch, until: Math.min(now + ACTOR_TTL_MS, row.expires_at.getTime()) });
    return actor;
  }

  /** Records that a session was used; a no-op when another request of the hour already did. */
  private async touch(tenantId: string, tokenHash: string, now: number): Promise<void> {
    const at = new Date(now);
    await this.db
      .updateTable('session')
      .set({ last_seen_at: at })
      .where('tenant_id', '=', tenantId)
      .where('token_hash', '=', tokenHash)
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<=', new Date(now - LAST_SEEN_EVERY_MS))]))
      .execute();
  }

  async logout(value: string): Promise<void> {
    const parsed = parseCookie(value);
    if (!parsed) return;
    this.actors.delete(`${parsed.tenantId}.${parsed.tokenHash}`);
    await this.db
      .deleteFrom('session')
      .where('tenant_id', '=', parsed.tenantId)
      .where('token_hash', '=', parsed.tokenHash)
      .execute();
    // Other server processes may hold this session's caller in their cache: tell them.
    bumpAuthEpoch();
  }

  async changePassword(ctx: RequestContext, currentPassword: string, newPassword: string): Promise<void> {
    const { actor } = ctx;
    const account = await this.db
      .selectFrom('account')
      .select('password_hash')
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', actor.accountId)
      .executeTakeFirstOrThrow();
    if (!(await verifyPassword(account.password_hash, currentPassword))) {
      throw new AppError('validation_failed', '当前密码不正确', [{ field: 'currentPassword', message: '当前密码不正确' }]);
    }
    const hashed = await hashPassword(newPassword);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('account')
        .set({ password_hash: hashed, password_changed_at: this.now() })
        .where('tenant_id', '=', actor.tenantId)
        .where('id', '=', actor.accountId)
        .execute();
      // Other devices are signed out; this session stays.
      await tx
        .deleteFrom('session')
        .where('tenant_id', '=', actor.tenantId)
        .where('account_id', '=', actor.accountId)
        .where('csrf_token', '<>', actor.csrfToken)
        .execute();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'account.change_password', entity: 'account', entityId: actor.accountId });
    });
    // Other devices' sessions were deleted: their cached actors must go too.
    this.forgetAccount(actor.tenantId, actor.accountId);
    bumpAuthEpoch();
  }

  /** One's own signed-in devices (sessions not yet expired), the most recently used first. */
  async listDevices(ctx: RequestContext): Promise<DeviceRow[]> {
    const { actor } = ctx;
    const rows = await this.db
      .selectFrom('session')
      .select(['id', 'created_at', 'last_seen_at', 'expires_at', 'user_agent', 'remember', 'csrf_token'])
      .where('tenant_id', '=', actor.tenantId)
      .where('account_id', '=', actor.accountId)
      .where('expires_at', '>', this.now())
      .orderBy(sql`coalesce(last_seen_at, created_at)`, 'desc')
      .orderBy('id')
      .execute();
    return rows.map(({ csrf_token, ...row }) => ({ ...row, current: csrf_token === actor.csrfToken }));
  }

  /** Signs one of one's own devices out (404 for any session that is not one's own). */
  async endDevice(ctx: RequestContext, sessionId: string): Promise<void> {
    const { actor } = ctx;
    await this.db.transaction().execute(async (tx) => {
      const ended = await tx
        .deleteFrom('session')
        .where('tenant_id', '=', actor.tenantId)
        .where('account_id', '=', actor.accountId)
        .where('id', '=', sessionId)
        .returning(['id', 'user_agent'])
        .executeTakeFirst();
      if (!ended) throw notFound('登录设备');
      await recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: 'session.end',
        entity: 'session',
        entityId: ended.id,
        before: describeUserAgent(ended.user_agent),
      });
    });
    this.forgetAccount(actor.tenantId, actor.accountId);
    bumpAuthEpoch();
  }

  /** Signs every other device of one's own out; this one stays. Answers how many were ended. */
  async endOtherDevices(ctx: RequestContext): Promise<number> {
    const { actor } = ctx;
    const ended = await this.db.transaction().execute(async (tx) => {
      const rows = await tx
        .deleteFrom('session')
        .where('tenant_id', '=', actor.tenantId)
        .where('account_id', '=', actor.accountId)
        .where('csrf_token', '<>', actor.csrfToken)
        .returning('id')
        .execute();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'session.end_others', entity: 'account', entityId: actor.accountId, after: { ended: rows.length } });
      return rows.length;
    });
    this.forgetAccount(actor.tenantId, actor.accountId);
    bumpAuthEpoch();
    return ended;
  }

  /**
   * Ends every session of an account (a password set through an invitation, an SMS reset): call
   * after the caller's transaction committed, so no cached caller outlives the deleted rows.
   */
  forgetSessionsOf(tenantId: string, accountId: string): void {
    this.forgetAccount(tenantId, accountId);
    bumpAuthEpoch();
  }

  async purgeExpired(): Promise<void> {
    await this.db.deleteFrom('session').where('expires_at', '<', sqlNow).execute();
  }
}

interface ActorRow {
  id: string;
  display_name: string;
  phone: string;
  member_id: string | null;
  is_tenant_admin: boolean;
  disabled_at: Date | null;
  csrf_token: string | null;
  expires_at: Date | null;
  last_seen_at: Date | null;
  scopes: { role: 'secretary' | 'group_leader'; org_id: string; name: string; path: string }[];
  mentee_ids: string[];
}

/** What an actor is made of: the account with its roles on units still in use and its current mentees. */
const ACTOR_COLUMNS = sql`
  a.id, a.display_name, a.phone, a.member_id, a.is_tenant_admin, a.disabled_at,
  coalesce((
    SELECT json_agg(json_build_object('role', r.role, 'org_id', r.org_id, 'name', o.name, 'path', o.path) ORDER BY o.path, r.role)
    FROM role_assignment r JOIN org o ON o.tenant_id = r.tenant_id AND o.id = r.org_id
    WHERE r.tenant_id = a.tenant_id AND r.account_id = a.id AND o.retired_at IS NULL
  ), '[]'::json) AS scopes,
  coalesce((
    SELECT json_agg(ms.member_id ORDER BY ms.member_id)
    FROM mentorship ms
    WHERE a.member_id IS NOT NULL AND ms.tenant_id = a.tenant_id AND ms.mentor_member_id = a.member_id AND ms.ended_on IS NULL
  ), '[]'::json) AS mentee_ids`;

/** By session token: the session's CSRF token and expiry come along. */
async function actorRowBySession(db: Executor, tenantId: string, tokenHash: string): Promise<ActorRow | undefined> {
  const { rows } = await sql<ActorRow>`
    SELECT ${ACTOR_COLUMNS}, s.csrf_token, s.expires_at, s.last_seen_at
    FROM session s JOIN account a ON a.tenant_id = s.tenant_id AND a.id = s.account_id
    WHERE s.tenant_id = ${tenantId} AND s.token_hash = ${tokenHash}`.execute(db);
  return rows[0];
}

async function actorRowByAccount(db: Executor, tenantId: string, accountId: string): Promise<ActorRow | undefined> {
  const { rows } = await sql<ActorRow>`
    SELECT ${ACTOR_COLUMNS}, NULL::text AS csrf_token, NULL::timestamptz AS expires_at, NULL::timestamptz AS last_seen_at
    FROM account a WHERE a.tenant_id = ${tenantId} AND a.id = ${accountId}`.execute(db);
  return rows[0];
}

function actorOf(tenantId: string, row: ActorRow, csrfToken: string): Actor | null {
  if (row.disabled_at) return null;
  return {
    tenantId,
    accountId: row.id,
    displayName: row.display_name,
    phone: row.phone,
    memberId: row.member_id,
    isTenantAdmin: row.is_tenant_admin,
    scopes: row.scopes.map((r) => ({ role: r.role, orgId: r.org_id, orgName: r.name, path: r.path })),
    menteeIds: row.mentee_ids,
    csrfToken,
  };
}

export async function loadActor(db: Executor, tenantId: string, accountId: string, csrfToken: string): Promise<Actor | null> {
  const row = await actorRowByAccount(db, tenantId, accountId);
  return row ? actorOf(tenantId, row, csrfToken) : null;
}
