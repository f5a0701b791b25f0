import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import type { Delivery, DeliveryList, MemberDelivery } from '../../../shared/api-care.ts';
import { listMemberDeliveries } from './service.ts';

let env: TestEnv;
let secretary: Session;
let branchSecretary: Session;
let groupLeader: Session;
let mentor: Session;
let admin: Session;
const orgIds: Record<string, string> = {};
/** the demo mentee (第一党小组, mentored by PHONES.mentor) */
let mentee = '';
/** two mobile members of 流动党员党支部 */
let mobileA = '';
let mobileB = '';
/** a member of 第二党支部 */
let branch2Member = '';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----lianxin-deliveries-test';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Uploads through POST /api/files as an attachment and returns the stored file's id. */
async function upload(session: Session, fileName: string, content: Buffer): Promise<string> {
  const mp = multipart(fileName, content);
  const res = await env.app.inject({ method: 'POST', url: '/api/files?purpose=attachment', headers: { ...session.headers, ...mp.headers }, payload: mp.payload });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { id: string }).id;
}

const post = (session: Session, payload: unknown) => env.app.inject({ method: 'POST', url: '/api/deliveries', headers: session.headers, payload: payload as Record<string, unknown> });
const patch = (session: Session, id: string, payload: unknown) =>
  env.app.inject({ method: 'PATCH', url: `/api/deliveries/${id}`, headers: session.headers, payload: payload as Record<string, unknown> });
const get = (session: Session, url: string) => env.app.inject({ url, headers: session.headers });

const trip = (over: Record<string, unknown> = {}) => ({
  orgId: orgIds['新桥村党总支'],
  tripOn: '2026-03-15',
  provinceCode: '32',
  cityCode: '3205',
  travellers: ['村党总支书记', '第一党支部书记'],
  members: [
    { memberId: mobileA, items: ['《习近平新时代中国特色社会主义思想学习纲要》', '党徽'], words: '在外也不忘学习，谢谢组织惦记。' },
    { memberId: mobileB, items: ['学习资料'], handedTo: '其爱人' },
  ],
  notes: '在苏州工业园区座谈一小时',
  followUp: '帮助联系当地社区党组织',
  ...over,
});

async function create(session: Session, over: Record<string, unknown> = {}): Promise<Delivery> {
  const res = await post(session, trip(over));
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Delivery;
}

const memberRow = (id: string) => env.db.selectFrom('member').select(['last_contact_at', 'lost_contact_since']).where('id', '=', id).executeTakeFirstOrThrow();
const auditOf = (action: string, entityId: string) =>
  env.db.selectFrom('audit_log').select(['before', 'after', 'actor_name']).where('action', '=', action).where('entity_id', '=', entityId).orderBy('id').execute();
const tripCount = async () => (await env.db.selectFrom('delivery').select('id').execute()).length;

beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  groupLeader = await login(env.app, PHONES.groupLeader);
  mentor = await login(env.app, PHONES.mentor);
  admin = await login(env.app, PHONES.tenantAdmin);
  for (const o of await env.db.selectFrom('org').select(['id', 'name']).execute()) orgIds[o.name] = o.id;
  mentee = await memberIdByPhone(env, PHONES.mobileMember);
  const mobiles = await env.db
    .selectFrom('member as m')
    .innerJoin('mobility as mb', (j) => j.onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
    .innerJoin('org as o', 'o.id', 'm.org_id')
    .select('m.id')
    .where('o.name', 'in', ['第八党小组', '第九党小组'])
    .orderBy('m.name')
    .execute();
  [mobileA, mobileB] = mobiles.map((m) => m.id) as [string, string];
  branch2Member = (
    await env.db.selectFrom('member as m').innerJoin('org as o', 'o.id', 'm.org_id').select('m.id').where('o.name', '=', '第四党小组').orderBy('m.name').executeTakeFirstOrThrow()
  ).id;
});
afterAll(async () => env?.close());

