import { sql } from 'kysely';
import type { Database, Executor } from '../../db/database.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import type { MobilityRow } from '../../db/tables.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorizeAccountOfMember } from '../../auth/account-reach.ts';
import { authorize, can, memberReadScope } from '../../auth/policy.ts';
import { AppError, notFound, uniqueViolation, type FieldIssue } from '../../errors.ts';
import type { FieldCipher } from '../../secrets.ts';
import { AUDIT_HIDDEN } from '../../../shared/audit.ts';
import { checkIdNumber, maskIdNumber, normalizeIdNumber } from '../../../shared/id-number.ts';
import type { MemberDetail, MemberInput, MemberListItem, MemberListParams, Mobility, MobilityInput } from '../../../shared/api.ts';
import { recordAudit } from '../../audit-log.ts';
import { bumpAuthEpoch } from '../../auth/epoch.ts';
import { flagSql, getOrg, memberBaseQuery, memberWithOrg } from '../../directory/index.ts';
import { resolvePlace } from '../regions/index.ts';
import { getSettings } from '../settings/index.ts';
import { countMembers, listMemberRows, type MemberFilter } from './repo.ts';
import { nameSortKey } from '../../name-sort-key.ts';

export interface MemberDeps {
  db: Database;
  cipher: FieldCipher;
}

const ID_PROBLEM: Record<string, string> = {
  format: '身份证号应为 18 位（最后一位可为 X）',
  checksum: '身份证号校验位不正确',
  birth_date: '身份证号中的出生日期不存在',
};

export function idNumberIssue(raw: string): string | null {
  const problem = checkIdNumber(raw, shanghaiDate());
  return problem ? (ID_PROBLEM[problem] ?? '身份证号不正确') : null;
}

/** Today in China (members and secretaries live by Asia/Shanghai, whatever the server's zone). */
const today = (): string => shanghaiDate();

// ---------- list ----------

export async function resolveFilter(db: Executor, ctx: RequestContext, q: { orgId?: string | undefined } & Omit<MemberFilter, 'orgPath'>): Promise<MemberFilter> {
  const { orgId, ...rest } = q;
  if (!orgId) return rest;
  const org = await getOrg(db, ctx.actor.tenantId, orgId);
  return { ...rest, orgPath: org.path };
}

export async function listMembers(
  deps: MemberDeps,
  ctx: RequestContext,
  query: MemberListParams,
): Promise<{ items: MemberListItem[]; total: number }> {
  const { db } = deps;
  const { actor } = ctx;
  const scope = memberReadScope(actor);
  const { page, pageSize, ...filterInput } = query;
  const filter = await resolveFilter(db, ctx, filterInput);
  const settings = await getSettings(db, actor.tenantId);
  const offset = (page - 1) * pageSize;
  let rows: Awaited<ReturnType<typeof listMemberRows>>;
  let total: number;
  if (scope.all) {
    // A whole tenant: the page comes from the name index and the count from an index-only scan,
    // side by side; a window count would read and sort every member.
    [rows, total] = await Promise.all([
      listMemberRows(db, actor.tenantId, scope, filter, settings, { limit: pageSize, offset }),
      countMembers(db, actor.tenantId, scope, filter, settings),
    ]);
  } else {
    // A secretary's subtree is small: one query brings the page and the total.
    rows = await listMemberRows(db, actor.tenantId, scope, filter, settings, { limit: pageSize, offset, withTotal: true });
    total = rows[0] ? Number(rows[0].total) : offset > 0 ? await countMembers(db, actor.tenantId, scope, filter, settings) : 0;
  }
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      gender: r.gender,
      phone: r.phone,
      status: r.status,
      orgId: r.org_id,
      orgName: r.org_name,
      mobile: r.place_name !== null,
      placeName: r.place_name,
      mobileSince: r.mobile_since,
      lostContactSince: r.lost_contact_since,
      shouldTransfer: Boolean(r.should_transfer),
      lostContactSuspected: Boolean(r.lost_suspected),
    })),
  };
}

