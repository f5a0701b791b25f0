import { createContext, useContext } from 'react';
import type { MeAccount } from './types.ts';

export interface Session {
  me: MeAccount;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in session');
  return s;
}

/** Secretaries' tools (dashboard, import, edits): the admin and secretaries; group leaders only read. */
export function isSecretary(me: MeAccount): boolean {
  return me.isTenantAdmin || me.roles.some((r) => r.role === 'secretary');
}

export function useIsSecretary(): boolean {
  return isSecretary(useSession().me);
}
