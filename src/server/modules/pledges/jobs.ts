import { sql } from 'kysely';
import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { clock } from '../../clock.ts';
import { AppError, notFound, uniqueViolation } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { inSubtrees, memberWithOrg, requireMember, unitFor } from '../../directory/index.ts';
import type {
  JobMatch,
  JobMatchInput,
  JobMatchList,
  JobMatchPatch,
  JobOfferInput,
  JobOfferList,
  JobSeeker,
  JobSeekerInput,
  JobSeekerList,
  JobsQuery,
  MyJobOffer,
  MyJobOffers,
} from '../../../shared/api-pledges.ts';

/**
 * 岗位对接: jobs members offer from the cities they work in, villagers looking for work (recorded by
 * a secretary with the least data: a name, a phone, what work) and the matches between them.
 * The member who offered a job sees its matches by the seeker's name and wanted work, never the
 * seeker's phone: the secretary brings the two together and the seeker calls the offer's contact,
 * so a villager's phone number does not travel to every member who posts a job.
 */

// ---------- the member ----------

export async function myJobOffers(db: Database, ctx: RequestContext, offerId?: string): Promise<MyJobOffers> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  const offers = await db
    .selectFrom('job_offer')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .$if(offerId !== undefined, (q) => q.where('id', '=', offerId ?? ''))
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute();
  const matches = offers.length
    ? await db
        .selectFrom('job_match as jm')
        .innerJoin('job_seeker as s', (j) => j.onRef('s.tenant_id', '=', 'jm.tenant_id').onRef('s.id', '=', 'jm.seeker_id'))
        .select(['jm.id', 'jm.offer_id', 'jm.status', 'jm.note', 'jm.created_at', 's.name', 's.wanted_work'])
        .where('jm.tenant_id', '=', tenantId)
        .where('jm.offer_id', 'in', offers.map((o) => o.id))
        .orderBy('jm.created_at')
        .execute()
    : [];
  return {
    offers: offers.map(
      (o): MyJobOffer => ({
        id: o.id,
        employer: o.employer,
        city: o.city,
        wageMinYuan: o.wage_min_yuan,
        wageMaxYuan: o.wage_max_yuan,
        contact: o.contact,
        description: o.description,
        closedAt: o.closed_at?.toISOString() ?? null,
        createdAt: o.created_at.toISOString(),
        matches: matches
          .filter((m) => m.offer_id === o.id)
          .map((m) => ({ id: m.id, seekerName: m.name, wantedWork: m.wanted_work, status: m.status, note: m.note, createdAt: m.created_at.toISOString() })),
      }),
    ),
  };
}

async function myOffer(db: Database, ctx: RequestContext, id: string): Promise<MyJobOffer> {
  const offer = (await myJobOffers(db, ctx, id)).offers[0];
  if (!offer) throw notFound('岗位');
  return offer;
}

/** A member offers a job (the phone may queue it: the route is idempotent). */
export async function offerJob(db: Database, ctx: RequestContext, input: z.output<typeof JobOfferInput>): Promise<MyJobOffer> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  const me = await memberWithOrg(db, tenantId, memberId);
  if (!me || me.left_at) throw notFound('党员');
  const id = await db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('job_offer')
      .values({
        tenant_id: tenantId,
        member_id: memberId,
        org_id: me.org_id,
        employer: input.employer,
        city: input.city,
        wage_min_yuan: input.wageMinYuan,
        wage_max_yuan: input.wageMaxYuan,
        contact: input.contact,
        description: input.description,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId, action: 'job_offer.create', entity: 'job_offer', entityId: row.id, after: { employer: input.employer, city: input.city, wageMinYuan: input.wageMinYuan, wageMaxYuan: input.wageMaxYuan } });
    return row.id;
  });
  return myOffer(db, ctx, id);
}

/** The member closes their own offer (filled, or no longer there); closing twice changes nothing. */
export async function closeMyJobOffer(db: Database, ctx: RequestContext, id: string): Promise<MyJobOffer> {
  const memberId = requireMember(ctx);
  const tenantId = ctx.actor.tenantId;
  await db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('job_offer').select(['member_id', 'closed_at']).where('tenant_id', '=', tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row || row.member_id !== memberId) throw notFound('岗位');
    if (row.closed_at) return;
    await tx.updateTable('job_offer').set({ closed_at: clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    await recordAudit(tx, ctx, { tenantId, action: 'job_offer.close', entity: 'job_offer', entityId: id });
  });
  return myOffer(db, ctx, id);
}

// ---------- the secretary ----------

