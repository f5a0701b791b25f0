/**
 * 每月一互动 through the real server in Chromium on phones in WeChat: the demo's mobile member
 * (13800000003, 第一党支部) opens 互动 from the tab bar and writes a post with a photo (a large PNG,
 * shrunk on the phone to a JPEG before the upload) and a text; a wrong file is refused with words, a
 * refused microphone is said plainly, and the draft survives a reload. The mentor of the same branch
 * (13800000002) sees the post, likes it and comments; the author sees the like and the comment. A
 * member of another branch (第三党支部) sees the post neither in the branch's nor the village's feed. A
 * post written without signal waits on the phone and goes out exactly once when the signal returns.
 * The secretary's console lists who has not shared this month: someone, and not the author. With a
 * microphone (Chromium's fake device) the member records a voice message, hears it back and posts it.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/a11y.ts';
import { UI_TIMEOUT, consoleLogin, openConsole, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { CHROMIUM_PATH, assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';
import { redPng } from './support/png.ts';

const AUTHOR_PHONE = '13800000003';
/** the mentor: same branch (第一党支部) as the author */
const BRANCH_MATE_PHONE = '13800000002';
/** The demo's sixth member (src/server/demo/seed.ts: phone 139 + 52000000 + 5 × 7919), in 第三党支部. */
const OTHER_BRANCH_PHONE = '13952039595';
const SECRETARY_PHONE = '13800000000';
const POST_TEXT = '在工地上学习了新修订的条例，和工友们一起讨论，收获很大。';
const OFFLINE_TEXT = '隧道里没有信号时写的分享：今天的安全课讲得很实在。';
const COMMENT_TEXT = '说得好，回村后给大家讲讲！';
const SAVED = '已保存，有信号时自动发送';
const VOICE_TEXT = '录了一段话，说说这个月在厂里的学习。';


interface Post {
  id: string;
  body: string;
  author: { memberId: string; name: string };
  photos: { fileId: string; url: string }[];
  likeCount: number;
  likedByMe: boolean;
  commentCount: number;
  comments?: { body: string }[];
}
interface Feed {
  items: Post[];
  nextCursor: string | null;
}

/** Every post the phone's account sees in a scope's feed, all pages. */
async function feedOf(page: Page, scope: 'branch' | 'village'): Promise<Post[]> {
  const all: Post[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/api/me/shares?scope=${scope}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page1: Feed = await getJson<Feed>(page.request, url);
    all.push(...page1.items);
    cursor = page1.nextCursor;
  } while (cursor);
  return all;
}

