import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg } from '../../directory/index.ts';
import { chinaDateTime } from '../../../shared/china-time.ts';
import type { GroupKit, KitMark, KitSourceKind } from '../../../shared/api-notify-kit.ts';
import { noticeLink } from './links.ts';

/**
 * The WeChat group kit (微信群工具包). Almost every branch has an ordinary WeChat group that no
 * software may post to; the secretary pastes a short text with the deep link (and a poster made in
 * the console) there by hand, then marks it "sent to the group". The link carries `?via=group`,
 * not a notification id: it is one link for everyone in the group.
 *
 * The kit's text is always Chinese: it is read by the group's members, not by the secretary.
 */

/** What a push or a class module tells the kit about one of its own, for one caller. */
export interface KitSourceFacts {
  title: string;
  /** a class's start; a push's planned time */
  when: Date | null;
  /** the unit that holds it (its subtree holds the groups the kit may be sent to) */
  orgPath: string;
  /** the member-app path it opens, without the /m/ base ('read/<pushId>/<itemId>', 'sessions/<id>') */
  path: string;
  /**
   * Whether the caller sees the whole source (the secretaries above its unit); false for a group
   * leader or branch secretary at a class held above their unit, who may send the kit to their own
   * group but not read everyone's figures.
   */
  host: boolean;
  /** what the caller must be allowed on the unit whose group is sent the kit */
  unitAction: 'learning.manage' | 'attendance.mark';
}

export interface KitSource {
  /**
   * The source as this caller may see it: 404 when it does not exist, 403 when the caller may not
   * see it at all (the module's own rules, the same as its console page).
   */
  load(db: Executor, ctx: RequestContext, sourceId: string): Promise<KitSourceFacts>;
}

const kitSources = new Map<KitSourceKind, KitSource>();

/** Registered by the pushes and meetings modules (their index.ts); registering again replaces. */
export function registerKitSource(kind: KitSourceKind, source: KitSource): void {
  kitSources.set(kind, source);
}

export async function loadKitSource(db: Executor, ctx: RequestContext, kind: KitSourceKind, sourceId: string): Promise<KitSourceFacts> {
  const source = kitSources.get(kind);
  if (!source) throw new AppError('not_found', '没有这类通知');
  return source.load(db, ctx, sourceId);
}

const LABEL: Record<KitSourceKind, string> = { push: '每日学习', meeting: '课程' };

/** The unit whose group gets the kit: inside the source's unit, and in the caller's hands. */
async function kitUnit(db: Executor, ctx: RequestContext, facts: KitSourceFacts, orgId: string) {
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, orgId);
  if (!org.path.startsWith(facts.orgPath)) {
    throw new AppError('validation_failed', '该单位不在这条通知的范围内', [{ field: 'orgId', message: '不在这条通知的范围内' }]);
  }
  authorize(actor, facts.unitAction, { kind: 'org', tenantId: actor.tenantId, path: org.path });
  return org;
}

/** The group link: one for the whole group, so it carries no notification id. */
export function groupLink(publicUrl: string, path: string): string {
  const url = noticeLink(publicUrl, path);
  return `${url}${url.includes('?') ? '&' : '?'}via=group`;
}

/** The text to paste into the group; a class says when it starts (China time). */
export function kitText(kind: KitSourceKind, facts: Pick<KitSourceFacts, 'title' | 'when'>, link: string, contact: string): string {
  const lines = [`【${LABEL[kind]}】${facts.title}`];
  if (kind === 'meeting' && facts.when) lines.push(`时间：${chinaDateTime(facts.when)}`);
  lines.push(kind === 'meeting' ? `请点击链接参加：${link}` : `请点击链接学习：${link}`);
  lines.push(`（不会操作的请联系${contact}）`);
  return lines.join('\n');
}

interface MarkRow {
  org_id: string;
  org_name: string;
  marked_by_name: string | null;
  marked_at: Date;
}

const markView = (r: MarkRow): KitMark => ({ orgId: r.org_id, orgName: r.org_name, markedBy: r.marked_by_name, markedAt: new Date(r.marked_at).toISOString() });

/** The marks of a source, newest first; `orgPath` limits them to one subtree. */
export async function kitMarks(db: Executor, tenantId: string, kind: KitSourceKind, sourceId: string, orgId?: string): Promise<KitMark[]> {
  let q = db
    .selectFrom('group_kit_mark as k')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'k.tenant_id').onRef('o.id', '=', 'k.org_id'))
    .leftJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 'k.tenant_id').onRef('a.id', '=', 'k.marked_by'))
    .select(['k.org_id', 'o.name as org_name', 'a.display_name as marked_by_name', 'k.marked_at'])
    .where('k.tenant_id', '=', tenantId)
    .where('k.source_kind', '=', kind)
    .where('k.source_id', '=', sourceId);
  if (orgId) q = q.where('k.org_id', '=', orgId);
  const rows = await q.orderBy('k.marked_at', 'desc').orderBy('o.path').execute();
  return rows.map(markView);
}

export interface KitRequest {
  sourceKind: KitSourceKind;
  sourceId: string;
  orgId: string;
}

/** The kit of a push or a class for one unit's group. */
export async function getGroupKit(db: Database, ctx: RequestContext, publicUrl: string, q: KitRequest): Promise<GroupKit> {
  const facts = await loadKitSource(db, ctx, q.sourceKind, q.sourceId);
  const org = await kitUnit(db, ctx, facts, q.orgId);
  const link = groupLink(publicUrl, facts.path);
  const [mark] = await kitMarks(db, ctx.actor.tenantId, q.sourceKind, q.sourceId, org.id);
  return {
    text: kitText(q.sourceKind, facts, link, ctx.actor.displayName),
    link,
    title: facts.title,
    when: facts.when ? facts.when.toISOString() : null,
    label: LABEL[q.sourceKind],
    orgName: org.name,
    mark: mark ?? null,
  };
}

/**
 * Records that the kit was sent to the unit's group. The first mark stands: a second click (or a
 * second secretary) changes nothing and writes no second audit entry.
 */
export async function markKitSent(db: Database, ctx: RequestContext, q: KitRequest): Promise<KitMark> {
  const { actor } = ctx;
  const facts = await loadKitSource(db, ctx, q.sourceKind, q.sourceId);
  const org = await kitUnit(db, ctx, facts, q.orgId);
  await db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('group_kit_mark')
      .values({ tenant_id: actor.tenantId, source_kind: q.sourceKind, source_id: q.sourceId, org_id: org.id, marked_by: actor.accountId })
      .onConflict((oc) => oc.columns(['tenant_id', 'source_kind', 'source_id', 'org_id']).doNothing())
      .returning('marked_at')
      .executeTakeFirst();
    if (inserted) {
      await recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: 'group_kit.mark',
        entity: q.sourceKind === 'push' ? 'push' : 'study_session',
        entityId: q.sourceId,
        after: { orgId: org.id, orgName: org.name },
      });
    }
  });
  const [mark] = await kitMarks(db, actor.tenantId, q.sourceKind, q.sourceId, org.id);
  if (!mark) throw new AppError('conflict', '记录失败，请重试');
  return mark;
}
