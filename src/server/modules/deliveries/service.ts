import type { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { clock, isRealDay, shanghaiDate } from '../../clock.ts';
import { AppError, notFound, type FieldIssue } from '../../errors.ts';
import type { Delivery, DeliveryInput, DeliveryList, DeliveryPatch, DeliveryQuery, MemberDelivery } from '../../../shared/api-care.ts';
import { recordAudit } from '../../audit-log.ts';
import { filesToAttach } from '../files/index.ts';
import { listSubtrees, membersWithOrgs, memberWithOrg, unitFor } from '../../directory/index.ts';
import { markContact } from '../members/index.ts';
import { resolvePlace } from '../regions/index.ts';
import {
  countDeliveries,
  deliveriesByCity,
  deliveryMemberRows,
  deliveryPhotoRows,
  findDelivery,
  listDeliveryRows,
  type DeliveryRow,
  type TripFilter,
} from './repo.ts';

/**
 * Study delivery trips (千里送学 / 送书送学): a unit's secretaries record who went where, which
 * members they met, what was handed over and what the members said, with photos. Trips belong to
 * a unit and are managed with care.manage on it; the visits a member received are their care
 * records (care.read).
 */

type Input = z.output<typeof DeliveryInput>;
type Patch = z.output<typeof DeliveryPatch>;
type Query = z.output<typeof DeliveryQuery>;
type MemberEntry = Input['members'][number];

const orgTarget = (ctx: RequestContext, path: string) => ({ kind: 'org', tenantId: ctx.actor.tenantId, path }) as const;

function fail(issues: FieldIssue[], code: 'validation_failed' | 'unsupported_file' = 'validation_failed'): never {
  throw new AppError(code, issues.map((i) => i.message).join('；'), issues);
}

const fileUrl = (fileId: string): string => `/api/files/${fileId}`;

// ---------- the whole trip ----------

/** The trip as the console shows it (members by name, photos in their order). */
async function deliveryView(db: Executor, tenantId: string, row: DeliveryRow): Promise<Delivery> {
  const [members, photos] = await Promise.all([deliveryMemberRows(db, tenantId, row.id), deliveryPhotoRows(db, tenantId, row.id)]);
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    tripOn: row.trip_on,
    provinceCode: row.province_code,
    cityCode: row.city_code,
    placeName: row.place_name,
    travellers: row.travellers,
    notes: row.notes,
    followUp: row.follow_up,
    members: members.map((m) => ({ memberId: m.member_id, name: m.name, items: m.items, handedTo: m.handed_to, words: m.words })),
    photos: photos.map((p) => ({ fileId: p.file_id, url: fileUrl(p.file_id), caption: p.caption })),
    createdAt: row.created_at.toISOString(),
  };
}

async function loadView(db: Executor, tenantId: string, deliveryId: string): Promise<Delivery> {
  const row = await findDelivery(db, tenantId, deliveryId);
  if (!row) throw notFound('送学记录');
  return deliveryView(db, tenantId, row);
}

/** What the audit log keeps of a trip: all of it, photos as file ids. */
const auditRecord = (d: Delivery) => ({ ...d, photos: d.photos.map((p) => p.fileId) });

/** The trip, after checking the caller manages care in its unit. */
async function loadTrip(db: Executor, ctx: RequestContext, deliveryId: string): Promise<DeliveryRow> {
  const row = await findDelivery(db, ctx.actor.tenantId, deliveryId);
  if (!row) throw notFound('送学记录');
  authorize(ctx.actor, 'care.manage', orgTarget(ctx, row.org_path));
  return row;
}

// ---------- checks shared by recording and correcting ----------

function checkTripOn(tripOn: string, issues: FieldIssue[]): void {
  if (!isRealDay(tripOn)) issues.push({ field: 'tripOn', message: `送学日期 ${tripOn} 不存在` });
  else if (tripOn > shanghaiDate()) issues.push({ field: 'tripOn', message: '送学日期不能晚于今天' });
}

/** 江苏省苏州市 from the codes; a bad code becomes a field issue. */
function placeOf(provinceCode: string, cityCode: string | null, issues: FieldIssue[]): string {
  try {
    return resolvePlace(provinceCode, cityCode);
  } catch (err) {
    if (err instanceof AppError && err.issues) {
      issues.push(...err.issues);
      return '';
    }
    throw err;
  }
}

/**
 * Every member met must be on the roll (when `onRoll`) and belong to the trip's unit or below it;
 * each problem names its row (`members.3.memberId`), or `fieldOf`'s field.
 */
