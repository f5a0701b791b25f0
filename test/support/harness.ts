import fs from 'node:fs';
import { inject } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type OpenedDatabase } from '../../src/server/db/database.ts';
import { FieldCipher } from '../../src/server/secrets.ts';
import { AuthService, loadActor } from '../../src/server/auth/sessions.ts';
import { getSettings } from '../../src/server/modules/settings/index.ts';
import type { AppServices } from '../../src/server/services.ts';
import type { RequestContext } from '../../src/server/auth/actor.ts';
import { buildApp, type BuildAppOptions } from '../../src/server/app.ts';
import { LocalFileStorage } from '../../src/server/storage.ts';
import { loadConfig, type Config } from '../../src/server/config.ts';
import { TEST_PASSWORD } from './template.ts';
import { copyTestDatabase } from './pg-database.ts';

export { TEST_PASSWORD };

/** A private copy of the migrated demo database for one test file. */
export async function openTestDatabase(): Promise<OpenedDatabase & { cipher: FieldCipher; tenantId: string }> {
  const info = inject('template');
  const cipher = new FieldCipher(Buffer.from(info.keyHex, 'hex'));
  let opened: OpenedDatabase;
  if (info.kind === 'postgres') {
    const copy = await copyTestDatabase();
    const inner = await openDatabase({ databaseUrl: copy.url, poolSize: 5 });
    opened = {
      ...inner,
      close: async () => {
        await inner.close();
        await copy.drop();
      },
    };
  } else {
    const dump = fs.readFileSync(info.dumpFile as string);
    const pglite = await PGlite.create({ loadDataDir: new Blob([dump]) });
    const inner = await openDatabase({ pglite });
    opened = { ...inner, close: async () => { await inner.close(); await pglite.close(); } };
  }
  const tenant = await opened.db.selectFrom('tenant').select('id').executeTakeFirstOrThrow();
  return { ...opened, cipher, tenantId: tenant.id };
}

export interface TestEnv {
  db: OpenedDatabase['db'];
  services: AppServices;
  app: FastifyInstance;
  tenantId: string;
  /** Another app on the same services with other settings or options; close() closes it too. */
  appWith(opts?: Omit<BuildAppOptions, 'services'> & { config?: Partial<Config> }): Promise<FastifyInstance>;
  close(): Promise<void>;
}

export async function openTestApp(): Promise<TestEnv> {
  const opened = await openTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LIANXIN_DATA_DIR: '/tmp/lianxin-test-unused' });
  const services: AppServices = {
    config,
    db: opened.db,
    dbKind: opened.kind,
    cipher: opened.cipher,
    auth: new AuthService(opened.db, 1, undefined, async (tenantId) => (await getSettings(opened.db, tenantId)).rememberDays),
    storage: new LocalFileStorage(fs.mkdtempSync('/tmp/lianxin-test-files-')),
  };
  const app = await buildApp({ services, serveWeb: false });
  await app.ready();
  const others: FastifyInstance[] = [];
  return {
    db: opened.db,
    services,
    app,
    tenantId: opened.tenantId,
    appWith: async ({ config: overrides, ...opts } = {}) => {
      const other = await buildApp({ serveWeb: false, ...opts, services: { ...services, config: { ...config, ...overrides } } });
      others.push(other);
      await other.ready();
      return other;
    },
    close: async () => {
      for (const other of others) await other.close();
      await app.close();
      await opened.close();
    },
  };
}

/** A use-case context for the account with this phone (no HTTP involved). */
export async function contextFor(env: { db: OpenedDatabase['db']; tenantId: string }, phone: string): Promise<RequestContext> {
  const account = await env.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('phone', '=', phone).executeTakeFirstOrThrow();
  const actor = await loadActor(env.db, env.tenantId, account.id, 'test-csrf');
  if (!actor) throw new Error(`no actor for ${phone}`);
  return { actor, ip: '127.0.0.1' };
}

export interface Session {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

/** Logs in over HTTP and returns what a browser would send back. */
export async function login(app: FastifyInstance, phone: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone, password } });
  if (res.statusCode !== 200) throw new Error(`login ${phone} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

/** Demo people by role (see src/server/demo/seed.ts). */
export const PHONES = {
  generalSecretary: '13800000000',
  branchSecretary: '13800000001',
  mentor: '13800000002',
  mobileMember: '13800000003',
  groupLeader: '13800000004',
  tenantAdmin: '13800000009',
} as const;

export async function memberIdByPhone(env: { db: OpenedDatabase['db']; tenantId: string }, phone: string): Promise<string> {
  const m = await env.db.selectFrom('member').select('id').where('tenant_id', '=', env.tenantId).where('phone', '=', phone).executeTakeFirstOrThrow();
  return m.id;
}
