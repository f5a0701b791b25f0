import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/server/db/database.ts';
import { GENERATOR_VERSION, generateCounty, type GeneratedCounty } from '../generate.ts';
import { HISTORY_VERSION, generateHistory, type GeneratedHistory } from '../history.ts';
import { log } from './stats.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
export const CACHE_ROOT = path.join(REPO, '.bench-data');

const MIGRATIONS = path.join(REPO, 'src/server/db/migrations');

/** A short hash of the migrations, so a schema change regenerates the cache instead of reusing a stale one. */
export function schemaKey(): string {
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(MIGRATIONS).sort()) h.update(f).update(fs.readFileSync(path.join(MIGRATIONS, f)));
  return h.digest('hex').slice(0, 8);
}

/**
 * The generated county on PGlite, cached as a data dir in .bench-data/pglite-county-v<N>-<schema>/
 * (pgdata/ + county.json), keyed by the generator version and the migrations. The cache is
 * never opened for writing by the bench: each use works on a copy.
 */
export async function ensurePgliteCounty(): Promise<{ dir: string; county: GeneratedCounty; generatedNow: boolean }> {
  const dir = path.join(CACHE_ROOT, `pglite-county-v${GENERATOR_VERSION}-${schemaKey()}`);
  const meta = path.join(dir, 'county.json');
  if (fs.existsSync(meta)) {
    const county = JSON.parse(fs.readFileSync(meta, 'utf8')) as GeneratedCounty;
    log(`PGlite county: reusing the cache ${path.relative(REPO, dir)}`);
    return { dir, county, generatedNow: false };
  }
  // Generate next to the cache and rename when complete, so an interrupted run leaves no half cache.
  const building = `${dir}.building-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(building, { recursive: true });
  log(`PGlite county: generating into ${path.relative(REPO, building)} (cached for later runs)`);
  const opened = await openDatabase({ dataDir: building });
  let county: GeneratedCounty;
  try {
    county = await generateCounty(opened.db, { progress: (m) => log(`  pglite: ${m}`) });
  } finally {
    await opened.close();
  }
  fs.writeFileSync(path.join(building, 'county.json'), JSON.stringify(county, null, 2) + '\n');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(building, dir);
  // Older caches (another generator version or schema) are ~170 MB each: drop them.
  for (const old of fs.readdirSync(CACHE_ROOT)) {
    if (old.startsWith('pglite-county-') && path.join(CACHE_ROOT, old) !== dir && !old.includes('.building-')) {
      fs.rmSync(path.join(CACHE_ROOT, old), { recursive: true, force: true });
    }
  }
  return { dir, county, generatedNow: true };
}

/**
 * The generated county with a year of learning history for its first town (the PGlite figures
 * are for one town; a county's 22 million deliveries are a server's job), cached like the county
 * in .bench-data/pglite-history-town-v<N>-h<M>-<schema>/ and built from a copy of that cache.
 */
export async function ensurePgliteHistory(): Promise<{ dir: string; county: GeneratedCounty; history: GeneratedHistory; generatedNow: boolean }> {
  const prefix = 'pglite-history-town-';
  const dir = path.join(CACHE_ROOT, `${prefix}v${GENERATOR_VERSION}-h${HISTORY_VERSION}-${schemaKey()}`);
  const meta = path.join(dir, 'history.json');
  if (fs.existsSync(meta)) {
    const saved = JSON.parse(fs.readFileSync(meta, 'utf8')) as { county: GeneratedCounty; history: GeneratedHistory };
    log(`PGlite history: reusing the cache ${path.relative(REPO, dir)}`);
    return { dir, ...saved, generatedNow: false };
  }
  const base = await ensurePgliteCounty();
  const building = `${dir}.building-${process.pid}`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(building, { recursive: true });
  fs.cpSync(path.join(base.dir, 'pgdata'), path.join(building, 'pgdata'), { recursive: true });
  log(`PGlite history: generating a year for one town into ${path.relative(REPO, building)} (cached for later runs)`);
  const opened = await openDatabase({ dataDir: building });
  let history: GeneratedHistory;
  try {
    history = await generateHistory(opened.db, base.county, { scopeOrgId: base.county.townOrgId, engine: 'pglite', progress: (m) => log(`  pglite: ${m}`) });
  } finally {
    await opened.close();
  }
  fs.writeFileSync(path.join(building, 'history.json'), JSON.stringify({ county: base.county, history }, null, 2) + '\n');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(building, dir);
  for (const old of fs.readdirSync(CACHE_ROOT)) {
    if (old.startsWith(prefix) && path.join(CACHE_ROOT, old) !== dir && !old.includes('.building-')) {
      fs.rmSync(path.join(CACHE_ROOT, old), { recursive: true, force: true });
    }
  }
  return { dir, county: base.county, history, generatedNow: true };
}

const workDirs = new Set<string>();

/** A private copy of the cached data dir (one PGlite process per data dir). */
export function copyPgliteCounty(cacheDir: string, label: string): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `lianxin-bench-${label}-`));
  fs.cpSync(path.join(cacheDir, 'pgdata'), path.join(work, 'pgdata'), { recursive: true });
  workDirs.add(work);
  return work;
}

export function removeWorkDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  workDirs.delete(dir);
}

export function removeAllWorkDirs(): void {
  // Deleting the entry being visited is safe while iterating a Set.
  for (const d of workDirs) removeWorkDir(d);
}
