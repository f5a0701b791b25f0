import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { sanitizeArticleHtml } from './sanitize.ts';
import { parseRange } from '../files/index.ts';
import { createStudyItem, getReadableItem, listStudyItems, retireStudyItem, updateStudyItem } from './service.ts';

let env: TestEnv;
let secretary: Session;
let branchSecretary: Session;
let groupLeader: Session;
let member: Session;
let storageRoot: string;
const orgIds: Record<string, string> = {};

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
const MP3 = Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0, 0, 0, 0, 0])]);

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----lianxin-library-test';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(session: Session, purpose: string, fileName: string, content: Buffer) {
  const mp = multipart(fileName, content);
  return env.app.inject({ method: 'POST', url: `/api/files?purpose=${purpose}`, headers: { ...session.headers, ...mp.headers }, payload: mp.payload });
}

function storedFiles(): string[] {
  if (!fs.existsSync(storageRoot)) return [];
  return fs.readdirSync(storageRoot, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}
const article = (title: string, orgId: string) => ({ orgId, kind: 'article' as const, title, category: 'home_news' as const, tags: ['家乡'], bodyHtml: '<p>正文</p>', minutes: 3 });
const readableByMember = async (url: string) => (await env.app.inject({ url, headers: member.headers })).statusCode;
const fileRows = async () => (await env.db.selectFrom('stored_file').select('id').execute()).length;
/** A study session of the unit, made in the database (the tests need only its id). */
const insertSession = (org: string, title: string, qrSecret: string) =>
  env.db
    .insertInto('study_session')
    .values({
      tenant_id: env.tenantId,
      org_id: orgIds[org] as string,
      kind: 'group_meeting',
      title,
      starts_at: new Date('2026-01-10T11:00:00Z'),
      ends_at: new Date('2026-01-10T12:00:00Z'),
      mode: 'on_site',
      checkin_opens_at: new Date('2026-01-10T10:30:00Z'),
      checkin_closes_at: new Date('2026-01-10T12:00:00Z'),
      qr_secret: qrSecret,
      audience: 'subtree',
      makeup_questions: '[]',
    })
    .returning('id')
    .executeTakeFirstOrThrow();

beforeAll(async () => {
  env = await openTestApp();
  storageRoot = (env.services.storage as unknown as { root: string }).root;
  secretary = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  groupLeader = await login(env.app, PHONES.groupLeader);
  member = await login(env.app, PHONES.mobileMember);
  for (const o of await env.db.selectFrom('org').select(['id', 'name']).execute()) orgIds[o.name] = o.id;
});
afterAll(async () => env?.close());

describe('article sanitization', () => {
  it('strips scripts, handlers and unsafe links; images get lazy loading', () => {
    const html = sanitizeArticleHtml(
      '<h2>标题</h2><script>alert(1)</script><p onclick="x()" style="color:red">正文<a href="javascript:alert(1)">坏链接</a><a href="https://example.org/a">好链接</a></p>' +
        '<img src="https://example.org/a.png" onerror="alert(1)" width="300" height="abc"><img src="http://example.org/b.png"><img src="/api/files/0d6a3f43-8a5c-4f59-9c55-2f6b3b8a7e10" alt="照片">' +
        '<iframe src="https://evil.example"></iframe><table><tr><td colspan="2">格</td></tr></table>',
    );
    expect(html).not.toMatch(/script|onclick|onerror|style=|javascript:|iframe|http:\/\/example/);
    expect(html).toContain('<h2>标题</h2>');
    expect(html).toContain('<a href="https://example.org/a" rel="noopener noreferrer">好链接</a>');
    expect(html).toContain('<img src="https://example.org/a.png" width="300" loading="lazy" decoding="async" />');
    expect(html).toContain('<img src="/api/files/0d6a3f43-8a5c-4f59-9c55-2f6b3b8a7e10" alt="照片" loading="lazy" decoding="async" />');
    expect(html).toContain('<td colspan="2">格</td>');
    expect(html.match(/<img/g)).toHaveLength(2);
  });

  it('sanitizes on save and again when served', async () => {
    const ctx = await contextFor(env, PHONES.generalSecretary);
    const item = await createStudyItem(env.db, ctx, {
      orgId: orgIds['新桥村党总支'] as string,
      kind: 'article',
      title: '党史故事',
      category: 'party_history',
      tags: ['党史'],
      bodyHtml: '<p>正文</p><script>steal()</script><img src="https://example.org/x.jpg">',
      minutes: 5,
    });
    expect(item.bodyHtml).toBe('<p>正文</p><img src="https://example.org/x.jpg" loading="lazy" decoding="async" />');
    // Something stored before today's rules (or written around the service) is cleaned when served.
    await env.db.updateTable('study_item').set({ body_html: '<p>旧</p><img src=x onerror=alert(1)><script>x()</script>' }).where('id', '=', item.id).execute();
    const res = await env.app.inject({ url: `/api/study-items/${item.id}`, headers: secretary.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().bodyHtml).toBe('<p>旧</p>');
    const read = await env.app.inject({ url: `/api/me/items/${item.id}`, headers: member.headers });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ bodyHtml: '<p>旧</p>', minSeconds: 60, title: '党史故事' });
  });

  it('an article with nothing left after sanitizing is refused', async () => {
    const res = await env.app.inject({
      method: 'POST',
      url: '/api/study-items',
      headers: secretary.headers,
      payload: { orgId: orgIds['新桥村党总支'], kind: 'article', title: '空文章', category: 'theory', bodyHtml: '<script>x()</script>' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'validation_failed', issues: [{ field: 'bodyHtml' }] });
  });
});

describe('uploads', () => {
  it('stores a file checked by extension and content, audited', async () => {
    const res = await upload(secretary, 'study', '党课.pdf', PDF);
    expect(res.statusCode, res.body).toBe(200);
    const file = res.json();
    expect(file).toMatchObject({ fileName: '党课.pdf', mimeType: 'application/pdf', sizeBytes: PDF.length, url: `/api/files/${file.id}` });
    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', file.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['file.upload']);
    // Group leaders upload meeting photos.
    expect((await upload(groupLeader, 'attachment', '合影.png', PNG)).statusCode).toBe(200);
  });

  it('refuses a wrong type, a disguised file and a file too large, keeping nothing', async () => {
    const rowsBefore = await fileRows();
    const filesBefore = storedFiles().length;
    const exe = await upload(secretary, 'study', 'setup.exe', Buffer.from('MZ\x90\x00'));
    expect(exe.statusCode).toBe(415);
    expect(exe.json().message).toContain('可上传');
    expect(exe.json().message).toContain('mp3');
    // An attachment may not be a video.
    expect((await upload(secretary, 'attachment', 'a.mp4', Buffer.from('\0\0\0\x18ftypmp42'))).statusCode).toBe(415);
    // The extension says PDF, the content is HTML.
    const fake = await upload(secretary, 'study', 'notice.pdf', Buffer.from('<html><script>alert(1)</script></html>'));
    expect(fake.statusCode).toBe(415);
    expect(fake.json().message).toContain('不是有效的 PDF');
    // Images for articles stop at 10 MB.
    const big = Buffer.alloc(10 * 1024 * 1024 + 10, 0);
    PNG.copy(big);
    const tooBig = await upload(secretary, 'study', 'big.png', big);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json()).toMatchObject({ error: 'payload_too_large' });
    expect(tooBig.json().message).toContain('10 MB');
    expect(await fileRows()).toBe(rowsBefore);
    expect(storedFiles().length).toBe(filesBefore);
  });

  it('members and mentors may not upload study materials or attachments', async () => {
    const res = await upload(member, 'attachment', 'a.png', PNG);
    expect(res.statusCode).toBe(403);
    expect((await upload(member, 'study', 'a.png', PNG)).statusCode).toBe(403);
  });

  it('a member uploads a photo for a shared post but not for news; a group leader uploads news images; no PDF there', async () => {
    const photo = await upload(member, 'share', '工地.png', PNG);
    expect(photo.statusCode, photo.body).toBe(200);
    expect((await upload(member, 'news', '封面.png', PNG)).statusCode).toBe(403);
    expect((await upload(groupLeader, 'news', '封面.png', PNG)).statusCode).toBe(200);
    const pdf = await upload(member, 'share', 'a.pdf', PDF);
    expect(pdf.statusCode).toBe(415);
    expect((await upload(groupLeader, 'news', 'a.pdf', PDF)).statusCode).toBe(415);
  });

  it('serves byte ranges for seeking', async () => {
    const content = Buffer.concat([MP3, Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251))]);
    const up = await upload(secretary, 'study', '微党课.mp3', content);
    expect(up.statusCode, up.body).toBe(200);
    const file = up.json();
    // Study content is open to every signed-in account once an item uses it.
    const ctx = await contextFor(env, PHONES.generalSecretary);
    await createStudyItem(env.db, ctx, { orgId: orgIds['新桥村党总支'] as string, kind: 'audio', title: '微党课音频', category: 'micro_lecture', tags: [], fileId: file.id, minutes: 8 });
    const whole = await env.app.inject({ url: file.url, headers: member.headers });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('audio/mpeg');
    expect(whole.headers['content-length']).toBe(String(content.length));
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['cache-control']).toBe('private, max-age=86400');
    expect(whole.rawPayload.equals(content)).toBe(true);
    const part = await env.app.inject({ url: file.url, headers: { ...member.headers, range: 'bytes=100-199' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${content.length}`);
    expect(part.headers['content-length']).toBe('100');
    expect(part.rawPayload.equals(content.subarray(100, 200))).toBe(true);
    const tail = await env.app.inject({ url: file.url, headers: { ...member.headers, range: 'bytes=-10' } });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(content.subarray(content.length - 10))).toBe(true);
    const beyond = await env.app.inject({ url: file.url, headers: { ...member.headers, range: `bytes=${content.length}-` } });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${content.length}`);
  });

  it("an article's uploaded images are readable by members once the article is in the library", async () => {
    const image = (await upload(secretary, 'study', '村貌.png', PNG)).json();
    const pdf = (await upload(secretary, 'study', '附件.pdf', PDF)).json();
    expect((await env.app.inject({ url: image.url, headers: member.headers })).statusCode).toBe(403);
    const base = { orgId: orgIds['新桥村党总支'], kind: 'article', title: '美丽乡村', category: 'home_news' };
    const wrong = await env.app.inject({ method: 'POST', url: '/api/study-items', headers: secretary.headers, payload: { ...base, bodyHtml: `<p>看</p><img src="${pdf.url}">` } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().issues).toEqual([{ field: 'bodyHtml', message: '正文中有 1 张图片不存在或不是图片文件，请重新上传' }]);
    const res = await env.app.inject({ method: 'POST', url: '/api/study-items', headers: secretary.headers, payload: { ...base, bodyHtml: `<p>看</p><img src="${image.url}" width="640" height="480">` } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().bodyHtml).toContain(`<img src="${image.url}" width="640" height="480" loading="lazy" decoding="async" />`);
    const shown = await env.app.inject({ url: image.url, headers: member.headers });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toBe('image/png');
    await env.app.inject({ method: 'POST', url: `/api/study-items/${res.json().id}/retire`, headers: secretary.headers });
    expect((await env.app.inject({ url: image.url, headers: member.headers })).statusCode).toBe(403);
  });

  it('parses ranges', () => {
    expect(parseRange(undefined, 10)).toBeNull();
    expect(parseRange('bytes=0-', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=0-1,4-5', 10)).toBeNull();
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 10)).toBe('unsatisfiable');
  });

  it('a session attachment is read by its uploader and by who marks attendance there, not by others', async () => {
    const up = await upload(secretary, 'attachment', '会议记录.pdf', PDF);
    const file = up.json();
    // Not used anywhere yet: only the uploader (and tenant-wide managers).
    expect((await env.app.inject({ url: file.url, headers: secretary.headers })).statusCode).toBe(200);
    expect((await env.app.inject({ url: file.url, headers: branchSecretary.headers })).statusCode).toBe(403);
    const session = await insertSession('第一党小组', '党小组例会', 'test-secret');
    await env.db.insertInto('session_attachment').values({ tenant_id: env.tenantId, session_id: session.id, kind: 'minutes', file_id: file.id, caption: null, created_by: null }).execute();
    expect((await env.app.inject({ url: file.url, headers: branchSecretary.headers })).statusCode).toBe(200);
    expect((await env.app.inject({ url: file.url, headers: groupLeader.headers })).statusCode).toBe(200);
    expect((await env.app.inject({ url: file.url, headers: member.headers })).statusCode).toBe(403);
  });

  it("an item's file is open to every account while the item is in the library; once retired only to who manages it", async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    const file = (await upload(secretary, 'study', '下架前.pdf', PDF)).json();
    const item = await createStudyItem(env.db, village, { orgId: orgIds['第一党支部'] as string, kind: 'pdf', title: '下架前后', category: 'theory', tags: [], fileId: file.id, minutes: 5 });
    expect((await env.app.inject({ url: file.url, headers: member.headers })).statusCode).toBe(200);
    await retireStudyItem(env.db, village, item.id);
    expect((await env.app.inject({ url: file.url, headers: member.headers })).statusCode).toBe(403);
    expect((await env.app.inject({ url: file.url, headers: branchSecretary.headers })).statusCode).toBe(200);
  });
});

