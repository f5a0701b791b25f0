/**
 * The built web apps on the wire: the compressed copy the build made when the browser accepts it
 * (brotli first, then gzip, else the file itself), a year of caching for hashed files, and a
 * revalidation (304 when unchanged) for the page, the service worker and the manifest — for the
 * member app, the console, and the page sent for a client-side route. Served from a small built
 * folder made here, compressed by the build's own step (scripts/precompress.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, openTestApp, PHONES, type TestEnv } from '../../test/support/harness.ts';
import { precompressDir } from '../../scripts/precompress.ts';
import { cacheControlFor, pickEncoding } from './web-assets.ts';

/** Text that compresses well and is over 1 KB, like a real bundle. */
const script = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `第${i}条学习内容`))};\n`;
const page = (title: string) => `<!doctype html><html lang="zh-CN"><head><meta charset="UTF-8"><title>${title}</title>${'<meta name="x" content="padding">'.repeat(40)}</head><body><div id="root"></div><script type="module" src="./assets/index-abc123.js"></script></body></html>`;

let env: TestEnv;
let app: FastifyInstance;
let dist: string;

beforeAll(async () => {
  env = await openTestApp();
  dist = fs.mkdtempSync('/tmp/lianxin-web-');
  for (const [dir, title] of [
    ['member', '连心'],
    ['console', '连心 · 管理'],
  ] as const) {
    const root = path.join(dist, dir);
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.mkdirSync(path.join(root, 'icons'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), page(title));
    fs.writeFileSync(path.join(root, 'assets/index-abc123.js'), script);
    fs.writeFileSync(path.join(root, 'assets/tiny-def456.js'), 'export const x = 1;\n');
    fs.writeFileSync(path.join(root, 'icons/icon-192.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
    await precompressDir(root);
  }
  fs.writeFileSync(path.join(dist, 'member/sw.js'), `/* worker */\nconst PRECACHE = ${JSON.stringify(Array.from({ length: 80 }, (_, i) => `assets/chunk-${i}.js`))};\n`);
  fs.writeFileSync(path.join(dist, 'member/manifest.webmanifest'), JSON.stringify({ name: '连心', icons: [] }));
  await precompressDir(path.join(dist, 'member'));
  app = await env.appWith({ serveWeb: true, webDist: dist });
});

afterAll(async () => {
  await env?.close();
  if (dist) fs.rmSync(dist, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> => app.inject({ url, headers });

/** The body as the browser sees it, after undoing the content-encoding. */
function decoded(res: LightMyRequestResponse): string {
  const raw = res.rawPayload;
  const encoding = res.headers['content-encoding'];
  if (encoding === 'br') return zlib.brotliDecompressSync(raw).toString('utf8');
  if (encoding === 'gzip') return zlib.gunzipSync(raw).toString('utf8');
  return raw.toString('utf8');
}

describe('the build compresses', () => {
  it('each text file of 1 KB or more into a brotli and a gzip copy smaller than it, and leaves small files alone', () => {
    const assets = fs.readdirSync(path.join(dist, 'member/assets')).toSorted();
    expect(assets).toEqual(['index-abc123.js', 'index-abc123.js.br', 'index-abc123.js.gz', 'tiny-def456.js']);
    const size = (f: string) => fs.statSync(path.join(dist, 'member/assets', f)).size;
    expect(size('index-abc123.js.br')).toBeLessThan(size('index-abc123.js.gz'));
    expect(size('index-abc123.js.gz')).toBeLessThan(size('index-abc123.js'));
    expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(dist, 'member/assets/index-abc123.js.br'))).toString()).toBe(script);
    // images are not text; the manifest here is under 1 KB
    expect(fs.existsSync(path.join(dist, 'member/icons/icon-192.png.br'))).toBe(false);
    expect(fs.existsSync(path.join(dist, 'member/manifest.webmanifest.br'))).toBe(false);
  });
});

describe('the server sends the built files', () => {
  for (const [app_, url] of [
    ['member app', '/m/assets/index-abc123.js'],
    ['console', '/assets/index-abc123.js'],
  ] as const) {
    it(`${app_}: brotli when accepted, gzip when only gzip is, the file itself otherwise; always the script's type and vary`, async () => {
      const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.statusCode).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.rawPayload.length).toBe(fs.statSync(path.join(dist, url.startsWith('/m/') ? 'member' : 'console', 'assets/index-abc123.js.br')).size);
      expect(decoded(br)).toBe(script);

      const gz = await get(url, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(decoded(gz)).toBe(script);

      for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }] as Record<string, string>[]) {
        const plain = await get(url, headers);
        expect(plain.headers['content-encoding'], JSON.stringify(headers)).toBeUndefined();
        expect(plain.body).toBe(script);
      }
      for (const res of [br, gz]) {
        expect(res.headers['content-type']).toMatch(/^text\/javascript|^application\/javascript/);
        expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
      }
    });
  }

  it('hashed files are kept a year without asking again; a file too small to compress goes as it is', async () => {
    for (const url of ['/m/assets/index-abc123.js', '/assets/index-abc123.js', '/m/assets/tiny-def456.js']) {
      const res = await get(url, { 'accept-encoding': 'br' });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('public, max-age=31536000, immutable');
    }
    expect((await get('/m/assets/tiny-def456.js', { 'accept-encoding': 'br' })).headers['content-encoding']).toBeUndefined();
  });

  it('a script or icon goes without the headers only a page uses; pages and the service worker keep them', async () => {
    for (const url of ['/m/assets/index-abc123.js', '/assets/index-abc123.js', '/m/icons/icon-192.png']) {
      const res = await get(url, { 'accept-encoding': 'br' });
      expect(res.headers['content-security-policy'], url).toBeUndefined();
      expect(res.headers['x-frame-options'], url).toBeUndefined();
      expect(res.headers['permissions-policy'], url).toBeUndefined();
      // still meaningful on a script
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
    for (const url of ['/m/', '/m/sw.js', '/m/today', '/']) {
      const res = await get(url, { 'accept-encoding': 'br' });
      expect(res.headers['content-security-policy'], url).toContain("script-src 'self'");
      expect(res.headers['x-frame-options'], url).toBe('DENY');
    }
  });

  it('the page, the service worker and the manifest are asked for again each time; icons are kept a day', async () => {
    for (const url of ['/m/', '/m/sw.js', '/m/manifest.webmanifest', '/']) {
      const res = await get(url, { 'accept-encoding': 'br' });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers.etag, url).toBeTruthy();
      expect(res.headers['last-modified'], url).toBeTruthy();
    }
    expect((await get('/m/sw.js', { 'accept-encoding': 'br' })).headers['content-encoding']).toBe('br');
    expect((await get('/m/', { 'accept-encoding': 'br' })).headers['content-type']).toMatch(/^text\/html/);
    expect((await get('/m/manifest.webmanifest')).headers['content-type']).toMatch(/manifest\+json/);
    expect((await get('/m/icons/icon-192.png')).headers['cache-control']).toBe('public, max-age=86400');
  });

  it('a page the browser already has is answered 304 with no body, per encoding', async () => {
    for (const encoding of ['br', 'gzip', 'identity']) {
      const first = await get('/m/', { 'accept-encoding': encoding });
      expect(first.statusCode).toBe(200);
      expect(decoded(first)).toBe(page('连心'));
      const again = await get('/m/', { 'accept-encoding': encoding, 'if-none-match': String(first.headers.etag) });
      expect(again.statusCode, encoding).toBe(304);
      expect(again.body).toBe('');
    }
    // the brotli and the plain page are different bytes: they never share an ETag
    const br = await get('/m/', { 'accept-encoding': 'br' });
    const plain = await get('/m/', { 'accept-encoding': 'identity' });
    expect(br.headers.etag).not.toBe(plain.headers.etag);
    expect((await get('/m/', { 'accept-encoding': 'identity', 'if-none-match': String(br.headers.etag) })).statusCode).toBe(200);
  });
});

