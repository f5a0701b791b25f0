import { ApiError } from './api-error.ts';

/**
 * The one request core of the web apps: JSON in and out, the CSRF header on every write, the session
 * cookie, errors as `ApiError`. Each app is its own bundle, so the state below is per app.
 */

let csrfToken = '';
let onUnauthenticated: (() => void) | null = null;

/** The token the server handed out with the account (`/api/auth/me`, login); the cookie is the fallback. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token ?? '';
}

/** Called when a request answers 401 (the session expired), unless the request said `quiet401`. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

function csrfFromCookie(): string {
  if (typeof document === 'undefined') return '';
  const m = /(?:^|;\s*)lx_csrf=([^;]*)/.exec(document.cookie);
  return m?.[1] ? decodeURIComponent(m[1]) : '';
}

export function currentCsrfToken(): string {
  return csrfToken || csrfFromCookie();
}

/** The language the person chose (each app sets it on <html lang>), so the server words its messages in it. */
function callerLanguage(): string {
  return (typeof document !== 'undefined' && document.documentElement.lang) || 'zh-CN';
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue | readonly QueryValue[]>;

/** `?a=1&b=x` from a query object; empty values (undefined, null, '') are left out; arrays repeat the key. */
export function toSearch(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    for (const one of Array.isArray(v) ? (v as readonly QueryValue[]) : [v as QueryValue]) {
      if (one === undefined || one === null || one === '') continue;
      params.append(k, String(one));
    }
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** JSON body; writes without one send nothing */
  body?: unknown;
  query?: Query;
  /** abort after this long (status 0, code 'network'); none by default */
  timeoutMs?: number;
  /** fetch's cache mode; the browser's default unless told */
  cache?: RequestCache;
  /** let the request finish after the page is gone (pagehide); the body must stay under 64 KB */
  keepalive?: boolean;
  /** cancels the request (TanStack Query passes one) */
  signal?: AbortSignal;
  /** a 401 is expected (the login probe): do not call the unauthenticated handler */
  quiet401?: boolean;
  /** extra request headers (the member app's queued writes send `Idempotency-Key`) */
  headers?: Record<string, string>;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const { body, query, timeoutMs, cache, keepalive, signal, quiet401 } = options;
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json', 'accept-language': callerLanguage() };
  if (method !== 'GET') {
    const token = currentCsrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const controller = timeoutMs !== undefined || signal ? new AbortController() : null;
  const timer = timeoutMs !== undefined && controller ? setTimeout(() => controller.abort(), timeoutMs) : undefined;
  const forward = () => controller?.abort();
  signal?.addEventListener('abort', forward);
  let res: Response;
  try {
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (cache) init.cache = cache;
    if (keepalive) init.keepalive = true;
    if (controller) init.signal = controller.signal;
    res = await fetch(path + toSearch(query), init);
  } catch (e) {
    // A cancel asked for by the caller stays an AbortError, so TanStack Query knows it was cancelled.
    if (signal?.aborted) throw e;
    throw ApiError.network();
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    throw ApiError.network();
  }
  const parsed = parseJson(text);
  if (!res.ok) {
    if (res.status === 401 && !quiet401) onUnauthenticated?.();
    throw ApiError.fromAnswer(res.status, parsed);
  }
  return parsed as T;
}

/** Short forms for the common calls. */
export const http = {
  get: <T>(path: string, query?: Query, opts?: Omit<RequestOptions, 'query' | 'body'>) => request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts?: Omit<RequestOptions, 'body'>) => request<T>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body: unknown, opts?: Omit<RequestOptions, 'body'>) => request<T>('PUT', path, { ...opts, body }),
  patch: <T>(path: string, body: unknown, opts?: Omit<RequestOptions, 'body'>) => request<T>('PATCH', path, { ...opts, body }),
  del: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('DELETE', path, opts),
};

/** A multipart upload of one file (field `file`) with progress, which fetch cannot report. */
export function uploadFile<T>(path: string, file: File, onProgress: (percent: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    const token = currentCsrfToken();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('accept-language', callerLanguage());
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(ApiError.network());
    xhr.onload = () => {
      const parsed = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100);
        resolve(parsed as T);
        return;
      }
      if (xhr.status === 401) onUnauthenticated?.();
      reject(ApiError.fromAnswer(xhr.status, parsed));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
