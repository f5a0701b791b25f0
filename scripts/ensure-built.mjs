// Builds the web apps when their bundles are missing or older than their sources, so that
// `npm start` on a fresh clone serves the console and the member app without another step.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const newest = (dir) => {
  let t = 0;
  if (!fs.existsSync(dir)) return t;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
};
const built = (dir) => (fs.existsSync(path.join(dir, 'index.html')) ? fs.statSync(path.join(dir, 'index.html')).mtimeMs : 0);
// The build's own settings count as sources: a change to them (e.g. the compressed copies made by
// scripts/precompress.ts) must reach the bundles too.
const buildFiles = ['vite.console.config.ts', 'vite.member.config.ts', 'scripts/precompress.ts'].map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0));
const sources = Math.max(newest('src/web'), newest('src/shared'), ...buildFiles);
const stale = ['dist/web/console', 'dist/web/member'].some((d) => built(d) < sources);
if (stale) {
  console.log('Building the web apps (first start or changed sources)…');
  // Always a production bundle, whatever NODE_ENV the caller runs under (React's dev build is 2× larger).
  execSync('npm run build --silent', { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
