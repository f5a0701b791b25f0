import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { can } from '../../auth/policy.ts';

/**
 * Whether the caller may read a stored file as a meeting's minutes or photo (the meetings module's
 * rule for the files module): whoever marks attendance at a meeting it is attached to.
 */
export async function mayReadMeetingFile(db: Executor, ctx: RequestContext, fileId: string): Promise<boolean> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const hosts = await db
    .selectFrom('session_attachment as a')
    .innerJoin('study_session as s', (j) => j.onRef('s.tenant_id', '=', 'a.tenant_id').onRef('s.id', '=', 'a.session_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .select('o.path')
    .where('a.tenant_id', '=', tenantId)
    .where('a.file_id', '=', fileId)
    .execute();
  return hosts.some((o) => can(actor, 'attendance.mark', { kind: 'org', tenantId, path: o.path }));
}