async function checkMembers(
  db: Executor,
  tenantId: string,
  org: { path: string; name: string },
  memberIds: string[],
  issues: FieldIssue[],
  opts: { onRoll: boolean; fieldOf?: (i: number) => string },
): Promise<void> {
  const rows = await membersWithOrgs(db, tenantId, [...new Set(memberIds)]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const fieldOf = opts.fieldOf ?? ((i: number) => `members.${i}.memberId`);
  memberIds.forEach((memberId, i) => {
    const field = fieldOf(i);
    const row = byId.get(memberId);
    if (!row) issues.push({ field, message: `第 ${i + 1} 位党员不存在` });
    else if (seen.has(memberId)) issues.push({ field, message: `${row.name}重复选择了` });
    else if (opts.onRoll && row.left_at) issues.push({ field, message: `${row.name}已不在党员名册中` });
    else if (!row.org_path.startsWith(org.path)) issues.push({ field, message: `${row.name}不属于${org.name}` });
    seen.add(memberId);
  });
}

/**
 * Photos are stored files of the tenant (uploaded through POST /api/files) that the caller may
 * read, and images. Returns the fields whose file is not an image (those make the answer a 415).
 */
async function checkPhotos(db: Database, ctx: RequestContext, fileIds: string[], issues: FieldIssue[]): Promise<string[]> {
  const notImages: string[] = [];
  const { found } = await filesToAttach(db, ctx, fileIds.map((fileId, i) => ({ fileId, field: `photoFileIds.${i}` })));
  for (const [i, fileId] of fileIds.entries()) {
    const field = `photoFileIds.${i}`;
    const file = found.get(fileId);
    if (!file) issues.push({ field, message: `第 ${i + 1} 张照片的文件不存在，请重新上传` });
    else if (!file.mime_type.startsWith('image/')) {
      issues.push({ field, message: `「${file.file_name}」不是图片：照片只能是 jpg、png、webp 或 gif 格式` });
      notImages.push(field);
    }
  }
  return notImages;
}

function throwIfAny(issues: FieldIssue[], notImages: string[]): void {
  if (!issues.length) return;
  // Only wrong file types: the photos are what is unsupported (415); anything else is a form error.
  fail(issues, notImages.length === issues.length ? 'unsupported_file' : 'validation_failed');
}

// ---------- writes ----------

async function writeMembers(tx: Executor, tenantId: string, deliveryId: string, members: MemberEntry[]): Promise<void> {
  await tx
    .insertInto('delivery_member')
    .values(members.map((m) => ({ tenant_id: tenantId, delivery_id: deliveryId, member_id: m.memberId, items: m.items, handed_to: m.handedTo, words: m.words })))
    .execute();
}

async function writePhotos(tx: Executor, tenantId: string, deliveryId: string, fileIds: string[]): Promise<void> {
  const unique = [...new Set(fileIds)];
  if (!unique.length) return;
  await tx
    .insertInto('delivery_photo')
    .values(unique.map((fileId, i) => ({ tenant_id: tenantId, delivery_id: deliveryId, file_id: fileId, sort_order: i })))
    .execute();
}

/**
 * A trip that met members is contact in person: their last contact becomes the trip's day, unless
 * a later contact is already recorded (a trip entered afterwards does not move it back).
 */

/** Records a trip: its unit's secretaries (care.manage), members met inside the unit, photos as uploaded images. */
export async function createDelivery(db: Database, ctx: RequestContext, input: Input): Promise<Delivery> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const org = await unitFor(db, ctx, 'care.manage', input.orgId);
  const issues: FieldIssue[] = [];
  if (org.retired_at) issues.push({ field: 'orgId', message: `${org.name}已撤销` });
  checkTripOn(input.tripOn, issues);
  const placeName = placeOf(input.provinceCode, input.cityCode ?? null, issues);
  await checkMembers(db, tenantId, org, input.members.map((m) => m.memberId), issues, { onRoll: true });
  const notImages = await checkPhotos(db, ctx, input.photoFileIds, issues);
  throwIfAny(issues, notImages);
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('delivery')
      .values({
        tenant_id: tenantId,
        org_id: org.id,
        trip_on: input.tripOn,
        province_code: input.provinceCode,
        city_code: input.cityCode ?? null,
        place_name: placeName,
        travellers: input.travellers,
        notes: input.notes,
        follow_up: input.followUp,
        created_by: actor.accountId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeMembers(tx, tenantId, row.id, input.members);
    await writePhotos(tx, tenantId, row.id, input.photoFileIds);
    await markContact(tx, tenantId, input.members.map((m) => m.memberId), input.tripOn);
    const view = await loadView(tx, tenantId, row.id);
    await recordAudit(tx, ctx, { tenantId, action: 'delivery.create', entity: 'delivery', entityId: row.id, after: auditRecord(view) });
    return view;
  });
}

