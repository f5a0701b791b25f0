import { sql, type SqlBool } from 'kysely';
import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, can } from '../../auth/policy.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { AppError, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { inSubtrees, memberWithOrg, requireMember, unitFor } from '../../directory/index.ts';
import { PLEDGE_KINDS } from '../../../shared/enums.ts';
import type {
  MyPledge,
  MyPledges,
  MyPledgesInput,
  NotPledgedList,
  Pledge,
  PledgeFollowUpInput,
  PledgeList,
  PledgeOutcomeInput,
  PledgeQuery,
  PledgeSummary,
  PledgeUnitQuery,
} from '../../../shared/api-pledges.ts';
import { periodFor, thisYear } from './periods.ts';

/** The member (alias m) is away from home: an open mobility row. */
const mobileSql = sql<boolean>`EXISTS (SELECT 1 FROM mobility mb WHERE mb.tenant_id = m.tenant_id AND mb.member_id = m.id AND mb.ended_on IS NULL)`;
/** "Became real": adopted or done. */
const REAL = ['adopted', 'done'] as const;

const FOLLOW_UP_STARTED = '这条承诺已开始跟进，不能再修改';

// ---------- the member ----------

async function myUnit(db: Executor, ctx: RequestContext): Promise<{ memberId: string; orgId: string; path: string }> {
  const memberId = requireMember(ctx);
  const me = await memberWithOrg(db, ctx.actor.tenantId, memberId);
  if (!me || me.left_at) throw notFound('党员');
  return { memberId, orgId: me.org_id, path: me.org_path };
}

/** One's four pledges of this year (those made), their follow-up and outcome, and the period. */
export async function myPledges(db: Database, ctx: RequestContext): Promise<MyPledges> {
  const { actor } = ctx;
  const me = await myUnit(db, ctx);
  const year = thisYear();
  const period = await periodFor(db, actor.tenantId, me.path, year);
  const rows = await db
    .selectFrom('pledge as p')
    .leftJoin('member as f', (j) => j.onRef('f.tenant_id', '=', 'p.tenant_id').onRef('f.id', '=', 'p.follow_up_member_id'))
    .selectAll('p')
    .select('f.name as follow_up_name')
    .where('p.tenant_id', '=', actor.tenantId)
    .where('p.member_id', '=', me.memberId)
    .where('p.year', '=', year)
    .execute();
  const order = (k: string) => PLEDGE_KINDS.indexOf(k as (typeof PLEDGE_KINDS)[number]);
  const pledges: MyPledge[] = rows
    .sort((a, b) => order(a.kind) - order(b.kind))
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      body: r.body,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      followUp: r.follow_up_member_id ? { name: r.follow_up_name ?? '', dueOn: r.follow_up_due_on } : null,
      outcome: r.outcome,
      outcomeNote: r.outcome_note,
      outcomeAt: r.outcome_at?.toISOString() ?? null,
      editable: period.open && r.follow_up_member_id === null && r.outcome === 'pending',
    }));
  return { year, period, pledges };
}

/**
 * Makes or edits one's pledges of this year while the period is open. A kind already pledged is
 * edited, unless its follow-up has started (assigned, or an outcome recorded): then the whole
 * request is refused, nothing written. An unchanged text writes nothing. One transaction, audited.
 */
export async function savePledges(db: Database, ctx: RequestContext, input: z.output<typeof MyPledgesInput>): Promise<MyPledges> {
  const { actor } = ctx;
  const me = await myUnit(db, ctx);
  const year = thisYear();
  const period = await periodFor(db, actor.tenantId, me.path, year);
  if (!period.open) {
    throw new AppError('conflict', period.opensOn > shanghaiDate() ? `${year} 年的承诺将于 ${period.opensOn} 开始填写` : `${year} 年的承诺已于 ${period.closesOn} 截止，不能再填写或修改`);
  }
  await db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('pledge')
      .selectAll()
      .where('tenant_id', '=', actor.tenantId)
      .where('member_id', '=', me.memberId)
      .where('year', '=', year)
      .forUpdate()
      .execute();
    for (const item of input.items) {
      const old = existing.find((p) => p.kind === item.kind);
      if (old && old.body !== item.body && (old.follow_up_member_id !== null || old.outcome !== 'pending')) throw new AppError('conflict', FOLLOW_UP_STARTED);
    }
    for (const item of input.items) {
      const old = existing.find((p) => p.kind === item.kind);
      if (old && old.body === item.body) continue;
      if (old) {
        await tx.updateTable('pledge').set({ body: item.body, updated_at: clock.now() }).where('tenant_id', '=', actor.tenantId).where('id', '=', old.id).execute();
        await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'pledge.edit', entity: 'pledge', entityId: old.id, before: { body: old.body }, after: { body: item.body } });
      } else {
        const row = await tx
          .insertInto('pledge')
          .values({ tenant_id: actor.tenantId, member_id: me.memberId, org_id: me.orgId, year, kind: item.kind, body: item.body })
          .onConflict((oc) => oc.columns(['tenant_id', 'member_id', 'year', 'kind']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!row) throw new AppError('conflict', '这类承诺刚刚已经提交过，请刷新后再试');
        await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'pledge.make', entity: 'pledge', entityId: row.id, after: { year, kind: item.kind } });
      }
    }
  });
  return myPledges(db, ctx);
}