describe('the page sent for a client-side route (SPA fallback)', () => {
  for (const [app_, url, title] of [
    ['member app', '/m/today', '连心'],
    ['console', '/members/list', '连心 · 管理'],
  ] as const) {
    it(`${app_}: compressed when accepted, revalidated, 304 when unchanged`, async () => {
      const br = await get(url, { 'accept-encoding': 'gzip, br' });
      expect(br.statusCode).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toMatch(/^text\/html/);
      expect(br.headers['cache-control']).toBe('no-cache');
      expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
      expect(decoded(br)).toBe(page(title));

      const gz = await get(url, { 'accept-encoding': 'gzip' });
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(decoded(gz)).toBe(page(title));

      const plain = await get(url);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toBe(page(title));

      const again = await get(url, { 'accept-encoding': 'gzip, br', 'if-none-match': String(br.headers.etag) });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
    });
  }

  it('a missing file is still a 404, not the page', async () => {
    expect((await get('/m/assets/gone-123.js', { 'accept-encoding': 'br' })).statusCode).toBe(404);
  });
});

describe('a signed-in member’s home page starts the first calls with it', () => {
  const preloads = '</api/me/profile>; rel=preload; as=fetch; crossorigin=anonymous, </api/me/today>; rel=preload; as=fetch; crossorigin=anonymous';

  it('with a live session: profile and today are preloaded, and the page is never stored', async () => {
    const { cookie } = await login(app, PHONES.mobileMember);
    for (const url of ['/m/', '/m', '/m/?n=abc']) {
      const res = await get(url, { cookie, 'accept-encoding': 'br' });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers.link, url).toBe(preloads);
      // never stored: a stored copy revalidated later (304) would keep the header without a session
      expect(res.headers['cache-control'], url).toBe('private, no-store');
    }
    // other screens and the console are not the home: nothing preloaded there
    expect((await get('/m/study', { cookie })).headers.link).toBeUndefined();
    expect((await get('/', { cookie })).headers.link).toBeUndefined();
  });

  it('signed out or with a session that ended: no preload (a 401 kept for later would undo the next sign-in)', async () => {
    expect((await get('/m/')).headers.link).toBeUndefined();
    expect((await get('/m/', { cookie: 'lx_session=not-a-session' })).headers.link).toBeUndefined();
    const { cookie, headers } = await login(app, PHONES.groupLeader);
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBeLessThan(300);
    const ended = await get('/m/', { cookie });
    expect(ended.statusCode).toBe(200);
    expect(ended.headers.link).toBeUndefined();
    expect(ended.headers['cache-control']).toBe('no-cache');
  });
});

describe('cache policy and encoding choice', () => {
  it('by kind of file', () => {
    expect(cacheControlFor('assets/index-abc.js.br')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('index.html.gz')).toBe('no-cache');
    expect(cacheControlFor('sw.js')).toBe('no-cache');
    expect(cacheControlFor('favicon.svg')).toBe('public, max-age=86400');
  });

  it('brotli before gzip, nothing refused with q=0 is chosen', () => {
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('br;q=0, gzip')).toBe('gzip');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('identity')).toBeNull();
    expect(pickEncoding(undefined)).toBeNull();
  });
});
