import { keepPreviousData, useMutation, useQuery, useQueryClient, type UseMutationResult } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError } from '../../common/api-error.ts';
import type { ApiRequest } from '../../common/endpoints.ts';
import { http } from '../../common/http.ts';
import { REFERENCE_STALE_MS, STALE_MS, invalidateAfterWrite } from './client.ts';
import { apiKey, isReferenceKey, type Area } from './keys.ts';

export interface Loaded<T> {
  data: T | undefined;
  /** asking the server (the first time or again) */
  loading: boolean;
  error: ApiError | null;
  reload: () => void;
  /** puts a newer answer in place (a write that answers with the whole thing) */
  setData: (d: T) => void;
}

function asApiError(e: unknown): ApiError | null {
  if (e === null || e === undefined) return null;
  return e instanceof ApiError ? e : new ApiError(0, 'unknown', String(e));
}

type ReadOptions = { staleTime?: number; refetchInterval?: number };

/**
 * GET through the query cache: a typed request from the contract (`useApi(endpoints.members.get.at({ id }))`),
 * keyed by `apiKey(path, query)`; null skips. While the request changes the previous answer stays shown
 * until the new one arrives. How long an answer stays fresh depends on its area (query/client.ts).
 */
export function useApi<T>(request: ApiRequest<T> | null, options: ReadOptions = {}): Loaded<T> {
  const path = request?.path ?? null;
  const query = request?.query;
  const client = useQueryClient();
  const key = apiKey(path ?? '', query);
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => http.get<T>(path ?? '', query, { signal }),
    enabled: path !== null,
    placeholderData: keepPreviousData,
    staleTime: isReferenceKey(key) ? REFERENCE_STALE_MS : STALE_MS,
    ...options,
  });
  const { refetch } = q;
  const keyText = JSON.stringify(key);
  const reload = useCallback(() => void refetch(), [refetch]);
  const setData = useCallback((d: T) => client.setQueryData(JSON.parse(keyText) as unknown[], d), [client, keyText]);
  return { data: q.data, loading: path !== null && q.isFetching, error: asApiError(q.error), reload, setData };
}

/**
 * A write: `isPending` while it runs, and once it succeeded the areas it `changes` (and the views derived
 * from them, query/keys.ts) are asked again wherever they are shown — lists, badges, details — without any
 * page telling another. `mutationFn` should call `api` (api.ts), which marks the rest of the cache stale.
 */
export function useApiMutation<TVariables = void, TData = unknown>(
  mutationFn: (variables: TVariables) => Promise<TData>,
  options: { changes: readonly Area[] },
): UseMutationResult<TData, ApiError, TVariables> {
  const client = useQueryClient();
  return useMutation<TData, ApiError, TVariables>({
    mutationFn,
    onSuccess: () => void invalidateAfterWrite(client, options.changes),
  });
}
