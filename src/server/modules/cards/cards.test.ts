import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { addDays, mondayOf, shanghaiDate } from '../../clock.ts';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { anniversaryYears } from './dates.ts';
import { cardsJobs } from './scheduled.ts';
import { listBirthdays } from './birthdays.ts';
import { sendDueCards } from './campaigns.ts';
import { myGreetings } from './my-cards.ts';
import { comparePersonNames, compareUnitNames } from '../../../shared/sort-order.ts';

let env: TestEnv;
let secretary: Session;
let branchSecretary: Session;
let member: Session;
let menteeId: string;
const org: Record<string, string> = {};
const today = shanghaiDate();

interface CardJson {
  id: string;
  memberId: string;
  memberName: string;
  orgName: string;
  channel: string;
  address: string | null;
  postStatus: string;
  postNote: string | null;
  sentAt: string | null;
  openedAt: string | null;
}
interface DetailJson {
  id: string;
  sentAt: string | null;
  recipients: number;
  signature: string;
  cards: CardJson[];
  withoutAddress?: number;
  posted: number;
  delivered: number;
  returned: number;
  opened: number;
}

const campaign = (body: Record<string, unknown>, as: Session = secretary) =>
  env.app.inject({
    method: 'POST',
    url: '/api/card-campaigns',
    headers: as.headers,
    payload: { orgId: org['新桥村党总支'], occasion: 'mid_autumn', title: '中秋快乐', greeting: '月圆人团圆，家乡党组织挂念您。', sendOn: today, ...body },
  });

async function created(body: Record<string, unknown>, as: Session = secretary): Promise<DetailJson> {
  const res = await campaign(body, as);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as DetailJson;
}

const patchCard = (id: string, payload: Record<string, unknown>, as: Session = secretary) =>
  env.app.inject({ method: 'PATCH', url: `/api/cards/${id}`, headers: as.headers, payload });

const cardRow = (id: string) => env.db.selectFrom('card').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const auditCount = async (action: string) => (await env.db.selectFrom('audit_log').select('id').where('action', '=', action).execute()).length;

async function mobileMemberIds(orgName: string): Promise<string[]> {
  const o = await env.db.selectFrom('org').select('path').where('name', '=', orgName).executeTakeFirstOrThrow();
  const rows = await env.db
    .selectFrom('member as m')
    .innerJoin('org as o', 'o.id', 'm.org_id')
    .innerJoin('mobility as mb', (j) => j.onRef('mb.member_id', '=', 'm.id').on('mb.ended_on', 'is', null))
    .select('m.id')
    .where('o.path', 'like', `${o.path}%`)
    .where('m.left_at', 'is', null)
    .execute();
  return rows.map((r) => r.id);
}

const accountName = async (phone: string) => env.db.selectFrom('account').select(['display_name', 'phone']).where('phone', '=', phone).executeTakeFirstOrThrow();

async function setJoin(phone: string, joinDate: string): Promise<string> {
  await env.db.updateTable('member').set({ join_date: joinDate }).where('phone', '=', phone).execute();
  return memberIdByPhone(env, phone);
}

beforeAll(async () => {
  env = await openTestApp();
  for (const o of await env.db.selectFrom('org').select(['id', 'name']).execute()) org[o.name] = o.id;
  secretary = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  member = await login(env.app, PHONES.mobileMember);
  menteeId = await memberIdByPhone(env, PHONES.mobileMember);
});
afterAll(async () => env?.close());

