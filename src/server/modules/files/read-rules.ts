import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';

/**
 * Whether the caller may read a stored file because of where it is attached: a study item's file,
 * a meeting's minutes and photos, a trip's photos. The files module knows none of these places;
 * each module that attaches stored files adds its rule from its index.ts, and every rule is asked
 * before a file is refused.
 */
export type FileReadRule = (db: Executor, ctx: RequestContext, fileId: string) => Promise<boolean>;

/** The places that attach stored files; a rule missing for one of them is a wiring fault, never a silent refusal. */
export const ATTACHMENT_PLACES = ['study_item', 'meeting', 'trip_photo', 'news_item', 'share_post', 'donation_spending', 'service_log'] as const;
export type AttachmentPlace = (typeof ATTACHMENT_PLACES)[number];

const rules = new Map<AttachmentPlace, FileReadRule>();

/** Adds the rule of a place that attaches stored files (called once, from the owning module's index.ts). */
export function addFileReadRule(place: AttachmentPlace, rule: FileReadRule): void {
  rules.set(place, rule);
}

/** Whether any place the file is attached to lets the caller read it. */
export async function mayReadAttached(db: Executor, ctx: RequestContext, fileId: string): Promise<boolean> {
  const missing = ATTACHMENT_PLACES.filter((p) => !rules.has(p));
  if (missing.length) throw new Error(`no file read rule for ${missing.join(', ')}: import the owning module's index.ts`);
  for (const rule of rules.values()) if (await rule(db, ctx, fileId)) return true;
  return false;
}

/** Whether a file attached at a place must never be kept by a browser or proxy (it may show people looked after). */
export type FileNoStoreRule = (db: Executor, tenantId: string, fileId: string) => Promise<boolean>;

const noStoreRules = new Map<AttachmentPlace, FileNoStoreRule>();

/** Marks the files of a place as never to be stored in a cache (called once, from the owning module's index.ts). */
export function addFileNoStoreRule(place: AttachmentPlace, rule: FileNoStoreRule): void {
  noStoreRules.set(place, rule);
}

/** Whether any place the file is attached to forbids keeping a copy of it (served `no-store`). */
export async function mustNotStore(db: Executor, tenantId: string, fileId: string): Promise<boolean> {
  for (const rule of noStoreRules.values()) if (await rule(db, tenantId, fileId)) return true;
  return false;
}
