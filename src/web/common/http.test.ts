import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, readableMessage } from './api-error.ts';
import { http, request, setCsrfToken, setUnauthenticatedHandler, toSearch } from './http.ts';

function answer(status: number, body: unknown): Response {
  return new Response(body === undefined ? '' : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
  setUnauthenticatedHandler(null);
});

describe('toSearch', () => {
  it('leaves out empty values and repeats array keys', () => {
    expect(toSearch({ a: 1, b: '', c: null, d: undefined, e: false, q: '张 三' })).toBe('?a=1&e=false&q=%E5%BC%A0+%E4%B8%89');
    expect(toSearch({ id: ['x', 'y'] })).toBe('?id=x&id=y');
    expect(toSearch({})).toBe('');
    expect(toSearch(undefined)).toBe('');
  });
});

describe('request', () => {
  it('sends the CSRF header on writes only, and JSON bodies', async () => {
    const fetchMock = vi.fn(async () => answer(200, { ok: true }));
    vi.stubGlobal('fetch', fetchMock);
    setCsrfToken('tok');
    await http.get('/api/x', { page: 2 });
    await http.post('/api/y', { name: '党员' });
    const [getUrl, getInit] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    const [postUrl, postInit] = fetchMock.mock.calls[1] as unknown as [string, RequestInit];
    expect(getUrl).toBe('/api/x?page=2');
    expect((getInit.headers as Record<string, string>)['x-csrf-token']).toBeUndefined();
    expect(postUrl).toBe('/api/y');
    expect((postInit.headers as Record<string, string>)['x-csrf-token']).toBe('tok');
    expect((postInit.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(postInit.body).toBe(JSON.stringify({ name: '党员' }));
  });

  it("sends the language the app shows (<html lang>) as Accept-Language, Chinese when there is none", async () => {
    const fetchMock = vi.fn(async () => answer(200, { ok: true }));
    vi.stubGlobal('fetch', fetchMock);
    await http.get('/api/x');
    vi.stubGlobal('document', { documentElement: { lang: 'en-US' }, cookie: '' });
    await http.post('/api/y', {});
    const headers = fetchMock.mock.calls.map((c) => ((c as unknown as [string, RequestInit])[1].headers as Record<string, string>)['accept-language']);
    expect(headers).toEqual(['zh-CN', 'en-US']);
  });

  it('turns the error body into an ApiError with code, message and field issues', async () => {
    vi.stubGlobal('fetch', async () =>
      answer(400, { ok: false, error: 'validation', message: 'name: 不能为空', issues: [{ field: 'name', message: '不能为空' }, { bad: 1 }] }),
    );
    const e = await request('POST', '/api/members', { body: {} }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ApiError);
    const err = e as ApiError;
    expect([err.status, err.code, err.message, err.isClientError, err.isOffline]).toEqual([400, 'validation', 'name: 不能为空', true, false]);
    expect(err.issues).toEqual([{ field: 'name', message: '不能为空' }]);
    expect(readableMessage(err)).toBe('不能为空');
  });

  it('names an answer without an error body by its status, and a failed fetch as network', async () => {
    vi.stubGlobal('fetch', async () => new Response('<html>bad gateway</html>', { status: 502 }));
    const bad = (await http.get('/api/x').catch((err: unknown) => err)) as ApiError;
    expect([bad.status, bad.code]).toEqual([502, 'http_502']);
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const off = (await http.get('/api/x').catch((err: unknown) => err)) as ApiError;
    expect([off.status, off.code, off.isOffline]).toEqual([0, 'network', true]);
  });

  it('calls the unauthenticated handler on 401 unless told the 401 is expected', async () => {
    vi.stubGlobal('fetch', async () => answer(401, { ok: false, error: 'unauthenticated', message: '请先登录' }));
    const handler = vi.fn();
    setUnauthenticatedHandler(handler);
    await http.get('/api/auth/me', undefined, { quiet401: true }).catch(() => undefined);
    expect(handler).not.toHaveBeenCalled();
    await http.get('/api/members').catch(() => undefined);
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