describe('holiday-card campaigns', () => {
  it('sends e-cards at once to the unit’s mobile members when the day is today, signed with the unit’s name', async () => {
    const before = await auditCount('card_campaign.create');
    const d = await created({});
    const mobile = await mobileMemberIds('新桥村党总支');
    expect(mobile.length).toBe(13);
    expect(d.recipients).toBe(13);
    expect(new Set(d.cards.map((c) => c.memberId))).toEqual(new Set(mobile));
    // Units in their numbers' order, each unit's people in pinyin order.
    const cardOrder = d.cards.map((c) => [c.orgName, c.memberName] as const);
    expect(cardOrder).toEqual([...cardOrder].sort((a, b) => compareUnitNames(a[0], b[0]) || comparePersonNames(a[1], b[1])));
    expect(d.signature).toBe('新桥村党总支');
    expect(d.sentAt).not.toBeNull();
    expect(d.withoutAddress).toBeUndefined();
    for (const c of d.cards) expect(c).toMatchObject({ channel: 'ecard', address: null, postStatus: 'none', sentAt: d.sentAt });
    expect(await auditCount('card_campaign.create')).toBe(before + 1);
  });

  it('posts to the current destination; members who are not away get an e-card, and the answer says how many', async () => {
    const d = await created({ orgId: org['第一党支部'], audience: 'all', channel: 'post', signature: '第一党支部全体党员', sendOn: addDays(today, 5) });
    const members = await env.db.selectFrom('member as m').innerJoin('org as o', 'o.id', 'm.org_id').select('m.id').where('o.name', 'in', ['第一党小组', '第二党小组', '第三党小组']).execute();
    expect(d.recipients).toBe(members.length);
    expect(d.withoutAddress).toBe(members.length - 1);
    expect(d.signature).toBe('第一党支部全体党员');
    expect(d.sentAt).toBeNull();
    const mentee = d.cards.find((c) => c.memberId === menteeId) as CardJson;
    const stay = await env.db.selectFrom('mobility').select(['place_name', 'workplace']).where('member_id', '=', menteeId).where('ended_on', 'is', null).executeTakeFirstOrThrow();
    expect(mentee).toMatchObject({ channel: 'post', address: `${stay.place_name} ${stay.workplace}`, postStatus: 'pending', sentAt: null });
    const others = d.cards.filter((c) => c.memberId !== menteeId);
    for (const c of others) expect(c).toMatchObject({ channel: 'ecard', address: null, postStatus: 'none', sentAt: null });
  });

  it('takes a list of members inside the unit and names each wrong row', async () => {
    const inBranch1 = await memberIdByPhone(env, PHONES.mentor);
    const outside = (await mobileMemberIds('流动党员党支部'))[0] as string;
    const bad = await campaign({ orgId: org['第一党支部'], audience: 'list', memberIds: [inBranch1, outside, '00000000-0000-4000-8000-000000000000'] });
    expect(bad.statusCode).toBe(400);
    const body = bad.json() as { error: string; issues: { field: string; message: string }[] };
    expect(body.error).toBe('validation_failed');
    expect(body.issues.map((i) => i.field)).toEqual(['memberIds.1', 'memberIds.2']);
    expect(body.issues[0]?.message).toContain('不在第一党支部范围内');
    expect((await campaign({ orgId: org['第一党支部'], audience: 'list', memberIds: [] })).statusCode).toBe(400);
    const ok = await created({ orgId: org['第一党支部'], audience: 'list', memberIds: [inBranch1, menteeId, inBranch1], channel: 'both' });
    expect(ok.recipients).toBe(2);
    expect(ok.withoutAddress).toBe(1);
    // 'both': the e-card goes out at once, the posted card waits to be posted.
    expect(ok.cards.find((c) => c.memberId === menteeId)).toMatchObject({ channel: 'both', postStatus: 'pending' });
    expect(ok.cards.every((c) => c.sentAt !== null)).toBe(true);
  });

  it('refuses a day that does not exist, a unit without mobile members, and a unit outside the secretary’s branch', async () => {
    const bad = await campaign({ sendOn: '2027-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].field).toBe('sendOn');
    const empty = await campaign({ orgId: org['第二党小组'] });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toContain('没有流动党员');
    expect(await env.db.selectFrom('card_campaign').select('id').where('org_id', '=', org['第二党小组'] as string).execute()).toHaveLength(0);
    expect((await campaign({ orgId: org['第二党支部'] }, branchSecretary)).statusCode).toBe(403);
  });

  it('lists campaigns of the caller’s units with their counts', async () => {
    const all = await env.app.inject({ url: '/api/card-campaigns?pageSize=100', headers: secretary.headers });
    expect(all.statusCode, all.body).toBe(200);
    const village = all.json() as { items: { orgName: string; recipients: number; sendOn: string }[]; total: number };
    expect(village.total).toBe(village.items.length);
    expect(village.items.length).toBeGreaterThanOrEqual(3);
    // Newest day first.
    expect(village.items.map((i) => i.sendOn)).toEqual(village.items.map((i) => i.sendOn).sort().reverse());
    const branch = (await env.app.inject({ url: '/api/card-campaigns', headers: branchSecretary.headers })).json() as { items: { orgName: string }[]; total: number };
    expect(branch.total).toBeGreaterThan(0);
    expect(branch.items.every((i) => i.orgName === '第一党支部')).toBe(true);
    expect(branch.total).toBeLessThan(village.total);
    const paged = (await env.app.inject({ url: '/api/card-campaigns?pageSize=1&page=2', headers: secretary.headers })).json() as { items: unknown[]; total: number };
    expect(paged.items).toHaveLength(1);
    expect(paged.total).toBe(village.total);
  });

  it('deletes a campaign not yet sent, and refuses one that was sent or has posted cards', async () => {
    const planned = await created({ sendOn: addDays(today, 30) });
    const del = await env.app.inject({ method: 'DELETE', url: `/api/card-campaigns/${planned.id}`, headers: secretary.headers });
    expect(del.statusCode, del.body).toBe(200);
    expect(await env.db.selectFrom('card').select('id').where('campaign_id', '=', planned.id).execute()).toHaveLength(0);
    expect((await env.app.inject({ url: `/api/card-campaigns/${planned.id}`, headers: secretary.headers })).statusCode).toBe(404);

    const sent = await created({});
    expect((await env.app.inject({ method: 'DELETE', url: `/api/card-campaigns/${sent.id}`, headers: secretary.headers })).statusCode).toBe(409);

    const postedEarly = await created({ channel: 'post', sendOn: addDays(today, 30) });
    expect((await patchCard(postedEarly.cards[0]?.id as string, { postStatus: 'posted' })).statusCode).toBe(200);
    const refused = await env.app.inject({ method: 'DELETE', url: `/api/card-campaigns/${postedEarly.id}`, headers: secretary.headers });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain('已有贺卡寄出');
  });
});

describe('changing cards', () => {
  it('changes the address before posting, marks posted, delivered and returned with their times and a note', async () => {
    const d = await created({ channel: 'post', sendOn: addDays(today, 10) });
    const card = d.cards[0] as CardJson;
    const readdressed = await patchCard(card.id, { address: '上海市浦东新区张江路 100 号' });
    expect(readdressed.statusCode, readdressed.body).toBe(200);
    expect(readdressed.json()).toMatchObject({ address: '上海市浦东新区张江路 100 号', postStatus: 'pending' });

    expect((await patchCard(card.id, { postStatus: 'posted' })).json()).toMatchObject({ postStatus: 'posted' });
    const posted = await cardRow(card.id);
    expect(posted.posted_at).not.toBeNull();
    const late = await patchCard(card.id, { address: '浙江省杭州市西湖区文三路 9 号' });
    expect(late.statusCode).toBe(409);

    const returned = await patchCard(card.id, { postStatus: 'returned', postNote: '查无此人' });
    expect(returned.json()).toMatchObject({ postStatus: 'returned', postNote: '查无此人' });
    const r = await cardRow(card.id);
    expect(r.returned_at).not.toBeNull();
    expect(r.posted_at?.getTime()).toBe(posted.posted_at?.getTime());
    // A returned card gets a new address and is to be posted again.
    expect((await patchCard(card.id, { address: '江苏省苏州市工业园区星湖街 1 号' })).json()).toMatchObject({ postStatus: 'pending' });
    expect((await cardRow(card.id)).returned_at).toBeNull();

    const other = d.cards[1] as CardJson;
    expect((await patchCard(other.id, { postStatus: 'delivered' })).json()).toMatchObject({ postStatus: 'delivered' });
    const delivered = await cardRow(other.id);
    expect(delivered.delivered_at).not.toBeNull();
    expect(delivered.posted_at).not.toBeNull();
    const audit = await env.db.selectFrom('audit_log').select(['before', 'after']).where('action', '=', 'card.update').where('entity_id', '=', other.id).executeTakeFirstOrThrow();
    expect(audit.before).toMatchObject({ postStatus: 'pending' });
    expect(audit.after).toMatchObject({ postStatus: 'delivered' });
  });

  it('turns an e-card into a posted one only with an address; an e-card has no posting status', async () => {
    const d = await created({ sendOn: addDays(today, 10) });
    const card = d.cards[0] as CardJson;
    const noAddress = await patchCard(card.id, { channel: 'post' });
    expect(noAddress.statusCode).toBe(400);
    expect(noAddress.json().issues[0].field).toBe('address');
    expect((await patchCard(card.id, { postStatus: 'posted' })).statusCode).toBe(400);
    expect((await patchCard(card.id, {})).statusCode).toBe(400);
    const both = await patchCard(card.id, { channel: 'both', address: '浙江省宁波市鄞州区某路 8 号' });
    expect(both.json()).toMatchObject({ channel: 'both', postStatus: 'pending', sentAt: null });
    const back = await patchCard(card.id, { channel: 'ecard' });
    expect(back.json()).toMatchObject({ channel: 'ecard', postStatus: 'none' });
  });

  it('keeps an e-card that reached the member, and sends one at once when it becomes an e-card after the campaign went out', async () => {
    const sent = await created({ channel: 'post' });
    const card = sent.cards[0] as CardJson;
    expect(card.sentAt).toBeNull();
    const nowEcard = await patchCard(card.id, { channel: 'both' });
    expect(nowEcard.json().sentAt).not.toBeNull();
    const backToPost = await patchCard(card.id, { channel: 'post' });
    expect(backToPost.statusCode).toBe(400);
    expect(backToPost.json().message).toContain('电子贺卡已送达');
  });

  it('marks several cards of a campaign at once, counting only the ones that changed', async () => {
    const d = await created({ channel: 'both', sendOn: addDays(today, 10) });
    const ids = d.cards.map((c) => c.id);
    const mark = (cardIds: string[], postStatus: string, id = d.id) =>
      env.app.inject({ method: 'POST', url: `/api/card-campaigns/${id}/cards/bulk`, headers: secretary.headers, payload: { cardIds, postStatus } });
    const first = await mark(ids.slice(0, 5), 'posted');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ updated: 5 });
    expect((await mark(ids.slice(0, 6), 'posted')).json()).toEqual({ updated: 1 });
    const rows = await env.db.selectFrom('card').select(['post_status', 'posted_at']).where('id', 'in', ids.slice(0, 6)).execute();
    expect(rows.every((r) => r.post_status === 'posted' && r.posted_at !== null)).toBe(true);

    const elsewhere = await created({ sendOn: addDays(today, 10) });
    const wrong = await mark([ids[0] as string, elsewhere.cards[0]?.id as string], 'delivered');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().issues).toEqual([{ field: 'cardIds.1', message: '第 2 张贺卡不属于本次活动' }]);
    const ecard = await mark([elsewhere.cards[0]?.id as string], 'delivered', elsewhere.id);
    expect(ecard.statusCode).toBe(400);
    expect(ecard.json().message).toContain('电子贺卡');
    // Nothing changed by the refused calls.
    expect((await cardRow(ids[0] as string)).post_status).toBe('posted');

    const detail = (await env.app.inject({ url: `/api/card-campaigns/${d.id}`, headers: secretary.headers })).json() as DetailJson;
    expect(detail).toMatchObject({ posted: 6, delivered: 0, returned: 0 });
  });
});

