import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from './scripts/precompress.ts';

const root = fileURLToPath(new URL('./src/web/member', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web/member', import.meta.url));

/**
 * Fills the service worker's lists from this build and names its cache after them, so a new build
 * replaces the old shell. public/sw.js is copied as-is by Vite; we rewrite the copy once the bundle
 * is on disk (and before it is compressed). PRECACHE is what the worker stores at install: the page,
 * the entry script with the chunks it imports statically, its CSS, the manifest and the icons —
 * what the first screen needs, already in the HTTP cache by then. Screens loaded lazily are stored
 * when first opened (ASSETS lists every built file, so an unchanged chunk moves to the next build's
 * cache instead of being fetched again).
 */
function precacheServiceWorker() {
  let shellFiles: string[] = [];
  let allFiles: string[] = [];
  return {
    name: 'lianxin-member-precache',
    apply: 'build' as const,
    // The bundle as written: an empty chunk left by a CSS-only import is gone by then, and a
    // precache entry that does not exist would make the worker's install fail.
    writeBundle(_options: unknown, bundle: Record<string, { type: string; isEntry?: boolean; imports?: string[]; viteMetadata?: { importedCss?: Set<string> } }>) {
      allFiles = Object.keys(bundle).filter((name) => !name.endsWith('.map')).toSorted();
      const entry = new Set<string>();
      const visit = (name: string) => {
        const chunk = bundle[name];
        if (!chunk || entry.has(name)) return;
        entry.add(name);
        for (const css of chunk.viteMetadata?.importedCss ?? []) entry.add(css);
        for (const imported of chunk.imports ?? []) visit(imported);
      };
      for (const [name, chunk] of Object.entries(bundle)) if (chunk.type === 'chunk' && chunk.isEntry) visit(name);
      shellFiles = [...entry].filter((f) => allFiles.includes(f)).toSorted();
    },
    fillServiceWorker: async (dir: string) => {
      const swPath = `${dir}/sw.js`;
      const source = await readFile(swPath, 'utf8');
      const shell = ['./', ...shellFiles, 'manifest.webmanifest', 'icons/icon.svg', 'icons/icon-192.png'];
      const assets = allFiles.filter((f) => f.startsWith('assets/'));
      const version = createHash('sha256').update(allFiles.join('\n')).digest('hex').slice(0, 12);
      const filled = source
        .replace(/const PRECACHE = \[[^\]]*\];/, `const PRECACHE = ${JSON.stringify(shell)};`)
        .replace(/const ASSETS = \[[^\]]*\];/, `const ASSETS = ${JSON.stringify(assets)};`)
        .replace(/const VERSION = '[^']*';/, `const VERSION = '${version}';`);
      if (!filled.includes(version) || !filled.includes(JSON.stringify(assets))) throw new Error('sw.js: PRECACHE/ASSETS/VERSION placeholders not found');
      await writeFile(swPath, filled);
    },
  };
}

const precache = precacheServiceWorker();

export default defineConfig({
  root,
  base: '/m/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  // sw.js is filled first, then every text file gets its .br/.gz copy
  plugins: [precache, precompress(precache.fillServiceWorker)],
  build: {
    outDir,
    emptyOutDir: true,
    // Members use cheap Android phones and WeChat's built-in browser; do not assume the newest engines.
    target: ['es2020', 'chrome87', 'safari14'],
    cssTarget: ['chrome87', 'safari14'],
    assetsInlineLimit: 0,
    // The first screen in one script and one style sheet: on 3G each extra file is another wait (a
    // browser opens 6 connections at once, and the page also asks for 3 answers), and one file
    // compresses better than several. Everything outside screens/ goes there, with what it imports
    // statically (home, today, login, the words they use); the other screens and the words only they
    // use (i18n-care.ts, ...) stay lazy chunks of their own.
    rolldownOptions: {
      preserveEntrySignatures: false,
      output: {
        codeSplitting: {
          groups: [{ name: 'app', test: /^(?!.*\/(?:screens\/|i18n-))/ }],
        },
      },
    },
  },
  server: {
    port: 5174,
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
