import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { silentWav } from '../../../../test/support/silent-wav.ts';
import { clock } from '../../clock.ts';
import { chinaMonth } from '../../../shared/china-time.ts';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { AppError } from '../../errors.ts';
import { addComment, createPost, setLike } from './service.ts';
import { monthsBack } from './months.ts';
import type { MyShareFeed, Participation, ShareComment, ShareList, SharePost, SharePostDetail, ShareTopic } from '../../../shared/api-shares.ts';

let env: TestEnv;
let villageSecretary: Session;
let branchSecretary: Session;
/** the demo mobile member of 第一党支部 (第一党小组) */
let mobile: Session;
let mobileId = '';
/** another member of 第一党支部 (the mentor) */
let neighbour: Session;
/** a member of 第二党支部 */
let other: Session;
let otherId = '';
const orgIds: Record<string, string> = {};
const month = () => chinaMonth(clock.now());

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

function multipart(fileName: string, content: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----lianxin-shares-test';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(session: Session, fileName: string, content: Buffer): Promise<string> {
  const mp = multipart(fileName, content);
  const res = await env.app.inject({ method: 'POST', url: '/api/files?purpose=share', headers: { ...session.headers, ...mp.headers }, payload: mp.payload });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { id: string }).id;
}

const send = (session: Session, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  env.app.inject({ method, url, headers: { ...session.headers, ...headers }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

async function share(session: Session, over: Record<string, unknown> = {}): Promise<SharePost> {
  const res = await send(session, 'POST', '/api/me/shares', { kind: 'work', body: '在苏州厂里学习了新的安全规程。', photoFileIds: [], audience: 'branch', ...over });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as SharePost;
}

const feed = async (session: Session, scope: 'branch' | 'village' = 'branch'): Promise<MyShareFeed> => {
  const res = await send(session, 'GET', `/api/me/shares?scope=${scope}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as MyShareFeed;
};

beforeAll(async () => {
  env = await openTestApp();
  villageSecretary = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  mobile = await login(env.app, PHONES.mobileMember);
  neighbour = await login(env.app, PHONES.mentor);
  mobileId = await memberIdByPhone(env, PHONES.mobileMember);
  for (const o of await env.db.selectFrom('org').select(['id', 'name']).execute()) orgIds[o.name] = o.id;
  const row = await env.db
    .selectFrom('member as m')
    .innerJoin('org as o', 'o.id', 'm.org_id')
    .select(['m.id', 'm.phone'])
    .where('o.name', '=', '第四党小组')
    .where('m.left_at', 'is', null)
    .orderBy('m.name')
    .executeTakeFirstOrThrow();
  otherId = row.id;
  other = await login(env.app, row.phone);
});
afterAll(async () => env?.close());

describe('who sees a post', () => {
  it('a branch post reaches the branch, never another branch; a village post reaches the whole village', async () => {
    const branchPost = await share(mobile, { body: '支部内的分享' });
    const villagePost = await share(mobile, { body: '全村都能看的分享', audience: 'village' });
    expect(branchPost).toMatchObject({ mine: true, audience: 'branch', likeCount: 0, commentCount: 0, hidden: null });

    const mine = (await feed(neighbour)).items.map((p) => p.id);
    expect(mine).toContain(branchPost.id);
    expect(mine).not.toContain(villagePost.id); // the branch scope shows the branch's posts only
    expect((await feed(neighbour, 'village')).items.map((p) => p.id)).toEqual(expect.arrayContaining([branchPost.id, villagePost.id]));

    const theirs = [...(await feed(other)).items, ...(await feed(other, 'village')).items].map((p) => p.id);
    expect(theirs).toContain(villagePost.id);
    expect(theirs).not.toContain(branchPost.id);
    expect((await send(other, 'GET', `/api/me/shares/${branchPost.id}`)).statusCode).toBe(403);
    expect((await send(other, 'PUT', `/api/me/shares/${branchPost.id}/like`)).statusCode).toBe(403);
    expect((await send(other, 'POST', `/api/me/shares/${branchPost.id}/comments`, { body: '看不到' })).statusCode).toBe(403);
    // the audience unit is stored: the branch and the village general branch
    const rows = await env.db.selectFrom('share_post').select(['id', 'audience_org_id']).where('id', 'in', [branchPost.id, villagePost.id]).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.audience_org_id]))).toEqual({ [branchPost.id]: orgIds['第一党支部'], [villagePost.id]: orgIds['新桥村党总支'] });
  });

  it('comments and likes by anyone who sees the post; a like twice counts once; own comment and post deletable', async () => {
    const post = await share(mobile, { audience: 'village', body: '家乡的路修好了' });
    expect((await send(other, 'PUT', `/api/me/shares/${post.id}/like`)).json()).toEqual({ liked: true, likeCount: 1 });
    expect((await send(other, 'PUT', `/api/me/shares/${post.id}/like`)).json()).toEqual({ liked: true, likeCount: 1 });
    expect((await send(neighbour, 'PUT', `/api/me/shares/${post.id}/like`)).json()).toEqual({ liked: true, likeCount: 2 });
    expect((await send(other, 'DELETE', `/api/me/shares/${post.id}/like`)).json()).toEqual({ liked: false, likeCount: 1 });
    const c = await send(other, 'POST', `/api/me/shares/${post.id}/comments`, { body: '为家乡点赞' });
    expect(c.statusCode, c.body).toBe(200);
    const comment = c.json() as ShareComment;
    const detail = (await send(mobile, 'GET', `/api/me/shares/${post.id}`)).json() as SharePostDetail;
    expect(detail).toMatchObject({ likeCount: 1, commentCount: 1, comments: [{ id: comment.id, body: '为家乡点赞', mine: false }] });
    expect((await send(mobile, 'DELETE', `/api/me/share-comments/${comment.id}`)).statusCode).toBe(403);
    expect((await send(other, 'DELETE', `/api/me/share-comments/${comment.id}`)).statusCode).toBe(200);
    expect((await send(other, 'DELETE', `/api/me/shares/${post.id}`)).statusCode).toBe(403);
    expect((await send(mobile, 'DELETE', `/api/me/shares/${post.id}`)).statusCode).toBe(200);
    expect((await feed(other, 'village')).items.map((p) => p.id)).not.toContain(post.id);
    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', 'in', [post.id, comment.id]).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['share.post.create', 'share.like', 'share.unlike', 'share.comment.create', 'share.comment.delete', 'share.post.delete']));
  });

  it('pages newest first with a cursor, no post twice or skipped', async () => {
    const made: string[] = [];
    for (let i = 0; i < 23; i++) made.push((await share(neighbour, { body: `第 ${i} 条` })).id);
    const first = await feed(mobile);
    expect(first.items).toHaveLength(20);
    expect(first.nextCursor).not.toBeNull();
    const second = (await send(mobile, 'GET', `/api/me/shares?scope=branch&cursor=${first.nextCursor}`)).json() as MyShareFeed;
    const ids = [...first.items, ...second.items].map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 23)).toEqual([...made].reverse());
  });
});

describe('hiding', () => {
  it('a hidden post reaches only its author (with the reason) and the secretaries; unhide shows it again', async () => {
    const post = await share(mobile, { body: '有不妥内容的分享' });
    expect((await send(branchSecretary, 'POST', `/api/shares/${post.id}/hide`, { reason: '' })).statusCode).toBe(400);
    const hid = await send(branchSecretary, 'POST', `/api/shares/${post.id}/hide`, { reason: '含有个人电话号码' });
    expect(hid.statusCode, hid.body).toBe(200);
    expect(hid.json()).toMatchObject({ hidden: { reason: '含有个人电话号码' } });
    expect((await feed(neighbour)).items.map((p) => p.id)).not.toContain(post.id);
    expect((await send(neighbour, 'GET', `/api/me/shares/${post.id}`)).statusCode).toBe(404);
    const own = (await feed(mobile)).items.find((p) => p.id === post.id);
    expect(own?.hidden).toEqual({ reason: '含有个人电话号码' });
    const list = (await send(villageSecretary, 'GET', '/api/shares?hidden=hidden')).json() as ShareList;
    expect(list.items.map((p) => p.id)).toContain(post.id);
    expect(list.items.every((p) => p.hidden !== null)).toBe(true);
    // a secretary of another branch may not hide it
    const audit = await env.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', post.id).where('action', '=', 'share.post.hide').execute();
    expect(audit).toHaveLength(1);
    expect((await send(branchSecretary, 'POST', `/api/shares/${post.id}/unhide`)).json()).toMatchObject({ hidden: null });
    expect((await feed(neighbour)).items.map((p) => p.id)).toContain(post.id);
  });

  it('a hidden comment reaches only its author and the secretaries', async () => {
    const post = await share(mobile, { body: '评论将被隐藏' });
    const comment = (await send(neighbour, 'POST', `/api/me/shares/${post.id}/comments`, { body: '不当评论' })).json() as ShareComment;
    const hid = await send(branchSecretary, 'POST', `/api/share-comments/${comment.id}/hide`, { reason: '与主题无关' });
    expect(hid.statusCode, hid.body).toBe(200);
    const seenByAuthor = (await send(mobile, 'GET', `/api/me/shares/${post.id}`)).json() as SharePostDetail;
    expect(seenByAuthor.comments).toEqual([]);
    expect(seenByAuthor.commentCount).toBe(0);
    const seenByWriter = (await send(neighbour, 'GET', `/api/me/shares/${post.id}`)).json() as SharePostDetail;
    expect(seenByWriter.comments).toMatchObject([{ id: comment.id, hidden: { reason: '与主题无关' } }]);
    const console = (await send(villageSecretary, 'GET', `/api/shares/${post.id}`)).json() as SharePostDetail;
    expect(console.comments.map((c) => c.id)).toEqual([comment.id]);
  });

  it('a secretary whose subtree does not cover the audience unit may not hide', async () => {
    const post = await share(other, { body: '第二支部的分享' });
    expect((await send(branchSecretary, 'POST', `/api/shares/${post.id}/hide`, { reason: '试试' })).statusCode).toBe(403);
    expect((await send(branchSecretary, 'GET', `/api/shares/${post.id}`)).statusCode).toBe(403);
    const listed = (await send(branchSecretary, 'GET', '/api/shares')).json() as ShareList;
    expect(listed.items.map((p) => p.id)).not.toContain(post.id);
  });
});

describe('topics', () => {
  let topic: ShareTopic;
  it('a secretary sets the month’s topic; members below see it; a due day outside the month is refused', async () => {
    const bad = await send(branchSecretary, 'POST', '/api/share-topics', { orgId: orgIds['第一党支部'], month: month(), title: '我的家乡变化', dueOn: '2000-01-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0].field).toBe('dueOn');
    const res = await send(branchSecretary, 'POST', '/api/share-topics', { orgId: orgIds['第一党支部'], month: month(), title: '我的家乡变化', description: '说说家乡这一年', dueOn: `${month()}-20` });
    expect(res.statusCode, res.body).toBe(200);
    topic = res.json() as ShareTopic;
    expect((await feed(mobile)).topic).toMatchObject({ id: topic.id, title: '我的家乡变化' });
    expect((await send(branchSecretary, 'POST', '/api/share-topics', { orgId: orgIds['第二党支部'], month: month(), title: 'x', dueOn: `${month()}-20` })).statusCode).toBe(403);
    const post = await share(mobile, { topicId: topic.id, kind: 'home_advice' });
    expect(post.topic).toEqual({ id: topic.id, title: '我的家乡变化' });
  });

  it('a post for a topic of another unit, a closed or a hidden topic is refused naming topicId', async () => {
    const outside = await send(other, 'POST', '/api/me/shares', { kind: 'study', body: '别的支部的话题', topicId: topic.id, audience: 'branch' });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().issues).toEqual([{ field: 'topicId', message: expect.stringContaining('话题') }]);
    expect((await send(branchSecretary, 'PATCH', `/api/share-topics/${topic.id}`, { closed: true })).statusCode).toBe(200);
    const closed = await send(mobile, 'POST', '/api/me/shares', { kind: 'study', body: '晚了', topicId: topic.id, audience: 'branch' });
    expect(closed.statusCode).toBe(409);
    expect(closed.json().issues[0]).toMatchObject({ field: 'topicId', message: expect.stringContaining('已结束') });
    expect((await send(branchSecretary, 'PATCH', `/api/share-topics/${topic.id}`, { closed: false, hidden: true })).statusCode).toBe(200);
    const hidden = await send(mobile, 'POST', '/api/me/shares', { kind: 'study', body: '隐藏了', topicId: topic.id, audience: 'branch' });
    expect(hidden.statusCode).toBe(400);
    expect(hidden.json().issues[0]).toMatchObject({ field: 'topicId', message: expect.stringContaining('隐藏') });
    expect((await feed(mobile)).topic).toBeNull();
    await send(branchSecretary, 'PATCH', `/api/share-topics/${topic.id}`, { hidden: false });
  });
});

describe('bad input', () => {
  it('photos must be images and the voice a recording: a wrong type is a 400 naming the field', async () => {
    const photo = await upload(mobile, '照片.png', PNG);
    const voice = await upload(mobile, '语音.wav', silentWav());
    const ok = await share(mobile, { photoFileIds: [photo], voiceFileId: voice });
    expect(ok.photos).toEqual([{ fileId: photo, url: `/api/files/${photo}` }]);
    expect(ok.voice).toEqual({ fileId: voice, url: `/api/files/${voice}` });
    // a photo and the voice are readable by the branch, not by another branch
    expect((await send(neighbour, 'GET', `/api/files/${photo}`)).statusCode).toBe(200);
    expect((await send(other, 'GET', `/api/files/${photo}`)).statusCode).toBe(403);

    const wrongPhoto = await send(mobile, 'POST', '/api/me/shares', { kind: 'work', body: 'x', photoFileIds: [voice], audience: 'branch' });
    expect(wrongPhoto.statusCode).toBe(400);
    expect(wrongPhoto.json().issues).toEqual([{ field: 'photoFileIds.0', message: expect.stringContaining('不是图片') }]);
    const wrongVoice = await send(mobile, 'POST', '/api/me/shares', { kind: 'work', body: 'x', voiceFileId: photo, audience: 'branch' });
    expect(wrongVoice.statusCode).toBe(400);
    expect(wrongVoice.json().issues).toEqual([{ field: 'voiceFileId', message: expect.stringContaining('不是录音') }]);
    const tooMany = await send(mobile, 'POST', '/api/me/shares', { kind: 'work', body: 'x', photoFileIds: Array.from({ length: 10 }, () => photo), audience: 'branch' });
    expect(tooMany.statusCode).toBe(400);
    const missing = await send(mobile, 'POST', '/api/me/shares', { kind: 'work', body: 'x', photoFileIds: ['00000000-0000-4000-8000-000000000000'], audience: 'branch' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().issues[0].field).toBe('photoFileIds.0');
    // someone else's file may not be attached
    const theirs = await upload(other, '别人的.png', PNG);
    expect((await send(mobile, 'POST', '/api/me/shares', { kind: 'work', body: 'x', photoFileIds: [theirs], audience: 'branch' })).statusCode).toBe(403);
    const empty = await send(mobile, 'POST', '/api/me/shares', { kind: 'work', body: '  ', audience: 'branch' });
    expect(empty.statusCode).toBe(400);
    const long = await send(mobile, 'POST', '/api/me/shares', { kind: 'work', body: '长'.repeat(2001), audience: 'branch' });
    expect(long.statusCode).toBe(400);
  });

  it('HTML and scripts are stored and returned as plain text', async () => {
    const body = '<script>alert(1)</script><img src=x onerror=alert(2)> & 你好';
    const post = await share(mobile, { body });
    expect(post.body).toBe(body);
    const row = await env.db.selectFrom('share_post').select('body').where('id', '=', post.id).executeTakeFirstOrThrow();
    expect(row.body).toBe(body);
    const res = await send(neighbour, 'GET', `/api/me/shares/${post.id}`);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect((res.json() as SharePostDetail).body).toBe(body);
  });

  it('a resend with the same Idempotency-Key makes no second post', async () => {
    const key = crypto.randomUUID();
    const body = { kind: 'city', body: `信号不好时发的 ${key}`, photoFileIds: [], audience: 'branch' };
    const first = await send(mobile, 'POST', '/api/me/shares', body, { 'idempotency-key': key });
    const again = await send(mobile, 'POST', '/api/me/shares', body, { 'idempotency-key': key });
    expect(first.statusCode, first.body).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const rows = await env.db.selectFrom('share_post').select('id').where('body', '=', body.body).execute();
    expect(rows).toHaveLength(1);
  });
});

describe('who has shared', () => {
  it('counts the unit’s members who shared this month and lists who has not, mobile members flagged', async () => {
    const res = await send(branchSecretary, 'GET', `/api/shares/participation?orgId=${orgIds['第一党支部']}&month=${month()}`);
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json() as Participation;
    const members = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', 'o.id', 'm.org_id')
      .select('m.id')
      .where('m.left_at', 'is', null)
      .where('o.path', 'like', `%${orgIds['第一党支部']}%`)
      .execute();
    expect(p.members).toBe(members.length);
    expect(p.sharedCount + p.notSharedCount).toBe(p.members);
    expect(p.shared.map((r) => r.memberId)).toContain(mobileId);
    expect(p.shared.find((r) => r.memberId === mobileId)?.mobile).toBe(true);
    expect(p.notShared.map((r) => r.memberId)).not.toContain(mobileId);
    expect(p.shared.concat(p.notShared).map((r) => r.memberId)).not.toContain(otherId);
    expect(p.byMonth).toHaveLength(12);
    expect(p.byMonth.at(-1)).toMatchObject({ month: month(), members: p.sharedCount });
    expect((await send(branchSecretary, 'GET', `/api/shares/participation?orgId=${orgIds['第二党支部']}&month=${month()}`)).statusCode).toBe(403);
  });
});

describe('lists keep to the caller’s scope', () => {
  it('no row outside the caller’s units in the console list, the topics and who has shared; no post a member may not see in their feed', async () => {
    await share(other, { body: '第二党支部：只给本支部看', audience: 'branch' });
    await send(villageSecretary, 'POST', '/api/share-topics', { orgId: orgIds['第二党支部'], month: month(), title: '第二支部的话题', dueOn: `${month()}-20` });
    const orgs = await env.db.selectFrom('org').select(['id', 'name', 'path']).execute();
    const branch1Path = orgs.find((o) => o.id === orgIds['第一党支部'])?.path as string;
    const pathOfName = (name: string) => orgs.find((o) => o.name === name)?.path as string;

    const list = (await send(branchSecretary, 'GET', '/api/shares?hidden=all')).json() as ShareList;
    expect(list.items.length).toBeGreaterThan(0);
    // every row is seen in the branch secretary's subtree or written by one of its members
    for (const p of list.items) expect(pathOfName(p.audienceOrgName).startsWith(branch1Path) || pathOfName(p.orgName).startsWith(branch1Path)).toBe(true);

    const topics = (await send(branchSecretary, 'GET', '/api/share-topics')).json() as { items: ShareTopic[] };
    expect(topics.items.length).toBeGreaterThan(0);
    for (const t of topics.items) expect(pathOfName(t.orgName).startsWith(branch1Path)).toBe(true);

    const part = (await send(branchSecretary, 'GET', `/api/shares/participation?orgId=${orgIds['第一党支部']}&month=${month()}`)).json() as Participation;
    for (const r of [...part.shared, ...part.notShared]) expect(pathOfName(r.orgName).startsWith(branch1Path)).toBe(true);

    // a member's feed: only posts whose audience unit is on their own unit's path
    const memberPath = (await env.db.selectFrom('member as m').innerJoin('org as o', 'o.id', 'm.org_id').select('o.path').where('m.id', '=', mobileId).executeTakeFirstOrThrow()).path;
    const seen = [...(await feed(mobile, 'village')).items, ...(await feed(mobile)).items].map((p) => p.id);
    const rows = await env.db.selectFrom('share_post').select(['id', 'audience_path']).where('id', 'in', seen).execute();
    expect(rows.length).toBe(new Set(seen).size);
    for (const r of rows) expect(memberPath.startsWith(r.audience_path)).toBe(true);
  });
});

describe('whose files a post may carry', () => {
  it('a photo or recording another member uploaded, even one the member may read, is a 400 naming the field', async () => {
    const theirPhoto = await upload(neighbour, '邻居的照片.png', PNG);
    const theirVoice = await upload(neighbour, '邻居的语音.wav', silentWav());
    await share(neighbour, { photoFileIds: [theirPhoto], voiceFileId: theirVoice });
    // the member may read them (a post of their branch) ...
    expect((await send(mobile, 'GET', `/api/files/${theirPhoto}`)).statusCode).toBe(200);
    expect((await send(mobile, 'GET', `/api/files/${theirVoice}`)).statusCode).toBe(200);
    // ... but may not post them as their own
    const mine = await upload(mobile, '我的照片.png', PNG);
    const res = await send(mobile, 'POST', '/api/me/shares', { kind: 'work', body: '转发别人的照片', photoFileIds: [mine, theirPhoto], voiceFileId: theirVoice, audience: 'branch' });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues).toEqual([
      { field: 'photoFileIds.1', message: expect.stringContaining('不是你上传的') },
      { field: 'voiceFileId', message: expect.stringContaining('不是你录制上传的') },
    ]);
    expect(await env.db.selectFrom('share_post').select('id').where('body', '=', '转发别人的照片').execute()).toEqual([]);
  });
});

describe('a hidden or deleted post’s files', () => {
  it('a member of the branch gets 403 for the photo of a hidden post and of a deleted post; the author still reads a hidden one', async () => {
    const hiddenPhoto = await upload(mobile, '将被隐藏.png', PNG);
    const hiddenPost = await share(mobile, { body: '照片将被隐藏', photoFileIds: [hiddenPhoto] });
    expect((await send(neighbour, 'GET', `/api/files/${hiddenPhoto}`)).statusCode).toBe(200);
    expect((await send(branchSecretary, 'POST', `/api/shares/${hiddenPost.id}/hide`, { reason: '照片含有身份证号' })).statusCode).toBe(200);
    expect((await send(neighbour, 'GET', `/api/files/${hiddenPhoto}`)).statusCode).toBe(403);
    expect((await send(mobile, 'GET', `/api/files/${hiddenPhoto}`)).statusCode).toBe(200);

    const deletedPhoto = await upload(mobile, '将被删除.png', PNG);
    const deletedPost = await share(mobile, { body: '照片将被删除', photoFileIds: [deletedPhoto] });
    expect((await send(neighbour, 'GET', `/api/files/${deletedPhoto}`)).statusCode).toBe(200);
    expect((await send(mobile, 'DELETE', `/api/me/shares/${deletedPost.id}`)).statusCode).toBe(200);
    expect((await send(neighbour, 'GET', `/api/files/${deletedPhoto}`)).statusCode).toBe(403);
  });
});

/** The database, with `between` run when a transaction is about to start: a change made by someone else after the checks a use case might make before it. */
function changedBeforeTransaction(between: () => Promise<unknown>): Database {
  const db = env.db;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction') {
        return () => {
          const builder = target.transaction();
          return { execute: async <T>(fn: Parameters<typeof builder.execute<T>>[0]) => (await between(), builder.execute(fn)) };
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function refusal(run: Promise<unknown>): Promise<AppError> {
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

const newTopic = async (m: string, title: string): Promise<string> => {
  const res = await send(branchSecretary, 'POST', '/api/share-topics', { orgId: orgIds['第一党支部'], month: m, title, dueOn: `${m}-20` });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as ShareTopic).id;
};
const input = (topicId: string, body: string) => ({ kind: 'study' as const, topicId, body, photoFileIds: [], voiceFileId: null, audience: 'branch' as const });
const postsWith = (body: string) => env.db.selectFrom('share_post').select('id').where('body', '=', body).execute();

describe('a topic or post changed while the write is on its way', () => {
  let ctx: RequestContext;
  beforeAll(async () => {
    ctx = await contextFor(env, PHONES.mobileMember);
  });
  it('a topic hidden or closed after the member opened the form refuses the post naming topicId', async () => {
    const hiddenTopic = await newTopic(month(), '途中被隐藏的话题');
    const hide = () => env.db.updateTable('share_topic').set({ hidden_at: clock.now() }).where('id', '=', hiddenTopic).execute();
    const hidden = await refusal(createPost(changedBeforeTransaction(hide), ctx, input(hiddenTopic, '话题途中被隐藏')));
    expect(hidden.code).toBe('validation_failed');
    expect(hidden.issues).toEqual([{ field: 'topicId', message: expect.stringContaining('隐藏') }]);
    expect(await postsWith('话题途中被隐藏')).toEqual([]);

    const closedTopic = await newTopic(month(), '途中被结束的话题');
    const close = () => env.db.updateTable('share_topic').set({ closed_at: clock.now() }).where('id', '=', closedTopic).execute();
    const closed = await refusal(createPost(changedBeforeTransaction(close), ctx, input(closedTopic, '话题途中被结束')));
    expect(closed.code).toBe('conflict');
    expect(closed.issues).toEqual([{ field: 'topicId', message: expect.stringContaining('已结束') }]);
    expect(await postsWith('话题途中被结束')).toEqual([]);
    await env.db.updateTable('share_topic').set({ hidden_at: clock.now() }).where('id', 'in', [hiddenTopic, closedTopic]).execute();
  });

  it('a topic of another month is refused naming topicId, though neither closed nor hidden', async () => {
    const last = monthsBack(month(), 1);
    const lastTopic = await newTopic(last, '上个月的话题');
    const res = await send(mobile, 'POST', '/api/me/shares', { kind: 'study', body: '分享到上个月的话题', topicId: lastTopic, audience: 'branch' });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues).toEqual([{ field: 'topicId', message: expect.stringContaining(`本月（${month()}）`) }]);
    expect(await postsWith('分享到上个月的话题')).toEqual([]);
  });

  it('a post hidden after the member opened it takes no comment and no like', async () => {
    // a comrade's post: hidden, it is no longer theirs to see (404)
    const post = await share(neighbour, { body: '途中被隐藏的分享' });
    const hide = (id: string) => () => env.db.updateTable('share_post').set({ hidden_at: clock.now(), hidden_reason: '含有个人电话号码' }).where('id', '=', id).execute();
    const show = (id: string) => env.db.updateTable('share_post').set({ hidden_at: null, hidden_reason: null }).where('id', '=', id).execute();
    expect((await refusal(addComment(changedBeforeTransaction(hide(post.id)), ctx, post.id, { body: '来晚了' }))).code).toBe('not_found');
    await show(post.id);
    expect((await refusal(setLike(changedBeforeTransaction(hide(post.id)), ctx, post.id, true))).code).toBe('not_found');
    // the member's own post: they still see it hidden, with the reason, but may not comment or like (409)
    const own = await share(mobile, { body: '自己途中被隐藏的分享' });
    expect((await refusal(addComment(changedBeforeTransaction(hide(own.id)), ctx, own.id, { body: '来晚了' }))).code).toBe('conflict');
    await show(own.id);
    expect((await refusal(setLike(changedBeforeTransaction(hide(own.id)), ctx, own.id, true))).code).toBe('conflict');
    for (const id of [post.id, own.id]) {
      expect(await env.db.selectFrom('share_comment').select('id').where('post_id', '=', id).execute()).toEqual([]);
      expect(await env.db.selectFrom('share_like').select('member_id').where('post_id', '=', id).execute()).toEqual([]);
    }

    // deleted by its author in between: not found
    const gone = await share(neighbour, { body: '途中被删除的分享' });
    const remove = () => env.db.updateTable('share_post').set({ deleted_at: clock.now() }).where('id', '=', gone.id).execute();
    expect((await refusal(addComment(changedBeforeTransaction(remove), ctx, gone.id, { body: '来晚了' }))).code).toBe('not_found');
    expect(await env.db.selectFrom('share_comment').select('id').where('post_id', '=', gone.id).execute()).toEqual([]);
  });
});