describe('sending on the day', () => {
  it('sends the e-cards of campaigns whose day has come, once', async () => {
    const day = addDays(today, 3);
    const d = await created({ channel: 'both', sendOn: day, orgId: org['第一党支部'], audience: 'all' });
    expect(cardsJobs.map((j) => j.name)).toEqual(['send-cards']);
    const dayBefore = new Date(`${addDays(day, -1)}T12:00:00+08:00`);
    const onTheDay = new Date(`${day}T00:05:00+08:00`);
    // Other planned campaigns (up to 30 days ahead) are not due yet.
    expect(await sendDueCards(env.db, dayBefore)).toBe(0);
    expect((await env.db.selectFrom('card_campaign').select('sent_at').where('id', '=', d.id).executeTakeFirstOrThrow()).sent_at).toBeNull();
    const sent = await sendDueCards(env.db, onTheDay);
    expect(sent).toBeGreaterThanOrEqual(1);
    const c = await env.db.selectFrom('card_campaign').select('sent_at').where('id', '=', d.id).executeTakeFirstOrThrow();
    expect(c.sent_at?.toISOString()).toBe(onTheDay.toISOString());
    const cards = await env.db.selectFrom('card').select(['channel', 'sent_at']).where('campaign_id', '=', d.id).execute();
    expect(cards.every((k) => k.sent_at?.toISOString() === onTheDay.toISOString())).toBe(true);
    expect(await sendDueCards(env.db, new Date(onTheDay.getTime() + 60_000))).toBe(0);
    const again = await env.db.selectFrom('card').select('sent_at').where('campaign_id', '=', d.id).execute();
    expect(again.every((k) => k.sent_at?.toISOString() === onTheDay.toISOString())).toBe(true);
  });

  it('leaves posted-only cards out of the member app', async () => {
    const day = addDays(today, 4);
    const d = await created({ channel: 'post', sendOn: day, orgId: org['第一党小组'], audience: 'list', memberIds: [menteeId] });
    await sendDueCards(env.db, new Date(`${day}T08:00:00+08:00`));
    expect((await cardRow(d.cards[0]?.id as string)).sent_at).toBeNull();
    const mine = (await env.app.inject({ url: '/api/me/cards', headers: member.headers })).json() as { items: { id: string }[] };
    expect(mine.items.map((i) => i.id)).not.toContain(d.cards[0]?.id);
  });
});

