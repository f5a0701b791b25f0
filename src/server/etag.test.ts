import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, openTestApp, PHONES, type Session, type TestEnv } from '../../test/support/harness.ts';
import { matchesEtag, weakEtag } from './etag.ts';

let env: TestEnv;
let secretary: Session;
let member: Session;
let groupLeader: Session;
let itemId: string;

const get = (url: string, session: Session, ifNoneMatch?: string) =>
  env.app.inject({ url, headers: { ...session.headers, ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}) } });

beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
  member = await login(env.app, PHONES.mobileMember);
  groupLeader = await login(env.app, PHONES.groupLeader);
  // An article of the village's unit: both members below it may read it.
  const org = await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '新桥村党总支').executeTakeFirstOrThrow();
  const created = await env.app.inject({
    method: 'POST',
    url: '/api/study-items',
    headers: secretary.headers,
    payload: { orgId: org.id, kind: 'article', title: '缓存测试', category: 'theory', bodyHtml: '<p>第一版</p>', minutes: 3 },
  });
  expect(created.statusCode, created.body).toBe(200);
  itemId = created.json().id;
});

afterAll(async () => {
  await env?.close();
});

describe('ETags of member answers', () => {
  it('an answer marked cacheable carries a weak ETag, private no-cache and vary: cookie; the same tag back gets 304 without a body', async () => {
    for (const url of ['/api/me/profile', '/api/me/inbox', `/api/me/items/${itemId}`, '/api/me/sessions', '/api/me/makeups']) {
      const first = await get(url, member);
      expect(first.statusCode, url).toBe(200);
      const etag = String(first.headers.etag);
      expect(etag, url).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
      expect(first.headers['cache-control'], url).toBe('private, no-cache');
      expect(String(first.headers.vary), url).toMatch(/cookie/i);
      const again = await get(url, member, etag);
      expect(again.statusCode, url).toBe(304);
      expect(again.body, url).toBe('');
      expect(again.headers.etag, url).toBe(etag);
    }
  });

  it('today keeps the ETag it makes itself, now with vary: cookie', async () => {
    const first = await get('/api/me/today', member);
    expect(first.statusCode).toBe(200);
    expect(String(first.headers.etag)).toMatch(/^"/);
    expect(String(first.headers.vary)).toMatch(/cookie/i);
    expect((await get('/api/me/today', member, String(first.headers.etag))).statusCode).toBe(304);
  });

  it('a changed answer comes whole with a new tag', async () => {
    const url = `/api/me/items/${itemId}`;
    const before = await get(url, member);
    const patched = await env.app.inject({ method: 'PATCH', url: `/api/study-items/${itemId}`, headers: secretary.headers, payload: { bodyHtml: '<p>第二版</p>' } });
    expect(patched.statusCode, patched.body).toBe(200);
    const after = await get(url, member, String(before.headers.etag));
    expect(after.statusCode).toBe(200);
    expect(after.json().bodyHtml).toBe('<p>第二版</p>');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('never matches another account’s answer, even when the bodies are equal', async () => {
    const url = `/api/me/items/${itemId}`;
    const mine = await get(url, member);
    const theirs = await get(url, groupLeader, String(mine.headers.etag));
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json().bodyHtml).toBe(mine.json().bodyHtml);
    expect(theirs.headers.etag).not.toBe(mine.headers.etag);
  });

  it('errors and routes that did not ask carry no ETag', async () => {
    const missing = await get('/api/me/items/00000000-0000-4000-8000-000000000000', member);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
    const anonymous = await env.app.inject({ url: '/api/me/profile', headers: { 'if-none-match': '*' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers.etag).toBeUndefined();
    expect(anonymous.json()).toMatchObject({ ok: false, error: 'unauthenticated' });
    const console = await get('/api/study-items', secretary);
    expect(console.statusCode).toBe(200);
    expect(console.headers.etag).toBeUndefined();
  });

  it('a withdrawn item answers 404 with no ETag, even to the tag the phone kept', async () => {
    const url = `/api/me/items/${itemId}`;
    const kept = await get(url, member);
    const retired = await env.app.inject({ method: 'POST', url: `/api/study-items/${itemId}/retire`, headers: secretary.headers });
    expect(retired.statusCode, retired.body).toBe(200);
    const gone = await get(url, member, String(kept.headers.etag));
    expect(gone.statusCode).toBe(404);
    expect(gone.headers.etag).toBeUndefined();
  });
});

describe('ETag comparison', () => {
  it('compares weakly, in lists and with *', () => {
    const tag = weakEtag('a', '{"x":1}');
    expect(tag).toMatch(/^W\//);
    expect(matchesEtag(tag, tag)).toBe(true);
    expect(matchesEtag(tag.slice(2), tag)).toBe(true);
    expect(matchesEtag(`W/"other", ${tag}`, tag)).toBe(true);
    expect(matchesEtag('*', tag)).toBe(true);
    expect(matchesEtag(undefined, tag)).toBe(false);
    expect(matchesEtag(weakEtag('b', '{"x":1}'), tag)).toBe(false);
  });
});
