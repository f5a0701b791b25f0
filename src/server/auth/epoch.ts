/**
 * A counter bumped by every change that alters who may see what (a unit moved or retired, a
 * mentor reassigned, roles changed). Cached actors remember the value they were loaded at and
 * are reloaded when it moved, so authorization never runs on stale scopes. On PostgreSQL other
 * server processes hear of a bump through the change feed (change-feed.ts) and bump theirs.
 */
let epoch = 0;
let announce: (() => void) | null = null;

export function authEpoch(): number {
  return epoch;
}

/** Who-sees-what changed in this process. */
export function bumpAuthEpoch(): void {
  epoch++;
  announce?.();
}

/** Another process reported a change of who-sees-what: bump without announcing it again. */
export function heardAuthChange(): void {
  epoch++;
}

/** Where this process's bumps are announced to the others (null: nowhere, as on PGlite). */
export function announceAuthChangesTo(fn: (() => void) | null): void {
  announce = fn;
}