export async function listJobOffers(db: Database, ctx: RequestContext, query: z.output<typeof JobsQuery>): Promise<JobOfferList> {
  const tenantId = ctx.actor.tenantId;
  const unit = await unitFor(db, ctx, 'service.manage', query.orgId);
  let q = db
    .selectFrom('job_offer as jo')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'jo.tenant_id').onRef('m.id', '=', 'jo.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'jo.tenant_id').onRef('o.id', '=', 'jo.org_id'))
    .selectAll('jo')
    .select(['m.name as member_name', 'o.name as org_name'])
    .select(sql<number>`(SELECT count(*)::int FROM job_match jm WHERE jm.tenant_id = jo.tenant_id AND jm.offer_id = jo.id)`.as('matches'))
    .where('jo.tenant_id', '=', tenantId)
    .where(inSubtrees(tenantId, [unit.path], 'jo.org_id'));
  if (query.open === 'true') q = q.where('jo.closed_at', 'is', null);
  if (query.open === 'false') q = q.where('jo.closed_at', 'is not', null);
  const rows = await q.orderBy('jo.created_at', 'desc').orderBy('jo.id').limit(500).execute();
  return {
    items: rows.map((o) => ({
      id: o.id,
      member: { id: o.member_id, name: o.member_name, orgName: o.org_name },
      employer: o.employer,
      city: o.city,
      wageMinYuan: o.wage_min_yuan,
      wageMaxYuan: o.wage_max_yuan,
      contact: o.contact,
      description: o.description,
      closedAt: o.closed_at?.toISOString() ?? null,
      createdAt: o.created_at.toISOString(),
      matches: o.matches,
    })),
  };
}

function seekerQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('job_seeker as s')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 's.tenant_id').onRef('o.id', '=', 's.org_id'))
    .selectAll('s')
    .select(['o.name as org_name', 'o.path as org_path'])
    .where('s.tenant_id', '=', tenantId);
}
const presentSeeker = (s: Awaited<ReturnType<ReturnType<typeof seekerQuery>['executeTakeFirstOrThrow']>>): JobSeeker => ({
  id: s.id,
  orgId: s.org_id,
  orgName: s.org_name,
  name: s.name,
  phone: s.phone,
  wantedWork: s.wanted_work,
  closedAt: s.closed_at?.toISOString() ?? null,
  createdAt: s.created_at.toISOString(),
});

export async function listJobSeekers(db: Database, ctx: RequestContext, query: z.output<typeof JobsQuery>): Promise<JobSeekerList> {
  const tenantId = ctx.actor.tenantId;
  const unit = await unitFor(db, ctx, 'service.manage', query.orgId);
  let q = seekerQuery(db, tenantId).where(inSubtrees(tenantId, [unit.path], 's.org_id'));
  if (query.open === 'true') q = q.where('s.closed_at', 'is', null);
  if (query.open === 'false') q = q.where('s.closed_at', 'is not', null);
  const rows = await q.orderBy('s.created_at', 'desc').orderBy('s.id').limit(500).execute();
  return { items: rows.map(presentSeeker) };
}

/** A secretary records a villager looking for work, on a unit of their subtree. */
export async function addJobSeeker(db: Database, ctx: RequestContext, input: z.output<typeof JobSeekerInput>): Promise<JobSeeker> {
  const tenantId = ctx.actor.tenantId;
  const unit = await unitFor(db, ctx, 'service.manage', input.orgId);
  const id = await db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('job_seeker')
      .values({ tenant_id: tenantId, org_id: unit.id, name: input.name, phone: input.phone, wanted_work: input.wantedWork })
      .returning('id')
      .executeTakeFirstOrThrow();
    // the seeker's phone stays out of the audit log: the entry names the record and the unit
    await recordAudit(tx, ctx, { tenantId, action: 'job_seeker.create', entity: 'job_seeker', entityId: row.id, after: { orgId: unit.id } });
    return row.id;
  });
  return presentSeeker(await seekerQuery(db, tenantId).where('s.id', '=', id).executeTakeFirstOrThrow());
}

