import type { Database } from '../../db/database.ts';
import type { NotifyRuntime } from './runtime.ts';

export interface DispatchOptions {
  limit?: number;
}

/** Sends what is due at `now`. */
export async function dispatchDue(_db: Database, _runtime: NotifyRuntime, _now: Date, _options: DispatchOptions = {}): Promise<number> {
  return 0;
}