describe('recording a trip', () => {
  it('stores the trip with its place, members, items, words and photos, in one audited transaction', async () => {
    const photo = await upload(secretary, '合影.png', PNG);
    const d = await create(secretary, { photoFileIds: [photo, photo] });
    expect(d).toMatchObject({
      orgName: '新桥村党总支',
      tripOn: '2026-03-15',
      placeName: '江苏省苏州市',
      travellers: ['村党总支书记', '第一党支部书记'],
      notes: '在苏州工业园区座谈一小时',
      followUp: '帮助联系当地社区党组织',
      photos: [{ fileId: photo, url: `/api/files/${photo}`, caption: null }],
    });
    const a = d.members.find((m) => m.memberId === mobileA);
    expect(a).toMatchObject({ items: ['《习近平新时代中国特色社会主义思想学习纲要》', '党徽'], handedTo: null, words: '在外也不忘学习，谢谢组织惦记。' });
    expect(a?.name).toBeTruthy();
    expect(d.members.find((m) => m.memberId === mobileB)).toMatchObject({ items: ['学习资料'], handedTo: '其爱人', words: null });
    const [entry, ...more] = await auditOf('delivery.create', d.id);
    expect(more).toHaveLength(0);
    expect(entry?.after).toMatchObject({ placeName: '江苏省苏州市', photos: [photo], members: [{}, {}] });
    // What the API answers is what is stored.
    expect((await get(secretary, `/api/deliveries/${d.id}`)).json()).toEqual(d);
  });

  it('counts as contact in person: the members met have their last contact on the trip day, unless a later one is recorded', async () => {
    await env.db.updateTable('member').set({ last_contact_at: '2026-01-01', lost_contact_since: '2026-01-01', lost_contact_confirmed_at: clock.now() }).where('id', '=', mobileA).execute();
    await env.db.updateTable('member').set({ last_contact_at: '2026-10-01' }).where('id', '=', mobileB).execute();
    await create(secretary, { tripOn: '2026-04-02' });
    expect(await memberRow(mobileA)).toEqual({ last_contact_at: '2026-04-02', lost_contact_since: null });
    expect((await memberRow(mobileB)).last_contact_at).toBe('2026-10-01');
  });

  it('refuses members outside the unit, off the roll, unknown or twice, naming the row', async () => {
    const left = (await env.db.selectFrom('member as m').innerJoin('org as o', 'o.id', 'm.org_id').select('m.id').where('o.name', '=', '第二党小组').orderBy('m.name').executeTakeFirstOrThrow()).id;
    await env.db.updateTable('member').set({ left_at: clock.now() }).where('id', '=', left).execute();
    const before = await tripCount();
    const res = await post(branchSecretary, {
      ...trip({ orgId: orgIds['第一党支部'] }),
      members: [
        { memberId: mentee, items: ['党徽'] },
        { memberId: branch2Member },
        { memberId: left },
        { memberId: '00000000-0000-4000-8000-000000000000' },
        { memberId: mentee },
      ],
    });
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json() as { error: string; issues: { field: string; message: string }[] };
    expect(body.error).toBe('validation_failed');
    expect(body.issues.map((i) => i.field)).toEqual(['members.1.memberId', 'members.2.memberId', 'members.3.memberId', 'members.4.memberId']);
    expect(body.issues[0]?.message).toContain('不属于第一党支部');
    expect(body.issues[1]?.message).toContain('已不在党员名册中');
    expect(body.issues[2]?.message).toContain('不存在');
    expect(body.issues[3]?.message).toContain('重复');
    expect(await tripCount()).toBe(before);
  });

  it('checks the place codes, the day and the items with field errors', async () => {
    const wrongCity = await post(secretary, trip({ cityCode: '3301' }));
    expect(wrongCity.statusCode).toBe(400);
    expect(wrongCity.json().issues).toEqual([{ field: 'cityCode', message: '城市不属于所选省份' }]);
    const noProvince = await post(secretary, trip({ provinceCode: '99', cityCode: null }));
    expect(noProvince.json().issues).toEqual([{ field: 'provinceCode', message: '省份不存在' }]);
    const tomorrow = shanghaiDate(new Date(clock.now().getTime() + 86_400_000));
    const future = await post(secretary, trip({ tripOn: tomorrow }));
    expect(future.statusCode).toBe(400);
    expect(future.json().issues).toEqual([{ field: 'tripOn', message: '送学日期不能晚于今天' }]);
    const noSuchDay = await post(secretary, trip({ tripOn: '2026-02-30' }));
    expect(noSuchDay.statusCode).toBe(400);
    expect(noSuchDay.json().issues[0].field).toBe('tripOn');
    const emptyItem = await post(secretary, trip({ members: [{ memberId: mobileA, items: ['书籍', '  '] }] }));
    expect(emptyItem.statusCode).toBe(400);
    expect(emptyItem.json().issues).toEqual([{ field: 'members.0.items.1', message: '交接物品不能为空' }]);
    // A province without a city is a place too.
    const province = await create(secretary, { provinceCode: '31', cityCode: null });
    expect(province.placeName).toBe('上海市');
  });

  it('accepts only uploaded images the caller may read as photos', async () => {
    const before = await tripCount();
    const pdf = await upload(secretary, '名单.pdf', PDF);
    const notImage = await post(secretary, trip({ photoFileIds: [pdf] }));
    expect(notImage.statusCode, notImage.body).toBe(415);
    expect(notImage.json()).toMatchObject({ error: 'unsupported_file', issues: [{ field: 'photoFileIds.0' }] });
    expect(notImage.json().message).toContain('不是图片');
    const unknown = await post(secretary, trip({ photoFileIds: ['00000000-0000-4000-8000-000000000000'] }));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().issues).toEqual([{ field: 'photoFileIds.0', message: '第 1 张照片的文件不存在，请重新上传' }]);
    // Someone else's upload that the branch secretary cannot see is not theirs to attach.
    const others = await upload(secretary, '别人的.png', PNG);
    const foreign = await post(branchSecretary, trip({ orgId: orgIds['第一党支部'], members: [{ memberId: mentee }], photoFileIds: [others] }));
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().issues).toEqual([{ field: 'photoFileIds.0', message: '无权使用此文件' }]);
    expect(await tripCount()).toBe(before);
  });

  it('is for the secretaries of the unit: a branch secretary records for their branch only', async () => {
    expect((await post(branchSecretary, trip({ orgId: orgIds['第二党支部'], members: [{ memberId: branch2Member }] }))).statusCode).toBe(403);
    expect((await post(groupLeader, trip({ orgId: orgIds['第一党小组'], members: [{ memberId: mentee }] }))).statusCode).toBe(403);
    const own = await create(branchSecretary, { orgId: orgIds['第一党支部'], members: [{ memberId: mentee, items: ['党徽'] }] });
    expect(own.orgName).toBe('第一党支部');
  });
});

