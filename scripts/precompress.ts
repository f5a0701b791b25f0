// Compressed copies of the built web apps, made once at build time: brotli (`.br`, quality 11) and
// gzip (`.gz`, level 9) beside each compressible file. The server sends them as they are
// (@fastify/static `preCompressed`, see registerWeb in src/server/app.ts), so a phone on a weak
// signal receives a quarter of the bytes and the server compresses nothing per request.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Text formats worth compressing (images, fonts and audio are compressed already). */
export const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt)$/i;
/** Below this a compressed copy saves less than the headers it costs. */
export const MIN_BYTES = 1024;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/**
 * Writes `<file>.br` and `<file>.gz` for every compressible file of `dir` of at least 1 KB, and only
 * where the copy is smaller than the original. Copies left by an earlier build are removed first, so a
 * copy never outlives (or disagrees with) its original. Returns the files compressed.
 */
export async function precompressDir(dir: string): Promise<{ file: string; bytes: number; br: number | null; gz: number | null }[]> {
  const all = await filesUnder(dir);
  await Promise.all(all.filter((f) => f.endsWith('.br') || f.endsWith('.gz')).map((f) => rm(f, { force: true })));
  const sources = all.filter((f) => COMPRESSIBLE.test(f));
  const done = [];
  for (const file of sources) {
    // A file gone meanwhile: another build of the same app replaced the folder (and compresses its own files).
    const data = await readFile(file).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (!data || data.length < MIN_BYTES) continue;
    const [br, gz] = await Promise.all([
      brotli(data, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        },
      }),
      gzip(data, { level: 9 }),
    ]);
    const keptBr = br.length < data.length;
    const keptGz = gz.length < data.length;
    try {
      if (keptBr) await writeFile(`${file}.br`, br);
      if (keptGz) await writeFile(`${file}.gz`, gz);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    done.push({ file: path.relative(dir, file), bytes: data.length, br: keptBr ? br.length : null, gz: keptGz ? gz.length : null });
  }
  return done;
}

/**
 * Vite plugin: once the bundle is on disk (and after `before`, e.g. filling the service worker's
 * precache list, which must be compressed as finished), compresses the output folder.
 */
export function precompress(before?: (outDir: string) => Promise<void>): Plugin {
  let outDir = '';
  return {
    name: 'lianxin-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async closeBundle(error?: Error) {
      // also called when the build failed: nothing was written, and the build's own error is the one to see
      if (error) return;
      if (before) await before(outDir);
      const done = await precompressDir(outDir);
      const raw = done.reduce((s, f) => s + f.bytes, 0);
      const br = done.reduce((s, f) => s + (f.br ?? f.bytes), 0);
      this.info?.(`precompressed ${done.length} files: ${Math.round(raw / 1024)} KB → ${Math.round(br / 1024)} KB brotli`);
    },
  };
}
