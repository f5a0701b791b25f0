import { ApiError, errorText } from './api.ts';

/** What a screen shows of a query: loading, a failure to explain, or the answer (stale: kept, the network is down). */
export type Shown<T> = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'loaded'; data: T; stale: boolean };

interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isFetching: boolean;
  isPaused: boolean;
}

/**
 * An answer on hand is always shown, the kept one too; it is stale when the last try got no answer
 * (or the try waits for the network). Without one: loading, or why not (empty for an expired
 * session, which the request core sends to the login).
 */
export function shown<T>(query: QueryLike<T>, networkError: string): Shown<T> {
  const { data, error, isFetching, isPaused } = query;
  const offline = error instanceof ApiError && error.isOffline;
  if (data !== undefined) return { kind: 'loaded', data, stale: isPaused || offline };
  if (isFetching && !isPaused) return { kind: 'loading' };
  if (error) return { kind: 'failed', message: failureText(error, networkError) };
  if (isPaused) return { kind: 'failed', message: networkError };
  return { kind: 'loading' };
}

/** Why a call failed, for the screen: the server's words, else `fallback`; empty for an expired session (the login shows). */
export function failureText(error: unknown, fallback: string): string {
  if (error instanceof ApiError && error.status === 401) return '';
  return errorText(error) || fallback;
}
