import fs from 'node:fs';
import { openDatabase } from '../src/server/db/database.ts';
import { loadActor } from '../src/server/auth/sessions.ts';
import { FieldCipher } from '../src/server/secrets.ts';

/**
 * One roster import in a process of its own, so its peak RSS is the import's (plus the database
 * engine for PGlite, which lives in the server process). Prints one JSON line on stdout.
 *   node --import tsx bench/import-child.ts '<ImportChildInput JSON>'
 */
export interface ImportChildInput {
  databaseUrl?: string;
  dataDir?: string;
  keyHex: string;
  tenantId: string;
  phone: string;
  xlsxPath: string;
}

export interface ImportChildOutput {
  seconds: number;
  imported: number;
  issues: number;
  firstIssues: string[];
  rssBeforeBytes: number;
  maxRssBytes: number;
}

interface ImportModule {
  importRoster: (
    deps: { db: import('../src/server/db/database.ts').Database; cipher: FieldCipher },
    ctx: import('../src/server/auth/actor.ts').RequestContext,
    buffer: Buffer,
    onProgress?: (p: { phase: string; processed: number; total: number }) => void,
  ) => Promise<{ imported: number; issues: { row: number; column: string; message: string }[] }>;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ImportChildInput;
const opened = await openDatabase(input.databaseUrl ? { databaseUrl: input.databaseUrl, poolSize: 10 } : { dataDir: input.dataDir });
try {
  // Loaded at run time so the bench still runs (and says "not available") without the module.
  const roster = (await import('../src/server/modules/roster/service.ts')) as ImportModule;
  const account = await opened.db.selectFrom('account').select('id').where('tenant_id', '=', input.tenantId).where('phone', '=', input.phone).executeTakeFirstOrThrow();
  const actor = await loadActor(opened.db, input.tenantId, account.id, 'bench');
  if (!actor) throw new Error('no actor');
  const buffer = fs.readFileSync(input.xlsxPath);
  const deps = { db: opened.db, cipher: new FieldCipher(Buffer.from(input.keyHex, 'hex')) };
  const rssBeforeBytes = process.memoryUsage().rss;
  const t = performance.now();
  let lastPhase = '';
  const outcome = await roster.importRoster(deps, { actor, ip: '127.0.0.1' }, buffer, (p) => {
    if (p.phase !== lastPhase) {
      lastPhase = p.phase;
      process.stderr.write(`    import ${p.phase} at ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    }
  });
  const seconds = (performance.now() - t) / 1000;
  const out: ImportChildOutput = {
    seconds,
    imported: outcome.imported,
    issues: outcome.issues.length,
    firstIssues: outcome.issues.slice(0, 5).map((i) => `row ${i.row} ${i.column}: ${i.message}`),
    rssBeforeBytes,
    // resourceUsage().maxRSS is in kilobytes.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
} finally {
  await opened.close();
}
