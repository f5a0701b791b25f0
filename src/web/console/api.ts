/**
 * The console's calls go through the request core both web apps share (src/web/common). Pages call the
 * typed `endpoints` below; `api` is the plain form for what the contract cannot say (the sign-in probe
 * whose 401 is expected). Every successful write, either way, marks the query cache stale.
 */
import { contract } from '../../shared/endpoints.ts';
import { bindEndpoints } from '../common/endpoints.ts';
import { http, request, uploadFile as uploadWithProgress, type Method, type Query, type RequestOptions } from '../common/http.ts';
import { markAllStale } from './query/client.ts';

export { ApiError, type ErrorBodyT, type FieldIssue } from '../common/api-error.ts';
export { currentCsrfToken, setCsrfToken, setUnauthenticatedHandler, toSearch, type Query, type QueryValue } from '../common/http.ts';

type WriteOptions = Omit<RequestOptions, 'body'>;

function written<T>(answer: Promise<T>): Promise<T> {
  return answer.then((value) => {
    markAllStale();
    return value;
  });
}

export const api = {
  get: <T>(path: string, query?: Query, opts?: Omit<RequestOptions, 'query' | 'body'>) => http.get<T>(path, query, opts),
  post: <T>(path: string, body?: unknown, opts?: WriteOptions) => written(http.post<T>(path, body, opts)),
  put: <T>(path: string, body: unknown, opts?: WriteOptions) => written(http.put<T>(path, body, opts)),
  patch: <T>(path: string, body: unknown, opts?: WriteOptions) => written(http.patch<T>(path, body, opts)),
  del: <T>(path: string, opts?: WriteOptions) => written(http.del<T>(path, opts)),
};

/** A multipart upload with progress (see src/web/common/http.ts). */
export function uploadFile<T>(path: string, file: File, onProgress: (percent: number) => void): Promise<T> {
  return written(uploadWithProgress<T>(path, file, onProgress));
}

/**
 * The API's endpoints, typed from the shared contract (src/shared/endpoints.ts):
 * `endpoints.members.list({ q })`, `endpoints.members.update({ id }, patch)`; reads also give
 * `.at(…)` for `useApi`. Writes mark the query cache stale like every write of `api`.
 */
export const endpoints = bindEndpoints(contract, <T>(method: Method, path: string, options: RequestOptions) =>
  method === 'GET' ? request<T>(method, path, options) : written(request<T>(method, path, options)),
);
