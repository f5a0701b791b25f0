import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { OpenedDatabase } from '../../src/server/db/database.ts';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { LocalFileStorage } from '../../src/server/storage.ts';
import type { RequestContext } from '../../src/server/auth/actor.ts';
import { AuthService, loadActor } from '../../src/server/auth/sessions.ts';
import { SESSION_COOKIE } from '../../src/server/http.ts';
import { hashPassword } from '../../src/server/auth/passwords.ts';
import { FieldCipher } from '../../src/server/secrets.ts';
import type { AppServices } from '../../src/server/services.ts';
import type { GeneratedCounty } from '../generate.ts';
import type { LoadInput, LoadOutput } from '../load-child.ts';

const REPO = path.resolve(import.meta.dirname, '../..');

/** The real app (logger off, no scheduler, no web bundles) on an ephemeral port. */
export async function startBenchApp(opened: OpenedDatabase, county: GeneratedCounty): Promise<{ app: FastifyInstance; address: string; close(): Promise<void> }> {
  const config = loadConfig({ NODE_ENV: 'production', LIANXIN_SECRET_KEY: county.keyHex, LIANXIN_DATA_DIR: '/tmp/lianxin-bench-unused', LOG_LEVEL: 'silent', LIANXIN_PUBLIC_URL: 'https://lianxin.example.cn' });
  const services: AppServices = {
    config,
    db: opened.db,
    dbKind: opened.kind,
    cipher: new FieldCipher(Buffer.from(county.keyHex, 'hex')),
    auth: new AuthService(opened.db, 1),
    storage: new LocalFileStorage('/tmp/lianxin-bench-files'),
  };
  const app = await buildApp({ services, serveWeb: false, logger: false });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, address, close: () => app.close() };
}

/** Logs in through the API and returns the `Cookie` header value of the new session. */
export async function loginCookie(address: string, phone: string, password: string): Promise<string> {
  const login = await fetch(`${address}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone, password }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
  return login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** What a use case called directly needs: the account with this phone as the actor. */
export async function contextFor(opened: OpenedDatabase, tenantId: string, phone: string): Promise<RequestContext> {
  const account = await opened.db.selectFrom('account').select('id').where('tenant_id', '=', tenantId).where('phone', '=', phone).executeTakeFirstOrThrow();
  const actor = await loadActor(opened.db, tenantId, account.id, 'bench');
  if (!actor) throw new Error(`no actor for ${phone}`);
  return { actor, ip: '127.0.0.1' };
}

export interface MemberLogin {
  memberId: string;
  accountId: string;
  /** `Cookie` header value */
  cookie: string;
  csrfToken: string;
}

const sha256 = (s: string): string => crypto.createHash('sha256').update(s).digest('base64url');

/**
 * Member-app logins for these members without 20,000 password hashes: an account per member
 * (one shared argon2 hash; members that already have an account keep it) and a session row each,
 * made as `AuthService.login` makes them (random token, its SHA-256 stored, a CSRF token).
 */
export async function memberLogins(opened: OpenedDatabase, tenantId: string, memberIds: string[]): Promise<MemberLogin[]> {
  const db = opened.db;
  const hash = await hashPassword(crypto.randomBytes(12).toString('base64url'));
  for (let i = 0; i < memberIds.length; i += 5000) {
    await sql`INSERT INTO account (tenant_id, phone, display_name, password_hash, member_id)
      SELECT m.tenant_id, m.phone, m.name, ${hash}, m.id FROM member m
      WHERE m.tenant_id = ${tenantId} AND m.id = ANY(${memberIds.slice(i, i + 5000)}::uuid[])
        AND NOT EXISTS (SELECT 1 FROM account a WHERE a.tenant_id = m.tenant_id AND (a.member_id = m.id OR a.phone = m.phone))`.execute(db);
  }
  const accounts = await sql<{ id: string; member_id: string }>`SELECT id, member_id FROM account WHERE tenant_id = ${tenantId} AND member_id = ANY(${memberIds}::uuid[])`.execute(db);
  const byMember = new Map(accounts.rows.map((a) => [a.member_id, a.id]));
  const logins: (MemberLogin & { tokenHash: string })[] = memberIds.map((memberId) => {
    const accountId = byMember.get(memberId);
    if (!accountId) throw new Error(`no account for member ${memberId}`);
    const token = crypto.randomBytes(32).toString('base64url');
    return { memberId, accountId, cookie: `${SESSION_COOKIE}=${tenantId}.${token}`, csrfToken: crypto.randomBytes(24).toString('base64url'), tokenHash: sha256(token) };
  });
  const expires = new Date(Date.now() + 86_400_000);
  for (let i = 0; i < logins.length; i += 5000) {
    const part = logins.slice(i, i + 5000);
    await sql`INSERT INTO session (tenant_id, token_hash, account_id, csrf_token, expires_at, ip, user_agent)
      SELECT ${tenantId}, h, a, c, ${expires}, '127.0.0.1', 'lianxin-bench'
      FROM unnest(${part.map((l) => l.tokenHash)}::text[], ${part.map((l) => l.accountId)}::uuid[], ${part.map((l) => l.csrfToken)}::text[]) AS x(h, a, c)`.execute(db);
  }
  return logins.map(({ memberId, accountId, cookie, csrfToken }) => ({ memberId, accountId, cookie, csrfToken }));
}

/** Runs bench/load-child.ts with these requests and returns its results. */
export function runLoad(input: LoadInput): Promise<LoadOutput> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-bench-load-'));
  const inFile = path.join(dir, 'in.json');
  const outFile = path.join(dir, 'out.json');
  fs.writeFileSync(inFile, JSON.stringify(input));
  return new Promise<LoadOutput>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/load-child.ts'), inFile, outFile], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`load child exited ${code}: ${err.trim().slice(0, 400)}`);
        resolve(JSON.parse(fs.readFileSync(outFile, 'utf8')) as LoadOutput);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
