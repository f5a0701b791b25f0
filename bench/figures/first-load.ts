import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type CDPSession } from 'playwright-core';
import { loginCookie } from '../lib/app.ts';
import { startServer } from '../lib/process.ts';
import { kb, log, median, ratio, secs } from '../lib/stats.ts';
import { passMark, unavailable, type Row } from '../lib/table.ts';

/**
 * A member's first visit to the member app on a weak signal, in Chromium: the real server process
 * (`src/server/main.ts` on the demo village, the web apps built if stale, as `npm start` does), a
 * demo member already signed in (the cookie), an empty HTTP cache and no service worker, /m/ loaded
 * under DevTools' "Fast 3G" and "Slow 3G" network profiles. For each profile, the median of RUNS
 * runs of:
 * - bytes: everything the page transferred (HTML, scripts, CSS, icons, manifest, API answers;
 *   CDP Network.loadingFinished encodedDataLength, headers included) until the today screen was usable;
 * - LCP: the largest-contentful-paint entry's time;
 * - usable: the time (from navigation start) at which the today screen's content is on screen
 *   (a push of today, or the line saying there is nothing to study today).
 * The limit is the same page measured in the same run with the browser refusing compression
 * (`accept-encoding: identity` via CDP), i.e. what the server sent before compressed copies existed.
 */
export const FIRST_LOAD_TARGET_BYTES = 120 * 1024;
export const FAST_3G_LCP_TARGET_MS = 2500;
export const SLOW_3G_USABLE_TARGET_MS = 5000;

const REPO = path.resolve(import.meta.dirname, '../..');
const RUNS = Number(process.env.BENCH_FIRSTLOAD_RUNS) || 3;
/** BENCH_FIRSTLOAD_PROFILES=slow (or fast) measures one profile only. */
const ONLY_PROFILE = process.env.BENCH_FIRSTLOAD_PROFILES;
const MEMBER_PHONE = '13800000003';
const CHROMIUM = process.env.LIANXIN_CHROMIUM ?? '/usr/bin/chromium';
/** WeChat's browser on a cheap Android phone (as in the browser tests). */
const WECHAT_ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 10; M2006C3LC Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 Mobile Safari/537.36 MMWEBID/1234 MicroMessenger/8.0.28.2240(0x28001C35) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64';

/** DevTools' presets (throughput in bytes per second, as CDP takes it). */
const PROFILES = [
  { name: 'fast 3G', latency: 562.5, download: (1.6 * 1024 * 1024 * 0.9) / 8, upload: (750 * 1024 * 0.9) / 8 },
  { name: 'slow 3G', latency: 2000, download: (500 * 1024 * 0.8) / 8, upload: (500 * 1024 * 0.8) / 8 },
] as const;
type Profile = (typeof PROFILES)[number];

/**
 * The today screen is usable once its content is on screen: the section's title is drawn with the
 * day's answer (pushes, or the line saying there is nothing to study today), never before it.
 */
const USABLE = '#today-title, [data-testid^="today-push-"]';

interface Sample {
  bytes: number;
  lcp: number;
  usable: number;
  requests: number;
}

/** In the page before any script: the LCP entries and the moment the today screen first shows. */
const PAGE_PROBE = `(() => {
  const w = window;
  w.lxLcp = 0;
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) w.lxLcp = e.startTime; }).observe({ type: 'largest-contentful-paint', buffered: true });
  } catch {}
  w.lxUsable = 0;
  const check = () => {
    if (!w.lxUsable && document.querySelector(${JSON.stringify(USABLE)})) {
      w.lxUsable = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true });
})();`;

async function oneLoad(browser: Browser, baseUrl: string, cookie: string, profile: Profile, compressed: boolean): Promise<Sample> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    userAgent: WECHAT_ANDROID_UA,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  try {
    const host = new URL(baseUrl).hostname;
    await context.addCookies(
      cookie.split('; ').map((pair) => {
        const at = pair.indexOf('=');
        return { name: pair.slice(0, at), value: pair.slice(at + 1), domain: host, path: '/' };
      }),
    );
    await context.addInitScript(PAGE_PROBE);
    const page = await context.newPage();
    const cdp: CDPSession = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    // A fresh context has neither, but say so: the first visit is measured.
    await cdp.send('Network.clearBrowserCache');
    await cdp.send('Storage.clearDataForOrigin', { origin: baseUrl, storageTypes: 'service_workers,cache_storage' });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: profile.latency, downloadThroughput: profile.download, uploadThroughput: profile.upload });
    if (!compressed) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'accept-encoding': 'identity' } });
    const finished: { at: number; bytes: number }[] = [];
    cdp.on('Network.loadingFinished', (e: { timestamp: number; encodedDataLength: number }) => finished.push({ at: e.timestamp, bytes: e.encodedDataLength }));
    let navStart = 0;
    cdp.on('Network.requestWillBeSent', (e: { type?: string; timestamp: number }) => {
      if (e.type === 'Document' && !navStart) navStart = e.timestamp;
    });
    await page.goto('/m/', { waitUntil: 'commit', timeout: 120_000 });
    try {
      await page.waitForFunction(() => (window as unknown as { lxUsable: number }).lxUsable > 0, undefined, { timeout: 90_000, polling: 50 });
    } catch (e) {
      const shown = await page.locator('body').innerText().catch(() => '?');
      throw new Error(`${profile.name}, ${compressed ? 'compressed' : 'uncompressed'}: today never showed (${String(e).split('\n')[0]}); on screen: ${shown.replace(/\s+/g, ' ').slice(0, 200)}`, { cause: e });
    }
    // LCP entries stop at the first input; let the last paint be reported.
    await page.waitForTimeout(300);
    const probe = await page.evaluate(() => {
      const w = window as unknown as { lxLcp: number; lxUsable: number };
      return { lcp: w.lxLcp, usable: w.lxUsable };
    });
    // CDP timestamps are seconds on a monotonic clock; the page's are ms from navigation start.
    const usableAt = navStart + probe.usable / 1000;
    const before = finished.filter((f) => f.at <= usableAt + 0.001);
    return { bytes: before.reduce((s, f) => s + f.bytes, 0), lcp: probe.lcp, usable: probe.usable, requests: before.length };
  } finally {
    await context.close();
  }
}

