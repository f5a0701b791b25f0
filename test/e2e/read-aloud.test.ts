/**
 * Read-aloud that always answers, through the real server in Chromium on a phone in WeChat. The
 * secretary attaches a recorded audio (a WAV made here) to an article. On a phone without speech
 * voices (this Chromium has none; were it to have some, they are taken away) the reader says in one
 * sentence that the phone cannot read Chinese aloud and offers the recording, which plays and can
 * be saved on the phone; in 长辈模式 the recording comes first. On a phone with a Chinese voice (a
 * speech engine written here, which speaks only when told to), reading aloud goes paragraph by
 * paragraph with the paragraph highlighted, pauses, resumes where it stopped, changes speed, and
 * says so when the speech fails or is interrupted from outside; reading aloud and the recording stop
 * each other. Phones whose engine ends every utterance at once, or never starts one while reporting
 * it speaks, say that reading failed and offer the recording. In the console, the secretary hears the
 * recording on the article's form, is told plainly when the microphone is refused and that no speech
 * synthesis is configured, and replaces the recording by an upload; with a microphone (Chromium's
 * fake one) she records a new one (its size shown, the form not saved meanwhile), which is stored
 * as an 8 kHz WAV; closing the form mid-recording stops it and says so.
 */
import { chromium, request as playwrightRequest, type APIRequestContext, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, consoleLogin, openConsole, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { CHROMIUM_PATH, assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';
import { silentWav } from '../support/silent-wav.ts';
import { fakeChineseVoice, noVoices } from './support/speech.ts';

const SECRETARY_PHONE = '13800000000';
const MEMBER_PHONE = '13800000003';
const VILLAGE = '新桥村党总支';
const TITLE = '听得见的家乡新闻';
const FIRST = '第一段：村里修好了通往码头的路。';
const SECOND = '第二段：渔船上也能学习。';
const CANNOT = '这部手机不能朗读中文。';

interface SpeechState {
  spoken: { text: string; rate: number; lang: string }[];
  cancels: number;
}
const speechState = (page: Page): Promise<SpeechState> =>
  page.evaluate(() => {
    const s = (window as unknown as { lxSpeech: { state: SpeechState } }).lxSpeech.state;
    return { spoken: [...s.spoken], cancels: s.cancels };
  });
const finishUtterance = (page: Page) => page.evaluate(() => (window as unknown as { lxSpeech: { finish(): void } }).lxSpeech.finish());
const failUtterance = (page: Page) => page.evaluate(() => (window as unknown as { lxSpeech: { fail(): void } }).lxSpeech.fail());
const interruptUtterance = (page: Page) => page.evaluate(() => (window as unknown as { lxSpeech: { interrupt(): void } }).lxSpeech.interrupt());
const FAILED = '朗读中断了，这部手机没能读下去。';
const LISTEN_INSTEAD = '可以听下面的录音。';

describe('read-aloud always answers: it says when the phone cannot speak and offers the recording', () => {
  let server: RunningServer;
  let browser: Browser;
  let silent: { context: BrowserContext; page: Page };
  let speaking: { context: BrowserContext; page: Page };
  let desk: { context: BrowserContext; page: Page };
  let recordingBrowser: Browser | undefined;
  let recorder: { context: BrowserContext; page: Page } | undefined;
  let api: APIRequestContext;
  let articleId = '';
  let audioUrl = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
  });

  afterAll(async () => {
    await (api as APIRequestContext | undefined)?.dispose();
    await recordingBrowser?.close().catch(() => {});
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ silent: silent?.page, speaking: speaking?.page, console: desk?.page, recorder: recorder?.page }));

  async function openReader(page: Page): Promise<void> {
    await page.goto('/m/');
    await phoneLogin(page, MEMBER_PHONE, server.password);
    await page.getByLabel('手机号').waitFor({ state: 'detached' });
    await page.goto(`/m/read/-/${articleId}`);
    await page.getByText(FIRST).waitFor();
  }

  it('1. the secretary attaches a recorded audio to an article', async () => {
    api = await playwrightRequest.newContext({ baseURL: server.baseUrl });
    const login = await api.post('/api/auth/login', { data: { phone: SECRETARY_PHONE, password: server.password } });
    expect(login.status(), await login.text()).toBe(200);
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const orgs = (await (await api.get('/api/orgs')).json()) as { items: { id: string; name: string }[] };
    const villageId = orgs.items.find((o) => o.name === VILLAGE)?.id ?? '';
    expect(villageId, 'the demo village').toBeTruthy();

    const upload = await api.post('/api/files?purpose=study', {
      multipart: { file: { name: '家乡新闻.wav', mimeType: 'audio/wav', buffer: silentWav(8000 * 30) } },
      headers: { 'x-csrf-token': csrf },
    });
    expect(upload.status(), await upload.text()).toBe(200);
    const audio = (await upload.json()) as { id: string; url: string };
    const created = await api.post('/api/study-items', {
      data: { orgId: villageId, kind: 'article', title: TITLE, category: 'home_news', bodyHtml: `<p>${FIRST}</p><p>${SECOND}</p>`, minutes: 2, audioFileId: audio.id },
      headers: { 'x-csrf-token': csrf },
    });
    expect(created.status(), await created.text()).toBe(200);
    const item = (await created.json()) as { id: string; audio: { url: string } | null };
    articleId = item.id;
    audioUrl = item.audio?.url ?? '';
    expect(audioUrl).toBe(`/api/files/${audio.id}`);
  });

  it('2. on a phone without speech voices the reader says it cannot read aloud and offers the recording, which plays and is saved on the phone', async () => {
    silent = await openPhone(browser, server.baseUrl);
    const { context, page } = silent;
    // Voiceless whatever this machine's Chromium has (its voices may also arrive only later).
    await context.addInitScript(noVoices);
    await openReader(page);

    await page.getByText(CANNOT).waitFor();
    expect(await page.getByTestId('read-aloud-cannot').textContent()).toContain('可以听下面的录音');
    expect(await page.evaluate(() => speechSynthesis.getVoices().length)).toBe(0);
    // No read-aloud controls that would do nothing.
    expect(await page.getByRole('button', { name: '朗读', exact: true }).count()).toBe(0);

    const player = page.getByTestId('recorded-audio-player');
    expect(await player.getAttribute('src')).toBe(audioUrl);
    await page.getByRole('button', { name: '播放录音' }).tap();
    await expect.poll(() => player.evaluate((a: HTMLAudioElement) => a.ended || a.currentTime > 0 || !a.paused), { timeout: UI_TIMEOUT }).toBe(true);
    expect(await player.evaluate((a: HTMLAudioElement) => a.error)).toBeNull();

    await page.getByRole('button', { name: '保存到手机' }).tap();
    await page.getByText('已保存到手机，没有信号也能听').waitFor();
  });

  it('3. in 长辈模式 the recording comes first', async () => {
    const { page } = silent;
    await page.evaluate(() => localStorage.setItem('lx_member_elder', 'on'));
    await page.reload();
    await page.getByText(CANNOT).waitFor();
    const order = await page.getByTestId('read-aloud-section').evaluate((section) => [...section.children].map((c) => c.getAttribute('data-testid')));
    expect(order.indexOf('recorded-audio')).toBeLessThan(order.indexOf('read-aloud-cannot'));
    expect(order.indexOf('recorded-audio')).toBe(0);
  });

  it('4. on a phone with a Chinese voice it reads paragraph by paragraph, pauses, resumes, changes speed, and says when speech fails', async () => {
    speaking = await openPhone(browser, server.baseUrl);
    const { context, page } = speaking;
    await context.addInitScript(fakeChineseVoice);
    await openReader(page);
    expect(await page.getByText(CANNOT).count()).toBe(0);

    await page.getByRole('button', { name: '朗读', exact: true }).tap();
    await expect.poll(async () => (await speechState(page)).spoken.map((s) => s.text)).toEqual([TITLE]);
    expect((await speechState(page)).spoken[0]).toMatchObject({ lang: 'zh-CN', rate: 1 });
    await finishUtterance(page);
    await expect.poll(async () => (await speechState(page)).spoken.map((s) => s.text)).toEqual([TITLE, FIRST]);
    await expect.poll(() => page.locator('.reading-now').textContent()).toBe(FIRST);

    // Pause: the speech stops, nothing more is said.
    await page.getByRole('button', { name: '暂停', exact: true }).tap();
    await page.getByRole('button', { name: '继续朗读' }).waitFor();
    const paused = await speechState(page);
    expect(paused.cancels).toBeGreaterThan(0);
    expect(paused.spoken).toHaveLength(2);

    // Resume: the paragraph where it stopped is read again.
    await page.getByRole('button', { name: '继续朗读' }).tap();
    await expect.poll(async () => (await speechState(page)).spoken.map((s) => s.text)).toEqual([TITLE, FIRST, FIRST]);
    await page.getByRole('button', { name: '暂停', exact: true }).waitFor();

    // Faster: the paragraph starts again at the new speed, and the choice is shown.
    await page.getByRole('button', { name: '快 1.25×' }).tap();
    await expect.poll(async () => (await speechState(page)).spoken.at(-1)).toMatchObject({ text: FIRST, rate: 1.25 });
    expect(await page.getByRole('button', { name: '快 1.25×' }).getAttribute('aria-pressed')).toBe('true');
    await finishUtterance(page);
    await expect.poll(async () => (await speechState(page)).spoken.at(-1)).toMatchObject({ text: SECOND, rate: 1.25 });
    await expect.poll(() => page.locator('.reading-now').textContent()).toBe(SECOND);

    // The engine fails mid-way: the member is told, and can try again from that paragraph.
    await failUtterance(page);
    await page.getByText(FAILED).waitFor();
    await page.getByRole('button', { name: '再试一次' }).tap();
    await expect.poll(async () => (await speechState(page)).spoken.at(-1)).toMatchObject({ text: SECOND });
    await finishUtterance(page);
    // The end: back to the start, nothing highlighted.
    await page.getByRole('button', { name: '朗读', exact: true }).waitFor();
    expect(await page.locator('.reading-now').count()).toBe(0);

    // Interrupted from outside (a phone call): not left "speaking" in silence; 继续朗读 goes on.
    await page.getByRole('button', { name: '朗读', exact: true }).tap();
    await page.getByRole('button', { name: '暂停', exact: true }).waitFor();
    await interruptUtterance(page);
    await page.getByTestId('read-aloud-interrupted').waitFor();
    expect(await page.getByTestId('read-aloud-speech').getAttribute('data-state')).toBe('interrupted');
    const before = (await speechState(page)).spoken.length;
    await page.getByRole('button', { name: '继续朗读' }).tap();
    await expect.poll(async () => (await speechState(page)).spoken.length).toBe(before + 1);
    expect((await speechState(page)).spoken.at(-1)?.text).toBe(TITLE);
    await page.getByRole('button', { name: '暂停', exact: true }).waitFor();
    expect(await page.getByTestId('read-aloud-interrupted').count()).toBe(0);
  });

  it('4b. reading aloud and the recording never play at once: starting one stops the other', async () => {
    const { page } = speaking;
    const player = page.getByTestId('recorded-audio-player');
    // Reading aloud (from 4); the recording starts: the reading pauses.
    await page.getByRole('button', { name: '暂停', exact: true }).waitFor();
    const cancels = (await speechState(page)).cancels;
    await page.getByRole('button', { name: '播放录音' }).tap();
    await page.getByRole('button', { name: '继续朗读' }).waitFor();
    expect((await speechState(page)).cancels).toBeGreaterThan(cancels);
    await expect.poll(() => player.evaluate((a: HTMLAudioElement) => !a.paused), { timeout: UI_TIMEOUT }).toBe(true);
    // Reading aloud starts again: the recording pauses.
    await page.getByRole('button', { name: '继续朗读' }).tap();
    await page.getByRole('button', { name: '暂停', exact: true }).waitFor();
    await expect.poll(() => player.evaluate((a: HTMLAudioElement) => a.paused)).toBe(true);
    expect(await page.getByRole('button', { name: '播放录音' }).count()).toBe(1);
    await page.getByRole('button', { name: '停止' }).tap();
  });

  it('4c. a phone whose speech ends at once without starting says reading failed and offers the recording', async () => {
    const phone = await openPhone(browser, server.baseUrl);
    try {
      await phone.context.addInitScript(fakeChineseVoice, 'ends-at-once' as const);
      await openReader(phone.page);
      await phone.page.getByRole('button', { name: '朗读', exact: true }).tap();
      await phone.page.getByTestId('read-aloud-failed').waitFor();
      expect(await phone.page.getByTestId('read-aloud-failed').textContent()).toBe(`${FAILED} ${LISTEN_INSTEAD}`);
      expect(await phone.page.getByTestId('recorded-audio-play').count()).toBe(1);
      expect(await phone.page.getByRole('button', { name: '暂停', exact: true }).count()).toBe(0);
    } finally {
      await phone.context.close();
    }
  });

  it('4d. a phone that never starts speaking yet reports it is speaking says reading failed and offers the recording', async () => {
    const phone = await openPhone(browser, server.baseUrl);
    try {
      await phone.context.addInitScript(fakeChineseVoice, 'never-starts' as const);
      await phone.page.clock.install();
      await openReader(phone.page);
      await phone.page.getByRole('button', { name: '朗读', exact: true }).tap();
      await phone.page.getByRole('button', { name: '暂停', exact: true }).waitFor();
      expect(await phone.page.evaluate(() => speechSynthesis.speaking)).toBe(true);
      // The wait for the start (START_WAIT_MS) passes on the page's clock.
      await phone.page.clock.fastForward(10_000);
      await phone.page.getByTestId('read-aloud-failed').waitFor();
      expect(await phone.page.getByTestId('read-aloud-failed').textContent()).toBe(`${FAILED} ${LISTEN_INSTEAD}`);
      expect(await phone.page.getByTestId('recorded-audio-play').count()).toBe(1);
      expect(await phone.page.getByRole('button', { name: '暂停', exact: true }).count()).toBe(0);
    } finally {
      await phone.context.close();
    }
  });

  it('5. in the console the recording plays on the article’s form; a refused microphone and the missing speech synthesis are said plainly; an upload replaces it', async () => {
    desk = await openConsole(browser, server.baseUrl);
    const { context, page } = desk;
    // The secretary refuses the browser's request for the microphone.
    await context.addInitScript(() => {
      if (navigator.mediaDevices) {
        Object.defineProperty(navigator.mediaDevices, 'getUserMedia', { value: () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')), configurable: true });
      }
    });
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    await page.getByTestId('nav-study').click();
    await page.getByTestId(`study-row-${articleId}`).click();
    const drawer = page.getByRole('dialog').filter({ hasText: '编辑学习资料' });
    const player = drawer.getByTestId('article-audio-player');
    await player.waitFor();
    expect(await player.getAttribute('src')).toBe(audioUrl);

    await drawer.getByTestId('article-audio-record').click();
    await drawer.getByTestId('article-audio-error').waitFor();
    expect(await drawer.getByTestId('article-audio-error').textContent()).toBe('没有得到使用麦克风的许可：请在浏览器中允许使用麦克风后再录，或上传音频文件');

    await drawer.getByTestId('article-audio-remove').click();
    expect(await player.count()).toBe(0);
    await drawer.getByText('未配置语音合成：没有录音的文章，党员只能用手机自带的朗读').waitFor();

    await drawer.getByTestId('article-audio').locator('input[type=file]').setInputFiles({ name: '重录.wav', mimeType: 'audio/wav', buffer: silentWav(1600) });
    await player.waitFor();
    expect(await player.getAttribute('src')).not.toBe(audioUrl);
    await drawer.getByTestId('save-study-item').click();
    await drawer.waitFor({ state: 'hidden' });
    const item = await getJson<{ audio: { url: string; fileName: string } | null }>(page.request, `/api/study-items/${articleId}`);
    expect(item.audio?.fileName).toBe('重录.wav');
    expect(item.audio?.url).not.toBe(audioUrl);
  });

  it('6. with a microphone the secretary records in the browser, sees the time run, stops, and the recording is saved as a WAV', async () => {
    // A Chromium whose microphone is its fake device, allowed without asking.
    recordingBrowser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
    recorder = await openConsole(recordingBrowser, server.baseUrl);
    const { context, page } = recorder;
    await context.grantPermissions(['microphone']);
    await consoleLogin(page, SECRETARY_PHONE, server.password);
    await page.getByTestId('nav-study').click();
    await page.getByTestId(`study-row-${articleId}`).click();
    const drawer = page.getByRole('dialog').filter({ hasText: '编辑学习资料' });
    const player = drawer.getByTestId('article-audio-player');
    await player.waitFor();
    const before = await player.getAttribute('src');

    await drawer.getByTestId('article-audio-record').click();
    const running = drawer.getByTestId('article-audio-recording');
    await running.waitFor();
    expect(await running.textContent()).toContain('正在录音 0:0');
    await drawer.getByText('正在录音 0:01').waitFor();
    // The size is said (8 kHz, 16 bits: about 0.9 MB a minute), and the form is not saved mid-recording.
    expect(await drawer.getByTestId('article-audio-size').textContent()).toContain('每分钟约 937.5 KB');
    expect(await drawer.getByTestId('save-study-item').isDisabled()).toBe(true);
    await drawer.getByTestId('article-audio-stop').click();
    await expect.poll(() => player.getAttribute('src'), { timeout: UI_TIMEOUT }).not.toBe(before);
    expect(await drawer.getByTestId('article-audio-error').count()).toBe(0);
    await drawer.getByTestId('save-study-item').click();
    await drawer.waitFor({ state: 'hidden' });

    const item = await getJson<{ audio: { url: string; fileName: string; mimeType: string } | null }>(page.request, `/api/study-items/${articleId}`);
    expect(item.audio).toMatchObject({ fileName: '录音.wav', mimeType: 'audio/wav' });
    const wav = Buffer.from(await (await page.request.get(item.audio?.url ?? '')).body());
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.toString('latin1', 8, 12)).toBe('WAVE');
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.length).toBeGreaterThan(44);

    // Closing the form mid-recording stops the recording, says so, and keeps the stored one.
    await page.getByTestId(`study-row-${articleId}`).click();
    await drawer.getByTestId('article-audio-player').waitFor();
    await drawer.getByTestId('article-audio-record').click();
    await drawer.getByTestId('article-audio-recording').waitFor();
    await drawer.getByRole('button', { name: '取 消' }).or(drawer.getByRole('button', { name: '取消' })).click();
    await page.getByText('关闭时录音已停止，这段录音没有保存').waitFor();
    await drawer.waitFor({ state: 'hidden' });
    const after = await getJson<{ audio: { url: string } | null }>(page.request, `/api/study-items/${articleId}`);
    expect(after.audio?.url).toBe(item.audio?.url);
  });
});