// ---------- the secretary ----------

function pledgeQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('pledge as p')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'p.tenant_id').onRef('m.id', '=', 'p.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.org_id'))
    .leftJoin('member as f', (j) => j.onRef('f.tenant_id', '=', 'p.tenant_id').onRef('f.id', '=', 'p.follow_up_member_id'))
    .selectAll('p')
    .select(['m.name as member_name', 'o.name as org_name', 'o.path as org_path', 'f.name as follow_up_name'])
    .select(mobileSql.as('mobile'))
    .where('p.tenant_id', '=', tenantId);
}
type PledgeRow = Awaited<ReturnType<ReturnType<typeof pledgeQuery>['executeTakeFirstOrThrow']>>;

function present(r: PledgeRow): Pledge {
  const final = r.outcome === 'adopted' || r.outcome === 'done' || r.outcome === 'not_feasible';
  return {
    id: r.id,
    member: { id: r.member_id, name: r.member_name, orgName: r.org_name, mobile: Boolean(r.mobile) },
    year: r.year,
    kind: r.kind,
    body: r.body,
    createdAt: r.created_at.toISOString(),
    followUp: r.follow_up_member_id
      ? { memberId: r.follow_up_member_id, name: r.follow_up_name ?? '', dueOn: r.follow_up_due_on, assignedAt: r.follow_up_assigned_at?.toISOString() ?? null }
      : null,
    outcome: r.outcome,
    outcomeNote: r.outcome_note,
    outcomeAt: r.outcome_at?.toISOString() ?? null,
    overdue: !final && r.follow_up_due_on !== null && r.follow_up_due_on < shanghaiDate(),
  };
}

/** The pledges of a unit's subtree for a year (its secretaries, the admin), filtered by kind and state. */
export async function listPledges(db: Database, ctx: RequestContext, query: z.output<typeof PledgeQuery>): Promise<PledgeList> {
  const { actor } = ctx;
  const unit = await unitFor(db, ctx, 'service.manage', query.orgId);
  let q = pledgeQuery(db, actor.tenantId)
    .where(inSubtrees(actor.tenantId, [unit.path], 'p.org_id'))
    .where('p.year', '=', query.year ?? thisYear());
  if (query.kind) q = q.where('p.kind', '=', query.kind);
  if (query.state === 'waiting') q = q.where('p.follow_up_member_id', 'is', null).where('p.outcome', '=', 'pending');
  if (query.state === 'following') q = q.where(sql<SqlBool>`(p.follow_up_member_id IS NOT NULL OR p.outcome <> 'pending') AND p.outcome IN ('pending','in_progress')`);
  if (query.state === 'real') q = q.where('p.outcome', 'in', REAL);
  if (query.state === 'not_feasible') q = q.where('p.outcome', '=', 'not_feasible');
  const [rows, total] = await Promise.all([
    q.orderBy('o.path').orderBy('m.name').orderBy('p.kind').orderBy('p.id').limit(query.pageSize).offset((query.page - 1) * query.pageSize).execute(),
    q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(present), total: total.n };
}

async function loadForManager(db: Executor, ctx: RequestContext, id: string, lock = false): Promise<PledgeRow> {
  const { actor } = ctx;
  let q = pledgeQuery(db, actor.tenantId).where('p.id', '=', id);
  if (lock) q = q.forUpdate('p');
  const row = await q.executeTakeFirst();
  if (!row) throw notFound('承诺');
  authorize(actor, 'service.manage', { kind: 'org', tenantId: actor.tenantId, path: row.org_path });
  return row;
}

export async function viewPledge(db: Database, ctx: RequestContext, id: string): Promise<Pledge> {
  return present(await loadForManager(db, ctx, id));
}

/**
 * Assigns (or reassigns) a pledge's follow-up: a party member (not left) of the secretary's subtree,
 * by a due day. From then on the member can no longer edit the pledge.
 */
export async function assignFollowUp(db: Database, ctx: RequestContext, id: string, input: z.output<typeof PledgeFollowUpInput>): Promise<Pledge> {
  const { actor } = ctx;
  await db.transaction().execute(async (tx) => {
    const row = await loadForManager(tx, ctx, id, true);
    const who = await memberWithOrg(tx, actor.tenantId, input.memberId);
    if (!who || who.left_at) throw new AppError('validation_failed', '跟进人不存在或已不是党员', [{ field: 'memberId', message: '跟进人不存在或已不是党员' }]);
    if (!can(actor, 'service.manage', { kind: 'org', tenantId: actor.tenantId, path: who.org_path })) {
      throw new AppError('validation_failed', '跟进人应是本组织的党员', [{ field: 'memberId', message: '跟进人应是本组织的党员' }]);
    }
    const dueOn = input.dueOn ?? null;
    await tx
      .updateTable('pledge')
      .set({ follow_up_member_id: who.id, follow_up_due_on: dueOn, follow_up_assigned_at: clock.now(), updated_at: clock.now() })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'pledge.follow_up',
      entity: 'pledge',
      entityId: id,
      before: row.follow_up_member_id ? { memberId: row.follow_up_member_id, dueOn: row.follow_up_due_on } : undefined,
      after: { memberId: who.id, dueOn },
    });
  });
  return viewPledge(db, ctx, id);
}

