import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock } from '../../clock.ts';
import { seedNewsDemo } from '../../demo/news.ts';

/**
 * News with review (公众号 "闪亮红星") over HTTP on a copy of the demo village: drafts, 保密审查,
 * the public pages without login, what they never show, and their files.
 */
let env: TestEnv;
let village: Session;
let branch: Session;
let leader: Session;
let member: Session;
let villageId = '';
let branch1 = '';
let branch2 = '';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----lianxin-news-test';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(session: Session, name = 'cover.png'): Promise<string> {
  const mp = multipart(name, PNG);
  const res = await env.app.inject({ method: 'POST', url: '/api/files?purpose=news', headers: { ...session.headers, ...mp.headers }, payload: mp.payload });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { id: string }).id;
}

const call = (session: Session | null, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  env.app.inject({ method, url, headers: session?.headers ?? {}, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
/** A review decision on the item as the reviewer reads it now (its `updatedAt`), like the console. */
async function decide(session: Session, id: string, decision: 'approve' | 'return', body: Record<string, unknown>) {
  const seen = await call(session, 'GET', `/api/news/${id}`);
  const updatedAt = seen.statusCode === 200 ? (seen.json() as { updatedAt: string }).updatedAt : new Date(0).toISOString();
  return call(session, 'POST', `/api/news/${id}/${decision}`, { ...body, updatedAt });
}
const anon = (url: string, headers: Record<string, string> = {}) => env.app.inject({ method: 'GET', url, headers });
const orgId = async (name: string) => (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow()).id;

beforeAll(async () => {
  env = await openTestApp();
  village = await login(env.app, PHONES.generalSecretary);
  branch = await login(env.app, PHONES.branchSecretary);
  leader = await login(env.app, PHONES.groupLeader);
  member = await login(env.app, PHONES.mobileMember);
  villageId = await orgId('新桥村党总支');
  branch1 = await orgId('第一党支部');
  branch2 = await orgId('第二党支部');
});
afterAll(async () => env?.close());

describe('news with review', () => {
  it('goes draft → review → returned → edited → approved → public, and an edit after approval keeps the old public version', async () => {
    const coverId = await upload(branch);
    const bodyImage = await upload(branch, 'body.png');
    const created = await call(branch, 'POST', '/api/news', {
      orgId: branch1,
      title: '支部开展<主题党日>活动',
      summary: '第一党支部走进敬老院',
      bodyHtml: `<p>初稿正文</p><img src="/api/files/${bodyImage}" alt="合影"><script>alert(1)</script><p onclick="steal()">点我</p>`,
      coverFileId: coverId,
    });
    expect(created.statusCode, created.body).toBe(200);
    const item = created.json();
    expect(item).toMatchObject({ status: 'draft', version: 1, live: false, publishedVersion: null });
    // The body is kept sanitized: no script, no event handler.
    expect(item.bodyHtml).not.toContain('<script');
    expect(item.bodyHtml).not.toContain('onclick');
    expect(item.bodyHtml).toContain(`/api/files/${bodyImage}`);
    const pub = `/news/${branch1}/${item.id}`;

    // Nothing public before approval: the article, its files, its place in the list.
    expect((await anon(pub)).statusCode).toBe(404);
    expect((await anon(`/news/${branch1}/files/${coverId}`)).statusCode).toBe(404);
    expect((await anon(`/news/${branch1}`)).body).not.toContain('主题党日');

    expect((await call(branch, 'POST', `/api/news/${item.id}/submit`)).json()).toMatchObject({ status: 'in_review' });
    // Sending back needs a note.
    const noNote = await decide(village, item.id, 'return', { note: '  ' });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().issues[0].field).toBe('note');
    const returned = await decide(village, item.id, 'return', { note: '照片中有群众的正脸，请换一张' });
    expect(returned.json()).toMatchObject({ status: 'returned', reviewNote: '照片中有群众的正脸，请换一张', reviewedByName: expect.any(String) });
    expect((await anon(pub)).statusCode).toBe(404);

    // Corrected, submitted again, approved by the village secretary.
    await call(branch, 'PATCH', `/api/news/${item.id}`, { bodyHtml: `<p>修改后的正文</p><img src="/api/files/${bodyImage}">` });
    await call(branch, 'POST', `/api/news/${item.id}/submit`);
    const approved = await decide(village, item.id, 'approve', {});
    expect(approved.json()).toMatchObject({ status: 'approved', live: true, publishedVersion: 1 });
    expect(approved.json().history.map((h: { decision: string }) => h.decision)).toEqual(['submit', 'return', 'submit', 'approve']);

    const page = await anon(pub);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    // Shared caches keep the page but ask again every time (a 304 by the ETag): a withdrawn item is gone at once.
    expect(page.headers['cache-control']).toBe('public, no-cache');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['content-security-policy']).not.toContain('script-src');
    expect(page.body).toContain('<meta name="viewport"');
    // The title is escaped everywhere it shows; the share text and the cover's absolute address are the og tags.
    expect(page.body).toContain('支部开展&lt;主题党日&gt;活动');
    expect(page.body).not.toContain('<主题党日>');
    expect(page.body).toContain('<meta property="og:title" content="支部开展&lt;主题党日&gt;活动">');
    expect(page.body).toContain('<meta property="og:description" content="第一党支部走进敬老院">');
    expect(page.body).toContain(`<meta property="og:image" content="${env.services.config.publicUrl}/news/${branch1}/files/${coverId}">`);
    expect(page.body).toContain('修改后的正文');
    expect(page.body).toContain(`src="/news/${branch1}/files/${bodyImage}"`);
    expect(page.body).not.toMatch(/<script|onclick|onerror/i);
    // A revalidation with the ETag answers 304.
    expect((await anon(pub, { 'if-none-match': page.headers.etag as string })).statusCode).toBe(304);
    // The published cover and body image are public; the list shows the item.
    const cover = await anon(`/news/${branch1}/files/${coverId}`);
    expect(cover.statusCode).toBe(200);
    expect(cover.headers['content-type']).toBe('image/png');
    expect((await anon(`/news/${branch1}/files/${bodyImage}`)).statusCode).toBe(200);
    expect((await anon(`/news/${branch1}`)).body).toContain(`href="/news/${branch1}/${item.id}"`);

    // An edit after approval: a new version waits; the public page still shows version 1.
    const newCover = await upload(branch, 'new-cover.png');
    const edited = await call(branch, 'PATCH', `/api/news/${item.id}`, { title: '改过的标题', bodyHtml: '<p>第二版正文</p>', coverFileId: newCover });
    expect(edited.json()).toMatchObject({ status: 'draft', version: 2, publishedVersion: 1, live: true });
    const still = await anon(pub);
    expect(still.body).toContain('修改后的正文');
    expect(still.body).not.toContain('第二版正文');
    expect(still.body).not.toContain('改过的标题');
    // The pending cover is not public; the approved one still is.
    expect((await anon(`/news/${branch1}/files/${newCover}`)).statusCode).toBe(404);
    expect((await anon(`/news/${branch1}/files/${coverId}`)).statusCode).toBe(200);
    await call(branch, 'POST', `/api/news/${item.id}/submit`);
    expect((await anon(pub)).body).not.toContain('第二版正文');
    await decide(village, item.id, 'approve', { note: '同意' });
    const v2 = await anon(pub);
    expect(v2.body).toContain('第二版正文');
    expect(v2.body).toContain('改过的标题');
    // The old body image left the published copy: it is no longer public.
    expect((await anon(`/news/${branch1}/files/${bodyImage}`)).statusCode).toBe(404);

    // Who approved what is audited.
    const audit = await env.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', item.id).where('action', '=', 'news.approve').execute();
    expect(audit).toHaveLength(2);
    expect(audit[1]?.after).toMatchObject({ approvedVersion: 2, selfReview: false });

    // Withdrawn: gone from the public page, the list and the files. Two clicks at once withdraw it
    // once (one history entry), the other is told it is no longer published.
    const both = await Promise.all([call(branch, 'POST', `/api/news/${item.id}/withdraw`), call(village, 'POST', `/api/news/${item.id}/withdraw`)]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.statusCode === 200)?.json()).toMatchObject({ live: false, withdrawn: true });
    const withdrawals = await env.db.selectFrom('news_review').select('id').where('item_id', '=', item.id).where('decision', '=', 'withdraw').execute();
    expect(withdrawals).toHaveLength(1);
    expect((await anon(pub)).statusCode).toBe(404);
    expect((await anon(`/news/${branch1}`)).body).not.toContain(item.id);
    expect((await anon(`/news/${branch1}/files/${newCover}`)).statusCode).toBe(404);
  });

  it('decides only on the text the reviewer read: approving or sending back a version changed since is a conflict', async () => {
    const item = (await call(branch, 'POST', '/api/news', { orgId: branch1, title: '审阅时的版本', bodyHtml: '<p>审阅过的正文</p>' })).json();
    const inReview = (await call(branch, 'POST', `/api/news/${item.id}/submit`)).json();
    // The village secretary opens it; meanwhile the branch sends it back, the author rewrites and submits again.
    const seen = (await call(village, 'GET', `/api/news/${item.id}`)).json();
    expect(seen.updatedAt).toBe(inReview.updatedAt);
    expect((await call(branch, 'POST', `/api/news/${item.id}/return`, { note: '再改改', updatedAt: inReview.updatedAt })).statusCode).toBe(200);
    await call(branch, 'PATCH', `/api/news/${item.id}`, { bodyHtml: '<p>没人看过的正文</p>' });
    await call(branch, 'POST', `/api/news/${item.id}/submit`);
    const stale = await call(village, 'POST', `/api/news/${item.id}/approve`, { updatedAt: seen.updatedAt });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toBe('内容已被修改，请重新审阅');
    expect((await anon(`/news/${branch1}/${item.id}`)).statusCode).toBe(404);
    const staleReturn = await call(village, 'POST', `/api/news/${item.id}/return`, { note: '旧意见', updatedAt: seen.updatedAt });
    expect(staleReturn.statusCode).toBe(409);
    expect((await call(village, 'GET', `/api/news/${item.id}`)).json()).toMatchObject({ status: 'in_review', reviewNote: '再改改' });
    // Without what was seen: a 400 naming the field. Read again: approved.
    const bare = await call(village, 'POST', `/api/news/${item.id}/approve`, {});
    expect(bare.statusCode).toBe(400);
    expect(bare.json().issues[0].field).toBe('updatedAt');
    expect((await decide(village, item.id, 'approve', {})).statusCode).toBe(200);
    expect((await anon(`/news/${branch1}/${item.id}`)).body).toContain('没人看过的正文');
  });

  it('lets a secretary approve their own item, and records it as such', async () => {
    const item = (await call(village, 'POST', '/api/news', { orgId: villageId, title: '村里的新路修好了', bodyHtml: '<p>通车了</p>' })).json();
    await call(village, 'POST', `/api/news/${item.id}/submit`);
    const approved = (await decide(village, item.id, 'approve', {})).json();
    expect(approved.history.at(-1)).toMatchObject({ decision: 'approve', selfReview: true });
    const audit = await env.db.selectFrom('audit_log').select('after').where('entity_id', '=', item.id).where('action', '=', 'news.approve').executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ selfReview: true });
  });

  it('refuses what does not fit: submitting an empty body, editing in review, approving twice, a cover that is not an image', async () => {
    const empty = (await call(branch, 'POST', '/api/news', { orgId: branch1, title: '空稿', bodyHtml: '<script>x</script>' })).json();
    const submit = await call(branch, 'POST', `/api/news/${empty.id}/submit`);
    expect(submit.statusCode).toBe(400);
    expect(submit.json().issues[0].field).toBe('bodyHtml');
    const item = (await call(branch, 'POST', '/api/news', { orgId: branch1, title: '审核中', bodyHtml: '<p>内容</p>' })).json();
    await call(branch, 'POST', `/api/news/${item.id}/submit`);
    expect((await call(branch, 'PATCH', `/api/news/${item.id}`, { title: '偷偷改' })).statusCode).toBe(409);
    expect((await decide(branch, item.id, 'approve', {})).statusCode).toBe(200);
    expect((await decide(branch, item.id, 'approve', {})).statusCode).toBe(409);
    const noTitle = await call(branch, 'POST', '/api/news', { orgId: branch1, title: '' });
    expect(noTitle.statusCode).toBe(400);
    expect(noTitle.json().issues[0].field).toBe('title');
    const pdf = await env.app.inject({
      method: 'POST',
      url: '/api/files?purpose=attachment',
      headers: { ...branch.headers, ...multipart('a.pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n')).headers },
      payload: multipart('a.pdf', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n')).payload,
    });
    expect(pdf.statusCode, pdf.body).toBe(200);
    const badCover = await call(branch, 'POST', '/api/news', { orgId: branch1, title: '封面不对', bodyHtml: '<p>x</p>', coverFileId: pdf.json().id });
    expect(badCover.statusCode).toBe(400);
    expect(badCover.json().issues[0].field).toBe('coverFileId');
  });

  it('never makes public a file that belongs to no published item, nor a published file under another unit', async () => {
    const stray = await upload(branch, 'stray.png');
    expect((await anon(`/news/${branch1}/files/${stray}`)).statusCode).toBe(404);
    const cover = await upload(village, 'village-cover.png');
    const item = (await call(village, 'POST', '/api/news', { orgId: villageId, title: '有封面', bodyHtml: '<p>x</p>', coverFileId: cover })).json();
    await call(village, 'POST', `/api/news/${item.id}/submit`);
    await decide(village, item.id, 'approve', {});
    expect((await anon(`/news/${villageId}/files/${cover}`)).statusCode).toBe(200);
    expect((await anon(`/news/${branch1}/files/${cover}`)).statusCode).toBe(404);
    expect((await anon(`/news/${branch1}/${item.id}`)).statusCode).toBe(404);
    expect((await anon('/news/not-a-uuid')).statusCode).toBe(404);
    expect((await anon(`/news/${villageId}/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
  });

  it('adds a published item to the study library once, as an article of its unit', async () => {
    const item = (await call(branch, 'POST', '/api/news', { orgId: branch1, title: '学习身边的榜样', summary: '榜样', bodyHtml: '<p>榜样的故事</p>' })).json();
    expect((await call(branch, 'POST', `/api/news/${item.id}/to-library`)).statusCode).toBe(409);
    await call(branch, 'POST', `/api/news/${item.id}/submit`);
    await decide(branch, item.id, 'approve', {});
    const added = await call(branch, 'POST', `/api/news/${item.id}/to-library`);
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toMatchObject({ inLibrary: true, can: { addToLibrary: false } });
    const study = await env.db.selectFrom('study_item').select(['kind', 'title', 'org_id', 'body_html']).where('id', '=', added.json().studyItemId).executeTakeFirstOrThrow();
    expect(study).toMatchObject({ kind: 'article', title: '学习身边的榜样', org_id: branch1 });
    expect(study.body_html).toContain('榜样的故事');
    expect((await call(branch, 'POST', `/api/news/${item.id}/to-library`)).statusCode).toBe(409);
  });

  it('lets a named 通讯员 draft for the unit and submit, but not review; lists stay in scope', async () => {
    // The group leader of 第一党小组 signs in to the console: the branch names them 通讯员.
    const before = await call(leader, 'POST', '/api/news', { orgId: branch1, title: '小组的新闻', bodyHtml: '<p>x</p>' });
    expect(before.statusCode).toBe(403);
    const editors = (await call(branch, 'GET', `/api/news-editors?orgId=${branch1}`)).json();
    const leaderAccount = (await env.db.selectFrom('account').select('id').where('phone', '=', PHONES.groupLeader).executeTakeFirstOrThrow()).id;
    expect(editors.candidates.map((c: { accountId: string }) => c.accountId)).toContain(leaderAccount);
    // A plain member cannot be named: they have no console.
    const memberAccount = (await env.db.selectFrom('account').select('id').where('phone', '=', PHONES.mobileMember).executeTakeFirstOrThrow()).id;
    const refused = await call(branch, 'POST', '/api/news-editors', { orgId: branch1, accountId: memberAccount });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().issues[0].field).toBe('accountId');
    expect((await call(branch, 'POST', '/api/news-editors', { orgId: branch1, accountId: leaderAccount })).statusCode).toBe(200);

    const draft = await call(leader, 'POST', '/api/news', { orgId: branch1, title: '小组的新闻', bodyHtml: '<p>小组学习</p>' });
    expect(draft.statusCode, draft.body).toBe(200);
    const id = draft.json().id;
    expect(draft.json().can).toMatchObject({ edit: true, submit: true, review: false });
    expect((await call(leader, 'POST', `/api/news/${id}/submit`)).statusCode).toBe(200);
    expect((await decide(leader, id, 'approve', {})).statusCode).toBe(403);
    // Not for another unit.
    expect((await call(leader, 'POST', '/api/news', { orgId: branch2, title: '别的支部', bodyHtml: '<p>x</p>' })).statusCode).toBe(403);
    // The 通讯员's list holds only their own items of the unit; the branch secretary's only their subtree.
    const theirs = (await call(leader, 'GET', '/api/news?pageSize=200')).json();
    expect(theirs.items.map((i: { id: string }) => i.id)).toEqual([id]);
    const other = (await call(village, 'POST', '/api/news', { orgId: branch2, title: '第二支部的稿', bodyHtml: '<p>x</p>' })).json();
    const branchList = (await call(branch, 'GET', '/api/news?pageSize=200')).json();
    expect(branchList.items.every((i: { orgId: string }) => i.orgId === branch1)).toBe(true);
    expect(branchList.items.map((i: { id: string }) => i.id)).not.toContain(other.id);
    expect((await call(village, 'GET', '/api/news?pageSize=200')).json().items.map((i: { id: string }) => i.id)).toContain(other.id);
    expect((await call(member, 'GET', '/api/news')).statusCode).toBe(403);

    // Removed: no more drafting.
    expect((await call(branch, 'DELETE', `/api/news-editors/${branch1}/${leaderAccount}`)).statusCode).toBe(200);
    expect((await call(leader, 'POST', '/api/news', { orgId: branch1, title: '再写一篇', bodyHtml: '<p>x</p>' })).statusCode).toBe(403);
    expect((await call(leader, 'GET', `/api/news/${id}`)).statusCode).toBe(403);
  });

  it('pages the public list newest first and hides drafts and returned items', async () => {
    const unit = await orgId('第三党支部（老党员支部）');
    const ids: string[] = [];
    for (let i = 1; i <= 12; i++) {
      const made = (await call(village, 'POST', '/api/news', { orgId: unit, title: `第${i}篇`, bodyHtml: `<p>${i}</p>` })).json();
      await call(village, 'POST', `/api/news/${made.id}/submit`);
      await decide(village, made.id, 'approve', {});
      // first_published_at decides the order: spread them without waiting.
      await env.db.updateTable('news_item').set({ first_published_at: new Date(clock.now().getTime() - (20 - i) * 86_400_000) }).where('id', '=', made.id).execute();
      ids.push(made.id);
    }
    const draft = (await call(village, 'POST', '/api/news', { orgId: unit, title: '草稿不公开', bodyHtml: '<p>x</p>' })).json();
    const ret = (await call(village, 'POST', '/api/news', { orgId: unit, title: '退回不公开', bodyHtml: '<p>x</p>' })).json();
    await call(village, 'POST', `/api/news/${ret.id}/submit`);
    await decide(village, ret.id, 'return', { note: '不宜公开' });
    const first = (await anon(`/news/${unit}`)).body;
    expect(first.indexOf(ids[11] as string)).toBeLessThan(first.indexOf(ids[10] as string));
    expect(first).not.toContain(ids[0] as string);
    expect(first).toContain('下一页');
    const second = (await anon(`/news/${unit}?page=2`)).body;
    expect(second).toContain(ids[0] as string);
    for (const body of [first, second]) {
      expect(body).not.toContain(draft.id);
      expect(body).not.toContain(ret.id);
    }
    expect((await anon(`/news/${unit}/${draft.id}`)).statusCode).toBe(404);
    expect((await anon(`/news/${unit}/${ret.id}`)).statusCode).toBe(404);
  });

  it('puts a withdrawn item back on the public page only through a new review', async () => {
    const item = (await call(village, 'POST', '/api/news', { orgId: villageId, title: '撤回后再发布', bodyHtml: '<p>第一版</p>' })).json();
    await call(village, 'POST', `/api/news/${item.id}/submit`);
    await decide(village, item.id, 'approve', {});
    await call(village, 'POST', `/api/news/${item.id}/withdraw`);
    const pub = `/news/${villageId}/${item.id}`;
    expect((await anon(pub)).statusCode).toBe(404);
    // Withdrawing twice, or approving what is not in review, is a conflict.
    expect((await call(village, 'POST', `/api/news/${item.id}/withdraw`)).statusCode).toBe(409);
    expect((await decide(village, item.id, 'approve', {})).statusCode).toBe(409);
    const again = (await call(village, 'POST', `/api/news/${item.id}/submit`)).json();
    expect(again).toMatchObject({ status: 'in_review', version: 2, live: false });
    expect((await anon(pub)).statusCode).toBe(404);
    await decide(village, item.id, 'approve', {});
    expect((await anon(pub)).statusCode).toBe(200);
  });

  it('refuses malformed text with a 400 naming the field, in English for an English caller', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/news', headers: { ...branch.headers, 'accept-language': 'en-US' }, payload: { orgId: branch1, title: 'a'.repeat(121) } });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0]).toMatchObject({ field: 'title', message: 'The title must be at most 120 characters' });
    const nul = await call(branch, 'POST', '/api/news', { orgId: branch1, title: '坏\u0000标题' });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().issues[0].field).toBe('title');
  });

  it('seeds the demo village with two published items and one in review by its 通讯员', async () => {
    await seedNewsDemo(env.db, env.tenantId);
    const page = (await anon(`/news/${villageId}`)).body;
    expect(page).toContain('“回家看看”主题党日活动');
    expect(page).toContain('村道亮化工程完工');
    expect(page).not.toContain('流动党员返乡座谈会');
    const inReview = (await call(village, 'GET', `/api/news?orgId=${villageId}&status=in_review`)).json();
    expect(inReview.items.map((i: { title: string }) => i.title)).toContain('流动党员返乡座谈会召开');
    const item = (await call(village, 'GET', `/api/news/${inReview.items.find((i: { title: string }) => i.title === '流动党员返乡座谈会召开').id}`)).json();
    expect(item.can.review).toBe(true);
  });
});
