import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { kb, log, ratio } from '../lib/stats.ts';
import { passMark, unavailable, type Row } from '../lib/table.ts';

/**
 * First load of the member app: the JavaScript that /m/index.html pulls in before anything is
 * shown (module scripts and modulepreload links; lazy chunks load later), gzipped at level 9.
 * A figure of the files on disk; what a phone receives (brotli, CSS, the API answers, headers) is
 * measured in the browser by first-load.ts against the 120 KB.
 */
export const BUNDLE_TARGET_BYTES = 150 * 1024;

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const FIGURE = 'member app first load: gzip of the JS /m/index.html loads';
const TARGET = `≤ ${BUNDLE_TARGET_BYTES / 1024} KB`;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export async function benchBundle(): Promise<Row[]> {
  const dist = path.join(REPO, 'dist/web/member');
  const indexFile = path.join(dist, 'index.html');
  const config = path.join(REPO, 'vite.member.config.ts');
  if (!fs.existsSync(indexFile) || process.env.BENCH_BUILD === '1') {
    if (!fs.existsSync(config)) return [unavailable(FIGURE, TARGET, 'not built (no vite.member.config.ts)')];
    log('building the member app (vite build --config vite.member.config.ts)');
    try {
      await run(process.execPath, [path.join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--config', config], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 });
    } catch (e) {
      log(`member app build failed: ${String(e).slice(0, 500)}`);
      return [unavailable(FIGURE, TARGET, 'not built (vite build failed)')];
    }
  }
  if (!fs.existsSync(indexFile)) return [unavailable(FIGURE, TARGET, 'not built')];
  const html = fs.readFileSync(indexFile, 'utf8');
  const urls = new Set<string>();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const isScript = /^<script/i.test(tag);
    const isPreload = /rel=["']?modulepreload/i.test(tag);
    const ref = /\b(?:src|href)=["']([^"']+)["']/i.exec(tag)?.[1];
    if (ref && (isScript || isPreload) && !/^https?:/i.test(ref)) urls.add(ref);
  }
  const inlineScripts = [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1] ?? '').filter((s) => s.trim());
  let raw = 0;
  let gz = 0;
  const missing: string[] = [];
  for (const url of urls) {
    const rel = url.replace(/^\/m\//, '').replace(/^\.?\//, '');
    const file = path.join(dist, rel);
    if (!fs.existsSync(file)) {
      missing.push(url);
      continue;
    }
    const body = fs.readFileSync(file);
    raw += body.length;
    gz += zlib.gzipSync(body, { level: 9 }).length;
  }
  for (const s of inlineScripts) {
    raw += Buffer.byteLength(s);
    gz += zlib.gzipSync(s, { level: 9 }).length;
  }
  if (missing.length) return [unavailable(FIGURE, TARGET, `index.html refers to missing files: ${missing.join(', ')}`)];
  const srcDir = path.join(REPO, 'src/web/member');
  const stale = fs.existsSync(srcDir) && newestMtime(srcDir) > fs.statSync(indexFile).mtimeMs;
  const files = urls.size + inlineScripts.length;
  return [
    {
      figure: FIGURE + (stale ? ' (⚠ dist older than src/web/member; BENCH_BUILD=1 rebuilds)' : ''),
      value: kb(gz),
      target: TARGET,
      limit: `${files} file${files === 1 ? '' : 's'}, ${kb(raw)} before gzip`,
      ratio: ratio(gz / BUNDLE_TARGET_BYTES),
      pass: passMark(gz <= BUNDLE_TARGET_BYTES),
    },
  ];
}
