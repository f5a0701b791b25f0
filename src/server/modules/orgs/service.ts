import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import type { OrgKind, OrgRow } from '../../db/tables.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize, authorizeList, scopePaths } from '../../auth/policy.ts';
import { AppError, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg } from '../../directory/index.ts';
import { bumpAuthEpoch } from '../../auth/epoch.ts';
import { compareUnits } from '../../../shared/sort-order.ts';
import { clock } from '../../clock.ts';

/** Which kind of unit may sit under which: committee → general branch → branch → group. */
const ALLOWED_CHILDREN: Record<OrgKind, OrgKind[]> = {
  committee: ['committee', 'general_branch', 'branch'],
  general_branch: ['branch'],
  branch: ['group'],
  group: [],
};

const KIND_LABEL: Record<OrgKind, string> = {
  committee: '党委',
  general_branch: '党总支',
  branch: '党支部',
  group: '党小组',
};

export interface OrgView {
  id: string;
  parentId: string | null;
  kind: OrgKind;
  name: string;
  memberCount: number;
  retired: boolean;
}

const toView = (o: OrgRow, memberCount = 0): OrgView => ({
  id: o.id,
  parentId: o.parent_id,
  kind: o.kind,
  name: o.name,
  memberCount,
  retired: o.retired_at !== null,
});

/** How deep a unit sits: its path holds one id per level. */
const depth = (o: OrgRow): number => o.path.split('/').length;

/** The visible part of the tree: the subtrees the actor holds a role in (all for the admin). */
export async function listOrgs(db: Database, ctx: RequestContext): Promise<OrgView[]> {
  const { actor } = ctx;
  // The list scope of org.read (auth/policy.ts): every unit the caller holds a role in.
  const scope = scopePaths(authorizeList(actor, 'org.read'));
  const paths = scope === 'all' ? null : scope;
  const [rows, direct] = await Promise.all([
    db
      .selectFrom('org as o')
      .selectAll('o')
      .where('o.tenant_id', '=', actor.tenantId)
      .$if(paths !== null, (qb) => qb.where((eb) => eb.or((paths ?? []).map((p) => eb('o.path', 'like', `${p}%`)))))
      .execute(),
    db
      .selectFrom('member')
      .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', actor.tenantId)
      .where('left_at', 'is', null)
      .groupBy('org_id')
      .execute(),
  ]);
  // Members are counted per unit once, then added up every unit's ancestors (paths hold them).
  const total = new Map<string, number>();
  for (const d of direct) total.set(d.org_id, Number(d.n));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const subtree = new Map<string, number>();
  // A visible unit's subtree is visible too, so its members are all among `rows`.
  for (const o of rows) {
    const n = total.get(o.id) ?? 0;
    if (!n) continue;
    for (const ancestor of o.path.split('/')) if (byId.has(ancestor)) subtree.set(ancestor, (subtree.get(ancestor) ?? 0) + n);
  }
  // Parents before children, siblings in their set order and then by the numbers in their names
  // (第二 before 第十, which SQL's text order cannot do): the client builds the tree in one pass.
  const ordered = [...rows].sort((a, b) => depth(a) - depth(b) || compareUnits({ sortOrder: a.sort_order, name: a.name }, { sortOrder: b.sort_order, name: b.name }));
  return ordered.map((r) => toView(r, subtree.get(r.id) ?? 0));
}

export async function createOrg(db: Database, ctx: RequestContext, input: { parentId: string; kind: OrgKind; name: string }): Promise<OrgView> {
  const { actor } = ctx;
  const parent = await getOrg(db, actor.tenantId, input.parentId);
  authorize(actor, 'org.write', { kind: 'org', tenantId: actor.tenantId, path: parent.path });
  if (parent.retired_at) throw new AppError('invalid_move', '上级组织已撤销');
  if (!ALLOWED_CHILDREN[parent.kind].includes(input.kind)) {
    throw new AppError('validation_failed', `${KIND_LABEL[parent.kind]}下不能设立${KIND_LABEL[input.kind]}`, [
      { field: 'kind', message: `${KIND_LABEL[parent.kind]}下不能设立${KIND_LABEL[input.kind]}` },
    ]);
  }
  return db.transaction().execute(async (tx) => {
    const id = crypto.randomUUID();
    const row = await tx
      .insertInto('org')
      .values({ tenant_id: actor.tenantId, id, parent_id: parent.id, kind: input.kind, name: input.name, path: `${parent.path}${id}/` })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'org.create', entity: 'org', entityId: id, after: { name: row.name, kind: row.kind, parentId: parent.id } });
    return toView(row);
  });
}

