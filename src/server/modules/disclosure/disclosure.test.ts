import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock } from '../../clock.ts';
import { addMonths, chinaDayStart, chinaMonth } from '../../../shared/china-time.ts';
import type { Disclosure } from '../../../shared/api-disclosure.ts';

/**
 * 党务公开 over HTTP on a copy of the demo village: the snapshot drafted from service, pledges and
 * donations adds up to the data; donors without consent are 爱心人士; the review of news (approve
 * only from submitted, the `updatedAt` the reviewer read); nothing but an approved month is public,
 * frozen as approved; and no person looked after, no phone number, ever on a public page.
 */
let env: TestEnv;
let village: Session;
let branch: Session;
let villageId = '';
let branch1 = '';
let month = '';
let lastMonth = '';
let teamId = '';
let campaignId = '';
const RECIPIENT = { label: '测试李爷爷(化名)', contactName: '测试联系人甲', contactPhone: '13912345678' };

const call = (session: Session | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  env.app.inject({ method, url, headers: session?.headers ?? {}, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
const anon = (url: string, headers: Record<string, string> = {}) => env.app.inject({ method: 'GET', url, headers });
const orgOf = async (name: string) => env.db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow();
async function decide(session: Session, id: string, decision: 'approve' | 'return', body: Record<string, unknown> = {}) {
  const seen = (await call(session, 'GET', `/api/disclosures/${id}`)).json() as Disclosure;
  return call(session, 'POST', `/api/disclosures/${id}/${decision}`, { ...body, updatedAt: seen.updatedAt });
}

beforeAll(async () => {
  env = await openTestApp();
  village = await login(env.app, PHONES.generalSecretary);
  branch = await login(env.app, PHONES.branchSecretary);
  const v = await orgOf('新桥村党总支');
  const b1 = await orgOf('第一党支部');
  villageId = v.id;
  branch1 = b1.id;
  month = chinaMonth(clock.now());
  lastMonth = addMonths(`${month}-01`, -1).slice(0, 7);
  const day = `${month}-01`;
  const prevDay = `${lastMonth}-15`;
  const t = env.tenantId;
  const members = await env.db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['m.id', 'm.name', 'o.id as org_id', 'o.path'])
    .where('m.tenant_id', '=', t)
    .where('o.path', 'like', `${b1.path}%`)
    .orderBy('m.id')
    .limit(3)
    .execute();
  const [m1, m2, m3] = members;
  if (!m1 || !m2 || !m3) throw new Error('the demo branch has too few members');
  const team = await env.db.insertInto('service_team').values({ tenant_id: t, org_id: branch1, name: '测试陪伴队', kind: 'companion' }).returning('id').executeTakeFirstOrThrow();
  teamId = team.id;
  const recipient = await env.db
    .insertInto('care_recipient')
    .values({ tenant_id: t, team_id: teamId, label: RECIPIENT.label, category: 'elderly_alone', need: '每周探访', contact_name: RECIPIENT.contactName, contact_phone: RECIPIENT.contactPhone })
    .returning('id')
    .executeTakeFirstOrThrow();
  const project = (title: string, starts: string, ends: string, status: 'open' | 'cancelled' = 'open') =>
    env.db.insertInto('service_project').values({ tenant_id: t, org_id: branch1, team_id: teamId, title, place: '村委会<旁>', starts_on: starts, ends_on: ends, status }).returning('id').executeTakeFirstOrThrow();
  const p1 = await project('探访<b>独居老人</b>', day, day);
  await project('已取消的项目', day, day, 'cancelled');
  await project('上月的项目', prevDay, prevDay);
  const log = (m: typeof m1, minutes: number, served: string, extra: Record<string, unknown> = {}) =>
    env.db
      .insertInto('service_log')
      .values({ tenant_id: t, member_id: m.id, org_id: m.org_id, org_path: m.path, served_on: served, minutes, what: `${RECIPIENT.label}的电话陪聊`, ...extra })
      .execute();
  await log(m1, 30, day, { team_id: teamId, project_id: p1.id, recipient_id: recipient.id });
  await log(m2, 45, day, { team_id: teamId });
  await log(m3, 20, day);
  await log(m1, 100, day, { team_id: teamId, voided_at: clock.now(), void_reason: '重复' });
  await log(m1, 60, prevDay, { team_id: teamId });
  const monthStart = chinaDayStart(day);
  const pledge = (m: typeof m1, kind: 'suggestion' | 'good_deed' | 'job_help', outcome: 'done' | 'adopted' | 'pending', at: Date | null, body: string) =>
    env.db.insertInto('pledge').values({ tenant_id: t, member_id: m.id, org_id: m.org_id, year: Number(month.slice(0, 4)), kind, body, outcome, outcome_at: at }).execute();
  await pledge(m1, 'good_deed', 'done', new Date(monthStart.getTime() + 3600_000), '帮村里修好路灯');
  // a minute before the month began in China time: last month's
  await pledge(m2, 'suggestion', 'adopted', new Date(monthStart.getTime() - 60_000), '上月采纳的建议');
  await pledge(m3, 'job_help', 'pending', null, '还在跟进的承诺');
  const c = await env.db.insertInto('donation_campaign').values({ tenant_id: t, org_id: branch1, title: '助学捐款', purpose: '资助困难学生', starts_on: day }).returning('id').executeTakeFirstOrThrow();
  campaignId = c.id;
  const receipt = (no: string, donor: string, show: boolean, fen: number | null, goods: string | null = null, extra: Record<string, unknown> = {}) =>
    env.db
      .insertInto('donation_receipt')
      .values({ tenant_id: t, campaign_id: campaignId, donor_name: donor, show_name: show, kind: fen === null ? 'goods' : 'money', amount_fen: fen, goods, quantity: goods ? '10袋' : null, received_on: day, receipt_no: no, ...extra })
      .execute();
  await receipt('R1', '张三丰', true, 1234);
  await receipt('R2', '隐名捐赠人', false, 10);
  await receipt('R3', '李四', true, null, '大米');
  await receipt('R4', '作废捐赠人', true, 99_900, null, { voided_at: clock.now(), void_reason: '录错' });
  await env.db.insertInto('donation_spending').values({ tenant_id: t, campaign_id: campaignId, kind: 'money', amount_fen: 500, spent_on: day, purpose: '购买文具', recipient: RECIPIENT.label }).execute();
});
afterAll(async () => env?.close());

describe('党务公开', () => {
  let d: Disclosure;

  it('drafts the month from the data: the sums equal the rows, donors without consent are 爱心人士', async () => {
    const res = await call(village, 'POST', '/api/disclosures', { orgId: villageId, month });
    expect(res.statusCode, res.body).toBe(200);
    d = res.json();
    expect(d).toMatchObject({ state: 'draft', month, orgId: villageId, omitted: [], note: null });
    const s = d.sections;
    expect(s.projects.map((p) => p.title)).toEqual(['探访<b>独居老人</b>']);
    expect(s.hours.totalMinutes).toBe(95);
    expect(s.hours.totalLogs).toBe(3);
    expect(s.hours.teams).toEqual([
      { teamName: '测试陪伴队', minutes: 75, logs: 2, people: 2 },
      { teamName: null, minutes: 20, logs: 1, people: 1 },
    ]);
    expect(s.pledges.map((p) => [p.kind, p.text, p.outcome])).toEqual([['good_deed', '帮村里修好路灯', 'done']]);
    const campaign = s.donations.find((c) => c.title === '助学捐款');
    expect(campaign).toMatchObject({ receivedFen: 1244, spentFen: 500, balanceFen: 744, goodsEntries: 1, goodsHandedOver: 0 });
    expect(campaign?.received.map((r) => r.donor)).toEqual(['张三丰', '爱心人士', '李四']);
    const json = JSON.stringify(d);
    expect(json).not.toContain('隐名捐赠人');
    expect(json).not.toContain('作废捐赠人');
    // Nothing of the person looked after, even where a spending's recipient names them.
    expect(json).not.toContain(RECIPIENT.label);
    expect(json).not.toContain(RECIPIENT.contactPhone);
    const audit = await env.db.selectFrom('audit_log').select('after').where('entity_id', '=', d.id).where('action', '=', 'disclosure.generate').execute();
    expect(audit).toHaveLength(1);
  });

  it('never shows a draft, a submitted or a returned month; the unit list is empty', async () => {
    const page = `/open/${villageId}/${month}`;
    expect((await anon(page)).statusCode).toBe(404);
    const list = await anon(`/open/${villageId}`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('还没有公开的内容');
    expect(list.body).not.toContain(month);
    const submitted = await call(village, 'POST', `/api/disclosures/${d.id}/submit`);
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect((await anon(page)).statusCode).toBe(404);
    const returned = await decide(village, d.id, 'return', { reason: '请补充说明' });
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.json()).toMatchObject({ state: 'returned', returnReason: '请补充说明' });
    expect((await anon(page)).statusCode).toBe(404);
  });

  it('leaves sections out and escapes the note; the preview is the page the public will see', async () => {
    const res = await call(village, 'PATCH', `/api/disclosures/${d.id}`, { omitted: ['hours'], note: '<script>alert(1)</script>本月说明' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'draft', omitted: ['hours'] });
    const preview = await call(village, 'GET', `/api/disclosures/${d.id}/preview`);
    expect(preview.statusCode).toBe(200);
    const html = (preview.json() as { html: string }).html;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;本月说明');
    expect(html).not.toContain('id="hours"');
    expect(html).toContain('id="pledges"');
    expect(html).toContain('探访&lt;b&gt;独居老人&lt;/b&gt;');
  });

  it('approves only what was submitted, by the version the reviewer read; two clicks give one approval', async () => {
    expect((await decide(village, d.id, 'approve')).statusCode).toBe(409);
    const stale = (await call(village, 'GET', `/api/disclosures/${d.id}`)).json() as Disclosure;
    expect((await call(village, 'POST', `/api/disclosures/${d.id}/submit`)).statusCode).toBe(200);
    // the reviewer read it before the submission: changed since
    expect((await call(village, 'POST', `/api/disclosures/${d.id}/approve`, { updatedAt: stale.updatedAt })).statusCode).toBe(409);
    const seen = (await call(village, 'GET', `/api/disclosures/${d.id}`)).json() as Disclosure;
    const [a, b] = await Promise.all([
      call(village, 'POST', `/api/disclosures/${d.id}/approve`, { updatedAt: seen.updatedAt }),
      call(village, 'POST', `/api/disclosures/${d.id}/return`, { reason: '不同意', updatedAt: seen.updatedAt }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    if (b.statusCode === 200) {
      // the return won: resubmit and approve
      expect((await call(village, 'POST', `/api/disclosures/${d.id}/submit`)).statusCode).toBe(200);
      expect((await decide(village, d.id, 'approve')).statusCode).toBe(200);
    }
    const now = (await call(village, 'GET', `/api/disclosures/${d.id}`)).json() as Disclosure;
    expect(now.state).toBe('approved');
    expect((await decide(village, d.id, 'approve')).statusCode).toBe(409);
    expect((await decide(village, d.id, 'return', { reason: '晚了' })).statusCode).toBe(409);
    // approved is frozen: no edit, no regeneration
    expect((await call(village, 'PATCH', `/api/disclosures/${d.id}`, { note: '改' })).statusCode).toBe(409);
    expect((await call(village, 'POST', '/api/disclosures', { orgId: villageId, month })).statusCode).toBe(409);
  });

  it('shows the approved month publicly, escaped, with its headers, and nothing of people looked after nor any phone', async () => {
    const page = `/open/${villageId}/${month}`;
    const res = await anon(page);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('public, no-cache');
    expect(String(res.headers['content-security-policy'])).toMatch(/default-src 'none'; style-src 'sha256-/);
    expect(res.body).not.toMatch(/<script/i);
    expect(res.body).toContain('<meta property="og:title"');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;本月说明');
    expect(res.body).toContain('探访&lt;b&gt;独居老人&lt;/b&gt;');
    expect(res.body).toContain('村委会&lt;旁&gt;');
    expect(res.body).toContain('帮村里修好路灯');
    expect(res.body).toContain('12.44 元');
    expect(res.body).toContain('5.00 元');
    expect(res.body).toContain('7.44 元');
    expect(res.body).toContain('爱心人士');
    expect(res.body).not.toContain('隐名捐赠人');
    expect(res.body).not.toContain('id="hours"');
    const cached = await anon(page, { 'if-none-match': String(res.headers.etag) });
    expect(cached.statusCode).toBe(304);
    // Every label and contact of every person looked after in the tenant, and every phone number.
    const recipients = await env.db.selectFrom('care_recipient').select(['label', 'contact_name', 'contact_phone']).where('tenant_id', '=', env.tenantId).execute();
    const list = await anon(`/open/${villageId}`);
    expect(list.body).toContain(`/open/${villageId}/${month}`);
    for (const html of [res.body, list.body]) {
      for (const r of recipients) for (const v of [r.label, r.contact_name, r.contact_phone]) if (v) expect(html).not.toContain(v);
      expect(html).not.toMatch(/(?<![0-9])1[3-9][0-9]{9}(?![0-9])/);
    }
  });

  it('keeps the public page as approved until withdrawn; withdrawn it is gone and may be drafted again', async () => {
    const page = `/open/${villageId}/${month}`;
    const before = await anon(page);
    await env.db.insertInto('donation_receipt').values({ tenant_id: env.tenantId, campaign_id: campaignId, donor_name: '后来者', show_name: true, kind: 'money', amount_fen: 100, received_on: `${month}-01`, receipt_no: 'R9' }).execute();
    const after = await anon(page);
    expect(after.body).toBe(before.body);
    const withdrawn = await call(village, 'POST', `/api/disclosures/${d.id}/withdraw`);
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ state: 'draft' });
    expect((await anon(page)).statusCode).toBe(404);
    expect((await call(village, 'POST', `/api/disclosures/${d.id}/withdraw`)).statusCode).toBe(409);
    const again = await call(village, 'POST', '/api/disclosures', { orgId: villageId, month });
    expect(again.statusCode, again.body).toBe(200);
    expect((again.json() as Disclosure).id).toBe(d.id);
    expect((again.json() as Disclosure).sections.donations.find((c) => c.title === '助学捐款')?.receivedFen).toBe(1344);
  });

  it('lists a unit’s months with their states, and refuses units outside the caller’s', async () => {
    const list = await call(village, 'GET', `/api/disclosures?orgId=${villageId}`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((i: { month: string; state: string }) => [i.month, i.state])).toContainEqual([month, 'draft']);
    expect((await call(branch, 'GET', `/api/disclosures?orgId=${villageId}`)).statusCode).toBe(403);
    expect((await call(branch, 'POST', '/api/disclosures', { orgId: villageId, month })).statusCode).toBe(403);
    // the branch secretary drafts their own branch; the village's list shows it, theirs does not show the village's
    const own = await call(branch, 'POST', '/api/disclosures', { orgId: branch1, month: lastMonth });
    expect(own.statusCode, own.body).toBe(200);
    expect((own.json() as Disclosure).sections.hours.totalMinutes).toBe(60);
    const theirs = await call(branch, 'GET', '/api/disclosures');
    expect(theirs.json().items.map((i: { orgId: string }) => i.orgId)).toEqual([branch1]);
  });

  it('refuses bad input with the field named', async () => {
    const bad = await call(village, 'POST', '/api/disclosures', { orgId: villageId, month: '2026-13' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].field).toBe('month');
    const future = await call(village, 'POST', '/api/disclosures', { orgId: villageId, month: addMonths(`${month}-01`, 1).slice(0, 7) });
    expect(future.statusCode).toBe(400);
    expect(future.json().issues[0].field).toBe('month');
    const long = await call(village, 'PATCH', `/api/disclosures/${d.id}`, { note: '长'.repeat(501) });
    expect(long.statusCode).toBe(400);
    expect(long.json().issues[0].field).toBe('note');
    const badSection = await call(village, 'PATCH', `/api/disclosures/${d.id}`, { omitted: ['members'] });
    expect(badSection.statusCode).toBe(400);
    expect((await call(village, 'POST', `/api/disclosures/${d.id}/return`, { reason: '', updatedAt: new Date(0).toISOString() })).statusCode).toBe(400);
    expect((await anon(`/open/${villageId}/2026-1`)).statusCode).toBe(404);
    expect((await anon('/open/not-a-unit')).statusCode).toBe(404);
    expect((await anon(`/open/${villageId}?page=99`)).statusCode).toBe(404);
  });

  it('masks a mobile number typed into any text: stored, previewed and published as 138****5678', async () => {
    const t = env.tenantId;
    const b1 = await orgOf('第一党支部');
    const [m] = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
      .select(['m.id', 'm.org_id'])
      .where('m.tenant_id', '=', t)
      .where('o.path', 'like', `${b1.path}%`)
      .orderBy('m.id')
      .limit(1)
      .execute();
    if (!m) throw new Error('the demo branch has no member');
    const inMonth = new Date(chinaDayStart(`${month}-01`).getTime() + 7200_000);
    await env.db
      .insertInto('pledge')
      .values({ tenant_id: t, member_id: m.id, org_id: m.org_id, year: Number(month.slice(0, 4)), kind: 'wealth_tip', body: '帮老人联系卫生院，有事请打13812345678', outcome: 'done', outcome_at: inMonth, outcome_note: '已办结，回访电话 139-1234-5678' })
      .execute();
    await env.db
      .insertInto('donation_spending')
      .values([
        { tenant_id: t, campaign_id: campaignId, kind: 'money', amount_fen: 100, spent_on: `${month}-01`, purpose: '给村小学买书包，联系人 137 1234 5678' },
        { tenant_id: t, campaign_id: campaignId, kind: 'goods', goods: '大米(送货电话15912345678)', spent_on: `${month}-01`, purpose: '送给困难户' },
      ])
      .execute();
    await env.db
      .insertInto('donation_receipt')
      .values({ tenant_id: t, campaign_id: campaignId, donor_name: '热心村民13612345678', show_name: true, kind: 'money', amount_fen: 200, received_on: `${month}-01`, receipt_no: 'R10' })
      .execute();
    const clear = ['13812345678', '139-1234-5678', '137 1234 5678', '15912345678', '13612345678'];
    const masked = ['138****5678', '139****5678', '137****5678', '159****5678', '136****5678'];

    const drafted = await call(village, 'POST', '/api/disclosures', { orgId: villageId, month });
    expect(drafted.statusCode, drafted.body).toBe(200);
    const sections = (drafted.json() as Disclosure).sections;
    expect(sections.pledges.map((p) => p.text)).toContain('帮老人联系卫生院，有事请打138****5678');
    expect(sections.pledges.map((p) => p.outcomeNote)).toContain('已办结，回访电话 139****5678');
    expect(sections.donations.find((c) => c.title === '助学捐款')?.spending.map((x) => x.purpose)).toContain('给村小学买书包，联系人 137****5678');
    // masked when built: the stored month carries no number in clear, whatever renders it later
    const stored = await env.db.selectFrom('disclosure').select('sections').where('tenant_id', '=', t).where('id', '=', d.id).executeTakeFirstOrThrow();
    for (const json of [JSON.stringify(stored.sections), drafted.body]) {
      for (const c of clear) expect(json).not.toContain(c);
      for (const x of masked) expect(json).toContain(x);
    }
    const noted = await call(village, 'PATCH', `/api/disclosures/${d.id}`, { note: '值班电话18812345678' });
    expect(noted.statusCode, noted.body).toBe(200);
    expect((noted.json() as Disclosure).note).toBe('值班电话188****5678');

    expect((await call(village, 'POST', `/api/disclosures/${d.id}/submit`)).statusCode).toBe(200);
    expect((await decide(village, d.id, 'approve')).statusCode).toBe(200);
    const page = await anon(`/open/${villageId}/${month}`);
    expect(page.statusCode).toBe(200);
    for (const x of [...masked, '188****5678']) expect(page.body).toContain(x);
    for (const c of [...clear, '18812345678']) expect(page.body).not.toContain(c);
    expect(page.body).not.toMatch(/1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}/);
  });
});