const builtAt = (): number => {
  try {
    return fs.statSync(path.join(REPO, 'dist/web/member/index.html')).mtimeMs;
  } catch {
    return 0;
  }
};

/**
 * One load, again once if the member app was rebuilt while it ran (another build in this working
 * tree replaces the folder the server reads: the page then asks for files that are gone).
 */
async function measuredLoad(browser: Browser, baseUrl: string, cookie: string, profile: Profile, compressed: boolean): Promise<Sample> {
  const before = builtAt();
  try {
    return await oneLoad(browser, baseUrl, cookie, profile, compressed);
  } catch (e) {
    if (builtAt() === before) throw e;
    log(`first load: the member app was rebuilt during a ${profile.name} run; measuring it again`);
    return oneLoad(browser, baseUrl, cookie, profile, compressed);
  }
}

function medianOf(samples: Sample[]): Sample {
  return {
    bytes: median(samples.map((s) => s.bytes)),
    lcp: median(samples.map((s) => s.lcp)),
    usable: median(samples.map((s) => s.usable)),
    requests: median(samples.map((s) => s.requests)),
  };
}

export async function benchFirstLoad(): Promise<Row[]> {
  const figure = 'member app first load (signed-in member, empty cache)';
  try {
    // as `npm start` does: a build when the bundles are missing or older than their sources
    execFileSync(process.execPath, [path.join(REPO, 'scripts/ensure-built.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (e) {
    return [unavailable(figure, `≤ ${FIRST_LOAD_TARGET_BYTES / 1024} KB`, `not built: ${String(e).slice(0, 160)}`)];
  }
  const password = `bench-${crypto.randomBytes(6).toString('hex')}`;
  const server = await startServer({ password });
  let browser: Browser | undefined;
  try {
    const cookie = await loginCookie(server.baseUrl, MEMBER_PHONE, password);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // one unmeasured load: the server's first answers (demo data warm, files opened) are not the phone's network
    await oneLoad(browser, server.baseUrl, cookie, PROFILES[0], true);
    const rows: Row[] = [];
    for (const profile of PROFILES.filter((p) => !ONLY_PROFILE || p.name.startsWith(ONLY_PROFILE))) {
      const got: Record<'compressed' | 'identity', Sample[]> = { compressed: [], identity: [] };
      for (let i = 0; i < RUNS; i++) {
        // alternate, so a slower moment of the machine falls on both
        for (const kind of ['compressed', 'identity'] as const) got[kind].push(await measuredLoad(browser, server.baseUrl, cookie, profile, kind === 'compressed'));
      }
      const c = medianOf(got.compressed);
      const u = medianOf(got.identity);
      log(`first load, ${profile.name}: compressed ${JSON.stringify(got.compressed)}; uncompressed ${JSON.stringify(got.identity)}`);
      const fast = profile.name === 'fast 3G';
      rows.push(
        {
          figure: `${figure}, ${profile.name}: bytes on the wire until today is usable (median of ${RUNS}; ${c.requests} responses)`,
          value: kb(c.bytes),
          target: `≤ ${FIRST_LOAD_TARGET_BYTES / 1024} KB`,
          limit: `uncompressed ${kb(u.bytes)}`,
          ratio: ratio(c.bytes / u.bytes),
          pass: passMark(c.bytes <= FIRST_LOAD_TARGET_BYTES),
        },
        {
          figure: `${figure}, ${profile.name}: LCP (median of ${RUNS})`,
          value: secs(c.lcp / 1000),
          target: fast ? `≤ ${FAST_3G_LCP_TARGET_MS / 1000} s` : '— (information)',
          limit: `uncompressed ${secs(u.lcp / 1000)}`,
          ratio: ratio(c.lcp / u.lcp),
          pass: fast ? passMark(c.lcp <= FAST_3G_LCP_TARGET_MS) : '–',
        },
        {
          figure: `${figure}, ${profile.name}: today screen usable (median of ${RUNS})`,
          value: secs(c.usable / 1000),
          target: fast ? '— (information)' : `≤ ${SLOW_3G_USABLE_TARGET_MS / 1000} s`,
          limit: `uncompressed ${secs(u.usable / 1000)}`,
          ratio: ratio(c.usable / u.usable),
          pass: fast ? '–' : passMark(c.usable <= SLOW_3G_USABLE_TARGET_MS),
        },
      );
    }
    return rows;
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
}
