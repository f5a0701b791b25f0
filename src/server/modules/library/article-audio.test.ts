import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../../app.ts';
import { contextFor, login, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { createStudyItem } from './service.ts';
import { articleText, makeArticleSpeech, SPEECH_ATTEMPTS, SPEECH_CALL_CHARS, speechParts, type SpeechMaker } from './tts.ts';
import { silentWav } from '../../../../test/support/silent-wav.ts';

/**
 * An article's recorded audio: attached and removed through the item's write (only audio files
 * the caller may read), shown to the console and to members (audioUrl), readable by the members
 * who read the article, audited; and the speech synthesis job with a provider written here.
 */
let env: TestEnv;
let secretary: Session;
let branchSecretary: Session;
let member: Session;
const orgIds: Record<string, string> = {};

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

async function upload(session: Session, fileName: string, content: Buffer): Promise<{ id: string; url: string }> {
  const boundary = '----lianxin-audio-test';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/files?purpose=study',
    headers: { ...session.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const article = (orgId: string, extra: Record<string, unknown> = {}) => ({
  orgId,
  kind: 'article',
  title: '家乡新变化',
  category: 'home_news',
  bodyHtml: '<p>第一段。</p><p>第二段 &amp; 结尾。</p>',
  ...extra,
});
const post = (session: Session, payload: object) => env.app.inject({ method: 'POST', url: '/api/study-items', headers: session.headers, payload });
const patch = (session: Session, id: string, payload: object) => env.app.inject({ method: 'PATCH', url: `/api/study-items/${id}`, headers: session.headers, payload });
const auditOf = (id: string) =>
  env.db.selectFrom('audit_log').select(['action', 'before', 'after', 'actor_name']).where('tenant_id', '=', env.tenantId).where('entity_id', '=', id).orderBy('id').execute();

beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  member = await login(env.app, PHONES.mobileMember);
  for (const o of await env.db.selectFrom('org').select(['id', 'name']).execute()) orgIds[o.name] = o.id;
});
afterAll(async () => env?.close());

describe("an article's recorded audio", () => {
  it('is attached on create, shown to the console and to members, readable by members, removed by a patch; each audited', async () => {
    const wav = await upload(secretary, '朗读.wav', silentWav());
    // Not attached anywhere yet: a member may not read it.
    expect((await env.app.inject({ url: wav.url, headers: member.headers })).statusCode).toBe(403);
    const created = await post(secretary, article(orgIds['新桥村党总支'] as string, { audioFileId: wav.id }));
    expect(created.statusCode, created.body).toBe(200);
    const item = created.json();
    expect(item.audio).toMatchObject({ id: wav.id, mimeType: 'audio/wav', url: `/api/files/${wav.id}` });
    expect((await env.app.inject({ url: `/api/study-items/${item.id}`, headers: secretary.headers })).json().audio.id).toBe(wav.id);

    const read = await env.app.inject({ url: `/api/me/items/${item.id}`, headers: member.headers });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().audioUrl).toBe(`/api/files/${wav.id}`);
    const audio = await env.app.inject({ url: wav.url, headers: member.headers });
    expect(audio.statusCode).toBe(200);
    expect(audio.headers['content-type']).toContain('audio/wav');

    const cleared = await patch(secretary, item.id, { audioFileId: null });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json().audio).toBeNull();
    expect((await env.app.inject({ url: `/api/me/items/${item.id}`, headers: member.headers })).json().audioUrl).toBeNull();
    // No longer attached: the member's access to the file ends with it.
    expect((await env.app.inject({ url: wav.url, headers: member.headers })).statusCode).toBe(403);

    const audit = await auditOf(item.id);
    expect(audit.map((a) => a.action)).toEqual(['study_item.create', 'study_item.update']);
    expect(audit[0]?.after).toMatchObject({ audioFileId: wav.id });
    expect(audit[1]?.before).toMatchObject({ audioFileId: wav.id });
    expect(audit[1]?.after).toMatchObject({ audioFileId: null });
  });

  it('a patch that does not mention the audio keeps it', async () => {
    const wav = await upload(secretary, '朗读二.wav', silentWav());
    const item = (await post(secretary, article(orgIds['新桥村党总支'] as string, { audioFileId: wav.id }))).json();
    const renamed = await patch(secretary, item.id, { title: '新标题' });
    expect(renamed.json()).toMatchObject({ title: '新标题', audio: { id: wav.id } });
  });

  it('refuses a file the caller may not read (403 naming the field), and changes nothing', async () => {
    const others = await upload(secretary, '别人的录音.wav', silentWav());
    const own = (await post(branchSecretary, article(orgIds['第一党支部'] as string))).json();
    const res = await patch(branchSecretary, own.id, { audioFileId: others.id });
    expect(res.statusCode).toBe(403);
    expect(res.json().issues).toEqual([{ field: 'audioFileId', message: '无权使用此文件' }]);
    const create = await post(branchSecretary, article(orgIds['第一党支部'] as string, { audioFileId: others.id }));
    expect(create.statusCode).toBe(403);
    expect((await env.app.inject({ url: `/api/study-items/${own.id}`, headers: branchSecretary.headers })).json().audio).toBeNull();
  });

  it('refuses a file that is not audio, a missing file, and a recording on anything but an article (400 naming the field)', async () => {
    const png = await upload(secretary, '照片.png', PNG);
    const notAudio = await post(secretary, article(orgIds['新桥村党总支'] as string, { audioFileId: png.id }));
    expect(notAudio.statusCode).toBe(400);
    expect(notAudio.json().issues).toEqual([{ field: 'audioFileId', message: '所选录音不是音频文件（可用 mp3、m4a、aac、ogg、wav）' }]);
    const missing = await post(secretary, article(orgIds['新桥村党总支'] as string, { audioFileId: '0d6a3f43-8a5c-4f59-9c55-2f6b3b8a7e11' }));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().issues).toEqual([{ field: 'audioFileId', message: '录音文件不存在，请重新上传' }]);
    const wav = await upload(secretary, '朗读三.wav', silentWav());
    const onVideo = await post(secretary, { orgId: orgIds['新桥村党总支'], kind: 'video', title: '视频', category: 'policy', mediaUrl: 'https://v.example/1', audioFileId: wav.id });
    expect(onVideo.statusCode).toBe(400);
    expect(onVideo.json().issues).toEqual([{ field: 'audioFileId', message: '只有文章可以附加录音' }]);
    const english = await env.app.inject({
      method: 'POST',
      url: '/api/study-items',
      headers: { ...secretary.headers, 'accept-language': 'en-US' },
      payload: article(orgIds['新桥村党总支'] as string, { audioFileId: png.id }),
    });
    expect(english.json().issues).toEqual([{ field: 'audioFileId', message: 'The chosen recording is not an audio file (mp3, m4a, aac, ogg or wav)' }]);
    const malformed = await post(secretary, article(orgIds['新桥村党总支'] as string, { audioFileId: 'not-an-id' }));
    expect(malformed.statusCode).toBe(400);
    expect(JSON.stringify(malformed.json())).toContain('audioFileId');
  });
});

