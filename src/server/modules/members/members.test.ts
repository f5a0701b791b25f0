import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { contextFor, memberIdByPhone, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import { completeIdNumber } from '../../../shared/id-number.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { updateSettings } from '../settings/index.ts';
import { addDays, clock, shanghaiDate } from '../../clock.ts';
import {
  assignMentor,
  confirmLostContact,
  createMember,
  getMember,
  listMembers,
  recordContact,
  recordDestination,
  recordReturn,
  revealIdNumber,
  updateMember,
} from './service.ts';

let env: Awaited<ReturnType<typeof openTestDatabase>>;
let deps: { db: typeof env.db; cipher: typeof env.cipher };
let secretary: RequestContext;
let group1: string;
beforeAll(async () => {
  env = await openTestDatabase();
  deps = { db: env.db, cipher: env.cipher };
  secretary = await contextFor(env, PHONES.generalSecretary);
  group1 = (await env.db.selectFrom('org').select('id').where('name', '=', '第一党小组').executeTakeFirstOrThrow()).id;
});
afterAll(async () => env?.close());

const list = (ctx: RequestContext, q: Record<string, unknown> = {}) => listMembers(deps, ctx, { page: 1, pageSize: 200, ...q });
const VALID_ID = completeIdNumber('32061219900101123');

/** The day in China `n` days ago. */
const daysAgo = (n: number): string => new Date(clock.now().getTime() + 8 * 3_600_000 - n * 86_400_000).toISOString().slice(0, 10);

describe('member registry', () => {
  it('adds a member with the ID number encrypted at rest, masked on screen, revealed with an audit entry', async () => {
    const m = await createMember(deps, secretary, { name: '测试甲', gender: 'male', phone: '13700000001', status: 'full', orgId: group1, idNumber: VALID_ID.toLowerCase(), birthDate: '1990-01-01', joinDate: '2015-07-01' });
    expect(m.idNumberMasked).toBe(`${VALID_ID.slice(0, 4)}**********${VALID_ID.slice(-4)}`);
    const row = await env.db.selectFrom('member').select(['id_number_enc', 'id_number_hash']).where('id', '=', m.id).executeTakeFirstOrThrow();
    expect(row.id_number_enc).not.toContain(VALID_ID.slice(6, 14));
    expect(row.id_number_hash).toBe(env.cipher.hash(VALID_ID));
    expect(await revealIdNumber(deps, secretary, m.id)).toBe(VALID_ID);
    const audit = await env.db.selectFrom('audit_log').selectAll().where('entity_id', '=', m.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['member.create', 'member.reveal_id']);
    expect(JSON.stringify(audit)).not.toContain(VALID_ID);
    expect(audit[0]?.account_id).toBe(secretary.actor.accountId);
  });

  it('says which field is wrong and writes nothing', async () => {
    const before = await env.db.selectFrom('member').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const bad = VALID_ID.slice(0, 17) + (VALID_ID.endsWith('0') ? '1' : '0');
    await expect(createMember(deps, secretary, { name: '测试乙', gender: 'female', phone: '13700000002', status: 'full', orgId: group1, idNumber: bad })).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ field: 'idNumber', message: '身份证号校验位不正确' }],
    });
    await expect(createMember(deps, secretary, { name: '测试乙', gender: 'female', phone: '13700000002', status: 'full', orgId: group1, birthDate: '2000-01-01', joinDate: '1999-01-01' })).rejects.toMatchObject({
      issues: [{ field: 'joinDate' }],
    });
    await expect(createMember(deps, secretary, { name: '测试乙', gender: 'female', phone: PHONES.mentor, status: 'full', orgId: group1 })).rejects.toMatchObject({ code: 'duplicate_phone' });
    await expect(createMember(deps, secretary, { name: '测试乙', gender: 'female', phone: '13700000003', status: 'full', orgId: group1, idNumber: VALID_ID })).rejects.toMatchObject({ code: 'duplicate_id_number' });
    const after = await env.db.selectFrom('member').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('keeps before/after of an edit in the audit log', async () => {
    const id = await memberIdByPhone(env, PHONES.mentor);
    await updateMember(deps, secretary, id, { occupation: '村医', hardshipNote: '家中有病人' });
    const entry = await env.db.selectFrom('audit_log').selectAll().where('entity_id', '=', id).where('action', '=', 'member.update').executeTakeFirstOrThrow();
    expect(entry.after).toMatchObject({ occupation: '村医' });
    expect(Object.keys(entry.before as object).sort()).toEqual(['hardship_note', 'occupation']);
    // The hardship note is sensitive: the log shows that it changed, never its words.
    expect(JSON.stringify(entry)).not.toContain('家中有病人');
    expect((entry.after as { hardship_note: string }).hardship_note).toMatch(/^\*\*\*[\w-]{8}$/);
    await updateMember(deps, secretary, id, { hardshipNote: '家中有病人，已好转' });
    const entries = await env.db.selectFrom('audit_log').selectAll().where('entity_id', '=', id).where('action', '=', 'member.update').orderBy('id').execute();
    expect(entries).toHaveLength(2);
    expect(Object.keys(entries[1]!.after as object)).toEqual(['hardship_note']);
    expect(JSON.stringify(entries)).not.toContain('好转');
  });

  it('refuses to change or delete an audit entry', async () => {
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(env.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(env.db)).rejects.toThrow(/append-only/);
  });
});