// ---------- detail ----------

const mobilityView = (r: MobilityRow): Mobility => ({
  id: r.id,
  provinceCode: r.province_code,
  cityCode: r.city_code,
  districtCode: r.district_code,
  placeName: r.place_name,
  workplace: r.workplace,
  occupation: r.occupation,
  since: r.since,
  expectedReturn: r.expected_return,
  contact: r.contact,
  hostOrg: r.host_org,
  activityCardNo: r.activity_card_no,
  endedOn: r.ended_on,
  endReason: r.end_reason,
});

async function loadTarget(db: Executor, ctx: RequestContext, memberId: string) {
  const m = await memberWithOrg(db, ctx.actor.tenantId, memberId);
  if (!m || m.left_at) throw notFound('党员');
  return m;
}

export async function getMember(deps: MemberDeps, ctx: RequestContext, memberId: string): Promise<MemberDetail> {
  const { db } = deps;
  const { actor } = ctx;
  const m = await loadTarget(db, ctx, memberId);
  const target = { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path } as const;
  authorize(actor, 'member.read', target);
  const sensitive = can(actor, 'member.read_sensitive', target);
  // health and hardship notes are care records: the mentor sees them too (issue: 党内关怀)
  const care = can(actor, 'care.read', target);
  const pathIds = m.org_path.split('/').filter(Boolean);
  const settings = await getSettings(db, actor.tenantId);
  const flags = flagSql(settings);
  const [orgPath, grid, mentor, mentees, history, flagRow, login] = await Promise.all([
    db.selectFrom('org').select(['id', 'name', 'kind', 'path']).where('tenant_id', '=', actor.tenantId).where('id', 'in', pathIds).orderBy('path').execute(),
    m.grid_id
      ? db.selectFrom('grid').select('name').where('tenant_id', '=', actor.tenantId).where('id', '=', m.grid_id).executeTakeFirst()
      : Promise.resolve(undefined),
    db
      .selectFrom('mentorship as s')
      .innerJoin('member as t', (j) => j.onRef('t.tenant_id', '=', 's.tenant_id').onRef('t.id', '=', 's.mentor_member_id'))
      .select(['t.id', 't.name', 't.phone'])
      .where('s.tenant_id', '=', actor.tenantId)
      .where('s.member_id', '=', memberId)
      .where('s.ended_on', 'is', null)
      .executeTakeFirst(),
    db
      .selectFrom('mentorship as s')
      .innerJoin('member as t', (j) => j.onRef('t.tenant_id', '=', 's.tenant_id').onRef('t.id', '=', 's.member_id'))
      .select(['t.id', 't.name', 't.phone'])
      .where('s.tenant_id', '=', actor.tenantId)
      .where('s.mentor_member_id', '=', memberId)
      .where('s.ended_on', 'is', null)
      .orderBy('t.name_sort_key')
      .orderBy('t.name')
      .orderBy('t.id')
      .execute(),
    db.selectFrom('mobility').selectAll().where('tenant_id', '=', actor.tenantId).where('member_id', '=', memberId).orderBy('since', 'desc').orderBy('created_at', 'desc').execute(),
    // The flags come from the same SQL as the list, the export and the dashboard.
    memberBaseQuery(db, actor.tenantId)
      .where('m.id', '=', memberId)
      .select([flags.shouldTransfer.as('should_transfer'), flags.lostSuspected.as('lost_suspected')])
      .executeTakeFirst(),
    db.selectFrom('account').select('id').where('tenant_id', '=', actor.tenantId).where('member_id', '=', memberId).where('disabled_at', 'is', null).executeTakeFirst(),
  ]);
  const current = history.find((h) => h.ended_on === null) ?? null;
  return {
    id: m.id,
    name: m.name,
    gender: m.gender,
    birthDate: m.birth_date,
    ethnicity: m.ethnicity,
    education: m.education,
    phone: m.phone,
    idNumberMasked: sensitive ? m.id_number_masked : null,
    joinDate: m.join_date,
    status: m.status,
    orgId: m.org_id,
    orgName: m.org_name,
    orgPath: orgPath.map((o) => ({ id: o.id, name: o.name, kind: o.kind })),
    gridId: m.grid_id,
    gridName: grid?.name ?? null,
    homeAddress: sensitive ? m.home_address : null,
    occupation: m.occupation,
    hardshipNote: sensitive || care ? m.hardship_note : null,
    mentor: mentor ? { memberId: mentor.id, name: mentor.name, phone: mentor.phone } : null,
    mentees: mentees.map((t) => ({ memberId: t.id, name: t.name, phone: t.phone })),
    mobility: current ? mobilityView(current) : null,
    mobilityHistory: history.map(mobilityView),
    lastContactAt: m.last_contact_at,
    lostContactSince: m.lost_contact_since,
    lostContactSuspected: Boolean(flagRow?.lost_suspected),
    shouldTransfer: Boolean(flagRow?.should_transfer),
    can: {
      edit: can(actor, 'member.write', target),
      revealId: can(actor, 'member.reveal_id', target) && m.id_number_enc !== null,
      editMobility: can(actor, 'mobility.write', target),
      care,
    },
    hasLogin: can(actor, 'member.write', target) || actor.memberId === memberId ? login !== undefined : null,
    elderMode: m.elder_mode,
  };
}