/**
 * Corrects a trip. Fields left out stay as they are; `members` and `photoFileIds` replace the
 * trip's whole lists. Moving the trip to another unit needs care.manage there too, and its members
 * must belong to that unit.
 */
export async function updateDelivery(db: Database, ctx: RequestContext, deliveryId: string, patch: Patch): Promise<Delivery> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const current = await loadTrip(db, ctx, deliveryId);
  const issues: FieldIssue[] = [];
  let org = { id: current.org_id, path: current.org_path, name: current.org_name };
  const moving = patch.orgId !== undefined && patch.orgId !== current.org_id;
  if (moving) {
    const next = await unitFor(db, ctx, 'care.manage', patch.orgId as string);
    if (next.retired_at) issues.push({ field: 'orgId', message: `${next.name}已撤销` });
    org = next;
  }
  if (patch.tripOn !== undefined) checkTripOn(patch.tripOn, issues);
  const provinceCode = patch.provinceCode ?? current.province_code;
  const cityCode = patch.cityCode !== undefined ? patch.cityCode : current.city_code;
  const placeName = patch.provinceCode !== undefined || patch.cityCode !== undefined ? placeOf(provinceCode, cityCode, issues) : current.place_name;
  if (patch.members) {
    await checkMembers(db, tenantId, org, patch.members.map((m) => m.memberId), issues, { onRoll: true });
  } else if (moving) {
    // The members already on the trip must belong to the unit it moves to (they may have left the roll since).
    const kept = await deliveryMemberRows(db, tenantId, deliveryId);
    await checkMembers(db, tenantId, org, kept.map((m) => m.member_id), issues, { onRoll: false, fieldOf: () => 'orgId' });
  }
  const notImages = patch.photoFileIds ? await checkPhotos(db, ctx, patch.photoFileIds, issues) : [];
  throwIfAny(issues, notImages);
  return db.transaction().execute(async (tx) => {
    // Lock the trip so the audit's "before" is the row this change replaces.
    const locked = await tx.selectFrom('delivery').select('id').where('tenant_id', '=', tenantId).where('id', '=', deliveryId).forUpdate().executeTakeFirst();
    if (!locked) throw notFound('送学记录');
    const before = await loadView(tx, tenantId, deliveryId);
    await tx
      .updateTable('delivery')
      .set({
        org_id: org.id,
        province_code: provinceCode,
        city_code: cityCode ?? null,
        place_name: placeName,
        ...(patch.tripOn !== undefined && { trip_on: patch.tripOn }),
        ...(patch.travellers !== undefined && { travellers: patch.travellers }),
        ...(patch.notes !== undefined && { notes: patch.notes }),
        ...(patch.followUp !== undefined && { follow_up: patch.followUp }),
        updated_at: clock.now(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', deliveryId)
      .execute();
    if (patch.members) {
      await tx.deleteFrom('delivery_member').where('tenant_id', '=', tenantId).where('delivery_id', '=', deliveryId).execute();
      await writeMembers(tx, tenantId, deliveryId, patch.members);
    }
    if (patch.photoFileIds) {
      await tx.deleteFrom('delivery_photo').where('tenant_id', '=', tenantId).where('delivery_id', '=', deliveryId).execute();
      await writePhotos(tx, tenantId, deliveryId, patch.photoFileIds);
    }
    const after = await loadView(tx, tenantId, deliveryId);
    if (patch.members || patch.tripOn !== undefined) {
      await markContact(tx, tenantId, after.members.map((m) => m.memberId), after.tripOn);
    }
    await recordAudit(tx, ctx, { tenantId, action: 'delivery.update', entity: 'delivery', entityId: deliveryId, before: auditRecord(before), after: auditRecord(after) });
    return after;
  });
}

/**
 * Deletes a trip recorded by mistake; the audit entry keeps the whole record. Contacts it marked
 * stay: the members' last contact is not a log this could be taken out of.
 */
export async function deleteDelivery(db: Database, ctx: RequestContext, deliveryId: string): Promise<void> {
  const tenantId = ctx.actor.tenantId;
  await loadTrip(db, ctx, deliveryId);
  await db.transaction().execute(async (tx) => {
    const locked = await tx.selectFrom('delivery').select('id').where('tenant_id', '=', tenantId).where('id', '=', deliveryId).forUpdate().executeTakeFirst();
    if (!locked) throw notFound('送学记录');
    const before = await loadView(tx, tenantId, deliveryId);
    // Its members and photos go with it (ON DELETE CASCADE); the photo files stay stored.
    await tx.deleteFrom('delivery').where('tenant_id', '=', tenantId).where('id', '=', deliveryId).execute();
    await recordAudit(tx, ctx, { tenantId, action: 'delivery.delete', entity: 'delivery', entityId: deliveryId, before: auditRecord(before) });
  });
}

// ---------- reads ----------

/** One trip with what each member said: care records, so the view is audited. */
export async function getDelivery(db: Database, ctx: RequestContext, deliveryId: string): Promise<Delivery> {
  const row = await loadTrip(db, ctx, deliveryId);
  const view = await deliveryView(db, ctx.actor.tenantId, row);
  await recordAudit(db, ctx, { tenantId: ctx.actor.tenantId, action: 'delivery.view', entity: 'delivery', entityId: deliveryId, after: { members: view.members.length } });
  return view;
}

/**
 * Trips of the units in `orgId`'s subtree, or in the caller's secretary subtrees (the whole tenant
 * for the admin), newest first; `byCity` counts every trip of the filter, not only the page.
 */
export async function listDeliveries(db: Database, ctx: RequestContext, q: Query): Promise<DeliveryList> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const paths = await listSubtrees(db, ctx, 'care.manage', q.orgId);
  const issues: FieldIssue[] = [];
  if (q.from && !isRealDay(q.from)) issues.push({ field: 'from', message: `日期 ${q.from} 不存在` });
  if (q.to && !isRealDay(q.to)) issues.push({ field: 'to', message: `日期 ${q.to} 不存在` });
  if (!issues.length && q.from && q.to && q.from > q.to) issues.push({ field: 'to', message: '结束日期不能早于开始日期' });
  if (issues.length) fail(issues);
  const filter: TripFilter = { paths, from: q.from, to: q.to };
  const offset = (q.page - 1) * q.pageSize;
  const [rows, byCity] = await Promise.all([listDeliveryRows(db, tenantId, filter, { limit: q.pageSize, offset }), deliveriesByCity(db, tenantId, filter)]);
  const total = rows[0] ? Number(rows[0].total) : offset > 0 ? await countDeliveries(db, tenantId, filter) : 0;
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      orgName: r.org_name,
      tripOn: r.trip_on,
      provinceCode: r.province_code,
      cityCode: r.city_code,
      placeName: r.place_name,
      travellers: r.travellers,
      notes: r.notes,
      followUp: r.follow_up,
      createdAt: r.created_at.toISOString(),
      memberCount: r.member_names.length,
      memberNames: r.member_names,
      handedOver: r.handed_over,
    })),
    byCity: byCity.map((c) => ({ provinceCode: c.province_code, cityCode: c.city_code, placeName: c.place_name, trips: Number(c.trips), members: Number(c.members) })),
  };
}