export async function renameOrg(db: Database, ctx: RequestContext, orgId: string, name: string): Promise<OrgView> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, orgId);
  authorize(actor, 'org.write', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .updateTable('org')
      .set({ name })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', orgId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'org.rename', entity: 'org', entityId: orgId, before: { name: org.name }, after: { name } });
    return toView(row);
  });
}

export async function moveOrg(db: Database, ctx: RequestContext, orgId: string, newParentId: string): Promise<OrgView> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, orgId);
  const parent = await getOrg(db, actor.tenantId, newParentId);
  authorize(actor, 'org.restructure', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  authorize(actor, 'org.write', { kind: 'org', tenantId: actor.tenantId, path: parent.path });
  if (parent.path.startsWith(org.path)) throw new AppError('invalid_move', '不能把组织移到它自己或它的下级组织之下');
  if (parent.retired_at) throw new AppError('invalid_move', '目标上级组织已撤销');
  if (!ALLOWED_CHILDREN[parent.kind].includes(org.kind)) {
    throw new AppError('invalid_move', `${KIND_LABEL[parent.kind]}下不能设立${KIND_LABEL[org.kind]}`);
  }
  const newPath = `${parent.path}${org.id}/`;
  const moved = await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('org')
      .set({ path: sql<string>`${newPath} || substr(path, ${org.path.length + 1})` })
      .where('tenant_id', '=', actor.tenantId)
      .where('path', 'like', `${org.path}%`)
      .execute();
    // Tables that keep a copy of a unit's path follow the move in the same transaction (the service
    // hours' month roll-up follows service_log through its update trigger).
    await tx
      .updateTable('service_log')
      .set({ org_path: sql<string>`${newPath} || substr(org_path, ${org.path.length + 1})` })
      .where('tenant_id', '=', actor.tenantId)
      .where('org_path', 'like', `${org.path}%`)
      .execute();
    await tx
      .updateTable('share_post')
      .set({ audience_path: sql<string>`${newPath} || substr(audience_path, ${org.path.length + 1})` })
      .where('tenant_id', '=', actor.tenantId)
      .where('audience_path', 'like', `${org.path}%`)
      .execute();
    const row = await tx
      .updateTable('org')
      .set({ parent_id: parent.id })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', orgId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'org.move', entity: 'org', entityId: orgId, before: { parentId: org.parent_id }, after: { parentId: parent.id } });
    return toView(row);
  });
  // Scopes are paths: every cached actor must see the new ones.
  bumpAuthEpoch();
  return moved;
}

export async function retireOrg(db: Database, ctx: RequestContext, orgId: string): Promise<OrgView> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, orgId);
  authorize(actor, 'org.restructure', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  if (org.retired_at) return toView(org);
  if (org.parent_id === null) throw new AppError('invalid_move', '顶层组织不能撤销');
  const retired = await db.transaction().execute(async (tx) => {
    const members = await tx
      .selectFrom('member')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', actor.tenantId)
      .where('org_id', '=', orgId)
      .where('left_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(members.n) > 0) {
      throw new AppError('org_has_members', `该组织还有 ${members.n} 名党员，请先将他们转到其他组织再撤销`);
    }
    const children = await tx
      .selectFrom('org')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', actor.tenantId)
      .where('parent_id', '=', orgId)
      .where('retired_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(children.n) > 0) {
      throw new AppError('org_has_children', `该组织还有 ${children.n} 个下级组织，请先撤销或移走下级组织`);
    }
    const row = await tx
      .updateTable('org')
      .set({ retired_at: clock.now() })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', orgId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'org.retire', entity: 'org', entityId: orgId, before: { retired: false }, after: { retired: true } });
    return toView(row);
  });
  bumpAuthEpoch();
  return retired;
}

// ---------- grids ----------

export interface GridView {
  id: string;
  orgId: string;
  name: string;
  leaderMemberId: string | null;
  leaderName: string | null;
  memberCount: number;
  households: number | null;
  description: string | null;
}