describe('the member’s cards', () => {
  it('lists the e-cards the member received, newest first, and opens one once', async () => {
    const ctx = await contextFor(env, PHONES.mobileMember);
    const res = await env.app.inject({ url: '/api/me/cards', headers: member.headers });
    expect(res.statusCode, res.body).toBe(200);
    const items = (res.json() as { items: { id: string; sentAt: string; openedAt: string | null; title: string; signature: string }[] }).items;
    const mine = await env.db
      .selectFrom('card')
      .select('id')
      .where('member_id', '=', menteeId)
      .where('channel', 'in', ['ecard', 'both'])
      .where('sent_at', 'is not', null)
      .execute();
    expect(items.map((i) => i.id).sort()).toEqual(mine.map((m) => m.id).sort());
    expect(items.length).toBeGreaterThan(1);
    expect(items.map((i) => i.sentAt)).toEqual(items.map((i) => i.sentAt).sort().reverse());
    const unopened = items.filter((i) => !i.openedAt).length;
    expect((await myGreetings(env.db, ctx, today)).unopenedCards).toBe(unopened);

    const card = items[0] as { id: string };
    const opened = await env.app.inject({ method: 'POST', url: `/api/me/cards/${card.id}/open`, headers: member.headers });
    expect(opened.statusCode, opened.body).toBe(200);
    const firstAt = opened.json().openedAt as string;
    expect(firstAt).toBeTruthy();
    const again = await env.app.inject({ method: 'POST', url: `/api/me/cards/${card.id}/open`, headers: member.headers });
    expect(again.json().openedAt).toBe(firstAt);
    expect((await myGreetings(env.db, ctx, today)).unopenedCards).toBe(unopened - 1);
  });

  it('does not find someone else’s card', async () => {
    const other = await env.db.selectFrom('card').select('id').where('member_id', '!=', menteeId).where('sent_at', 'is not', null).executeTakeFirstOrThrow();
    const res = await env.app.inject({ method: 'POST', url: `/api/me/cards/${other.id}/open`, headers: member.headers });
    expect(res.statusCode).toBe(404);
    expect((await cardRow(other.id)).opened_at).toBeNull();
  });
});

