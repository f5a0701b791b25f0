import type { AnswerOf, BodyOf, Endpoint, Method, PathParamNames, QueryOf } from '../../shared/endpoints.ts';
import type { Query, RequestOptions } from './http.ts';

/**
 * Typed calls from the endpoint description of src/shared/endpoints.ts. A bound endpoint is called with
 * its path parameters first (when its path has any), then its body (a write) or its query (a read):
 *   endpoints.members.list({ q: '张' })             GET /api/members?q=张 → MemberList
 *   endpoints.members.update({ id }, { phone })    PATCH /api/members/:id → MemberDetail
 * A read also gives `.at(…)`, the request (path and query) without sending it, for the query cache.
 */

type ParamsArg<E> = E extends { path: infer P extends string } ? ([PathParamNames<P>] extends [never] ? [] : [params: Record<PathParamNames<P>, string>]) : [];
/**
 * A read's query: the schema's fields, each also as the text an address or a filter holds (the
 * server checks it; empty values are left out of the request).
 */
export type ReadQuery<Q> = { [K in keyof Q]?: Q[K] | string | null };
type RestArg<E> = E extends { method: 'GET' }
  ? [QueryOf<E>] extends [never]
    ? []
    : [query?: ReadQuery<QueryOf<E>>]
  : [BodyOf<E>] extends [never]
    ? []
    : [body: BodyOf<E>];

export type EndpointArgs<E> = [...ParamsArg<E>, ...RestArg<E>];

/** A request not yet sent: what the query cache keys and fetches. `answer` is a type only. */
export interface ApiRequest<T> {
  path: string;
  query?: Query;
  readonly answer?: T;
}

export interface BoundRead<E> {
  (...args: EndpointArgs<E>): Promise<AnswerOf<E>>;
  at: (...args: EndpointArgs<E>) => ApiRequest<AnswerOf<E>>;
  endpoint: E;
}
export interface BoundWrite<E> {
  (...args: EndpointArgs<E>): Promise<AnswerOf<E>>;
  endpoint: E;
}
export type Bound<E> = E extends { method: 'GET'; path: string } ? BoundRead<E> : E extends { method: Method; path: string } ? BoundWrite<E> : E extends object ? { [K in keyof E]: Bound<E[K]> } : never;

/** The function that sends: the app's request core (with whatever it does after a write). */
export type Send = <T>(method: Method, path: string, options: RequestOptions) => Promise<T>;

/** `/api/members/:id` with `{ id: 'a/b' }` → `/api/members/a%2Fb`; a missing parameter is an error of the caller. */
export function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z]\w*)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${path}: missing parameter ${name}`);
    return encodeURIComponent(value);
  });
}

function hasParams(path: string): boolean {
  return path.includes(':');
}

function requestOf(endpoint: Endpoint, args: unknown[]): { path: string; rest: unknown } {
  const withParams = hasParams(endpoint.path);
  const params = withParams ? (args[0] as Record<string, string>) : undefined;
  return { path: fillPath(endpoint.path, params), rest: withParams ? args[1] : args[0] };
}

function isEndpoint(value: unknown): value is Endpoint {
  return typeof value === 'object' && value !== null && typeof (value as Endpoint).method === 'string' && typeof (value as Endpoint).path === 'string';
}

/** Binds every endpoint of `description` (nested objects of endpoints) to `send`. */
export function bindEndpoints<D extends object>(description: D, send: Send): Bound<D> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(description)) {
    if (isEndpoint(value)) {
      const endpoint = value;
      if (endpoint.method === 'GET') {
        const at = (...args: unknown[]): ApiRequest<unknown> => {
          const { path, rest } = requestOf(endpoint, args);
          return rest === undefined ? { path } : { path, query: rest as Query };
        };
        const call = (...args: unknown[]) => {
          const { path, query } = at(...args);
          return send('GET', path, { query });
        };
        out[name] = Object.assign(call, { at, endpoint });
      } else {
        const call = (...args: unknown[]) => {
          const { path, rest } = requestOf(endpoint, args);
          // a POST without a body sends `{}`, as the server's JSON parser expects a body with the header
          return send(endpoint.method, path, rest !== undefined ? { body: rest } : endpoint.method === 'POST' ? { body: {} } : {});
        };
        out[name] = Object.assign(call, { endpoint });
      }
    } else if (typeof value === 'object' && value !== null) {
      out[name] = bindEndpoints(value, send);
    }
  }
  return out as Bound<D>;
}
