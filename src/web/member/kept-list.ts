import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { ApiError, explainError } from './api.ts';

export type KeptListState<T> = { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'loaded'; items: T[]; stale: boolean };

interface KeptListSource<T> {
  /** asks the server; a module-level function, so the hook loads once */
  fetch: () => Promise<{ items: T[] }>;
  /** keeps what the server said on the phone */
  save: (items: T[]) => void;
  /** what was kept, or null */
  recall: () => T[] | null;
}

/**
 * A list from the server, kept on the phone: without signal the kept copy is shown (stale), any
 * other failure is explained. A reload keeps the list on screen until the answer comes.
 */
export function useKeptList<T>(
  { fetch, save, recall }: KeptListSource<T>,
  networkError: string,
  onUnauthenticated: () => void,
): { state: KeptListState<T>; setState: Dispatch<SetStateAction<KeptListState<T>>>; load: () => Promise<void> } {
  const [state, setState] = useState<KeptListState<T>>({ kind: 'loading' });
  const load = useCallback(async () => {
    setState((s) => (s.kind === 'loaded' ? s : { kind: 'loading' }));
    try {
      const { items } = await fetch();
      save(items);
      setState({ kind: 'loaded', items, stale: false });
    } catch (e) {
      const message = explainError(e, networkError, onUnauthenticated);
      const saved = e instanceof ApiError && e.isOffline ? recall() : null;
      if (saved) setState({ kind: 'loaded', items: saved, stale: true });
      else setState({ kind: 'failed', message });
    }
  }, [fetch, save, recall, networkError, onUnauthenticated]);
  useEffect(() => {
    void load();
  }, [load]);
  return { state, setState, load };
}
