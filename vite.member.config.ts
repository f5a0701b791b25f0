import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./src/web/member', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web/member', import.meta.url));

/**
 * Fills the service worker's precache list with the files of this build (index.html and the
 * hashed assets) and names its cache after them, so a new build replaces the old shell.
 * public/sw.js is copied as-is by Vite; we rewrite the copy once the bundle is on disk.
 */
function precacheServiceWorker(): Plugin {
  let files: string[] = [];
  return {
    name: 'lianxin-member-precache',
    apply: 'build',
    // The bundle as written: an empty chunk left by a CSS-only import is gone by then, and a
    // precache entry that does not exist would make the worker's install fail.
    writeBundle(_options, bundle) {
      files = Object.keys(bundle).filter((name) => !name.endsWith('.map')).toSorted();
    },
    async closeBundle() {
      const swPath = `${outDir}/sw.js`;
      const source = await readFile(swPath, 'utf8');
      const shell = ['./', ...files.filter((f) => f !== 'index.html'), 'manifest.webmanifest', 'icons/icon.svg', 'icons/icon-192.png'];
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12);
      const filled = source
        .replace(/const PRECACHE = \[[^\]]*\];/, `const PRECACHE = ${JSON.stringify(shell)};`)
        .replace(/const VERSION = '[^']*';/, `const VERSION = '${version}';`);
      if (filled === source) throw new Error('sw.js: PRECACHE/VERSION placeholders not found');
      await writeFile(swPath, filled);
    },
  };
}

export default defineConfig({
  root,
  base: '/m/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [precacheServiceWorker()],
  build: {
    outDir,
    emptyOutDir: true,
    // Members use cheap Android phones and WeChat's built-in browser; do not assume the newest engines.
    target: ['es2020', 'chrome87', 'safari14'],
    cssTarget: ['chrome87', 'safari14'],
    assetsInlineLimit: 0,
  },
  server: {
    port: 5174,
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});