describe('a mobile member shares a photo and a text; the branch likes and comments; the secretary sees who has not shared', () => {
  let server: RunningServer;
  let browser: Browser;
  let authorContext: BrowserContext;
  let author: Page;
  let mate: Page;
  let other: Page;
  let desk: Page;
  let recordingBrowser: Browser | undefined;
  let postId = '';
  let authorMemberId = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    ({ context: authorContext, page: author } = await openPhone(browser, server.baseUrl));
    // The author refuses the browser's request for the microphone.
    await authorContext.addInitScript(() => {
      if (navigator.mediaDevices) {
        Object.defineProperty(navigator.mediaDevices, 'getUserMedia', { value: () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')), configurable: true });
      }
    });
    mate = (await openPhone(browser, server.baseUrl)).page;
    other = (await openPhone(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await recordingBrowser?.close().catch(() => {});
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ author, mate, other, desk }));

  it('1. 互动 is a tab of its own; the feed says plainly when nothing is there yet or shows the posts', async () => {
    await author.goto('/m/');
    await phoneLogin(author, AUTHOR_PHONE, server.password);
    await author.getByTestId('tab-shares').waitFor();
    authorMemberId = (await getJson<{ memberId: string | null }>(author.request, '/api/auth/me')).memberId ?? '';
    expect(authorMemberId).toBeTruthy();
    await author.getByTestId('tab-shares').tap();
    await author.getByRole('heading', { level: 1, name: '互动' }).waitFor();
    expect(await author.getByTestId('tab-shares').getAttribute('aria-current')).toBe('page');
    await author.waitForFunction(() => document.querySelector('.spinner') === null);
    expect((await author.getByTestId('share-feed').count()) + (await author.getByTestId('shares-empty').count())).toBe(1);
    // the way to 有问必答
    expect(await author.getByTestId('share-questions').getAttribute('href')).toBe('/m/questions');
    await expectAccessible(author, '互动');
  });

  it('2. writing a post: a wrong file and a refused microphone are said plainly; the draft with its photo survives a reload', async () => {
    await author.getByTestId('share-new').tap();
    await author.getByRole('heading', { level: 1, name: '写分享' }).waitFor();
    await author.getByTestId('share-kind-work').check();
    await author.getByTestId('share-body').fill(POST_TEXT);
    await author.getByTestId('share-photo-input').setInputFiles([
      { name: '工地.png', mimeType: 'image/png', buffer: redPng(2400, 1800) },
      { name: '说明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') },
    ]);
    expect(await author.getByTestId('share-photo-note').textContent()).toContain('“说明.pdf”不是能用的照片');
    await author.getByTestId('share-photo-done').waitFor();
    expect(await author.getByTestId('share-photo-pending').count()).toBe(0);

    // nine photos at most: the extra ones are refused with a clear line, and the buttons stop taking more
    await author.getByTestId('share-photo-input').setInputFiles(Array.from({ length: 10 }, (_, i) => ({ name: `小图${i + 1}.png`, mimeType: 'image/png', buffer: redPng(8, 8) })));
    expect(await author.getByTestId('share-photo-note').textContent()).toBe('最多只能放 9 张照片，多出的 2 张没有加上');
    await expect.poll(() => author.getByTestId('share-photo-done').count(), { timeout: UI_TIMEOUT }).toBe(9);
    expect(await author.getByRole('button', { name: '从相册选' }).isDisabled()).toBe(true);
    for (let n = 9; n >= 2; n--) await author.getByRole('button', { name: `删除照片 ${n}`, exact: true }).tap();
    await expect.poll(() => author.getByTestId('share-photo-done').count(), { timeout: UI_TIMEOUT }).toBe(1);

    await author.getByTestId('share-voice-start').tap();
    expect(await author.getByTestId('share-voice-note').textContent()).toContain('没有麦克风权限');
    await expectAccessible(author, '写分享 with a photo and the microphone refused');

    // The phone keeps the draft at every change: a reload (or a lost signal) loses nothing.
    await author.reload();
    await author.getByTestId('share-draft-restored').waitFor();
    expect(await author.getByTestId('share-body').inputValue()).toBe(POST_TEXT);
    expect(await author.getByTestId('share-kind-work').isChecked()).toBe(true);
    expect(await author.getByTestId('share-photo-done').count()).toBe(1);
  });

  it('3. posting: the photo went up shrunk to a JPEG of at most 1600 px, the text as written', async () => {
    await author.getByTestId('share-send').tap();
    const sent = author.getByTestId('share-sent');
    await sent.waitFor();
    postId = (await sent.getAttribute('data-share-id')) ?? '';
    expect(postId).toBeTruthy();
    const post = await getJson<Post>(author.request, `/api/me/shares/${postId}`);
    expect(post.body).toBe(POST_TEXT);
    expect(post.photos).toHaveLength(1);
    const photo = await author.request.get(post.photos[0]?.url ?? '');
    expect(photo.status()).toBe(200);
    expect(photo.headers()['content-type']).toBe('image/jpeg');
    const size = await author.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      return { width: img.naturalWidth, height: img.naturalHeight };
    }, post.photos[0]?.url ?? '');
    expect(size).toEqual({ width: 1600, height: 1200 });
    // the draft is gone once posted
    await author.goto('/m/share-new');
    await author.getByTestId('share-body').waitFor();
    expect(await author.getByTestId('share-draft-restored').count()).toBe(0);
    expect(await author.getByTestId('share-body').inputValue()).toBe('');
  });

  it('4. a member of the same branch sees the post, likes it and comments', async () => {
    await mate.goto('/m/shares');
    await phoneLogin(mate, BRANCH_MATE_PHONE, server.password);
    const card = mate.getByTestId(`share-post-${postId}`);
    await card.waitFor();
    expect(await card.textContent()).toContain(POST_TEXT);
    expect(await card.getByTestId('share-photo').count()).toBe(1);
    // a thumbnail opens the photo large
    await card.getByTestId('share-photo').tap();
    await mate.getByTestId('share-viewer').waitFor();
    await mate.getByRole('button', { name: '关闭大图' }).tap();
    await mate.getByTestId('share-viewer').waitFor({ state: 'detached' });

    const like = mate.getByTestId(`share-like-${postId}`);
    await like.tap();
    await expect.poll(() => like.getAttribute('aria-pressed'), { timeout: UI_TIMEOUT }).toBe('true');
    await expect.poll(async () => (await getJson<Post>(mate.request, `/api/me/shares/${postId}`)).likeCount, { timeout: UI_TIMEOUT }).toBe(1);
    expect(await like.getAttribute('data-count')).toBe('1');
    // taken back, and given again
    await like.tap();
    await expect.poll(() => like.getAttribute('aria-pressed'), { timeout: UI_TIMEOUT }).toBe('false');
    await expect.poll(async () => (await getJson<Post>(mate.request, `/api/me/shares/${postId}`)).likeCount, { timeout: UI_TIMEOUT }).toBe(0);
    await like.tap();
    await expect.poll(async () => (await getJson<Post>(mate.request, `/api/me/shares/${postId}`)).likedByMe, { timeout: UI_TIMEOUT }).toBe(true);
    expect(await like.getAttribute('data-count')).toBe('1');

    await mate.getByTestId(`share-open-${postId}`).tap();
    await mate.getByRole('heading', { level: 1, name: '分享详情' }).waitFor();
    await mate.getByTestId('share-comment-body').fill(COMMENT_TEXT);
    await mate.getByTestId('share-comment-send').tap();
    await mate.getByTestId('share-comments').getByText(COMMENT_TEXT).waitFor();
    expect(await mate.getByTestId('share-delete').count()).toBe(0);
    await expectAccessible(mate, '分享详情 with a comment');
  });

  it('5. the author sees the like and the comment', async () => {
    await author.goto(`/m/shares/${postId}`);
    const like = author.getByTestId(`share-like-${postId}`);
    await like.waitFor();
    expect(await like.getAttribute('data-count')).toBe('1');
    expect(await like.getAttribute('aria-pressed')).toBe('false');
    await author.getByTestId('share-comments').getByText(COMMENT_TEXT).waitFor();
    const post = await getJson<Post>(author.request, `/api/me/shares/${postId}`);
    expect(post.likeCount).toBe(1);
    expect(post.comments?.map((c) => c.body)).toEqual([COMMENT_TEXT]);
    // one's own post can be deleted (asked first; not done here)
    await author.getByTestId('share-delete').waitFor();
  });

  it('6. a member of another branch sees the branch post neither in the branch nor in the village feed', async () => {
    await other.goto('/m/shares');
    await phoneLogin(other, OTHER_BRANCH_PHONE, server.password);
    await other.getByRole('heading', { level: 1, name: '互动' }).waitFor();
    await other.waitForFunction(() => document.querySelector('.spinner') === null);
    expect(await other.getByTestId(`share-post-${postId}`).count()).toBe(0);
    await other.getByTestId('share-scope-village').check();
    await other.waitForFunction(() => document.querySelector('.spinner') === null);
    expect(await other.getByTestId(`share-post-${postId}`).count()).toBe(0);
    expect((await feedOf(other, 'branch')).some((p) => p.id === postId)).toBe(false);
    expect((await feedOf(other, 'village')).some((p) => p.id === postId)).toBe(false);
    const direct = await other.request.get(`/api/me/shares/${postId}`);
    expect([403, 404]).toContain(direct.status());
  });

  it('6b. without signal 互动 opens with the posts last seen, and says so', async () => {
    await author.goto('/m/shares');
    await author.getByTestId(`share-post-${postId}`).waitFor();
    await author.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // the feed's first page is kept on the phone (kept-forms.ts), a moment after it was shown
    await expect.poll(() => author.evaluate((id) => (localStorage.getItem('lx_member_cache') ?? '').includes(id), postId), { timeout: UI_TIMEOUT }).toBe(true);
    await authorContext.setOffline(true);
    await author.reload();
    await author.getByTestId(`share-post-${postId}`).waitFor();
    await author.getByText('网络不通，下面是刚才看到的分享').waitFor();
    await authorContext.setOffline(false);
  });

  it('7. a post written without signal waits on the phone and goes out exactly once when the signal returns', async () => {
    await author.goto('/m/share-new');
    await author.getByTestId('share-body').waitFor();
    await authorContext.setOffline(true);
    await author.getByTestId('share-body').fill(OFFLINE_TEXT);
    await author.getByTestId('share-audience-village').check();
    await author.getByTestId('share-send').tap();
    const queued = author.getByTestId('share-queued');
    await queued.waitFor();
    expect(await queued.textContent()).toContain(SAVED);
    await authorContext.setOffline(false);
    await expect
      .poll(async () => (await feedOf(author, 'village')).filter((p) => p.body === OFFLINE_TEXT).length, { timeout: UI_TIMEOUT })
      .toBe(1);
    // sent once: the queue holds it as sent, and the feed has it once
    const queueEntry = () =>
      author.evaluate((text) => {
        const account = localStorage.getItem('lx_member_account');
        const kept = JSON.parse((account && localStorage.getItem('lx_outbox:' + account)) || '[]') as { kind: string; state: string; vars: { body?: string } }[];
        return kept.filter((e) => e.kind === 'share-post' && e.vars.body === text).map((e) => e.state);
      }, OFFLINE_TEXT);
    await expect.poll(queueEntry, { timeout: UI_TIMEOUT }).toEqual(['sent']);
    expect((await feedOf(author, 'village')).filter((p) => p.body === OFFLINE_TEXT)).toHaveLength(1);
  });

  it('8. the secretary sees who has not shared this month: someone is listed, the author is not', async () => {
    desk = (await openConsole(browser, server.baseUrl)).page;
    await consoleLogin(desk, SECRETARY_PHONE, server.password);
    // 分享情况 of the widest unit the secretary sees (the village), this month
    await desk.goto('/shares?tab=participation');
    const notShared = desk.getByTestId('shares-not-shared');
    await notShared.waitFor();
    await expect.poll(() => notShared.locator('[data-testid^="shares-member-"]').count(), { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    expect(await notShared.getByTestId(`shares-member-${authorMemberId}`).count()).toBe(0);
    await desk.getByTestId('shares-shared').getByTestId(`shares-member-${authorMemberId}`).waitFor();
  });

  it('8b. the secretary hides the post with a reason: the author sees why, the branch no longer sees it', async () => {
    const { csrfToken } = await getJson<{ csrfToken: string }>(desk.request, '/api/auth/me');
    const hidden = await desk.request.post(`/api/shares/${postId}/hide`, { headers: { 'x-csrf-token': csrfToken }, data: { reason: '照片里有工友的正脸，请换一张' } });
    expect(hidden.status(), await hidden.text()).toBe(200);
    await author.goto(`/m/shares/${postId}`);
    const reason = author.getByTestId('share-hidden-reason');
    await reason.waitFor();
    expect(await reason.textContent()).toBe('这条分享已被书记隐藏，别人看不到。原因：照片里有工友的正脸，请换一张');
    expect((await feedOf(mate, 'branch')).some((p) => p.id === postId)).toBe(false);
  });

  it('9. with a microphone the member records a voice message, hears it back, and posts it with the text', async () => {
    // A Chromium whose microphone is its fake device, allowed without asking.
    recordingBrowser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
    const { context, page } = await openPhone(recordingBrowser, server.baseUrl);
    await context.grantPermissions(['microphone']);
    await page.goto('/m/share-new');
    await phoneLogin(page, AUTHOR_PHONE, server.password);
    await page.getByTestId('share-body').fill(VOICE_TEXT);
    await page.getByTestId('share-voice-start').tap();
    await page.getByTestId('share-voice-recording').getByText('正在录音 1 秒').waitFor();
    await page.getByTestId('share-voice-stop').tap();
    // heard back on the phone while it uploads; done when it can be removed
    await page.getByTestId('share-voice-remove').waitFor();
    expect(await page.locator('.share-voice audio').count()).toBe(1);
    expect(await page.getByTestId('share-voice-note').count()).toBe(0);
    await page.getByTestId('share-send').tap();
    const sent = page.getByTestId('share-sent');
    await sent.waitFor();
    const post = await getJson<Post & { voice: { url: string } | null }>(page.request, `/api/me/shares/${(await sent.getAttribute('data-share-id')) ?? ''}`);
    expect(post.body).toBe(VOICE_TEXT);
    expect(post.voice).not.toBeNull();
    const voice = await page.request.get(post.voice?.url ?? '');
    expect(voice.status()).toBe(200);
    expect(voice.headers()['content-type']).toMatch(/^(audio\/|video\/webm)/);
    expect((await voice.body()).length).toBeGreaterThan(100);
  });

  it('10. the author deletes their own post (asked first): back on 互动, the post is gone for everyone', async () => {
    const offlinePost = (await feedOf(author, 'village')).find((p) => p.body === OFFLINE_TEXT);
    expect(offlinePost).toBeDefined();
    const id = offlinePost?.id ?? '';
    await author.goto(`/m/shares/${id}`);
    await author.getByTestId('share-delete').tap();
    await author.getByTestId('share-delete-yes').tap();
    await author.getByRole('heading', { level: 1, name: '互动' }).waitFor();
    expect(new URL(author.url()).pathname).toBe('/m/shares');
    expect((await author.request.get(`/api/me/shares/${id}`)).status()).toBe(404);
    expect((await feedOf(mate, 'village')).some((p) => p.id === id)).toBe(false);
  });
});
