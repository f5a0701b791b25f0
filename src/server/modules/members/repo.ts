import { sql, type Expression, type SqlBool, type ExpressionBuilder } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { DB } from '../../db/tables.ts';
import type { MemberScope } from '../../auth/policy.ts';
import type { TenantSettings } from '../settings/index.ts';
import { flagSql, hasMentorSql, inSubtrees, memberBaseQuery } from '../../directory/index.ts';

/** Filters of the member list and its export (one definition so both always agree). */
export interface MemberFilter {
  q?: string | undefined;
  orgPath?: string | undefined;
  status?: 'full' | 'probationary' | undefined;
  mobile?: boolean | undefined;
  province?: string | undefined;
  city?: string | undefined;
  lostContact?: boolean | undefined;
  shouldTransfer?: boolean | undefined;
  lostContactSuspected?: boolean | undefined;
  withoutMentor?: boolean | undefined;
}

type Eb = ExpressionBuilder<DB & { m: DB['member']; mb: DB['mobility'] }, 'm' | 'mb'>;

/** Whether a filter reads the current stay (the count then needs the mobility join). */
function needsMobility(f: MemberFilter): boolean {
  return [f.mobile, f.province, f.city, f.lostContact, f.shouldTransfer, f.lostContactSuspected, f.withoutMentor].some((v) => v !== undefined);
}

export function filterWhere(eb: Eb, tenantId: string, scope: MemberScope, f: MemberFilter, settings: TenantSettings): Expression<SqlBool> {
  const conds: Expression<SqlBool>[] = [];
  if (!scope.all) {
    const ors: Expression<SqlBool>[] = [];
    if (scope.paths.length) ors.push(inSubtrees(tenantId, scope.paths));
    if (scope.memberIds.length) ors.push(eb('m.id', 'in', scope.memberIds));
    conds.push(ors.length ? eb.or(ors) : sql<SqlBool>`false`);
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // A phone is searched by its first digits, and only when the search is a number: the digits of
    // "林1" would otherwise match every mobile number starting with 1.
    const digits = /^[\d\s+-]+$/.test(f.q) ? f.q.replace(/\D/g, '') : '';
    conds.push(digits ? eb.or([eb('m.name', 'like', like), eb('m.phone', 'like', `${digits}%`)]) : eb('m.name', 'like', like));
  }
  if (f.orgPath) conds.push(inSubtrees(tenantId, [f.orgPath]));
  if (f.status) conds.push(eb('m.status', '=', f.status));
  if (f.mobile === true) conds.push(eb('mb.id', 'is not', null));
  if (f.mobile === false) conds.push(eb('mb.id', 'is', null));
  if (f.province) conds.push(eb('mb.province_code', '=', f.province));
  if (f.city) conds.push(eb('mb.city_code', '=', f.city));
  const flags = flagSql(settings);
  if (f.lostContact === true) conds.push(eb.or([eb('m.lost_contact_since', 'is not', null), flags.lostSuspected]));
  if (f.lostContact === false) conds.push(eb.and([eb('m.lost_contact_since', 'is', null), eb.not(flags.lostSuspected)]));
  if (f.shouldTransfer === true) conds.push(flags.shouldTransfer);
  if (f.shouldTransfer === false) conds.push(eb.not(flags.shouldTransfer));
  if (f.lostContactSuspected === true) conds.push(flags.lostSuspected);
  if (f.lostContactSuspected === false) conds.push(eb.not(flags.lostSuspected));
  if (f.withoutMentor !== undefined) {
    conds.push(f.withoutMentor ? eb.and([eb('mb.id', 'is not', null), eb.not(hasMentorSql)]) : hasMentorSql);
  }
  return eb.and(conds);
}

export async function listMemberRows(
  db: Executor,
  tenantId: string,
  scope: MemberScope,
  f: MemberFilter,
  settings: TenantSettings,
  page: { limit: number; offset: number; withTotal?: boolean },
) {
  const flags = flagSql(settings);
  return memberBaseQuery(db, tenantId)
    .where((eb) => filterWhere(eb as unknown as Eb, tenantId, scope, f, settings))
    .select([
      'm.id',
      'm.name',
      'm.gender',
      'm.phone',
      'm.status',
      'm.org_id',
      'o.name as org_name',
      'mb.place_name',
      'mb.since as mobile_since',
      'm.lost_contact_since',
    ])
    .select([flags.shouldTransfer.as('should_transfer'), flags.lostSuspected.as('lost_suspected')])
    // The total of the filtered set in the same pass (cheap when the set is a village, not a county).
    .select(page.withTotal ? sql<number | null>`count(*) OVER ()`.as('total') : sql<number | null>`NULL::bigint`.as('total'))
    // Pinyin order (migration 0013): the key, then the name between homophones; the index follows it.
    .orderBy('m.name_sort_key')
    .orderBy('m.name')
    .orderBy('m.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export async function countMembers(db: Executor, tenantId: string, scope: MemberScope, f: MemberFilter, settings: TenantSettings): Promise<number> {
  // Only the joins the filter needs: counting a whole county is then an index-only scan.
  const row = await db
    .selectFrom('member as m')
    .$if(needsMobility(f), (qb) =>
      qb.leftJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'm.tenant_id').onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null)),
    )
    .where('m.tenant_id', '=', tenantId)
    .where('m.left_at', 'is', null)
    .where((eb) => filterWhere(eb as unknown as Eb, tenantId, scope, f, settings))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Full rows for the export, in the same order as the list. */
export function exportMemberRows(db: Executor, tenantId: string, scope: MemberScope, f: MemberFilter, settings: TenantSettings) {
  const flags = flagSql(settings);
  return memberBaseQuery(db, tenantId)
    .leftJoin('grid as g', (j) => j.onRef('g.tenant_id', '=', 'm.tenant_id').onRef('g.id', '=', 'm.grid_id'))
    .where((eb) => filterWhere(eb as unknown as Eb, tenantId, scope, f, settings))
    .select([
      'm.id',
      'm.name',
      'm.gender',
      'm.birth_date',
      'm.ethnicity',
      'm.education',
      'm.phone',
      'm.id_number_masked',
      'm.join_date',
      'm.status',
      'o.name as org_name',
      'g.name as grid_name',
      'm.home_address',
      'm.occupation',
      'mb.place_name',
      'mb.workplace',
      'mb.since as mobile_since',
      'mb.contact as mobile_contact',
      'm.lost_contact_since',
    ])
    .select([flags.shouldTransfer.as('should_transfer'), flags.lostSuspected.as('lost_suspected')])
    // Pinyin order (migration 0013): the key, then the name between homophones; the index follows it.
    .orderBy('m.name_sort_key')
    .orderBy('m.name')
    .orderBy('m.id')
    .execute();
}