describe('the photos of a trip', () => {
  it('are readable by whoever manages the trip, and by nobody else for that reason', async () => {
    const photo = await upload(secretary, '送学.png', PNG);
    const file = (s: Session) => get(s, `/api/files/${photo}`);
    expect((await file(branchSecretary)).statusCode).toBe(403);
    await create(secretary, { orgId: orgIds['第一党支部'], members: [{ memberId: mentee }], photoFileIds: [photo] });
    expect((await file(branchSecretary)).statusCode).toBe(200);
    expect((await file(groupLeader)).statusCode).toBe(403);
    expect((await file(mentor)).statusCode).toBe(403);
  });
});

describe('listing trips', () => {
  let own: TestEnv;
  let sec: Session;
  let branchSec: Session;
  beforeAll(async () => {
    // A database of its own: the counts below are exact.
    own = await openTestApp();
    sec = await login(own.app, PHONES.generalSecretary);
    branchSec = await login(own.app, PHONES.branchSecretary);
    const id = async (name: string) => (await own.db.selectFrom('org').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    const ids = { village: await id('新桥村党总支'), branch1: await id('第一党支部'), branch4: await id('流动党员党支部') };
    const members = await own.db
      .selectFrom('member as m')
      .innerJoin('mobility as mb', (j) => j.onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
      .innerJoin('org as o', 'o.id', 'm.org_id')
      .select(['m.id', 'm.phone'])
      .orderBy('m.name')
      .execute();
    const menteeId = members.find((m) => m.phone === PHONES.mobileMember)?.id as string;
    const away = members.filter((m) => m.phone !== PHONES.mobileMember).map((m) => m.id);
    const add = async (s: Session, body: Record<string, unknown>) => {
      const res = await own.app.inject({ method: 'POST', url: '/api/deliveries', headers: s.headers, payload: { travellers: ['书记'], ...body } });
      expect(res.statusCode, res.body).toBe(200);
    };
    await add(sec, { orgId: ids.village, tripOn: '2026-01-10', provinceCode: '32', cityCode: '3205', members: [{ memberId: away[0], items: ['党徽', '书籍'] }, { memberId: away[1], items: ['书籍'] }] });
    await add(sec, { orgId: ids.branch4, tripOn: '2026-05-10', provinceCode: '32', cityCode: '3205', members: [{ memberId: away[1] }, { memberId: away[2] }] });
    await add(sec, { orgId: ids.village, tripOn: '2026-08-10', provinceCode: '31', cityCode: '3101', members: [{ memberId: away[3] }] });
    await add(branchSec, { orgId: ids.branch1, tripOn: '2026-09-10', provinceCode: '33', cityCode: '3302', members: [{ memberId: menteeId }] });
  });
  afterAll(async () => own?.close());
  const list = async (s: Session, query: string) => {
    const res = await own.app.inject({ url: `/api/deliveries?${query}`, headers: s.headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as DeliveryList;
  };

  it('lists the subtree newest first, with members met and where trips went over the whole filter', async () => {
    const page = await list(sec, 'pageSize=2');
    expect(page.total).toBe(4);
    expect(page.items.map((i) => i.tripOn)).toEqual(['2026-09-10', '2026-08-10']);
    expect(page.items[0]).toMatchObject({ orgName: '第一党支部', placeName: '浙江省宁波市', memberCount: 1 });
    // byCity is over all four trips, not the page of two; members are distinct people met there.
    expect(page.byCity).toEqual([
      { provinceCode: '32', cityCode: '3205', placeName: '江苏省苏州市', trips: 2, members: 3 },
      { provinceCode: '31', cityCode: '3101', placeName: '上海市', trips: 1, members: 1 },
      { provinceCode: '33', cityCode: '3302', placeName: '浙江省宁波市', trips: 1, members: 1 },
    ]);
    const second = await list(sec, 'pageSize=2&page=2');
    expect(second.items.map((i) => i.tripOn)).toEqual(['2026-05-10', '2026-01-10']);
    expect(second.items[1]?.memberNames).toHaveLength(2);
    // what was handed over on the trip: every member's items, each once
    expect(second.items[1]?.handedOver).toHaveLength(2);
    expect(second.items[1]?.handedOver).toEqual(expect.arrayContaining(['党徽', '书籍']));
    expect(second.items[0]?.handedOver).toEqual([]);
    expect((await list(sec, 'pageSize=2&page=9')).total).toBe(4);
  });

  it('filters by unit and by period', async () => {
    const branch4 = await own.db.selectFrom('org').select('id').where('name', '=', '流动党员党支部').executeTakeFirstOrThrow();
    const unit = await list(sec, `orgId=${branch4.id}`);
    expect(unit.items.map((i) => i.tripOn)).toEqual(['2026-05-10']);
    expect(unit.byCity).toEqual([{ provinceCode: '32', cityCode: '3205', placeName: '江苏省苏州市', trips: 1, members: 2 }]);
    const period = await list(sec, 'from=2026-05-01&to=2026-08-31');
    expect(period.items.map((i) => i.tripOn)).toEqual(['2026-08-10', '2026-05-10']);
    expect(period.total).toBe(2);
    const bad = await own.app.inject({ url: '/api/deliveries?from=2026-09-01&to=2026-01-01', headers: sec.headers });
    expect(bad.statusCode).toBe(400);
    expect((await own.app.inject({ url: '/api/deliveries?from=2026-02-31', headers: sec.headers })).statusCode).toBe(400);
  });

  it("gives a branch secretary their branch's trips, not the village's", async () => {
    const mine = await list(branchSec, '');
    expect(mine.items.map((i) => i.orgName)).toEqual(['第一党支部']);
    expect(mine.byCity).toHaveLength(1);
    const village = await own.db.selectFrom('org').select('id').where('name', '=', '新桥村党总支').executeTakeFirstOrThrow();
    expect((await own.app.inject({ url: `/api/deliveries?orgId=${village.id}`, headers: branchSec.headers })).statusCode).toBe(403);
  });
});

describe('correcting and deleting a trip', () => {
  it('changes only the fields given; members and photos are replaced as a whole', async () => {
    const p1 = await upload(secretary, 'a.png', PNG);
    const p2 = await upload(secretary, 'b.png', PNG);
    const d = await create(secretary, { photoFileIds: [p1] });
    const notes = await patch(secretary, d.id, { notes: '补记：临别合影' });
    expect(notes.statusCode, notes.body).toBe(200);
    expect(notes.json()).toMatchObject({ notes: '补记：临别合影', followUp: d.followUp, members: d.members, photos: d.photos, placeName: '江苏省苏州市' });
    const replaced = (await patch(secretary, d.id, { members: [{ memberId: mobileB, items: ['党徽'], words: '一定按时参加云课堂' }], photoFileIds: [p2, p1], cityCode: '3201' })).json() as Delivery;
    expect(replaced.members).toEqual([expect.objectContaining({ memberId: mobileB, items: ['党徽'], words: '一定按时参加云课堂' })]);
    expect(replaced.photos.map((p) => p.fileId)).toEqual([p2, p1]);
    expect(replaced.placeName).toBe('江苏省南京市');
    const cleared = (await patch(secretary, d.id, { photoFileIds: [], followUp: '' })).json() as Delivery;
    expect(cleared.photos).toEqual([]);
    expect(cleared.followUp).toBeNull();
    const audits = await auditOf('delivery.update', d.id);
    expect(audits).toHaveLength(3);
    expect(audits[1]?.before).toMatchObject({ placeName: '江苏省苏州市', photos: [p1] });
    expect(audits[1]?.after).toMatchObject({ placeName: '江苏省南京市', photos: [p2, p1] });
  });

  it('refuses an empty correction, a future day and moving a trip to a unit its members are not in', async () => {
    const d = await create(secretary);
    expect((await patch(secretary, d.id, {})).statusCode).toBe(400);
    const future = await patch(secretary, d.id, { tripOn: shanghaiDate(new Date(clock.now().getTime() + 2 * 86_400_000)) });
    expect(future.statusCode).toBe(400);
    const move = await patch(secretary, d.id, { orgId: orgIds['第一党支部'] });
    expect(move.statusCode).toBe(400);
    expect(move.json().issues.map((i: { field: string }) => i.field)).toEqual(['orgId', 'orgId']);
    const moved = await patch(secretary, d.id, { orgId: orgIds['第一党支部'], members: [{ memberId: mentee }] });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ orgName: '第一党支部' });
    // The branch secretary now manages it; moving it out of their branch needs authority over the destination.
    expect((await patch(branchSecretary, d.id, { notes: '由支部补记' })).statusCode).toBe(200);
    expect((await patch(branchSecretary, d.id, { orgId: orgIds['新桥村党总支'] })).statusCode).toBe(403);
  });

  it('deletes a mistaken trip with the whole record in the audit log', async () => {
    const d = await create(secretary);
    const res = await env.app.inject({ method: 'DELETE', url: `/api/deliveries/${d.id}`, headers: secretary.headers });
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe('');
    expect((await get(secretary, `/api/deliveries/${d.id}`)).statusCode).toBe(404);
    expect(await env.db.selectFrom('delivery_member').select('member_id').where('delivery_id', '=', d.id).execute()).toEqual([]);
    const [entry] = await auditOf('delivery.delete', d.id);
    expect(entry?.before).toMatchObject({ id: d.id, placeName: '江苏省苏州市', travellers: d.travellers, members: d.members.map((m) => ({ memberId: m.memberId, words: m.words })) });
    expect((await env.app.inject({ method: 'DELETE', url: `/api/deliveries/${d.id}`, headers: secretary.headers })).statusCode).toBe(404);
  });

  it('is for the secretaries of the trip\'s unit', async () => {
    const d = await create(secretary);
    expect((await patch(branchSecretary, d.id, { notes: 'x' })).statusCode).toBe(403);
    expect((await env.app.inject({ method: 'DELETE', url: `/api/deliveries/${d.id}`, headers: branchSecretary.headers })).statusCode).toBe(403);
    expect((await get(branchSecretary, `/api/deliveries/${d.id}`)).statusCode).toBe(403);
    expect((await get(admin, `/api/deliveries/${d.id}`)).statusCode).toBe(200);
  });
});

describe('the visits a member received', () => {
  it('lists them newest first for the mentor and the secretaries above, and audits the reading', async () => {
    await create(secretary, { orgId: orgIds['第一党支部'], tripOn: '2026-02-01', members: [{ memberId: mentee, items: ['学习资料'], words: '谢谢书记' }] });
    await create(secretary, { orgId: orgIds['新桥村党总支'], tripOn: '2026-06-01', provinceCode: '33', cityCode: '3302', members: [{ memberId: mentee, items: ['党徽'], handedTo: '其父亲' }] });
    const read = async (s: Session) => {
      const res = await get(s, `/api/members/${mentee}/deliveries`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { items: MemberDelivery[] }).items;
    };
    const asMentor = await read(mentor);
    const dates = asMentor.map((i) => i.tripOn);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(asMentor.find((i) => i.tripOn === '2026-06-01')).toMatchObject({ placeName: '浙江省宁波市', items: ['党徽'], handedTo: '其父亲', words: null });
    expect(asMentor.find((i) => i.tripOn === '2026-02-01')).toMatchObject({ words: '谢谢书记', travellers: ['村党总支书记', '第一党支部书记'] });
    expect(await read(branchSecretary)).toEqual(asMentor);
    const audits = await auditOf('delivery.list', mentee);
    expect(audits).toHaveLength(2);
    expect(audits[0]?.after).toEqual({ count: asMentor.length });
    // The use case for the member's own records page gives the same list.
    expect(await listMemberDeliveries(env.db, env.tenantId, mentee)).toEqual(asMentor);
    // Not a secretary above them, not their mentor: the group leader of their group may not read care records.
    expect((await get(groupLeader, `/api/members/${mentee}/deliveries`)).statusCode).toBe(403);
    // Their own records page is the member app's (GET /api/me/records), not this route.
    expect((await get(await login(env.app, PHONES.mobileMember), `/api/members/${mentee}/deliveries`)).statusCode).toBe(403);
  });
});

describe('the API description', () => {
  it('documents the delivery routes', async () => {
    const res = await env.app.inject({ url: '/openapi.json' });
    expect(res.statusCode, res.body).toBe(200);
    const paths = (res.json() as { paths: Record<string, Record<string, unknown>> }).paths;
    expect(Object.keys(paths['/api/deliveries/{id}'] ?? {})).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(Object.keys(paths['/api/deliveries'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
    expect(paths['/api/members/{id}/deliveries']).toHaveProperty('get');
  });
});