describe('grid contact cards', () => {
  it('prints a member’s card: grid and leader, branch and general secretaries, mentor, a QR code of the member app', async () => {
    const before = await auditCount('contact_card.print');
    const res = await env.app.inject({ url: `/api/contact-cards?memberId=${menteeId}`, headers: { ...secretary.headers, host: 'lianxin.example.cn' } });
    expect(res.statusCode, res.body).toBe(200);
    const [card] = (res.json() as { items: Record<string, unknown>[] }).items;
    const me = await env.db
      .selectFrom('member as m')
      .innerJoin('grid as g', 'g.id', 'm.grid_id')
      .innerJoin('member as l', 'l.id', 'g.leader_member_id')
      .select(['m.name', 'g.name as grid', 'l.name as leader', 'l.phone as leader_phone'])
      .where('m.id', '=', menteeId)
      .executeTakeFirstOrThrow();
    const branch = await accountName(PHONES.branchSecretary);
    const general = await accountName(PHONES.generalSecretary);
    const mentor = await accountName(PHONES.mentor);
    expect(card).toMatchObject({
      memberId: menteeId,
      memberName: me.name,
      orgName: '第一党小组',
      villageName: '新桥村党总支',
      grid: { name: me.grid, leaderName: me.leader, leaderPhone: me.leader_phone },
      branchSecretary: { name: branch.display_name, phone: PHONES.branchSecretary },
      generalSecretary: { name: general.display_name, phone: PHONES.generalSecretary },
      mentor: { name: mentor.display_name, phone: PHONES.mentor },
      appUrl: 'http://lianxin.example.cn/m/',
    });
    expect(String(card?.qrSvg)).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(await auditCount('contact_card.print')).toBe(before + 1);
    const audit = await env.db.selectFrom('audit_log').select(['entity', 'entity_id', 'after']).where('action', '=', 'contact_card.print').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ entity: 'member', entity_id: menteeId, after: { count: 1 } });
  });

  it('names the nearest secretary above a member whose branch has none', async () => {
    const target = await env.db.selectFrom('member as m').innerJoin('org as o', 'o.id', 'm.org_id').select('m.id').where('o.name', '=', '第四党小组').executeTakeFirstOrThrow();
    const res = await env.app.inject({ url: `/api/contact-cards?memberId=${target.id}`, headers: secretary.headers });
    const card = (res.json() as { items: { branchSecretary: { phone: string }; generalSecretary: { phone: string } }[] }).items[0];
    expect(card?.branchSecretary.phone).toBe(PHONES.generalSecretary);
    expect(card?.generalSecretary.phone).toBe(PHONES.generalSecretary);
  });

  it('prints every current member of a grid, and every mobile member of a unit', async () => {
    const grid = await env.db.selectFrom('grid').select(['id', 'name']).where('name', '=', '第2网格').executeTakeFirstOrThrow();
    const inGrid = await env.db.selectFrom('member').select('id').where('grid_id', '=', grid.id).where('left_at', 'is', null).execute();
    const g = (await env.app.inject({ url: `/api/contact-cards?gridId=${grid.id}`, headers: secretary.headers })).json() as { items: { memberId: string; grid: { name: string } }[] };
    expect(g.items.map((i) => i.memberId).sort()).toEqual(inGrid.map((m) => m.id).sort());
    expect(g.items.every((i) => i.grid.name === '第2网格')).toBe(true);

    const u = (await env.app.inject({ url: `/api/contact-cards?orgId=${org['新桥村党总支']}`, headers: secretary.headers })).json() as { items: { memberId: string }[] };
    expect(u.items.map((i) => i.memberId).sort()).toEqual((await mobileMemberIds('新桥村党总支')).sort());
    // The branch secretary prints only within their branch.
    expect((await env.app.inject({ url: `/api/contact-cards?orgId=${org['第一党支部']}`, headers: branchSecretary.headers })).json().items).toHaveLength(1);
    expect((await env.app.inject({ url: `/api/contact-cards?gridId=${grid.id}`, headers: branchSecretary.headers })).statusCode).toBe(403);
  });

  it('asks for exactly one of member, grid or unit', async () => {
    expect((await env.app.inject({ url: '/api/contact-cards', headers: secretary.headers })).statusCode).toBe(400);
    const two = await env.app.inject({ url: `/api/contact-cards?memberId=${menteeId}&orgId=${org['第一党支部']}`, headers: secretary.headers });
    expect(two.statusCode).toBe(400);
  });

  it('takes the address the caller reached behind a trusted proxy', async () => {
    const trusted = await buildApp({ services: { ...env.services, config: { ...env.services.config, trustProxy: true } }, serveWeb: false });
    try {
      await trusted.ready();
      const headers = { ...secretary.headers, host: '10.0.0.5:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'dangjian.example.gov.cn' };
      const res = await trusted.inject({ url: `/api/contact-cards?memberId=${menteeId}`, headers });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().items[0].appUrl).toBe('https://dangjian.example.gov.cn/m/');
      // Untrusted, the forwarded headers are ignored.
      const direct = await env.app.inject({ url: `/api/contact-cards?memberId=${menteeId}`, headers });
      expect(direct.json().items[0].appUrl).toBe('http://10.0.0.5:3000/m/');
    } finally {
      await trusted.close();
    }
  });
});