/** Records a pledge's outcome (in progress, adopted, done, not feasible — the last with a note). */
export async function recordOutcome(db: Database, ctx: RequestContext, id: string, input: z.output<typeof PledgeOutcomeInput>): Promise<Pledge> {
  const { actor } = ctx;
  await db.transaction().execute(async (tx) => {
    const row = await loadForManager(tx, ctx, id, true);
    const note = input.note ? input.note : null;
    await tx
      .updateTable('pledge')
      .set({ outcome: input.outcome, outcome_note: note, outcome_at: clock.now(), updated_at: clock.now() })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'pledge.outcome',
      entity: 'pledge',
      entityId: id,
      before: { outcome: row.outcome, note: row.outcome_note },
      after: { outcome: input.outcome, note },
    });
  });
  return viewPledge(db, ctx, id);
}

/** Members of the unit's subtree (not left) and how many of the year's four pledges each made. */
function madeByMember(db: Executor, tenantId: string, path: string, year: number) {
  return db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['m.id', 'm.name', 'o.name as org_name', 'o.path as org_path'])
    .select(mobileSql.as('mobile'))
    .select(sql<number>`(SELECT count(*)::int FROM pledge p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.id AND p.year = ${year})`.as('made'))
    .where('m.tenant_id', '=', tenantId)
    .where('m.left_at', 'is', null)
    .where(inSubtrees(tenantId, [path]));
}

/** Who has not made all four pledges of the year, in the unit's subtree; mobile members flagged. */
export async function notPledged(db: Database, ctx: RequestContext, query: z.output<typeof PledgeUnitQuery>): Promise<NotPledgedList> {
  const { actor } = ctx;
  const unit = await unitFor(db, ctx, 'service.manage', query.orgId);
  const rows = await madeByMember(db, actor.tenantId, unit.path, query.year ?? thisYear()).execute();
  return {
    items: rows
      .filter((r) => r.made < PLEDGE_KINDS.length)
      .sort((a, b) => a.made - b.made || a.org_path.localeCompare(b.org_path) || a.name.localeCompare(b.name, 'zh-CN'))
      .map((r) => ({ memberId: r.id, name: r.name, orgName: r.org_name, mobile: Boolean(r.mobile), made: r.made })),
  };
}

/** Per unit and year: members, who pledged all four, pledges waiting for follow-up, became real, per kind. */
export async function pledgeSummary(db: Database, ctx: RequestContext, query: z.output<typeof PledgeUnitQuery>): Promise<PledgeSummary> {
  const { actor } = ctx;
  const unit = await unitFor(db, ctx, 'service.manage', query.orgId);
  const year = query.year ?? thisYear();
  const [members, kinds, period] = await Promise.all([
    madeByMember(db, actor.tenantId, unit.path, year).execute(),
    db
      .selectFrom('pledge as p')
      .select([
        'p.kind',
        sql<number>`count(*)::int`.as('made'),
        sql<number>`count(*) FILTER (WHERE p.outcome IN ('adopted','done'))::int`.as('real'),
        sql<number>`count(*) FILTER (WHERE p.follow_up_member_id IS NULL AND p.outcome = 'pending')::int`.as('waiting'),
      ])
      .where('p.tenant_id', '=', actor.tenantId)
      .where('p.year', '=', year)
      .where(inSubtrees(actor.tenantId, [unit.path], 'p.org_id'))
      .groupBy('p.kind')
      .execute(),
    periodFor(db, actor.tenantId, unit.path, year),
  ]);
  const pledged = members.filter((m) => m.made >= PLEDGE_KINDS.length).length;
  const byKind = PLEDGE_KINDS.map((kind) => {
    const k = kinds.find((r) => r.kind === kind);
    return { kind, made: k?.made ?? 0, real: k?.real ?? 0 };
  });
  return {
    year,
    period,
    members: members.length,
    pledged,
    notPledged: members.length - pledged,
    pledges: kinds.reduce((s, k) => s + k.made, 0),
    waitingFollowUp: kinds.reduce((s, k) => s + k.waiting, 0),
    becameReal: kinds.reduce((s, k) => s + k.real, 0),
    byKind,
  };
}