async function seekerForManager(db: Executor, ctx: RequestContext, id: string) {
  const row = await seekerQuery(db, ctx.actor.tenantId).where('s.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('求职人');
  authorize(ctx.actor, 'service.manage', { kind: 'org', tenantId: ctx.actor.tenantId, path: row.org_path });
  return row;
}

/** The villager found work or no longer looks: closed (kept for the matches' history). */
export async function closeJobSeeker(db: Database, ctx: RequestContext, id: string): Promise<JobSeeker> {
  const tenantId = ctx.actor.tenantId;
  const row = await seekerForManager(db, ctx, id);
  if (!row.closed_at) {
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('job_seeker').set({ closed_at: clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
      await recordAudit(tx, ctx, { tenantId, action: 'job_seeker.close', entity: 'job_seeker', entityId: id });
    });
  }
  return presentSeeker(await seekerQuery(db, tenantId).where('s.id', '=', id).executeTakeFirstOrThrow());
}

function matchQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('job_match as jm')
    .innerJoin('job_offer as jo', (j) => j.onRef('jo.tenant_id', '=', 'jm.tenant_id').onRef('jo.id', '=', 'jm.offer_id'))
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'jo.tenant_id').onRef('m.id', '=', 'jo.member_id'))
    .innerJoin('job_seeker as s', (j) => j.onRef('s.tenant_id', '=', 'jm.tenant_id').onRef('s.id', '=', 'jm.seeker_id'))
    .innerJoin('org as so', (j) => j.onRef('so.tenant_id', '=', 's.tenant_id').onRef('so.id', '=', 's.org_id'))
    .selectAll('jm')
    .select(['jo.employer', 'jo.city', 'm.name as member_name', 's.name as seeker_name', 's.phone as seeker_phone', 'so.path as seeker_path'])
    .where('jm.tenant_id', '=', tenantId);
}
const presentMatch = (r: Awaited<ReturnType<ReturnType<typeof matchQuery>['executeTakeFirstOrThrow']>>): JobMatch => ({
  id: r.id,
  offer: { id: r.offer_id, employer: r.employer, city: r.city, memberName: r.member_name },
  seeker: { id: r.seeker_id, name: r.seeker_name, phone: r.seeker_phone },
  status: r.status,
  note: r.note,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Matches of the seekers of a unit's subtree (a match belongs where the villager is). */
export async function listJobMatches(db: Database, ctx: RequestContext, query: z.output<typeof JobsQuery>): Promise<JobMatchList> {
  const tenantId = ctx.actor.tenantId;
  const unit = await unitFor(db, ctx, 'service.manage', query.orgId);
  const rows = await matchQuery(db, tenantId).where(inSubtrees(tenantId, [unit.path], 's.org_id')).orderBy('jm.created_at', 'desc').orderBy('jm.id').limit(500).execute();
  return { items: rows.map(presentMatch) };
}

/**
 * Proposes a seeker for an offer: both must lie in the secretary's scope and be open. The same pair
 * twice is a conflict.
 */
export async function matchJob(db: Database, ctx: RequestContext, input: z.output<typeof JobMatchInput>): Promise<JobMatch> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const seeker = await seekerForManager(db, ctx, input.seekerId);
  const offer = await db
    .selectFrom('job_offer as jo')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'jo.tenant_id').onRef('o.id', '=', 'jo.org_id'))
    .select(['jo.id', 'jo.closed_at', 'o.path'])
    .where('jo.tenant_id', '=', tenantId)
    .where('jo.id', '=', input.offerId)
    .executeTakeFirst();
  if (!offer) throw notFound('岗位');
  authorize(actor, 'service.manage', { kind: 'org', tenantId, path: offer.path });
  if (offer.closed_at) throw new AppError('conflict', '这个岗位已关闭，不能再推荐');
  if (seeker.closed_at) throw new AppError('conflict', '这位求职人已不再找工作');
  let id: string;
  try {
    id = await db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('job_match')
        .values({ tenant_id: tenantId, offer_id: offer.id, seeker_id: seeker.id, note: input.note ? input.note : null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, { tenantId, action: 'job_match.create', entity: 'job_match', entityId: row.id, after: { offerId: offer.id, seekerId: seeker.id } });
      return row.id;
    });
  } catch (err) {
    if (uniqueViolation(err)) throw new AppError('conflict', '已经把这位求职人推荐给这个岗位了');
    throw err;
  }
  return presentMatch(await matchQuery(db, tenantId).where('jm.id', '=', id).executeTakeFirstOrThrow());
}

/** Records how a match went (hired, declined, or back to proposed) with a note. */
export async function updateJobMatch(db: Database, ctx: RequestContext, id: string, input: z.output<typeof JobMatchPatch>): Promise<JobMatch> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const row = await matchQuery(db, tenantId).where('jm.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('对接记录');
  authorize(actor, 'service.manage', { kind: 'org', tenantId, path: row.seeker_path });
  const note = input.note === undefined ? row.note : input.note ? input.note : null;
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('job_match').set({ status: input.status, note, updated_at: clock.now() }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
    await recordAudit(tx, ctx, { tenantId, action: 'job_match.update', entity: 'job_match', entityId: id, before: { status: row.status }, after: { status: input.status } });
  });
  return presentMatch(await matchQuery(db, tenantId).where('jm.id', '=', id).executeTakeFirstOrThrow());
}
