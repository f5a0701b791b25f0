import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { can } from '../../auth/policy.ts';

/** The item (alias i) uses the file: as its audio, video or PDF, as an image in its article body, or as an article's recorded audio. */
const usesFile = (fileId: string) => sql<SqlBool>`(i.file_id = ${fileId} OR i.audio_file_id = ${fileId} OR i.body_file_ids @> ARRAY[${fileId}]::uuid[])`;

/**
 * Whether the caller may read a stored file as study content (the library's rule for the files
 * module): a file or article image of an item still in the library is open to every signed-in
 * account of the tenant; of a retired item, to whoever manages learning in the item's unit.
 */
export async function mayReadStudyItemFile(db: Executor, ctx: RequestContext, fileId: string): Promise<boolean> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const items = await db
    .selectFrom('study_item as i')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'i.tenant_id').onRef('o.id', '=', 'i.org_id'))
    .select(['o.path', 'i.retired_at'])
    .where('i.tenant_id', '=', tenantId)
    .where(usesFile(fileId))
    .execute();
  if (items.some((i) => i.retired_at === null)) return true;
  return items.some((o) => can(actor, 'learning.manage', { kind: 'org', tenantId, path: o.path }));
}
