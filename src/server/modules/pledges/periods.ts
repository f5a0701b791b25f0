import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { shanghaiDate } from '../../clock.ts';
import { recordAudit } from '../../audit-log.ts';
import { unitFor } from '../../directory/index.ts';
import type { PledgePeriod, PledgePeriodInput, PledgePeriodQuery } from '../../../shared/api-pledges.ts';

/** This year in China time (pledges are per calendar year). */
export const thisYear = (): number => Number(shanghaiDate().slice(0, 4));

/**
 * The pledging window of `year` for a unit: the period set on the nearest unit up its path (its own
 * first), or, when none is set, the whole calendar year. Open when today (China time) lies inside it.
 */
export async function periodFor(db: Executor, tenantId: string, unitPath: string, year: number): Promise<PledgePeriod> {
  const ids = unitPath.split('/').filter(Boolean);
  const rows = ids.length
    ? await db
        .selectFrom('pledge_period as p')
        .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.org_id'))
        .select(['p.org_id', 'o.name', 'o.path', 'p.opens_on', 'p.closes_on'])
        .where('p.tenant_id', '=', tenantId)
        .where('p.year', '=', year)
        .where('p.org_id', 'in', ids)
        .execute()
    : [];
  const nearest = rows.sort((a, b) => b.path.length - a.path.length)[0];
  const opensOn = nearest?.opens_on ?? `${year}-01-01`;
  const closesOn = nearest?.closes_on ?? `${year}-12-31`;
  const today = shanghaiDate();
  return {
    year,
    opensOn,
    closesOn,
    setBy: nearest ? { orgId: nearest.org_id, orgName: nearest.name } : null,
    open: opensOn <= today && today <= closesOn,
  };
}

/** The period that applies to a unit (its secretaries, the admin). */
export async function getPeriod(db: Database, ctx: RequestContext, query: z.output<typeof PledgePeriodQuery>): Promise<PledgePeriod> {
  const unit = await unitFor(db, ctx, 'service.manage', query.orgId);
  return periodFor(db, ctx.actor.tenantId, unit.path, query.year ?? thisYear());
}

/** Sets a unit's pledging window for a year (its units below follow it unless they set their own). */
export async function setPeriod(db: Database, ctx: RequestContext, input: z.output<typeof PledgePeriodInput>): Promise<PledgePeriod> {
  const { actor } = ctx;
  const unit = await unitFor(db, ctx, 'service.manage', input.orgId);
  await db.transaction().execute(async (tx) => {
    const before = await tx
      .selectFrom('pledge_period')
      .select(['opens_on', 'closes_on'])
      .where('tenant_id', '=', actor.tenantId)
      .where('org_id', '=', unit.id)
      .where('year', '=', input.year)
      .executeTakeFirst();
    await tx
      .insertInto('pledge_period')
      .values({ tenant_id: actor.tenantId, org_id: unit.id, year: input.year, opens_on: input.opensOn, closes_on: input.closesOn })
      .onConflict((oc) => oc.columns(['tenant_id', 'org_id', 'year']).doUpdateSet({ opens_on: input.opensOn, closes_on: input.closesOn }))
      .execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'pledge_period.set',
      entity: 'org',
      entityId: unit.id,
      before: before ? { opensOn: before.opens_on, closesOn: before.closes_on } : undefined,
      after: { year: input.year, opensOn: input.opensOn, closesOn: input.closesOn },
    });
  });
  return periodFor(db, actor.tenantId, unit.path, input.year);
}
