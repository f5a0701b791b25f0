import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { recordAudit } from '../../audit-log.ts';
import { clock } from '../../clock.ts';
import { AppError, type FieldIssue } from '../../errors.ts';
import { unitFor } from '../../directory/index.ts';
import type { Rubric, RubricBody, RubricItem } from '../../../shared/api-reviews.ts';

/** Points a rubric adds up to. */
export const RUBRIC_TOTAL = 100;

/**
 * The rubric of an organization that has set none (nor has any unit above it): local 积分制 schemes
 * score 组织生活, learning, taking part, ties with home and service, and discipline on 100 points.
 */
export const DEFAULT_RUBRIC: RubricItem[] = [
  { key: 'org_life', title: '组织生活', points: 30, evidence: ['classes'] },
  { key: 'study', title: '学习', points: 25, evidence: ['pushes'] },
  { key: 'interaction', title: '互动', points: 15, evidence: ['shares', 'questions'] },
  { key: 'hometown', title: '联系家乡/服务', points: 15, evidence: ['talks', 'service'] },
  { key: 'discipline', title: '遵守纪律', points: 15, evidence: ['pledges'] },
];

/**
 * The rubric a unit uses: its own, else that of the nearest unit above it that set one, else the
 * default. `ownerId` says whose it is (null: the default).
 */
export async function rubricFor(db: Executor, tenantId: string, orgPath: string): Promise<{ items: RubricItem[]; ownerId: string | null }> {
  const ids = orgPath.split('/').filter(Boolean);
  if (ids.length === 0) return { items: DEFAULT_RUBRIC, ownerId: null };
  const rows = await db.selectFrom('review_rubric').select(['org_id', 'items']).where('tenant_id', '=', tenantId).where('org_id', 'in', ids).execute();
  for (const id of [...ids].reverse()) {
    const row = rows.find((r) => r.org_id === id);
    if (row) return { items: row.items as RubricItem[], ownerId: id };
  }
  return { items: DEFAULT_RUBRIC, ownerId: null };
}

export async function getRubric(db: Database, ctx: RequestContext, orgId: string): Promise<Rubric> {
  const org = await unitFor(db, ctx, 'review.manage', orgId);
  const { items, ownerId } = await rubricFor(db, ctx.actor.tenantId, org.path);
  return { orgId: org.id, orgName: org.name, isDefault: ownerId !== org.id, items, total: items.reduce((n, i) => n + i.points, 0) };
}

function checkRubric(items: RubricItem[]): void {
  const issues: FieldIssue[] = [];
  const total = items.reduce((n, i) => n + i.points, 0);
  if (total !== RUBRIC_TOTAL) issues.push({ field: 'items', message: `各评分项分值合计应为 ${RUBRIC_TOTAL} 分，现为 ${total} 分` });
  const keys = new Set<string>();
  const titles = new Set<string>();
  items.forEach((item, i) => {
    if (keys.has(item.key)) issues.push({ field: `items.${i}.key`, message: `评分项代码“${item.key}”重复` });
    if (titles.has(item.title)) issues.push({ field: `items.${i}.title`, message: `评分项“${item.title}”重复` });
    keys.add(item.key);
    titles.add(item.title);
  });
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
}

/** Sets an organization's rubric (items adding up to 100). Rounds already opened keep theirs. */
export async function saveRubric(db: Database, ctx: RequestContext, orgId: string, body: RubricBody): Promise<Rubric> {
  const { actor } = ctx;
  const org = await unitFor(db, ctx, 'review.manage', orgId);
  const items = body.items.map((i) => ({ key: i.key, title: i.title, points: i.points, evidence: [...new Set(i.evidence)] }));
  checkRubric(items);
  await db.transaction().execute(async (tx) => {
    const before = await rubricFor(tx, actor.tenantId, org.path);
    const now = clock.now();
    await tx
      .insertInto('review_rubric')
      .values({ tenant_id: actor.tenantId, org_id: org.id, items: JSON.stringify(items), updated_by: actor.accountId, updated_at: now })
      .onConflict((oc) => oc.columns(['tenant_id', 'org_id']).doUpdateSet({ items: JSON.stringify(items), updated_by: actor.accountId, updated_at: now }))
      .execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'review.rubric_save', entity: 'org', entityId: org.id, before: { items: before.items }, after: { items } });
  });
  return getRubric(db, ctx, orgId);
}