export async function listGrids(db: Database, ctx: RequestContext): Promise<GridView[]> {
  const { actor } = ctx;
  // The list scope of org.read (auth/policy.ts): every unit the caller holds a role in.
  const scope = scopePaths(authorizeList(actor, 'org.read'));
  const paths = scope === 'all' ? null : scope;
  const rows = await db
    .selectFrom('grid as g')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'g.tenant_id').onRef('o.id', '=', 'g.org_id'))
    .leftJoin('member as l', (j) => j.onRef('l.tenant_id', '=', 'g.tenant_id').onRef('l.id', '=', 'g.leader_member_id'))
    .select(['g.id', 'g.org_id', 'g.name', 'g.leader_member_id', 'l.name as leader_name', 'g.households', 'g.description'])
    .select((eb) =>
      eb
        .selectFrom('member as m')
        .whereRef('m.tenant_id', '=', 'g.tenant_id')
        .whereRef('m.grid_id', '=', 'g.id')
        .where('m.left_at', 'is', null)
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('member_count'),
    )
    .where('g.tenant_id', '=', actor.tenantId)
    .where('g.retired_at', 'is', null)
    .$if(paths !== null, (qb) => qb.where((eb) => eb.or((paths ?? []).map((p) => eb('o.path', 'like', `${p}%`)))))
    .orderBy('g.name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    leaderMemberId: r.leader_member_id,
    leaderName: r.leader_name,
    memberCount: Number(r.member_count ?? 0),
    households: r.households,
    description: r.description,
  }));
}

/** A grid's leader is a member (not left) of the grid's unit subtree whom the caller may read. */
async function checkLeader(db: Executor, ctx: RequestContext, leaderMemberId: string | null | undefined, gridPath: string): Promise<void> {
  if (!leaderMemberId) return;
  const leader = await db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['m.id', 'o.path', 'm.left_at'])
    .where('m.tenant_id', '=', ctx.actor.tenantId)
    .where('m.id', '=', leaderMemberId)
    .executeTakeFirst();
  if (!leader) throw new AppError('validation_failed', '网格长不存在', [{ field: 'leaderMemberId', message: '网格长不存在' }]);
  authorize(ctx.actor, 'member.read', { kind: 'member', tenantId: ctx.actor.tenantId, memberId: leader.id, orgPath: leader.path });
  if (leader.left_at !== null || !leader.path.startsWith(gridPath)) {
    throw new AppError('validation_failed', '网格长应为本网格所属组织的党员', [{ field: 'leaderMemberId', message: '网格长应为本网格所属组织的党员' }]);
  }
}

export async function createGrid(
  db: Database,
  ctx: RequestContext,
  input: { orgId: string; name: string; leaderMemberId?: string | null | undefined; households?: number | null | undefined; description?: string | null | undefined },
): Promise<GridView> {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, input.orgId);
  authorize(actor, 'org.write', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  await checkLeader(db, ctx, input.leaderMemberId, org.path);
  const id = await db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('grid')
      .values({ tenant_id: actor.tenantId, org_id: org.id, name: input.name, leader_member_id: input.leaderMemberId ?? null, households: input.households ?? null, description: input.description || null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'grid.create', entity: 'grid', entityId: row.id, after: input });
    return row.id;
  });
  const grids = await listGrids(db, ctx);
  const grid = grids.find((g) => g.id === id);
  if (!grid) throw notFound('网格');
  return grid;
}

export async function updateGrid(
  db: Database,
  ctx: RequestContext,
  gridId: string,
  input: { name?: string | undefined; leaderMemberId?: string | null | undefined; households?: number | null | undefined; description?: string | null | undefined },
): Promise<GridView> {
  const { actor } = ctx;
  const grid = await db
    .selectFrom('grid as g')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'g.tenant_id').onRef('o.id', '=', 'g.org_id'))
    .select(['g.id', 'g.name', 'g.leader_member_id', 'g.households', 'g.description', 'o.path'])
    .where('g.tenant_id', '=', actor.tenantId)
    .where('g.id', '=', gridId)
    .executeTakeFirst();
  if (!grid) throw notFound('网格');
  authorize(actor, 'org.write', { kind: 'org', tenantId: actor.tenantId, path: grid.path });
  // the leader is checked when it changes: editing the households of a grid whose leader has since left stays possible
  if (input.leaderMemberId !== grid.leader_member_id) await checkLeader(db, ctx, input.leaderMemberId, grid.path);
  const changes = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.leaderMemberId !== undefined ? { leader_member_id: input.leaderMemberId } : {}),
    ...(input.households !== undefined ? { households: input.households } : {}),
    ...(input.description !== undefined ? { description: input.description || null } : {}),
  };
  // An empty patch is refused as the care contract's patches are (an UPDATE with nothing to SET is not
  // even valid SQL).
  if (Object.keys(changes).length === 0) throw new AppError('validation_failed', '没有要修改的内容');
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('grid').set(changes).where('tenant_id', '=', actor.tenantId).where('id', '=', gridId).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'grid.update', entity: 'grid', entityId: gridId, before: { name: grid.name, leaderMemberId: grid.leader_member_id, households: grid.households, description: grid.description }, after: input });
  });
  const found = (await listGrids(db, ctx)).find((g) => g.id === gridId);
  if (!found) throw notFound('网格');
  return found;
}

