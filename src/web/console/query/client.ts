import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiError } from '../../common/api-error.ts';
import { areas, derivedFrom, isStaticKey, type Area } from './keys.ts';

/**
 * How long an answer counts as fresh. Most of what the console shows moves by other people's hands
 * (members check in, read pushes, jobs raise tasks), so it is asked again each time it is shown — the
 * last answer stays on screen meanwhile; a burst of components asking at once shares one request.
 * Reference data (the org tree, grids, settings, regions) changes only through the console, whose
 * writes mark it stale (`markAllStale`), so it is kept for minutes.
 */
export const STALE_MS = 0;
export const REFERENCE_STALE_MS = 5 * 60_000;

/** Asking again helps when the network or the server stumbled; a refusal (4xx) would only be repeated. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof ApiError && error.isClientError) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: STALE_MS,
        retry: shouldRetry,
        // a secretary filling a form in another tab should not see the page under it reload
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
}

/** The console's one query cache. */
export const queryClient = createQueryClient();

/**
 * Every successful write marks everything cached stale without asking again now: whatever is shown
 * later is asked again — like the server's per-tenant change counter, any write may have moved any view.
 * The request core calls this after every write (api.ts), so no write can leave a stale cache behind.
 */
export function markAllStale(client: QueryClient = queryClient): void {
  void client.invalidateQueries({ predicate: (q) => !isStaticKey(q.queryKey), refetchType: 'none' });
}

/**
 * After a successful write through `useApiMutation`: the areas it changed, and the read models derived
 * from them, are asked again at once where they are on screen (lists, badges, details).
 */
export async function invalidateAfterWrite(client: QueryClient, changed: readonly Area[]): Promise<void> {
  const touched = new Set<Area>();
  for (const area of changed) {
    touched.add(area);
    for (const d of derivedFrom[area] ?? []) touched.add(d);
  }
  const prefixes: QueryKey[] = [...touched].map((a) => areas[a]);
  await client.invalidateQueries({ predicate: (q) => prefixes.some((p) => p.every((part, i) => q.queryKey[i] === part)) });
}