/**
 * A member's page as a person opens it: the same as getMember, and when it shows someone else's
 * hardship note (sensitive personal data) the view goes to the audit log.
 */
export async function viewMember(deps: MemberDeps, ctx: RequestContext, memberId: string): Promise<MemberDetail> {
  const detail = await getMember(deps, ctx, memberId);
  if (detail.hardshipNote && ctx.actor.memberId !== memberId) {
    await recordAudit(deps.db, ctx, { tenantId: ctx.actor.tenantId, action: 'member.view_sensitive', entity: 'member', entityId: memberId, after: { fields: ['hardship_note'] } });
  }
  return detail;
}

// ---------- create / update ----------

interface PreparedIdNumber {
  enc: string;
  hash: string;
  masked: string;
}

function prepareIdNumber(cipher: FieldCipher, raw: string | null | undefined, issues: FieldIssue[]): PreparedIdNumber | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === null || raw.trim() === '') return null;
  const problem = idNumberIssue(raw);
  if (problem) {
    issues.push({ field: 'idNumber', message: problem });
    return undefined;
  }
  const id = normalizeIdNumber(raw);
  return { enc: cipher.encrypt(id), hash: cipher.hash(id), masked: maskIdNumber(id) };
}

function checkDates(input: Partial<MemberInput>, issues: FieldIssue[]): void {
  const t = today();
  if (input.birthDate && input.birthDate > t) issues.push({ field: 'birthDate', message: '出生日期不能晚于今天' });
  if (input.joinDate && input.joinDate > t) issues.push({ field: 'joinDate', message: '入党日期不能晚于今天' });
  if (input.birthDate && input.joinDate && input.joinDate < input.birthDate) {
    issues.push({ field: 'joinDate', message: '入党日期不能早于出生日期' });
  }
}

function translateUnique(err: unknown): never {
  const c = uniqueViolation(err);
  if (c === 'member_phone_uq' || c === 'account_phone_uq') throw new AppError('duplicate_phone', '该手机号已登记给其他党员', [{ field: 'phone', message: '手机号重复' }]);
  if (c === 'member_id_number_uq') throw new AppError('duplicate_id_number', '该身份证号已登记给其他党员', [{ field: 'idNumber', message: '身份证号重复' }]);
  throw err;
}

async function checkGrid(db: Executor, tenantId: string, gridId: string | null | undefined, issues: FieldIssue[]): Promise<void> {
  if (!gridId) return;
  const g = await db.selectFrom('grid').select('id').where('tenant_id', '=', tenantId).where('id', '=', gridId).where('retired_at', 'is', null).executeTakeFirst();
  if (!g) issues.push({ field: 'gridId', message: '网格不存在' });
}