describe('study items', () => {
  it('checks each kind: audio needs a file or link, PDF a PDF file', async () => {
    const base = { orgId: orgIds['第一党支部'], title: '内容', category: 'policy' };
    const noMedia = await env.app.inject({ method: 'POST', url: '/api/study-items', headers: branchSecretary.headers, payload: { ...base, kind: 'audio' } });
    expect(noMedia.statusCode).toBe(400);
    expect(noMedia.json().issues).toEqual([{ field: 'fileId', message: '音频需要上传文件或填写链接' }]);
    const png = (await upload(branchSecretary, 'study', 'a.png', PNG)).json();
    const wrongFile = await env.app.inject({ method: 'POST', url: '/api/study-items', headers: branchSecretary.headers, payload: { ...base, kind: 'pdf', fileId: png.id } });
    expect(wrongFile.statusCode).toBe(400);
    expect(wrongFile.json().issues).toEqual([{ field: 'fileId', message: '所选文件不是PDF文件' }]);
    const byLink = await env.app.inject({ method: 'POST', url: '/api/study-items', headers: branchSecretary.headers, payload: { ...base, kind: 'video', mediaUrl: 'https://meeting.example/replay/1' } });
    expect(byLink.statusCode, byLink.body).toBe(200);
    expect(byLink.json()).toMatchObject({ kind: 'video', mediaUrl: 'https://meeting.example/replay/1', file: null, orgName: '第一党支部' });
  });

  it('refuses a file that does not exist, and names both problems when the body images are wrong too', async () => {
    const base = { orgId: orgIds['第一党支部'], title: '内容', category: 'policy' };
    const nowhere = '0d6a3f43-8a5c-4f59-9c55-2f6b3b8a7e11';
    const missing = await env.app.inject({ method: 'POST', url: '/api/study-items', headers: branchSecretary.headers, payload: { ...base, kind: 'pdf', fileId: nowhere } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().issues).toEqual([{ field: 'fileId', message: '文件不存在，请重新上传' }]);
    const pdf = (await upload(branchSecretary, 'study', 'b.pdf', PDF)).json();
    const both = await env.app.inject({
      method: 'POST',
      url: '/api/study-items',
      headers: branchSecretary.headers,
      payload: { ...base, kind: 'video', fileId: pdf.id, bodyHtml: `<p>说明</p><img src="/api/files/${pdf.id}"><img src="/api/files/${nowhere}">` },
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().issues).toEqual([
      { field: 'bodyHtml', message: '正文中有 2 张图片不存在或不是图片文件，请重新上传' },
      { field: 'fileId', message: '所选文件不是视频文件' },
    ]);
  });

  it('a secretary sees their subtree and the units above, not a sibling branch; edits and retires are audited', async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    const branch1 = await contextFor(env, PHONES.branchSecretary);
    const townItem = await createStudyItem(env.db, village, article('村里的新闻', orgIds['新桥村党总支'] as string));
    const otherBranch = await createStudyItem(env.db, village, article('二支部的新闻', orgIds['第二党支部'] as string));
    const own = await createStudyItem(env.db, branch1, article('一支部的新闻', orgIds['第一党支部'] as string));
    const seen = (await listStudyItems(env.db, branch1, { page: 1, pageSize: 200 })).items.map((i) => i.id);
    expect(seen).toContain(townItem.id);
    expect(seen).toContain(own.id);
    expect(seen).not.toContain(otherBranch.id);
    expect((await env.app.inject({ url: `/api/study-items/${townItem.id}`, headers: branchSecretary.headers })).statusCode).toBe(200);
    expect((await env.app.inject({ url: `/api/study-items/${otherBranch.id}`, headers: branchSecretary.headers })).statusCode).toBe(403);
    // Reusable from above, but not editable there.
    await expect(updateStudyItem(env.db, branch1, townItem.id, { title: '改' })).rejects.toMatchObject({ code: 'forbidden' });
    const edited = await updateStudyItem(env.db, branch1, own.id, { title: '一支部的新闻（更新）', tags: ['家乡', '家乡'] });
    expect(edited).toMatchObject({ title: '一支部的新闻（更新）', tags: ['家乡'] });
    const retired = await retireStudyItem(env.db, branch1, own.id);
    expect(retired.retired).toBe(true);
    expect((await listStudyItems(env.db, branch1, { page: 1, pageSize: 200 })).items.map((i) => i.id)).not.toContain(own.id);
    expect((await listStudyItems(env.db, branch1, { page: 1, pageSize: 200, includeRetired: true })).items.map((i) => i.id)).toContain(own.id);
    await expect(updateStudyItem(env.db, branch1, own.id, { title: 'x' })).rejects.toMatchObject({ code: 'conflict' });
    const actions = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', own.id).orderBy('id').execute();
    expect(actions.map((a) => a.action)).toEqual(['study_item.create', 'study_item.update', 'study_item.retire']);
  });

  it('the library seen from a unit holds its subtree and the units above it, not a sibling branch', async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    const townItem = await createStudyItem(env.db, village, article('从村里看', orgIds['新桥村党总支'] as string));
    const branchItem = await createStudyItem(env.db, village, article('从一支部看', orgIds['第一党支部'] as string));
    const siblingItem = await createStudyItem(env.db, village, article('从二支部看', orgIds['第二党支部'] as string));
    const fromBranch = (await listStudyItems(env.db, village, { orgId: orgIds['第一党支部'] as string, page: 1, pageSize: 200 })).items.map((i) => i.id);
    expect(fromBranch).toContain(townItem.id);
    expect(fromBranch).toContain(branchItem.id);
    expect(fromBranch).not.toContain(siblingItem.id);
    const fromVillage = (await listStudyItems(env.db, village, { orgId: orgIds['新桥村党总支'] as string, page: 1, pageSize: 200 })).items.map((i) => i.id);
    expect(fromVillage).toEqual(expect.arrayContaining([townItem.id, branchItem.id, siblingItem.id]));
  });

  it('a member reads items of their own unit path, pushed to them, or material of their session; nothing else', async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    const memberCtx = await contextFor(env, PHONES.mobileMember);
    const memberId = await memberIdByPhone(env, PHONES.mobileMember);
    const above = await createStudyItem(env.db, village, article('全村学习', orgIds['新桥村党总支'] as string));
    const elsewhere = await createStudyItem(env.db, village, article('二支部学习', orgIds['第二党支部'] as string));
    const asMaterial = await createStudyItem(env.db, village, article('会议材料', orgIds['第二党支部'] as string));
    expect((await getReadableItem(env.db, memberCtx, above.id)).title).toBe('全村学习');
    await expect(getReadableItem(env.db, memberCtx, elsewhere.id)).rejects.toMatchObject({ code: 'not_found' });
    const session = await env.db
      .insertInto('study_session')
      .values({
        tenant_id: env.tenantId,
        org_id: orgIds['第二党支部'] as string,
        kind: 'online_class',
        title: '云课堂',
        starts_at: new Date('2026-02-10T11:00:00Z'),
        ends_at: new Date('2026-02-10T12:00:00Z'),
        mode: 'online',
        checkin_opens_at: new Date('2026-02-10T10:30:00Z'),
        checkin_closes_at: new Date('2026-02-10T12:00:00Z'),
        qr_secret: 's',
        audience: 'list',
        makeup_questions: '[]',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await env.db.insertInto('session_material').values({ tenant_id: env.tenantId, session_id: session.id, item_id: asMaterial.id, position: 0 }).execute();
    await expect(getReadableItem(env.db, memberCtx, asMaterial.id)).rejects.toMatchObject({ code: 'not_found' });
    await env.db.insertInto('attendance').values({ tenant_id: env.tenantId, session_id: session.id, member_id: memberId, voting: true }).execute();
    expect((await getReadableItem(env.db, memberCtx, asMaterial.id)).title).toBe('会议材料');
    await retireStudyItem(env.db, village, above.id);
    await expect(getReadableItem(env.db, memberCtx, above.id)).rejects.toMatchObject({ code: 'not_found' });
    // The tenant admin has no member record: the member app is not theirs.
    const admin = await contextFor(env, PHONES.tenantAdmin);
    await expect(getReadableItem(env.db, admin, asMaterial.id)).rejects.toMatchObject({ code: 'forbidden' });
  });

  describe('a file one cannot read is never republished', () => {
    // Minutes of a meeting of 第二党支部, uploaded by the general-branch secretary: the secretary of
    // 第一党支部 may not read them, so they may not attach them anywhere either.
    let minutes: { id: string; url: string };
    let photo: { id: string; url: string };
    beforeAll(async () => {
      minutes = (await upload(secretary, 'attachment', '第二支部会议记录.pdf', PDF)).json();
      photo = (await upload(secretary, 'attachment', '第二支部合影.png', PNG)).json();
      expect((await env.app.inject({ url: minutes.url, headers: branchSecretary.headers })).statusCode).toBe(403);
    });

    it('as the file of a study item, created or edited', async () => {
      const pdfItem = (title: string, fileId: string) =>
        env.app.inject({
          method: 'POST',
          url: '/api/study-items',
          headers: branchSecretary.headers,
          payload: { orgId: orgIds['第一党支部'], kind: 'pdf', title, category: 'theory', tags: [], fileId, minutes: 5 },
        });
      const res = await pdfItem('借用', minutes.id);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().issues).toEqual([{ field: 'fileId', message: '无权使用此文件' }]);
      const own = (await upload(branchSecretary, 'study', '自己的.pdf', PDF)).json();
      const item = await pdfItem('自己的', own.id);
      expect(item.statusCode, item.body).toBe(200);
      const edit = await env.app.inject({ method: 'PATCH', url: `/api/study-items/${item.json().id}`, headers: branchSecretary.headers, payload: { fileId: minutes.id } });
      expect(edit.statusCode).toBe(403);
      expect(await readableByMember(minutes.url)).toBe(403);
    });

    it('as an image in an article', async () => {
      const res = await env.app.inject({
        method: 'POST',
        url: '/api/study-items',
        headers: branchSecretary.headers,
        payload: { ...article('借图', orgIds['第一党支部'] as string), bodyHtml: `<p>看</p><img src="/api/files/${photo.id}">` },
      });
      expect(res.statusCode, res.body).toBe(403);
      expect(await readableByMember(photo.url)).toBe(403);
    });

    it('as minutes or a photo of a session', async () => {
      const session = await insertSession('第一党支部', '支部会议', 'test-secret-2');
      const res = await env.app.inject({ method: 'POST', url: `/api/sessions/${session.id}/attachments`, headers: branchSecretary.headers, payload: { fileId: minutes.id, kind: 'minutes' } });
      expect(res.statusCode, res.body).toBe(403);
      expect(await env.db.selectFrom('session_attachment').select('id').where('session_id', '=', session.id).execute()).toEqual([]);
    });

    it('as a photo of a study-delivery trip', async () => {
      const mentee = await memberIdByPhone(env, PHONES.mobileMember);
      const res = await env.app.inject({
        method: 'POST',
        url: '/api/deliveries',
        headers: branchSecretary.headers,
        payload: { orgId: orgIds['第一党支部'], tripOn: '2026-01-10', provinceCode: '33', travellers: ['送学人'], members: [{ memberId: mentee, items: ['党徽'] }], photoFileIds: [photo.id] },
      });
      expect(res.statusCode, res.body).toBe(403);
    });
  });

  it('keeps the tags and reading time when a correction names only the title', async () => {
    const created = await env.app.inject({ method: 'POST', url: '/api/study-items', headers: secretary.headers, payload: { ...article('只改标题', orgIds['第一党支部'] as string), minutes: 12 } });
    expect(created.statusCode, created.body).toBe(200);
    const res = await env.app.inject({ method: 'PATCH', url: `/api/study-items/${created.json().id}`, headers: secretary.headers, payload: { title: '标题改了' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ title: '标题改了', tags: ['家乡'], minutes: 12 });
  });

  it('answers 404 with a clear message, not a broken download, for a file whose bytes are gone', async () => {
    const uploader = await env.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('phone', '=', PHONES.generalSecretary).executeTakeFirstOrThrow();
    const row = await env.db
      .insertInto('stored_file')
      .values({ tenant_id: env.tenantId, storage_key: `${env.tenantId}/00000000-0000-4000-8000-00000000dead`, file_name: '丢失.pdf', mime_type: 'application/pdf', size_bytes: 10, sha256: 'x', created_by: uploader.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await env.app.inject({ url: `/api/files/${row.id}`, headers: secretary.headers });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('文件内容已丢失') });
  });
});