describe('speech synthesis', () => {
  it('is not configured by default', async () => {
    const res = await env.app.inject({ url: '/api/study-items/speech', headers: secretary.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ configured: false });
  });

  it('with a provider in the services, the console is told so and an article published without a recording is marked for the job', async () => {
    const maker: SpeechMaker = { make: async () => ({ bytes: silentWav(), mime: 'audio/wav' }) };
    const withSpeech = await buildApp({ services: { ...env.services, speech: maker }, serveWeb: false });
    try {
      const status = await withSpeech.inject({ url: '/api/study-items/speech', headers: secretary.headers });
      expect(status.json()).toEqual({ configured: true });
      const postThere = (payload: object) => withSpeech.inject({ method: 'POST', url: '/api/study-items', headers: secretary.headers, payload });
      const bare = (await postThere(article(orgIds['新桥村党总支'] as string, { title: '等待语音合成' }))).json();
      const wav = await upload(secretary, '已有录音.wav', silentWav());
      const recorded = (await postThere(article(orgIds['新桥村党总支'] as string, { title: '已有录音', audioFileId: wav.id }))).json();
      const video = (await postThere({ orgId: orgIds['新桥村党总支'], kind: 'video', title: '视频不朗读', category: 'policy', mediaUrl: 'https://v.example/2' })).json();
      const wanted = await env.db.selectFrom('study_item').select(['id', 'speech_wanted']).where('id', 'in', [bare.id, recorded.id, video.id]).execute();
      expect(Object.fromEntries(wanted.map((r) => [r.id, r.speech_wanted]))).toEqual({ [bare.id]: true, [recorded.id]: false, [video.id]: false });
    } finally {
      await withSpeech.close();
    }
  });

  it('reads the title and the paragraphs as plain text', () => {
    expect(articleText('标题', '<h2>小标题</h2><p>第一段 <b>加粗</b>。</p><ul><li>一</li><li>二 &amp; 三</li></ul><script>x()</script>')).toBe('标题\n小标题\n第一段 加粗。\n一\n二 & 三');
  });

  it('the job makes the audio of an article published without one, stores it as a file members of the article may read, audited once', async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    const heard: string[] = [];
    const maker: SpeechMaker = {
      make: async (text, lang) => {
        heard.push(`${lang}:${text}`);
        return { bytes: silentWav(), mime: 'audio/wav' };
      },
    };
    const wanted = await createStudyItem(env.db, village, { ...article(orgIds['新桥村党总支'] as string), tags: [], minutes: 3 } as never, { speech: true });
    const notWanted = await createStudyItem(env.db, village, { ...article(orgIds['新桥村党总支'] as string), title: '没有配置时发布', tags: [], minutes: 3 } as never);
    expect(await makeArticleSpeech(env.db, env.services.storage, maker)).toBeGreaterThanOrEqual(1);
    expect(heard).toContain('zh-CN:家乡新变化\n第一段。\n第二段 & 结尾。');
    const after = (await env.app.inject({ url: `/api/study-items/${wanted.id}`, headers: secretary.headers })).json();
    expect(after.audio).toMatchObject({ mimeType: 'audio/wav' });
    expect((await env.app.inject({ url: `/api/study-items/${notWanted.id}`, headers: secretary.headers })).json().audio).toBeNull();
    const read = (await env.app.inject({ url: `/api/me/items/${wanted.id}`, headers: member.headers })).json();
    expect(read.audioUrl).toBe(after.audio.url);
    expect((await env.app.inject({ url: read.audioUrl, headers: member.headers })).statusCode).toBe(200);
    // A second run finds nothing to do.
    const before = heard.length;
    await makeArticleSpeech(env.db, env.services.storage, maker);
    expect(heard.length).toBe(before);
    const audit = await auditOf(wanted.id);
    expect(audit.filter((a) => a.action === 'study_item.speech')).toEqual([expect.objectContaining({ actor_name: 'system', after: expect.objectContaining({ audioFileId: after.audio.id }) })]);
  });

  it('a failing provider is tried a few times and then left; a secretary who removes the audio is not overruled', async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    let calls = 0;
    const failing: SpeechMaker = {
      make: async () => {
        calls += 1;
        throw new Error('provider down: 家乡新变化');
      },
    };
    // Articles other tests left marked for the job are not this test's.
    await env.db.updateTable('study_item').set({ speech_wanted: false }).where('speech_wanted', '=', true).execute();
    const item = await createStudyItem(env.db, village, { ...article(orgIds['新桥村党总支'] as string), title: '总是失败', tags: [], minutes: 3 } as never, { speech: true });
    expect((await env.app.inject({ url: `/api/study-items/${item.id}`, headers: secretary.headers })).json().speech).toBe('making');
    const logged: object[] = [];
    const log = { error: (obj: object) => void logged.push(obj) };
    for (let i = 0; i < SPEECH_ATTEMPTS + 2; i += 1) await makeArticleSpeech(env.db, env.services.storage, failing, log);
    const row = await env.db.selectFrom('study_item').select(['speech_attempts', 'audio_file_id']).where('id', '=', item.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ speech_attempts: SPEECH_ATTEMPTS, audio_file_id: null });
    expect(calls).toBe(SPEECH_ATTEMPTS);
    // Each failure is logged, the last one said to be the last, with no text of the article.
    expect(logged).toHaveLength(SPEECH_ATTEMPTS);
    expect(logged.at(-1)).toMatchObject({ itemId: item.id, attempt: SPEECH_ATTEMPTS, lastAttempt: true, error: 'Error' });
    expect(JSON.stringify(logged)).not.toMatch(/家乡|第一段|总是失败/);
    // The console is told: record or upload one.
    expect((await env.app.inject({ url: `/api/study-items/${item.id}`, headers: secretary.headers })).json().speech).toBe('failed');

    // An answer that is no audio is a failed attempt too; nothing is stored.
    const filesBefore = (await env.db.selectFrom('stored_file').select('id').execute()).length;
    const odd = await createStudyItem(env.db, village, { ...article(orgIds['新桥村党总支'] as string), title: '答非所问', tags: [], minutes: 3 } as never, { speech: true });
    await makeArticleSpeech(env.db, env.services.storage, { make: async () => ({ bytes: Buffer.from('<html></html>'), mime: 'text/html' }) });
    expect(await env.db.selectFrom('study_item').select(['speech_attempts', 'audio_file_id']).where('id', '=', odd.id).executeTakeFirstOrThrow()).toEqual({ speech_attempts: 1, audio_file_id: null });
    expect((await env.db.selectFrom('stored_file').select('id').execute()).length).toBe(filesBefore);
    await env.db.updateTable('study_item').set({ speech_wanted: false }).where('id', '=', odd.id).execute();

    const chosen = await createStudyItem(env.db, village, { ...article(orgIds['新桥村党总支'] as string), title: '秘书不要录音', tags: [], minutes: 3 } as never, { speech: true });
    expect((await patch(secretary, chosen.id, { audioFileId: null })).statusCode).toBe(200);
    let asked = 0;
    await makeArticleSpeech(env.db, env.services.storage, {
      make: async () => {
        asked += 1;
        return { bytes: silentWav(), mime: 'audio/wav' };
      },
    });
    expect(asked).toBe(0);
    expect((await env.app.inject({ url: `/api/study-items/${chosen.id}`, headers: secretary.headers })).json().audio).toBeNull();
  });

  it("an edit of the title or body drops the audio the job made and marks the article again; a secretary's recording stays", async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    await env.db.updateTable('study_item').set({ speech_wanted: false }).where('speech_wanted', '=', true).execute();
    const heard: string[] = [];
    const maker: SpeechMaker = {
      make: async (text) => {
        heard.push(text);
        return { bytes: silentWav(), mime: 'audio/wav' };
      },
    };
    const withSpeech = await buildApp({ services: { ...env.services, speech: maker }, serveWeb: false });
    onTestFinished(() => withSpeech.close());
    const patchThere = (id: string, payload: object) => withSpeech.inject({ method: 'PATCH', url: `/api/study-items/${id}`, headers: secretary.headers, payload });
    const made = await createStudyItem(env.db, village, { ...article(orgIds['新桥村党总支'] as string), title: '会改的文章', tags: [], minutes: 3 } as never, { speech: true });
    await makeArticleSpeech(env.db, env.services.storage, maker);
    const first = (await env.app.inject({ url: `/api/study-items/${made.id}`, headers: secretary.headers })).json();
    expect(first.audio).not.toBeNull();
    // Without a provider to make it again, an edit keeps the made audio.
    expect((await patch(secretary, made.id, { title: '没有语音合成时改' })).json().audio?.id).toBe(first.audio.id);
    // Only the summary changes: the audio stays.
    expect((await patchThere(made.id, { summary: '新的摘要' })).json().audio?.id).toBe(first.audio.id);
    const edited = (await patchThere(made.id, { title: '改过的文章' })).json();
    expect(edited.audio).toBeNull();
    expect(edited.speech).toBe('making');
    await makeArticleSpeech(env.db, env.services.storage, maker);
    expect(heard.at(-1)).toContain('改过的文章');
    const remade = (await env.app.inject({ url: `/api/study-items/${made.id}`, headers: secretary.headers })).json();
    expect(remade.audio).not.toBeNull();
    expect(remade.audio.id).not.toBe(first.audio.id);
    const bodyEdited = (await patchThere(made.id, { bodyHtml: '<p>全新的正文。</p>' })).json();
    expect(bodyEdited.audio).toBeNull();
    expect(bodyEdited.speech).toBe('making');

    const wav = await upload(secretary, '秘书录音.wav', silentWav());
    const recorded = (await env.app.inject({ method: 'POST', url: '/api/study-items', headers: secretary.headers, payload: article(orgIds['新桥村党总支'] as string, { title: '秘书录的', audioFileId: wav.id }) })).json();
    const after = (await patchThere(recorded.id, { title: '秘书录的（改）', bodyHtml: '<p>改了正文。</p>' })).json();
    expect(after.audio?.id).toBe(wav.id);
    expect(after.speech).toBeNull();
    expect((await env.db.selectFrom('study_item').select('speech_wanted').where('id', '=', recorded.id).executeTakeFirstOrThrow()).speech_wanted).toBe(false);
    // Each edit audited as usual.
    expect((await auditOf(made.id)).filter((a) => a.action === 'study_item.update').length).toBeGreaterThanOrEqual(3);
  });

  it('a long article is asked for in parts cut at sentence ends; WAV parts are joined, other audio covers only the beginning and says so', async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    await env.db.updateTable('study_item').set({ speech_wanted: false }).where('speech_wanted', '=', true).execute();
    const sentence = '村里修好了通往码头的路，渔船上也能学习。';
    const body = `<p>${sentence.repeat(Math.ceil((SPEECH_CALL_CHARS * 2.5) / sentence.length))}</p>`;
    const parts = speechParts(articleText('长文章', body));
    expect(parts.length).toBe(3);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(SPEECH_CALL_CHARS);
      expect(part.endsWith('。') || part === parts.at(-1)).toBe(true);
    }
    const asked: string[] = [];
    const wavMaker: SpeechMaker = {
      make: async (text) => {
        asked.push(text);
        return { bytes: silentWav(100 * asked.length), mime: 'audio/wav' };
      },
    };
    const long = await createStudyItem(env.db, village, { ...article(orgIds['新桥村党总支'] as string), title: '长文章', bodyHtml: body, tags: [], minutes: 3 } as never, { speech: true });
    await makeArticleSpeech(env.db, env.services.storage, wavMaker);
    expect(asked).toEqual(parts);
    const item = (await env.app.inject({ url: `/api/study-items/${long.id}`, headers: secretary.headers })).json();
    expect(item.speech).toBeNull();
    const joined = (await env.app.inject({ url: item.audio.url, headers: secretary.headers })).rawPayload;
    expect(joined.toString('latin1', 0, 4)).toBe('RIFF');
    // The samples of the three parts (100, 200 and 300 bytes), after one header.
    expect(joined.readUInt32LE(40)).toBe(600);
    expect(joined.length).toBe(44 + 600);

    let oggCalls = 0;
    const oggMaker: SpeechMaker = {
      make: async () => {
        oggCalls += 1;
        return { bytes: Buffer.from('OggS-not-joinable'), mime: 'audio/ogg' };
      },
    };
    const longOgg = await createStudyItem(env.db, village, { ...article(orgIds['新桥村党总支'] as string), title: '长文章', bodyHtml: body, tags: [], minutes: 3 } as never, { speech: true });
    await makeArticleSpeech(env.db, env.services.storage, oggMaker);
    expect(oggCalls).toBe(1);
    const partial = (await env.app.inject({ url: `/api/study-items/${longOgg.id}`, headers: secretary.headers })).json();
    expect(partial.audio).toMatchObject({ mimeType: 'audio/ogg' });
    expect(partial.speech).toBe('partial');
  });
});
