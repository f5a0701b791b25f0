import type { QueryKey } from '@tanstack/react-query';
import type { Query } from '../../common/http.ts';

/**
 * Query keys of the console, in one place. A GET's key is its path under /api split at the slashes, then
 * its query: `/api/members/7/engagement?x=1` → ['members', '7', 'engagement', { x: 1 }]. So the first
 * element names the area, and invalidating an area's key (['members']) refreshes every list and detail
 * read under it. Empty query values are left out of the key, as they are left out of the request.
 */
export function apiKey(path: string, query?: Query): QueryKey {
  const segments = path
    .replace(/^\/api\//, '')
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
  const q: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') q[k] = v;
  return [...segments, q];
}

/** The areas of the API, each the key prefix of everything read under it. */
export const areas = {
  auth: ['auth'],
  orgs: ['orgs'],
  grids: ['grids'],
  members: ['members'],
  regions: ['regions'],
  settings: ['settings'],
  dashboard: ['dashboard'],
  audit: ['audit'],
  imports: ['imports'],
  studyItems: ['study-items'],
  pushes: ['pushes'],
  sessions: ['sessions'],
  coverage: ['coverage'],
  careTasks: ['care-tasks'],
  talks: ['talks'],
  mentoring: ['mentoring'],
  drift: ['drift'],
  deliveries: ['deliveries'],
  cardCampaigns: ['card-campaigns'],
  contactCards: ['contact-cards'],
  birthdays: ['birthdays'],
  notify: ['notify'],
  activation: ['activation'],
  questions: ['questions'],
  news: ['news'],
  disclosure: ['disclosures'],
  reviews: ['reviews'],
  pledges: ['pledges'],
  jobs: ['jobs'],
  teams: ['teams'],
  service: ['service'],
} as const satisfies Record<string, QueryKey>;

export type Area = keyof typeof areas;

/**
 * What a write in an area changes besides the area itself: the read models computed from it. Pages of
 * other areas are marked stale by every write anyway (see `invalidateAfterWrite`); these are refetched
 * at once when on screen.
 */
export const derivedFrom: Partial<Record<Area, readonly Area[]>> = {
  members: ['dashboard', 'coverage', 'mentoring', 'drift', 'birthdays', 'orgs', 'activation'],
  orgs: ['members', 'grids', 'dashboard'],
  grids: ['orgs', 'members'],
  pushes: ['coverage', 'dashboard', 'drift'],
  sessions: ['coverage', 'dashboard', 'drift', 'careTasks'],
  careTasks: ['dashboard', 'members', 'mentoring', 'drift'],
  talks: ['careTasks', 'mentoring', 'members', 'dashboard', 'drift'],
  mentoring: ['members', 'dashboard'],
  deliveries: ['members', 'drift'],
  cardCampaigns: ['members'],
  settings: ['dashboard', 'members', 'coverage', 'mentoring', 'drift'],
  questions: ['dashboard'],
};

/** Never changed while the console runs (the national region list): kept for the page's life, never marked stale. */
export const staticAreas: readonly Area[] = ['regions'];

export function isStaticKey(key: QueryKey): boolean {
  return staticAreas.some((a) => areas[a][0] === key[0]);
}

/** Changed only through the console (whose writes mark the cache stale): kept longer (`REFERENCE_STALE_MS`). */
export const referenceAreas: readonly Area[] = ['orgs', 'grids', 'settings', 'regions'];

export function isReferenceKey(key: QueryKey): boolean {
  return referenceAreas.some((a) => areas[a][0] === key[0]);
}