describe('political birthdays', () => {
  it('computes anniversaries: 29 February in common years, never the joining year itself', () => {
    expect(anniversaryYears('2012-02-29', '2027-02-28')).toBe(15);
    expect(anniversaryYears('2012-02-29', '2028-02-28')).toBeNull();
    expect(anniversaryYears('2012-02-29', '2028-02-29')).toBe(16);
    expect(anniversaryYears('2026-03-10', '2026-03-10')).toBeNull();
    expect(mondayOf('2026-11-26')).toBe('2026-11-23');
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
  });

  it('lists the members whose anniversary falls in the days asked, by day then name, with the years', async () => {
    const a = await setJoin(PHONES.mobileMember, '2015-03-12');
    const b = await setJoin(PHONES.mentor, '1998-03-10');
    const c = await setJoin(PHONES.groupLeader, '2012-02-29');
    await setJoin(PHONES.branchSecretary, '2027-03-11'); // joins within the window: no anniversary yet
    const ctx = await contextFor(env, PHONES.generalSecretary);
    const res = await env.app.inject({ url: `/api/birthdays?orgId=${org['第一党支部']}&from=2027-02-27&days=14`, headers: secretary.headers });
    expect(res.statusCode, res.body).toBe(200);
    const list = res.json() as { from: string; to: string; items: { memberId: string; day: string; years: number; mobile: boolean; joinDate: string }[] };
    expect(list.from).toBe('2027-02-27');
    expect(list.to).toBe('2027-03-12');
    expect(list.items.map((i) => [i.memberId, i.day, i.years])).toEqual([
      [c, '2027-02-28', 15],
      [b, '2027-03-10', 29],
      [a, '2027-03-12', 12],
    ]);
    expect(list.items[2]).toMatchObject({ mobile: true, joinDate: '2015-03-12' });
    // The week of 2027-03-08 (Monday) by default, from a day in it.
    const week = await listBirthdays(env.db, ctx, { days: 7, orgId: org['第一党支部'] }, '2027-03-11');
    expect(week.from).toBe('2027-03-08');
    expect(week.items.map((i) => i.memberId)).toEqual([b, a]);
  });

  it('crosses the new year and leaves out other branches', async () => {
    const a = await setJoin(PHONES.mobileMember, '2010-01-02');
    const b = await setJoin(PHONES.mentor, '2001-12-31');
    const list = (await env.app.inject({ url: `/api/birthdays?orgId=${org['第一党支部']}&from=2026-12-29&days=7`, headers: secretary.headers })).json() as {
      to: string;
      items: { memberId: string; day: string; years: number }[];
    };
    expect(list.to).toBe('2027-01-04');
    expect(list.items.map((i) => [i.memberId, i.day, i.years])).toEqual([
      [b, '2026-12-31', 25],
      [a, '2027-01-02', 17],
    ]);
    const other = (await env.app.inject({ url: `/api/birthdays?orgId=${org['第二党支部']}&from=2026-12-29&days=7`, headers: secretary.headers })).json() as { items: unknown[] };
    expect(other.items).toEqual([]);
    expect((await env.app.inject({ url: `/api/birthdays?orgId=${org['第二党支部']}`, headers: branchSecretary.headers })).statusCode).toBe(403);
    const own = (await env.app.inject({ url: '/api/birthdays?from=2026-12-29', headers: branchSecretary.headers })).json() as { items: { memberId: string }[] };
    expect(own.items.map((i) => i.memberId)).toEqual([b, a]);
  });

  it('greets the member on the day of their anniversary only', async () => {
    await setJoin(PHONES.mobileMember, '2015-03-12');
    const ctx = await contextFor(env, PHONES.mobileMember);
    expect((await myGreetings(env.db, ctx, '2027-03-12')).politicalBirthday).toEqual({ years: 12, joinDate: '2015-03-12' });
    expect((await myGreetings(env.db, ctx, '2027-03-11')).politicalBirthday).toBeNull();
    await setJoin(PHONES.mobileMember, '2012-02-29');
    expect((await myGreetings(env.db, ctx, '2027-02-28')).politicalBirthday).toEqual({ years: 15, joinDate: '2012-02-29' });
  });
});