describe('mobility', () => {
  it('records going out, a change of destination into history, and the return', async () => {
    const id = await memberIdByPhone(env, PHONES.groupLeader);
    await recordDestination(deps, secretary, id, { provinceCode: '32', cityCode: '3205', districtCode: '320506', since: '2025-01-10', workplace: '电子厂', contact: '微信 abc' });
    let m = await getMember(deps, secretary, id);
    expect(m.mobility).toMatchObject({ placeName: '江苏省苏州市吴中区', workplace: '电子厂' });
    // Same place: the open record is updated in place.
    await recordDestination(deps, secretary, id, { provinceCode: '32', cityCode: '3205', districtCode: '320506', since: '2025-01-10', workplace: '汽车配件厂' });
    m = await getMember(deps, secretary, id);
    expect(m.mobilityHistory).toHaveLength(1);
    // New place: the old stay is closed as moved.
    await recordDestination(deps, secretary, id, { provinceCode: '31', cityCode: '3101', districtCode: '310115', since: '2025-09-01', workplace: '物流公司' });
    m = await getMember(deps, secretary, id);
    expect(m.mobility?.placeName).toBe('上海市浦东新区');
    expect(m.mobilityHistory.map((h) => [h.placeName, h.endReason])).toEqual([
      ['上海市浦东新区', null],
      ['江苏省苏州市吴中区', 'moved'],
    ]);
    await expect(recordDestination(deps, secretary, id, { provinceCode: '33', since: '2025-01-01' })).rejects.toMatchObject({ issues: [{ field: 'since' }] });
    await expect(recordDestination(deps, secretary, id, { provinceCode: '32', cityCode: '3302', since: '2025-10-01' })).rejects.toMatchObject({ issues: [{ field: 'cityCode' }] });
    // Cities without districts list their towns (9-digit codes) instead.
    const dongguan = await import('../regions/index.ts').then((r) => r.regionTree().find((p) => p.code === '44')?.children?.find((c) => c.code === '4419')?.children?.[0]);
    expect(dongguan?.code).toHaveLength(9);
    await recordDestination(deps, secretary, id, { provinceCode: '44', cityCode: '4419', districtCode: dongguan!.code, since: '2025-09-15' });
    expect((await getMember(deps, secretary, id)).mobility?.placeName).toBe(`广东省东莞市${dongguan!.name}`);
    await recordDestination(deps, secretary, id, { provinceCode: '31', cityCode: '3101', districtCode: '310115', since: '2025-09-20', workplace: '物流公司' });
    await expect(recordReturn(deps, secretary, id, '2025-08-01')).rejects.toMatchObject({ issues: [{ field: 'returnedOn' }] });
    await recordReturn(deps, secretary, id, '2026-01-05');
    m = await getMember(deps, secretary, id);
    expect(m.mobility).toBeNull();
    expect(m.mobilityHistory[0]).toMatchObject({ endedOn: '2026-01-05', endReason: 'returned' });
    await expect(recordReturn(deps, secretary, id, '2026-01-06')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('a member updating their own destination reaches the secretary and counts as contact', async () => {
    const me = await contextFor(env, PHONES.mobileMember);
    const id = me.actor.memberId as string;
    await env.db.updateTable('member').set({ last_contact_at: '2020-01-01' }).where('id', '=', id).execute();
    await recordDestination(deps, me, id, { provinceCode: '33', cityCode: '3302', since: shanghaiDate(), workplace: '外贸公司' });
    const seen = await list(secretary, { q: (await getMember(deps, secretary, id)).name });
    expect(seen.items[0]).toMatchObject({ placeName: '浙江省宁波市', mobile: true });
    expect((await getMember(deps, secretary, id)).lastContactAt).toBe(shanghaiDate());
  });

  it('flags 应转尽转 after 6 months at one place and suspected lost contact after the configured days', async () => {
    const all = await list(secretary, { mobile: true });
    const settled = all.items.filter((i) => i.shouldTransfer);
    expect(settled.length).toBeGreaterThan(0);
    for (const s of settled) expect(s.mobileSince! <= new Date(clock.now().getTime() - 180 * 86_400_000).toISOString().slice(0, 10)).toBe(true);
    const lost = await list(secretary, { lostContact: true });
    expect(lost.items.map((i) => i.lostContactSuspected)).toContain(true);
    const suspect = lost.items.find((i) => i.lostContactSuspected)!;
    // A longer threshold clears the suspicion; the secretary's confirmation sets the flag for good.
    const admin = await contextFor(env, PHONES.tenantAdmin);
    await updateSettings(env.db, admin, { lostContactDays: 365 });
    expect((await list(secretary, { lostContact: true })).items.map((i) => i.id)).not.toContain(suspect.id);
    await updateSettings(env.db, admin, { lostContactDays: 180 });
    await confirmLostContact(deps, secretary, suspect.id);
    const confirmed = await getMember(deps, secretary, suspect.id);
    expect(confirmed.lostContactSince).not.toBeNull();
    expect(confirmed.lostContactSuspected).toBe(false);
    await recordContact(deps, secretary, suspect.id, shanghaiDate());
    expect((await getMember(deps, secretary, suspect.id)).lostContactSince).toBeNull();
  });

  it("takes today as the day in China: at 01:30 in Beijing (17:30 UTC the day before) today's contact is accepted", async () => {
    const member = await memberIdByPhone(env, PHONES.mobileMember);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      // A China day after every contact the demo recorded, since a contact moves only forward.
      const chinaDay = addDays(shanghaiDate(), 2);
      // The clock runs ahead of the faked system time by its shift (LIANXIN_CLOCK_AT passes).
      vi.setSystemTime(new Date(Date.parse(`${addDays(chinaDay, -1)}T17:30:00Z`) - clock.offsetMs));
      await recordContact(deps, secretary, member, chinaDay);
      expect((await getMember(deps, secretary, member)).lastContactAt).toBe(chinaDay);
      await expect(recordContact(deps, secretary, member, addDays(chinaDay, 1))).rejects.toMatchObject({ code: 'validation_failed' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('moves the last contact only forward, and lifts a lost-contact flag only with a contact after it', async () => {
    const member = await memberIdByPhone(env, PHONES.groupLeader);
    await recordContact(deps, secretary, member, daysAgo(20));
    await recordContact(deps, secretary, member, daysAgo(40)); // entered late: an older call
    expect((await getMember(deps, secretary, member)).lastContactAt).toBe(daysAgo(20));
    await confirmLostContact(deps, secretary, member);
    expect((await getMember(deps, secretary, member)).lostContactSince).toBe(daysAgo(20));
    await recordContact(deps, secretary, member, daysAgo(30));
    expect((await getMember(deps, secretary, member)).lostContactSince).toBe(daysAgo(20));
    await recordContact(deps, secretary, member, daysAgo(1));
    expect(await getMember(deps, secretary, member)).toMatchObject({ lastContactAt: daysAgo(1), lostContactSince: null });
  });

  it('reassigns a mentor and keeps the earlier pairing as history', async () => {
    const mentee = await memberIdByPhone(env, PHONES.mobileMember);
    const other = await memberIdByPhone(env, PHONES.branchSecretary);
    await assignMentor(deps, secretary, mentee, other);
    expect((await getMember(deps, secretary, mentee)).mentor?.memberId).toBe(other);
    const rows = await env.db.selectFrom('mentorship').select(['mentor_member_id', 'ended_on']).where('member_id', '=', mentee).execute();
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.ended_on === null)).toHaveLength(1);
    await expect(assignMentor(deps, secretary, mentee, mentee)).rejects.toMatchObject({ code: 'validation_failed' });
  });
});

describe('member list', () => {
  it('lists people in pinyin order, not code-point order, and a renamed member moves to their new place', async () => {
    // Code points: 安 U+5B89, 张 U+5F20, 白 U+767D, 陈 U+9648 — pinyin: an, bai, chen, zhang.
    const phones = ['13700000101', '13700000102', '13700000103', '13700000104'];
    const names = ['张排序', '陈排序', '白排序', '安排序'];
    for (const [i, name] of names.entries()) {
      await createMember(deps, secretary, { name, gender: 'male', phone: phones[i] as string, status: 'full', orgId: group1 });
    }
    expect((await list(secretary, { q: '排序' })).items.map((i) => i.name)).toEqual(['安排序', '白排序', '陈排序', '张排序']);
    const zhang = (await list(secretary, { q: '张排序' })).items[0]!;
    await updateMember(deps, secretary, zhang.id, { name: '艾排序' });
    expect((await list(secretary, { q: '排序' })).items.map((i) => i.name)).toEqual(['艾排序', '安排序', '白排序', '陈排序']);
    // The whole list follows the stored keys, and they are not the names' code-point order.
    const all = (await list(secretary)).items.map((i) => i.name);
    const keys = await env.db.selectFrom('member').select(['name', 'name_sort_key']).where('tenant_id', '=', env.tenantId).execute();
    const keyOf = new Map(keys.map((k) => [k.name, k.name_sort_key]));
    const listed = all.map((n) => keyOf.get(n) as string);
    expect(listed).toEqual([...listed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(all).not.toEqual([...all].sort());
  });

  it('searches by name or phone, filters and pages', async () => {
    const all = await list(secretary);
    expect(all.total).toBeGreaterThanOrEqual(113);
    const page2 = await listMembers(deps, secretary, { page: 2, pageSize: 20 });
    expect(page2.items).toHaveLength(20);
    expect(page2.items[0]?.id).toBe(all.items[20]?.id);
    expect(page2.total).toBe(all.total);
    // Past the last page: no rows, the total still right.
    expect(await listMembers(deps, secretary, { page: 100, pageSize: 20 })).toEqual({ items: [], total: all.total });
    const admin = await contextFor(env, PHONES.tenantAdmin);
    expect((await listMembers(deps, admin, { page: 1, pageSize: 5 })).total).toBe(all.total);
    const byPhone = await list(secretary, { q: '1380000000' });
    expect(byPhone.items.map((i) => i.phone).sort()).toEqual(['13800000000', '13800000001', '13800000002', '13800000003', '13800000004']);
    const name = all.items[7]!.name;
    expect((await list(secretary, { q: name.slice(1) })).items.map((i) => i.name)).toContain(name);
    const mobile = await list(secretary, { mobile: true });
    expect(mobile.items.every((i) => i.mobile)).toBe(true);
    const jiangsu = await list(secretary, { province: '32' });
    expect(jiangsu.items.length).toBeGreaterThan(0);
    expect(jiangsu.items.every((i) => i.placeName?.startsWith('江苏省'))).toBe(true);
    const suzhou = await list(secretary, { city: '3205' });
    expect(suzhou.items.every((i) => i.placeName?.startsWith('江苏省苏州市'))).toBe(true);
    expect((await list(secretary, { status: 'probationary' })).items.every((i) => i.status === 'probationary')).toBe(true);
    expect((await list(secretary, { orgId: group1 })).items.every((i) => i.orgName === '第一党小组')).toBe(true);
    const suspected = await list(secretary, { lostContactSuspected: true });
    expect(suspected.items.every((i) => i.lostContactSuspected)).toBe(true);
    expect((await list(secretary, { withoutMentor: true })).total).toBe(0);
    expect((await list(secretary, { withoutMentor: false })).total).toBe(13);
    // Wildcards in the search are taken literally.
    expect((await list(secretary, { q: '%' })).total).toBe(0);
    // A name with a digit in it is a name: its digit does not match every phone starting with 1.
    expect((await list(secretary, { q: `${name.slice(0, 1)}1` })).total).toBe(0);
    expect((await list(secretary, { q: '138 0000 0000' })).items.map((i) => i.phone)).toContain('13800000000');
  });
});