/**
 * What the audit log keeps of a member: never the ID number, and the hardship note only as a keyed
 * fingerprint, so the log shows that it was written or changed without keeping its words.
 */
function auditShape(cipher: FieldCipher, m: Record<string, unknown>): Record<string, unknown> {
  const { id_number_enc: _e, id_number_hash: _h, created_at: _c, updated_at: _u, hardship_note: note, ...rest } = m;
  return { ...rest, hardship_note: typeof note === 'string' && note !== '' ? `${AUDIT_HIDDEN}${cipher.hash(note).slice(0, 8)}` : (note ?? null) };
}

export async function createMember(deps: MemberDeps, ctx: RequestContext, input: MemberInput): Promise<MemberDetail> {
  const { db, cipher } = deps;
  const { actor } = ctx;
  const org = await getOrg(db, actor.tenantId, input.orgId);
  authorize(actor, 'member.write', { kind: 'org', tenantId: actor.tenantId, path: org.path });
  const issues: FieldIssue[] = [];
  if (org.retired_at) issues.push({ field: 'orgId', message: '组织已撤销' });
  const idn = prepareIdNumber(cipher, input.idNumber, issues);
  checkDates(input, issues);
  await checkGrid(db, actor.tenantId, input.gridId, issues);
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
  const id = await db
    .transaction()
    .execute(async (tx) => {
      const row = await tx
        .insertInto('member')
        .values({
          tenant_id: actor.tenantId,
          org_id: org.id,
          grid_id: input.gridId ?? null,
          name: input.name,
          name_sort_key: nameSortKey(input.name),
          gender: input.gender,
          birth_date: input.birthDate ?? null,
          ethnicity: input.ethnicity ?? null,
          education: input.education ?? null,
          phone: input.phone,
          id_number_enc: idn?.enc ?? null,
          id_number_hash: idn?.hash ?? null,
          id_number_masked: idn?.masked ?? null,
          join_date: input.joinDate ?? null,
          status: input.status,
          home_address: input.homeAddress ?? null,
          occupation: input.occupation ?? null,
          hardship_note: input.hardshipNote ?? null,
          last_contact_at: today(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'member.create', entity: 'member', entityId: row.id, after: auditShape(cipher, row) });
      return row.id;
    })
    .catch(translateUnique);
  return getMember(deps, ctx, id);
}

export async function updateMember(deps: MemberDeps, ctx: RequestContext, memberId: string, patch: Partial<MemberInput>): Promise<MemberDetail> {
  const { db, cipher } = deps;
  const { actor } = ctx;
  const m = await loadTarget(db, ctx, memberId);
  authorize(actor, 'member.write', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  const issues: FieldIssue[] = [];
  if (patch.orgId && patch.orgId !== m.org_id) {
    const org = await getOrg(db, actor.tenantId, patch.orgId);
    // Moving a member to another unit needs authority over the destination too.
    authorize(actor, 'member.write', { kind: 'org', tenantId: actor.tenantId, path: org.path });
    if (org.retired_at) issues.push({ field: 'orgId', message: '组织已撤销' });
  }
  // A login signs in with the member's phone and name and reaches their unit: changing those is
  // acting on the login.
  const touchesLogin = (patch.phone !== undefined && patch.phone !== m.phone) || (patch.name !== undefined && patch.name !== m.name) || (patch.orgId !== undefined && patch.orgId !== m.org_id);
  if (touchesLogin) await authorizeAccountOfMember(db, actor, memberId);
  const idn = prepareIdNumber(cipher, patch.idNumber, issues);
  checkDates({ birthDate: patch.birthDate ?? m.birth_date, joinDate: patch.joinDate ?? m.join_date }, issues);
  await checkGrid(db, actor.tenantId, patch.gridId, issues);
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
  await db
    .transaction()
    .execute(async (tx) => {
      const before = await tx.selectFrom('member').selectAll().where('tenant_id', '=', actor.tenantId).where('id', '=', memberId).forUpdate().executeTakeFirstOrThrow();
      const after = await tx
        .updateTable('member')
        .set({
          ...(patch.name !== undefined && { name: patch.name, name_sort_key: nameSortKey(patch.name) }),
          ...(patch.gender !== undefined && { gender: patch.gender }),
          ...(patch.birthDate !== undefined && { birth_date: patch.birthDate }),
          ...(patch.ethnicity !== undefined && { ethnicity: patch.ethnicity }),
          ...(patch.education !== undefined && { education: patch.education }),
          ...(patch.phone !== undefined && { phone: patch.phone }),
          ...(idn !== undefined && { id_number_enc: idn?.enc ?? null, id_number_hash: idn?.hash ?? null, id_number_masked: idn?.masked ?? null }),
          ...(patch.joinDate !== undefined && { join_date: patch.joinDate }),
          ...(patch.status !== undefined && { status: patch.status }),
          ...(patch.orgId !== undefined && { org_id: patch.orgId }),
          ...(patch.gridId !== undefined && { grid_id: patch.gridId }),
          ...(patch.homeAddress !== undefined && { home_address: patch.homeAddress }),
          ...(patch.occupation !== undefined && { occupation: patch.occupation }),
          ...(patch.hardshipNote !== undefined && { hardship_note: patch.hardshipNote }),
          updated_at: clock.now(),
        })
        .where('tenant_id', '=', actor.tenantId)
        .where('id', '=', memberId)
        .returningAll()
        .executeTakeFirstOrThrow();
      // The member signs in with their phone: their login follows a new number and name.
      if (after.phone !== before.phone || after.name !== before.name) {
        await tx.updateTable('account').set({ phone: after.phone, display_name: after.name }).where('tenant_id', '=', actor.tenantId).where('member_id', '=', memberId).execute();
      }
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'member.update', entity: 'member', entityId: memberId, ...diff(auditShape(cipher, before), auditShape(cipher, after)) });
    })
    .catch(translateUnique);
  return getMember(deps, ctx, memberId);
}