/**
 * The study-delivery visits (千里送学) one member received, newest first. No authorization here:
 * callers decide (the member page checks care.read; the member's own records page is the member).
 */
export async function listMemberDeliveries(db: Executor, tenantId: string, memberId: string): Promise<MemberDelivery[]> {
  const rows = await db
    .selectFrom('delivery_member as dm')
    .innerJoin('delivery as d', (j) => j.onRef('d.tenant_id', '=', 'dm.tenant_id').onRef('d.id', '=', 'dm.delivery_id'))
    .where('dm.tenant_id', '=', tenantId)
    .where('dm.member_id', '=', memberId)
    .select(['d.id', 'd.trip_on', 'd.place_name', 'd.travellers', 'dm.items', 'dm.handed_to', 'dm.words'])
    .orderBy('d.trip_on', 'desc')
    .orderBy('d.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    deliveryId: r.id,
    tripOn: r.trip_on,
    placeName: r.place_name,
    travellers: r.travellers,
    items: r.items,
    handedTo: r.handed_to,
    words: r.words,
  }));
}

/** The visits a member received, for their page: their mentor and the secretaries above them (care.read); audited. */
export async function viewMemberDeliveries(db: Database, ctx: RequestContext, memberId: string): Promise<{ items: MemberDelivery[] }> {
  const { actor } = ctx;
  const m = await memberWithOrg(db, actor.tenantId, memberId);
  if (!m) throw notFound('党员');
  authorize(actor, 'care.read', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  const items = await listMemberDeliveries(db, actor.tenantId, memberId);
  await recordAudit(db, ctx, { tenantId: actor.tenantId, action: 'delivery.list', entity: 'member', entityId: memberId, after: { count: items.length } });
  return { items };
}
