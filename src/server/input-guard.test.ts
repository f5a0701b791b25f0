import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../test/support/harness.ts';
import { isRealDay } from '../shared/calendar.ts';
import { findMalformed } from './input-guard.ts';

/**
 * Malformed input is refused at the edge with a 400 that names the field, in Chinese, before it can
 * reach PostgreSQL (which answers NUL bytes, lone surrogates and impossible days with errors that
 * used to surface as 500s). A refused upload closes its connection instead of stalling it.
 */

let env: TestEnv;
let secretary: Session;
let village: string;
let member: string;

beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
  village = (await env.db.selectFrom('org').select('id').where('name', '=', '新桥村党总支').executeTakeFirstOrThrow()).id;
  member = await memberIdByPhone(env, PHONES.mobileMember);
});
afterAll(async () => env?.close());

interface Refusal {
  ok: false;
  error: string;
  message: string;
  issues?: { field: string; message: string }[];
}

const send = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, session: Session | null = secretary) =>
  env.app.inject({ method, url, headers: session?.headers ?? {}, ...(payload !== undefined ? { payload: payload as string } : {}) });
const gridCount = async () => (await env.db.selectFrom('grid').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
const fileCount = async () => (await env.db.selectFrom('stored_file').select((e) => e.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;

describe('NUL bytes and lone surrogates', () => {
  it('finds them anywhere in a value, keys included, and lets paired surrogates (emoji) through', () => {
    expect(findMalformed({ a: [1, { b: 'x\u0000' }] }, '')).toBe('a.1.b');
    expect(findMalformed({ name: '网格\ud800' }, '')).toBe('name');
    expect(findMalformed({ name: '\udc00网格' }, '')).toBe('name');
    expect(findMalformed({ nested: { 'k\u0000': 1 } }, '')).toBe('nested');
    expect(findMalformed({ name: '网格😀', tags: ['学习'] }, '')).toBeUndefined();
    // deeper than the call stack would allow a recursive walk
    expect(findMalformed(JSON.parse('['.repeat(20_000) + '"\\u0000"' + ']'.repeat(20_000)), '')).toBe(Array(20_000).fill('0').join('.'));
  });

  it('in a JSON body: 400 naming the field, and nothing is written', async () => {
    const before = await gridCount();
    for (const name of ['网格\u0000一', '\ud800网格', '网格\udfff']) {
      const res = await send('POST', '/api/grids', { orgId: village, name });
      expect(res.statusCode).toBe(400);
      const body = res.json<Refusal>();
      expect(body.error).toBe('validation_failed');
      expect(body.issues).toEqual([{ field: 'name', message: '不能包含控制字符或无效字符' }]);
      expect(body.message).toBe('字段「name」不能包含控制字符或无效字符');
    }
    expect(await gridCount()).toBe(before);
    const ok = await send('POST', '/api/grids', { orgId: village, name: '网格😀' });
    expect(ok.statusCode).toBe(200);
  });

  it('in an array of a body, the item is named', async () => {
    const res = await send('POST', '/api/study-items', { orgId: village, kind: 'article', title: '标题', category: 'other', tags: ['学习', '坏\u0000'], bodyHtml: '<p>正文</p>' });
    expect(res.statusCode).toBe(400);
    expect(res.json<Refusal>().issues).toEqual([{ field: 'tags.1', message: '不能包含控制字符或无效字符' }]);
  });

  it('in a query, a path parameter and the login: 400, never 500 or 401', async () => {
    const q = await send('GET', '/api/members?q=%00');
    expect(q.statusCode).toBe(400);
    expect(q.json<Refusal>().issues).toEqual([{ field: 'q', message: '不能包含控制字符或无效字符' }]);
    const param = await send('GET', '/api/members/%00');
    expect(param.statusCode).toBe(400);
    expect(param.json<Refusal>().issues?.[0]?.field).toBe('id');
    const loginWithNul = await send('POST', '/api/auth/login', { phone: `${PHONES.generalSecretary}\u0000`, password: 'x' }, null);
    expect(loginWithNul.statusCode).toBe(400);
    expect(loginWithNul.json<Refusal>().issues).toEqual([{ field: 'phone', message: '不能包含控制字符或无效字符' }]);
    const members = await send('GET', '/api/members?q=%E5%BC%A0');
    expect(members.statusCode).toBe(200);
  });
});

describe('days and months', () => {
  it('a day must exist on the calendar', () => {
    for (const day of ['2024-02-29', '2026-02-28', '2026-12-31', '1900-01-01']) expect(isRealDay(day), day).toBe(true);
    for (const day of ['2026-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '0000-01-01', '0099-03-01', '2026-1-01']) expect(isRealDay(day), day).toBe(false);
  });

  it('an impossible or far-off day is 400 naming the field; a real one is taken', async () => {
    const impossible = await send('POST', `/api/members/${member}/contact`, { contactedOn: '2026-02-30' });
    expect(impossible.statusCode).toBe(400);
    expect(impossible.json<Refusal>().issues).toEqual([{ field: 'contactedOn', message: '日期不存在，请检查年、月、日' }]);
    const yearZero = await send('POST', `/api/members/${member}/contact`, { contactedOn: '0000-01-01' });
    expect(yearZero.statusCode).toBe(400);
    expect(yearZero.json<Refusal>().issues?.[0]?.field).toBe('contactedOn');
    const farOff = await send('GET', '/api/sessions?from=1811-01-01&to=9999-12-31');
    expect(farOff.statusCode).toBe(400);
    expect(farOff.json<Refusal>().issues).toEqual([
      { field: 'from', message: '日期应在 1900 年至 2100 年之间' },
      { field: 'to', message: '日期应在 1900 年至 2100 年之间' },
    ]);
    const real = await send('POST', `/api/members/${member}/contact`, { contactedOn: '2026-01-02' });
    expect(real.statusCode).toBe(200);
  });

  it('months of coverage lie between 2000 and 2100, from before to', async () => {
    const wild = await send('GET', '/api/coverage?from=0000-01&to=9999-12');
    expect(wild.statusCode).toBe(400);
    expect(wild.json<Refusal>().issues).toEqual([
      { field: 'from', message: '月份应在 2000 年至 2100 年之间' },
      { field: 'to', message: '月份应在 2000 年至 2100 年之间' },
    ]);
    const backwards = await send('GET', '/api/coverage?from=2026-05&to=2026-01');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json<Refusal>().issues?.[0]?.field).toBe('from');
    expect((await send('GET', '/api/coverage?from=2026-01&to=2026-05')).statusCode).toBe(200);
  });
});

describe('an empty PATCH', () => {
  it('of a grid is 400 没有要修改的内容, like the care patches, and changes nothing', async () => {
    const grid = await env.db.selectFrom('grid').select(['id', 'name', 'leader_member_id']).executeTakeFirstOrThrow();
    const audits = async () => (await env.db.selectFrom('audit_log').select('id').where('entity_id', '=', grid.id).execute()).length;
    const auditsBefore = await audits();
    const res = await send('PATCH', `/api/grids/${grid.id}`, {});
    expect(res.statusCode).toBe(400);
    expect(res.json<Refusal>()).toMatchObject({ error: 'validation_failed', message: '没有要修改的内容' });
    expect(await env.db.selectFrom('grid').select(['id', 'name', 'leader_member_id']).where('id', '=', grid.id).executeTakeFirstOrThrow()).toEqual(grid);
    expect(await audits()).toBe(auditsBefore);
    const renamed = await send('PATCH', `/api/grids/${grid.id}`, { name: `${grid.name}（改）` });
    expect(renamed.json()).toMatchObject({ name: `${grid.name}（改）` });
    expect(await audits()).toBe(auditsBefore + 1);
  });
});

describe('an empty PATCH elsewhere', () => {
  it('of a member, a study item, a push or a class is 400 and writes no audit entry', async () => {
    // The body is refused before the row is looked up, so a table without rows still has a target.
    const first = async (table: 'member' | 'study_item' | 'push' | 'study_session') =>
      (await env.db.selectFrom(table).select('id').executeTakeFirst())?.id ?? '00000000-0000-4000-8000-000000000000';
    const targets = [
      `/api/members/${await first('member')}`,
      `/api/study-items/${await first('study_item')}`,
      `/api/pushes/${await first('push')}`,
      `/api/sessions/${await first('study_session')}`,
    ];
    const audits = async () => (await env.db.selectFrom('audit_log').select(env.db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const before = await audits();
    for (const url of targets) {
      const res = await send('PATCH', url, {});
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json<Refusal>()).toMatchObject({ error: 'validation_failed', message: '没有要修改的内容' });
    }
    expect(await audits()).toBe(before);
  });
});

describe('malformed bodies', () => {
  const boundary = '----lianxin-guard-test';
  const upload = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n\r\n--${boundary}--\r\n`,
  );

  it('a truncated or mangled multipart upload is 400 in Chinese and leaves no file', async () => {
    const before = await fileCount();
    const cases: [string, Buffer][] = [
      [`multipart/form-data; boundary=${boundary}`, upload.subarray(0, Math.floor(upload.length / 2))],
      [`multipart/form-data; boundary=${boundary}`, upload.subarray(0, upload.length - 10)],
      ['multipart/form-data', upload],
    ];
    for (const url of ['/api/files?purpose=study', '/api/imports']) {
      for (const [contentType, payload] of cases) {
        const res = await env.app.inject({ method: 'POST', url, headers: { ...secretary.headers, 'content-type': contentType }, payload });
        expect(res.statusCode, `${url} ${contentType} ${payload.length}`).toBe(400);
        expect(res.json<Refusal>()).toMatchObject({ error: 'bad_request', message: '上传的内容不完整或格式不正确，请重新上传' });
      }
    }
    expect(await fileCount()).toBe(before);
  });

  it('an upload whose file name holds a NUL is 400 naming the file, and nothing is stored', async () => {
    const before = await fileCount();
    const named = Buffer.from(upload.toString('latin1').replace('filename="a.pdf"', 'filename="a\u0000.pdf"'), 'latin1');
    const res = await env.app.inject({ method: 'POST', url: '/api/files?purpose=study', headers: { ...secretary.headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: named });
    expect(res.statusCode).toBe(400);
    expect(res.json<Refusal>().issues).toEqual([{ field: 'file', message: '文件名不能包含控制字符或无效字符' }]);
    expect(await fileCount()).toBe(before);
  });

  it('JSON that does not parse, or is empty, is 400 in Chinese', async () => {
    const broken = await env.app.inject({ method: 'POST', url: '/api/grids', headers: { ...secretary.headers, 'content-type': 'application/json' }, payload: '{"name":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json<Refusal>()).toMatchObject({ error: 'bad_request', message: '请求内容不是有效的 JSON' });
    const empty = await env.app.inject({ method: 'POST', url: '/api/grids', headers: { ...secretary.headers, 'content-type': 'application/json' }, payload: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json<Refusal>().message).toBe('请求内容为空，应为 JSON');
  });
});

/**
 * Sends `first` on one keep-alive connection, then a second request on the same socket, and
 * reports what came back. Resolves when the server closes the socket, or when both answers
 * arrived; `hung` means neither happened while the connection sat idle.
 */
function twoRequestsOnOneSocket(port: number, first: Buffer[], second: string): Promise<{ text: string; closed: boolean; hung: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let settled = false;
    const finish = (closed: boolean, hung: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ text, closed, hung });
    };
    // A liveness guard, not a timing: a stalled connection sends nothing while we wait.
    socket.setTimeout(15_000, () => finish(false, true));
    socket.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      if ((text.match(/HTTP\/1\.1 \d{3}/g) ?? []).length >= 2) finish(false, false);
    });
    socket.on('error', () => {});
    socket.on('close', () => finish(true, false));
    void (async () => {
      for (const chunk of [...first, Buffer.from(second)]) {
        if (socket.destroyed) return;
        if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r).once('close', r));
      }
    })();
  });
}

const next = 'GET /healthz HTTP/1.1\r\nHost: lianxin\r\n\r\n';
const head = (url: string, contentType: string, length: number) =>
  Buffer.from(
    `POST ${url} HTTP/1.1\r\nHost: lianxin\r\nCookie: ${secretary.cookie}\r\nX-CSRF-Token: ${secretary.csrf}\r\n` +
      `Content-Type: ${contentType}\r\nContent-Length: ${length}\r\nConnection: keep-alive\r\n\r\n`,
  );
/** The answer to the first request: whatever reached the client before the socket closed. */
const expectRefusedAndClosed = (out: { text: string; closed: boolean; hung: boolean }) => {
  expect(out.hung).toBe(false);
  if (out.text) {
    expect(out.text).toMatch(/^HTTP\/1\.1 413/);
    expect(out.text.toLowerCase()).toContain('connection: close');
  }
  // the server answered the second request or closed the connection; either way nothing waits
  expect(out.closed || /HTTP\/1\.1 200/.test(out.text.slice(20))).toBe(true);
};

describe('a refused large body on a keep-alive connection', () => {
  let port = 0;
  beforeAll(async () => {
    await env.app.listen({ port: 0, host: '127.0.0.1' });
    port = (env.app.server.address() as net.AddressInfo).port;
  });
  it('an 11 MB image upload answers 413 and the connection is closed, so the next request never hangs', async () => {
    const boundary = '----lianxin-big';
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    const start = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`), png]);
    const end = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const body = [start, ...Array.from({ length: 176 }, () => chunk), end]; // 11 MB of image data
    const length = body.reduce((n, b) => n + b.length, 0);
    const before = await fileCount();
    const out = await twoRequestsOnOneSocket(port, [head('/api/files?purpose=study', `multipart/form-data; boundary=${boundary}`, length), ...body], next);
    expectRefusedAndClosed(out);
    expect(await fileCount()).toBe(before);
  });

  it('a JSON body over the 1 MB limit answers 413 in Chinese and the connection is closed', async () => {
    const json = Buffer.from(JSON.stringify({ orgId: village, name: '网'.repeat(700_000) }));
    const out = await twoRequestsOnOneSocket(port, [head('/api/grids', 'application/json', json.length), json], next);
    expectRefusedAndClosed(out);
    if (out.text) expect(out.text).toContain('"message":"请求内容太大"');
  });
});