/** Only the fields that changed, before and after. */
function diff(before: Record<string, unknown>, after: Record<string, unknown>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of Object.keys(after)) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return { before: b, after: a };
}

export async function revealIdNumber(deps: MemberDeps, ctx: RequestContext, memberId: string): Promise<string | null> {
  const { db, cipher } = deps;
  const { actor } = ctx;
  const m = await loadTarget(db, ctx, memberId);
  authorize(actor, 'member.reveal_id', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  if (!m.id_number_enc) return null;
  const plain = cipher.decrypt(m.id_number_enc);
  await recordAudit(db, ctx, { tenantId: actor.tenantId, action: 'member.reveal_id', entity: 'member', entityId: memberId, after: { idNumber: m.id_number_masked } });
  return plain;
}

// ---------- mobility ----------

/**
 * Records where a member is now. The same destination updates the open record (workplace,
 * contact…); a new destination closes the open record as 'moved' and opens a new one, so
 * every move stays in the history.
 */
export async function recordDestination(deps: MemberDeps, ctx: RequestContext, memberId: string, input: MobilityInput): Promise<void> {
  const { db } = deps;
  const { actor } = ctx;
  const m = await loadTarget(db, ctx, memberId);
  authorize(actor, 'mobility.write', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  const placeName = resolvePlace(input.provinceCode, input.cityCode, input.districtCode);
  const issues: FieldIssue[] = [];
  if (input.since > today()) issues.push({ field: 'since', message: '外出时间不能晚于今天' });
  if (input.expectedReturn && input.expectedReturn < input.since) issues.push({ field: 'expectedReturn', message: '预计返乡时间不能早于外出时间' });
  if (issues.length) throw new AppError('validation_failed', issues.map((i) => i.message).join('；'), issues);
  const fields = {
    workplace: input.workplace ?? null,
    occupation: input.occupation ?? null,
    expected_return: input.expectedReturn ?? null,
    contact: input.contact ?? null,
    host_org: input.hostOrg ?? null,
    activity_card_no: input.activityCardNo ?? null,
  };
  const self = actor.memberId === memberId;
  await db.transaction().execute(async (tx) => {
    const current = await lockCurrentStay(tx, actor.tenantId, memberId);
    const samePlace =
      current &&
      current.province_code === input.provinceCode &&
      (current.city_code ?? null) === (input.cityCode ?? null) &&
      (current.district_code ?? null) === (input.districtCode ?? null);
    if (current && samePlace) {
      const after = await tx
        .updateTable('mobility')
        .set({ ...fields, since: input.since })
        .where('tenant_id', '=', actor.tenantId)
        .where('id', '=', current.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'mobility.update', entity: 'member', entityId: memberId, ...diff(current, after) });
    } else {
      if (current) {
        if (input.since < current.since) {
          throw new AppError('validation_failed', `新的外出时间不能早于上一次外出时间 ${current.since}`, [{ field: 'since', message: `不能早于 ${current.since}` }]);
        }
        await tx
          .updateTable('mobility')
          .set({ ended_on: input.since, end_reason: 'moved' })
          .where('tenant_id', '=', actor.tenantId)
          .where('id', '=', current.id)
          .execute();
      }
      const row = await tx
        .insertInto('mobility')
        .values({
          tenant_id: actor.tenantId,
          member_id: memberId,
          province_code: input.provinceCode,
          city_code: input.cityCode ?? null,
          district_code: input.districtCode ?? null,
          place_name: placeName,
          since: input.since,
          created_by: actor.accountId,
          ...fields,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: current ? 'mobility.move' : 'mobility.go_out',
        entity: 'member',
        entityId: memberId,
        before: current ? { placeName: current.place_name, since: current.since } : null,
        after: { placeName: row.place_name, since: row.since, workplace: row.workplace },
      });
    }
    // A member who updates their own destination is evidently in contact.
    if (self) await markContact(tx, actor.tenantId, memberId, today());
  });
}

/** The open stay away (if any), locked so concurrent updates of one member queue up. */
function lockCurrentStay(tx: Executor, tenantId: string, memberId: string): Promise<MobilityRow | undefined> {
  return tx
    .selectFrom('mobility')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('member_id', '=', memberId)
    .where('ended_on', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Records a contact with one or more members on that day (a talk, a visit, a return, a call). The
 * last contact only moves forward — a contact entered late never makes a member look longer
 * silent — and a contact after the day a lost-contact flag dates from lifts the flag. Runs inside
 * the caller's transaction.
 */
export async function markContact(db: Executor, tenantId: string, memberIds: string | string[], on: string): Promise<void> {
  const ids = Array.isArray(memberIds) ? memberIds : [memberIds];
  if (ids.length === 0) return;
  const lifts = sql<boolean>`(lost_contact_since IS NULL OR ${on}::date > lost_contact_since)`;
  await db
    .updateTable('member')
    .set({
      last_contact_at: sql`GREATEST(last_contact_at, ${on}::date)`,
      lost_contact_since: sql`CASE WHEN ${lifts} THEN NULL ELSE lost_contact_since END`,
      lost_contact_confirmed_at: sql`CASE WHEN ${lifts} THEN NULL ELSE lost_contact_confirmed_at END`,
      updated_at: clock.now(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
}

export async function recordReturn(deps: MemberDeps, ctx: RequestContext, memberId: string, returnedOn: string): Promise<void> {
  const { db } = deps;
  const { actor } = ctx;
  const m = await loadTarget(db, ctx, memberId);
  authorize(actor, 'mobility.write', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  if (returnedOn > today()) throw new AppError('validation_failed', '返乡日期不能晚于今天', [{ field: 'returnedOn', message: '返乡日期不能晚于今天' }]);
  await db.transaction().execute(async (tx) => {
    const current = await lockCurrentStay(tx, actor.tenantId, memberId);
    if (!current) throw new AppError('conflict', actor.memberId === memberId ? '您当前没有外出登记' : '该党员当前没有外出登记');
    if (returnedOn < current.since) {
      throw new AppError('validation_failed', `返乡日期不能早于外出时间 ${current.since}`, [{ field: 'returnedOn', message: `不能早于 ${current.since}` }]);
    }
    await tx.updateTable('mobility').set({ ended_on: returnedOn, end_reason: 'returned' }).where('tenant_id', '=', actor.tenantId).where('id', '=', current.id).execute();
    await markContact(tx, actor.tenantId, memberId, returnedOn);
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'mobility.return', entity: 'member', entityId: memberId, before: { placeName: current.place_name }, after: { returnedOn } });
  });
}

export async function recordContact(deps: MemberDeps, ctx: RequestContext, memberId: string, contactedOn: string): Promise<void> {
  const { db } = deps;
  const { actor } = ctx;
  const m = await loadTarget(db, ctx, memberId);
  authorize(actor, 'member.write', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  if (contactedOn > today()) throw new AppError('validation_failed', '联系日期不能晚于今天', [{ field: 'contactedOn', message: '联系日期不能晚于今天' }]);
  await db.transaction().execute(async (tx) => {
    await markContact(tx, actor.tenantId, memberId, contactedOn);
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'member.contact', entity: 'member', entityId: memberId, before: { lastContactAt: m.last_contact_at, lostContactSince: m.lost_contact_since }, after: { lastContactAt: contactedOn } });
  });
}

/** The secretary confirms the lost-contact flag; it dates from the last recorded contact. */
export async function confirmLostContact(deps: MemberDeps, ctx: RequestContext, memberId: string): Promise<void> {
  const { db } = deps;
  const { actor } = ctx;
  const m = await loadTarget(db, ctx, memberId);
  authorize(actor, 'member.write', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  if (m.lost_contact_since) return;
  const current = await db.selectFrom('mobility').select('since').where('tenant_id', '=', actor.tenantId).where('member_id', '=', memberId).where('ended_on', 'is', null).executeTakeFirst();
  const since = m.last_contact_at ?? current?.since ?? today();
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('member').set({ lost_contact_since: since, lost_contact_confirmed_at: clock.now(), updated_at: clock.now() }).where('tenant_id', '=', actor.tenantId).where('id', '=', memberId).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'member.confirm_lost_contact', entity: 'member', entityId: memberId, after: { lostContactSince: since } });
  });
}

export async function assignMentor(deps: MemberDeps, ctx: RequestContext, memberId: string, mentorMemberId: string | null): Promise<void> {
  const { db } = deps;
  const { actor } = ctx;
  const m = await loadTarget(db, ctx, memberId);
  authorize(actor, 'member.write', { kind: 'member', tenantId: actor.tenantId, memberId, orgPath: m.org_path });
  if (mentorMemberId) {
    if (mentorMemberId === memberId) throw new AppError('validation_failed', '不能指定本人为联系人', [{ field: 'mentorMemberId', message: '不能指定本人' }]);
    const mentor = await loadTarget(db, ctx, mentorMemberId);
    authorize(actor, 'member.read', { kind: 'member', tenantId: actor.tenantId, memberId: mentorMemberId, orgPath: mentor.org_path });
  }
  await db.transaction().execute(async (tx) => {
    const current = await tx
      .selectFrom('mentorship')
      .select(['id', 'mentor_member_id'])
      .where('tenant_id', '=', actor.tenantId)
      .where('member_id', '=', memberId)
      .where('ended_on', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if ((current?.mentor_member_id ?? null) === mentorMemberId) return;
    if (current) await tx.updateTable('mentorship').set({ ended_on: today() }).where('tenant_id', '=', actor.tenantId).where('id', '=', current.id).execute();
    if (mentorMemberId) await tx.insertInto('mentorship').values({ tenant_id: actor.tenantId, member_id: memberId, mentor_member_id: mentorMemberId }).execute();
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'mentorship.assign', entity: 'member', entityId: memberId, before: { mentorMemberId: current?.mentor_member_id ?? null }, after: { mentorMemberId } });
  });
  // Mentors read their mentees: the old and the new mentor's access changed.
  bumpAuthEpoch();
}
