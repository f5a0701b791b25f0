/**
 * Browser-test support: the real server as a child process on a fresh data folder, and Debian's
 * Chromium through playwright-core. Each test file starts its own server and browser.
 */
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clockEnv, exited, freePort, waitForExit } from '../../support/child-process.ts';
import { chromium, type APIRequestContext, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const RESULTS_DIR = path.join(ROOT, 'test-results');
export const CHROMIUM_PATH = process.env.LIANXIN_CHROMIUM ?? '/usr/bin/chromium';

const HEALTH_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 20_000;

export interface RunningServer {
  baseUrl: string;
  /** Password of every demo account. */
  password: string;
  /** the server's data folder (removed by stop() unless started with keepData) */
  dataDir: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; says whether it exited by itself and how. */
  stop(): Promise<StopResult>;
}

export interface StopResult {
  graceful: boolean;
  exitCode: number | null;
}

/** Builds the web bundles when they are missing or older than their sources (may take a minute). */
export function ensureWebBuilt(): void {
  execFileSync(process.execPath, ['scripts/ensure-built.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

export { clockEnv, exited, freePort, waitForExit };

/**
 * Starts `src/server/main.ts` on a free port with a fresh temporary data folder (the demo village
 * is seeded on first open) and waits until /healthz answers 200.
 */
export async function startServer(opts: { dataDir?: string; keepData?: boolean; password?: string } = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lianxin-e2e-'));
  const port = await freePort();
  // a restart on a kept data folder must pass the first run's password: the demo is loaded once
  const password = opts.password ?? `e2e-${crypto.randomBytes(6).toString('hex')}`;
  const baseUrl = `http://127.0.0.1:${port}`;
  // Nothing from the caller's environment may point the server at another database or key.
  const inherited = { ...process.env };
  for (const name of ['DATABASE_URL', 'LIANXIN_SECRET_KEY', 'LIANXIN_TRUST_PROXY', 'LIANXIN_SESSION_DAYS']) delete inherited[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...inherited,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      LIANXIN_DATA_DIR: dataDir,
      LIANXIN_DEMO: 'auto',
      LIANXIN_DEMO_PASSWORD: password,
      // links the server gives out (invitations, notices' deep links) open this same server
      LIANXIN_PUBLIC_URL: baseUrl,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      ...clockEnv(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer): void => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  let stopped: StopResult | null = null;
  const stop = async (): Promise<StopResult> => {
    if (stopped) return stopped;
    let graceful = false;
    if (!exited(child)) {
      child.kill('SIGTERM');
      graceful = await waitForExit(child, STOP_GRACE_MS);
      if (!graceful) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    stopped = { graceful, exitCode: child.exitCode };
    return stopped;
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  try {
    for (;;) {
      if (exited(child)) throw new Error(`the server exited (code ${child.exitCode}, signal ${child.signalCode}) before /healthz was ready`);
      try {
        const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`/healthz did not answer 200 within ${HEALTH_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- server output ---\n${log}`, { cause: err });
  }
  return { baseUrl, password, dataDir, output: () => log, stop };
}

/** A missing browser is a failure, never a skip: CI installs it, so its absence is a broken machine. */
export function assertChromiumInstalled(): void {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The browser tests need it: install it with ` +
        '`apt-get install -y chromium` (CI does), or point LIANXIN_CHROMIUM at a Chromium binary.',
    );
  }
}

/** Chromium from the system package, headless. */
export async function launchBrowser(): Promise<Browser> {
  assertChromiumInstalled();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Saves a full-page screenshot of every page still open into test-results/ (gitignored). */
export async function screenshotPages(testName: string, pages: Record<string, Page | undefined>): Promise<string[]> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const slug = testName.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 80);
  const saved: string[] = [];
  for (const [label, page] of Object.entries(pages)) {
    if (!page || page.isClosed()) continue;
    const file = path.join(RESULTS_DIR, `${slug}-${label}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
      saved.push(file);
    } catch {
      // a crashed page cannot be captured; the assertion error says enough
    }
  }
  return saved;
}

/** GET with a page's session; anything but 2xx throws with the answer. */
export async function getJson<T>(request: APIRequestContext, url: string): Promise<T> {
  const res = await request.get(url);
  if (!res.ok()) throw new Error(`GET ${url} → ${res.status()} ${await res.text()}`);
  return (await res.json()) as T;
}
