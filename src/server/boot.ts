import crypto from 'node:crypto';
import type { Config } from './config.ts';
import { openDatabase, type OpenedDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { FieldCipher, resolveMasterKey } from './secrets.ts';
import { AuthService } from './auth/sessions.ts';
import { getSettings } from './modules/settings/index.ts';
import type { AppServices } from './services.ts';
import { filesFolder, LocalFileStorage } from './storage.ts';
import { ensurePrivateDir, makeTreePrivate } from './db/data-lock.ts';
import { seedDemo, DEMO_LOGINS } from './demo/seed.ts';
import { seedLearningDemo } from './demo/learning.ts';
import { seedCareDemo } from './demo/care.ts';
import { seedCardsDemo } from './demo/cards.ts';
import { seedDeliveriesDemo } from './demo/deliveries.ts';
import { seedCommunityDemos } from './demo/community.ts';

export interface Booted {
  opened: OpenedDatabase;
  services: AppServices;
  demo: { password: string; generated: boolean } | null;
}

/** Opens the database, runs migrations, and (outside production, on an empty database) loads the demo. */
export async function boot(config: Config, log: { info: (m: string) => void; warn: (m: string) => void }): Promise<Booted> {
  const key = resolveMasterKey({ secretKeyHex: config.secretKeyHex, dataDir: config.dataDir, warn: log.warn });
  const cipher = new FieldCipher(key);
  const opened = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, purpose: 'server' });
  // Data folders made by earlier versions could be read by other users of the machine.
  ensurePrivateDir(config.dataDir);
  makeTreePrivate(filesFolder(config.dataDir), { onlyIfOpen: true });
  const applied = await migrateToLatest(opened.db);
  if (applied.length) log.info(`migrations applied: ${applied.join(', ')}`);
  const services: AppServices = {
    config,
    db: opened.db,
    dbKind: opened.kind,
    cipher,
    auth: new AuthService(opened.db, config.sessionDays, undefined, async (tenantId) => (await getSettings(opened.db, tenantId)).rememberDays),
    storage: new LocalFileStorage(filesFolder(config.dataDir)),
  };
  let demo: Booted['demo'] = null;
  if (config.demo === 'auto') {
    const anyTenant = await opened.db.selectFrom('tenant').select('id').limit(1).executeTakeFirst();
    if (!anyTenant) {
      const generated = !config.demoPassword;
      const password = config.demoPassword ?? crypto.randomBytes(6).toString('base64url');
      const seeded = await seedDemo(opened.db, cipher, password);
      await seedLearningDemo(opened.db, seeded.tenantId);
      await seedCareDemo(opened.db, seeded.tenantId);
      await seedCardsDemo(opened.db, seeded.tenantId);
      await seedDeliveriesDemo(opened.db, seeded.tenantId);
      await seedCommunityDemos(opened.db, seeded.tenantId);
      demo = { password, generated };
    }
  }
  return { opened, services, demo };
}

export function demoBanner(url: string, demo: { password: string; generated: boolean }): string {
  const lines = [
    '',
    '  连心 Lianxin: demo village loaded (长河镇党委 / 新桥村党总支, 113 members, 13 mobile)',
    `  console      ${url}/`,
    `  member app   ${url}/m/`,
    `  password     ${demo.password}${demo.generated ? '   (random; set LIANXIN_DEMO_PASSWORD to choose)' : ''}`,
    ...DEMO_LOGINS.map((l) => `  ${l.phone}  ${l.role}`),
    '',
  ];
  return lines.join('\n');
}
