/**
 * A counter bumped by every change that alters who may see what (a unit moved or retired, a
 * mentor reassigned, roles changed). Cached actors remember the value they were loaded at and
 * are reloaded when it moved, so authorization never runs on stale scopes in this process.
 */
let epoch = 0;

export function authEpoch(): number {
  return epoch;
}

export function bumpAuthEpoch(): void {
  epoch++;
}
