/**
 * Every screen of the member app passes axe-core's WCAG 2 A/AA rules and best practices, and every
 * control on it is at least 44×44 CSS px (support/a11y.ts), on a phone in WeChat, in Chinese: the
 * screens signed out (login, SMS login, an invitation and a bad invitation link), the screens of a
 * mobile member (13800000003), a mentor's screens (13800000002), the member's screens again in
 * 长辈模式 (with WCAG AAA contrast, and on a phone 320 px wide), writes waiting without signal, and
 * read-aloud on a phone with a Chinese voice. Each screen is its own test, so one run lists every
 * screen's problems.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/a11y.ts';
import { openPhone, phoneLogin, startServerAndBrowser, UI_TIMEOUT } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, screenshotPages, type RunningServer } from './support/server.ts';
import { silentWav } from '../support/silent-wav.ts';
import { fakeChineseVoice } from './support/speech.ts';

const SECRETARY_PHONE = '13800000000';
const MENTOR_PHONE = '13800000002';
const MEMBER_PHONE = '13800000003';
const ADMIN_PHONE = '13800000009';
const INVITEE_PHONE = '13912340012';
/** 长辈模式 chosen on this phone (src/web/member/elder.ts). */
const ELDER_KEY = 'lx_member_elder';

/** Opens a screen inside the running app (as a tap would), which works without signal too. */
async function goInApp(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
  await page.locator('h1').first().waitFor();
}

interface Ids {
  itemPath: string;
  /** an article with a recorded audio, read outside a push */
  audioItemPath: string;
  /** an article the secretary withdrew */
  withdrawnItemPath: string;
  sessionId: string;
  checkinSessionId: string;
  makeupSessionId: string;
  cardId: string;
  menteeId: string;
  invitePath: string;
  /** a post of the member's (互动) */
  shareId: string;
}

/** Signs in through the API on a fresh context; answers it with the CSRF token its writes need. */
async function apiAs(browser: Browser, server: RunningServer, phone: string): Promise<{ context: BrowserContext; csrf: string }> {
  const context = await browser.newContext({ baseURL: server.baseUrl });
  const res = await context.request.post('/api/auth/login', { data: { phone, password: server.password } });
  expect(res.ok(), await res.text()).toBe(true);
  return { context, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/**
 * Waits for a screen to settle: its title is shown and nothing is loading any more (no spinner,
 * no "loading" line), so axe sees the screen as the member does.
 */
async function settled(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor({ state: 'visible', timeout: UI_TIMEOUT });
  // (the reader's read-aloud looks for a Chinese voice first)
  await page.waitForFunction(() => document.querySelector('.spinner, [aria-busy=true], [data-voice=checking]') === null, null, { timeout: UI_TIMEOUT });
  await page.waitForLoadState('networkidle');
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await settled(page);
}

describe('every member screen passes axe-core and has tap targets of at least 44 px', () => {
  let server: RunningServer;
  let browser: Browser;
  let evaluationRoundPath = '/m/evaluation';
  /** 志愿服务: the demo's project 每周探访独居老人, open to the member */
  let serviceProjectPath = '/m/service';
  const ids: Ids = { itemPath: '', audioItemPath: '', withdrawnItemPath: '', sessionId: '', checkinSessionId: '', makeupSessionId: '', cardId: '', menteeId: '', invitePath: '', shareId: '' };
  let signedOut: Page;
  let member: Page;
  let mentor: Page;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());

    // An invitation link for a new member, from the console's API.
    const secretary = await apiAs(browser, server, SECRETARY_PHONE);
    const orgs = await getJson<{ items: { id: string; name: string }[] }>(secretary.context.request, '/api/orgs');
    const group = orgs.items.find((o) => o.name === '第一党小组');
    const created = await secretary.context.request.post('/api/members', {
      headers: { 'x-csrf-token': secretary.csrf },
      data: { name: '无障碍测试', gender: 'male', phone: INVITEE_PHONE, status: 'full', orgId: group?.id, birthDate: '1958-03-02' },
    });
    expect(created.ok(), await created.text()).toBe(true);
    const memberId = ((await created.json()) as { id: string }).id;
    const issued = await secretary.context.request.post(`/api/members/${memberId}/invitation`, { headers: { 'x-csrf-token': secretary.csrf } });
    expect(issued.ok(), await issued.text()).toBe(true);
    ids.invitePath = new URL(((await issued.json()) as { link: string }).link).pathname;
    // An article of the village with a recorded audio.
    const village = orgs.items.find((o) => o.name === '新桥村党总支');
    const upload = await secretary.context.request.post('/api/files?purpose=study', {
      multipart: { file: { name: '录音.wav', mimeType: 'audio/wav', buffer: silentWav() } },
      headers: { 'x-csrf-token': secretary.csrf },
    });
    expect(upload.ok(), await upload.text()).toBe(true);
    const article = await secretary.context.request.post('/api/study-items', {
      headers: { 'x-csrf-token': secretary.csrf },
      data: {
        orgId: village?.id,
        kind: 'article',
        title: '村里修好了进山的路',
        category: 'home_news',
        bodyHtml: '<p>进山的路修好了，雨天也能走。</p><p>谢谢在外打工的党员捐的钱。</p>',
        minutes: 2,
        audioFileId: ((await upload.json()) as { id: string }).id,
      },
    });
    expect(article.ok(), await article.text()).toBe(true);
    ids.audioItemPath = `/m/read/-/${((await article.json()) as { id: string }).id}`;
    // An article withdrawn as soon as it was written.
    const withdrawn = await secretary.context.request.post('/api/study-items', {
      headers: { 'x-csrf-token': secretary.csrf },
      data: { orgId: village?.id, kind: 'article', title: '撤下的文章', category: 'home_news', bodyHtml: '<p>这篇稍后会被撤下。</p>', minutes: 1 },
    });
    expect(withdrawn.ok(), await withdrawn.text()).toBe(true);
    const withdrawnId = ((await withdrawn.json()) as { id: string }).id;
    const retired = await secretary.context.request.post(`/api/study-items/${withdrawnId}/retire`, { headers: { 'x-csrf-token': secretary.csrf } });
    expect(retired.ok(), await retired.text()).toBe(true);
    ids.withdrawnItemPath = `/m/read/-/${withdrawnId}`;
    await secretary.context.close();

    signedOut = (await openPhone(browser, server.baseUrl)).page;
    member = (await openPhone(browser, server.baseUrl)).page;
    mentor = (await openPhone(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  // Each screen is its own test and the next one runs anyway; a failing one saves screenshots.
  beforeEach((ctx) => {
    ctx.onTestFailed(async () => {
      const saved = await screenshotPages(ctx.task.name, { signedOut, member, mentor });
      if (saved.length) console.error(`screenshots: ${saved.join(', ')}`);
    });
  });

  describe('signed out', () => {
    it('登录', async () => {
      await open(signedOut, '/m/');
      await signedOut.getByLabel('密码').waitFor();
      await expectAccessible(signedOut, 'login');
      await signedOut.getByRole('button', { name: '登录', exact: true }).tap();
      await signedOut.locator('.field-error, [role=alert]').first().waitFor();
      await expectAccessible(signedOut, 'login with its errors');
    });

    it('邀请链接', async () => {
      await open(signedOut, ids.invitePath);
      await signedOut.getByTestId('invite-who').waitFor();
      await expectAccessible(signedOut, 'invitation');
      await signedOut.getByTestId('invite-submit').tap();
      await signedOut.locator('.field-error, [role=alert]').first().waitFor();
      await expectAccessible(signedOut, 'invitation with its errors');
    });

    it('无效的邀请链接', async () => {
      await open(signedOut, '/m/invite/not-a-real-token-0000000000000000');
      await expectAccessible(signedOut, 'bad invitation link');
    });

    it('短信验证码登录', async () => {
      // The administrator turns on the local test sink, so the login screen offers a code.
      const admin = await apiAs(browser, server, ADMIN_PHONE);
      const saved = await admin.context.request.put('/api/notify/sms', { headers: { 'x-csrf-token': admin.csrf }, data: { kind: 'sink', enabled: true } });
      expect(saved.ok(), await saved.text()).toBe(true);
      await admin.context.close();
      await open(signedOut, '/m/');
      await signedOut.getByTestId('sms-login-offer').waitFor();
      await expectAccessible(signedOut, 'login with the SMS offer');
      await signedOut.getByTestId('sms-login-offer').tap();
      await signedOut.getByTestId('sms-get-code').waitFor();
      await expectAccessible(signedOut, 'SMS login');
    });
  });

  describe('a phone without signal', () => {
    it('opening the app with no signal and nothing kept: 网络不好 and 重试', async () => {
      const { context, page } = await openPhone(browser, server.baseUrl);
      await page.goto('/m/');
      await page.getByLabel('密码').waitFor();
      // the service worker keeps the app's first screen, so it opens without signal
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await context.setOffline(true);
      await page.reload();
      await page.getByRole('button', { name: '重试' }).waitFor();
      await expectAccessible(page, 'no signal at the start');
      await context.close();
    });
  });

  describe('a mobile member', () => {
    beforeAll(async () => {
      await member.goto('/m/');
      await phoneLogin(member, MEMBER_PHONE, server.password);
      await settled(member);
      const inbox = await getJson<{ items: { pushId: string; items: { id: string }[] }[] }>(member.request, '/api/me/inbox');
      const entry = inbox.items.find((e) => e.items.length > 0);
      expect(entry, 'the demo member has a push with items').toBeDefined();
      ids.itemPath = `/m/read/${entry?.pushId}/${entry?.items[0]?.id}`;
      const sessions = await getJson<{ upcoming: { id: string }[]; recent: { id: string }[] }>(member.request, '/api/me/sessions');
      const some = sessions.upcoming[0] ?? sessions.recent[0];
      expect(some, 'the demo member has a class').toBeDefined();
      ids.sessionId = some?.id ?? '';
      ids.checkinSessionId = some?.id ?? '';
      const makeups = await getJson<{ sessionId: string }[]>(member.request, '/api/me/makeups');
      expect(makeups.length, 'the demo member owes a make-up').toBeGreaterThan(0);
      ids.makeupSessionId = makeups[0]?.sessionId ?? '';
      const cards = await getJson<{ items: { id: string }[] }>(member.request, '/api/me/cards');
      ids.cardId = cards.items[0]?.id ?? '';
      // 互动: a post of the member's, to open with its comment form.
      const { csrfToken } = await getJson<{ csrfToken: string }>(member.request, '/api/auth/me');
      const shared = await member.request.post('/api/me/shares', {
        headers: { 'x-csrf-token': csrfToken },
        data: { kind: 'work', body: '在工地上和工友们一起学习，收获很大。', photoFileIds: [], audience: 'branch' },
      });
      expect(shared.ok(), await shared.text()).toBe(true);
      ids.shareId = ((await shared.json()) as { id: string }).id;
      // 民主评议: the demo's finished round of last year, in which the member was graded
      const evaluations = await getJson<{ items: { id: string }[] }>(member.request, '/api/me/evaluations');
      evaluationRoundPath = evaluations.items[0] ? `/m/evaluation/${evaluations.items[0].id}` : '/m/evaluation';
      const service = await getJson<{ projects: { id: string; title: string }[] }>(member.request, '/api/me/service');
      const project = service.projects.find((p) => p.title === '每周探访独居老人') ?? service.projects[0];
      if (project) serviceProjectPath = `/m/service/${project.id}`;
    });

    /**
     * The member's screens, each checked as it opens and, where `after` is given, again in the state
     * it brings up (a form's errors, a question); all are checked again in 长辈模式 below.
     */
    const screens: { name: string; path: () => string; after?: (page: Page) => Promise<void> }[] = [
      { name: '首页', path: () => '/m/' },
      { name: '学习', path: () => '/m/study' },
      { name: '阅读', path: () => ids.itemPath },
      {
        name: '阅读（有录音）',
        path: () => ids.audioItemPath,
        after: async (page) => {
          // 保存到手机 (already kept on the second pass)
          const keep = page.getByTestId('recorded-audio-keep');
          if (await keep.isEnabled()) await keep.tap();
          await page.getByTestId('recorded-audio-kept').waitFor();
        },
      },
      { name: '课程', path: () => '/m/sessions' },
      {
        name: '一次课程',
        path: () => `/m/sessions/${ids.sessionId}`,
        after: async (page) => {
          const ask = page.getByRole('button', { name: '不能参加？请假' });
          if ((await ask.count()) === 0) return;
          await ask.tap();
          await page.getByRole('button', { name: '提交请假' }).tap();
          await page.getByRole('alert').first().waitFor();
        },
      },
      { name: '签到', path: () => `/m/checkin?s=${ids.checkinSessionId}` },
      {
        name: '补学',
        path: () => `/m/makeup/${ids.makeupSessionId}`,
        after: async (page) => {
          await page.getByTestId('makeup-submit').tap();
          await page.locator('.field-error, [role=alert]').first().waitFor();
        },
      },
      { name: '贺卡', path: () => '/m/cards' },
      { name: '一张贺卡', path: () => (ids.cardId ? `/m/cards/${ids.cardId}` : '/m/cards') },
      { name: '关于我的记录', path: () => '/m/records' },
      { name: '通知方式', path: () => '/m/notices' },
      { name: '我的登录设备', path: () => '/m/devices' },
      {
        name: '外出登记',
        path: () => '/m/mobility',
        after: async (page) => {
          // the question before a return is recorded (the demo member is away; nothing is saved)
          await page.getByRole('button', { name: '我已返乡' }).tap();
          await page.locator('.confirm').waitFor();
        },
      },
      {
        name: '修改密码',
        path: () => '/m/password',
        after: async (page) => {
          await page.getByRole('button', { name: '确认修改' }).tap();
          await page.locator('.field-error, [role=alert]').first().waitFor();
        },
      },
      { name: '我的', path: () => '/m/me' },
      { name: '民主评议', path: () => '/m/evaluation' },
      { name: '民主评议（评定结果）', path: () => evaluationRoundPath },
      { name: '待发送', path: () => '/m/outbox' },
      { name: '互动', path: () => '/m/shares' },
      { name: '季度评议', path: () => '/m/review' },
      { name: '四个一承诺', path: () => '/m/pledges' },
      {
        name: '岗位信息',
        path: () => '/m/jobs',
        after: async (page) => {
          await page.getByTestId('job-send').tap();
          await page.locator('.field-error, [role=alert]').first().waitFor();
        },
      },
      {
        name: '写分享',
        path: () => '/m/share-new',
        after: async (page) => {
          await page.getByTestId('share-send').tap();
          await page.locator('.field-error, [role=alert]').first().waitFor();
        },
      },
      {
        name: '分享详情',
        path: () => `/m/shares/${ids.shareId}`,
        after: async (page) => {
          await page.getByTestId('share-comment-send').tap();
          await page.locator('.field-error, [role=alert]').first().waitFor();
        },
      },
      {
        name: '有问必答',
        path: () => '/m/questions',
        after: async (page) => {
          await page.getByTestId('q-tab-ask').tap();
          await page.getByTestId('q-send').tap();
          await page.locator('.field-error, [role=alert]').first().waitFor();
        },
      },
      { name: '志愿服务', path: () => '/m/service' },
      { name: '志愿服务项目', path: () => serviceProjectPath },
      {
        name: '记录服务',
        path: () => '/m/service-log',
        after: async (page) => {
          await page.getByTestId('service-log-send').tap();
          await page.locator('.field-error, [role=alert]').first().waitFor();
        },
      },
      { name: '我的服务队', path: () => '/m/team' },
      { name: '值守', path: () => '/m/duty' },
      {
        name: '常见问答',
        path: () => '/m/questions',
        after: async (page) => {
          await page.getByTestId('q-tab-faq').tap();
          await page.getByTestId('q-faq').waitFor();
        },
      },
      {
        name: '一个提问',
        path: () => '/m/questions',
        after: async (page) => {
          await page.locator('[data-testid^=q-item-]').first().tap();
          await page.getByTestId('q-detail').waitFor();
        },
      },
    ];

    /** 长辈模式 promises stronger contrast: there the text meets WCAG AAA's 7:1 (4.5:1 when large). */
    async function check(page: Page, screen: (typeof screens)[number], elder: boolean): Promise<void> {
      const mode = elder ? ' in 长辈模式' : '';
      await open(page, screen.path());
      await expectAccessible(page, `${screen.name}${mode} (${screen.path()})`, { enhancedContrast: elder });
      if (screen.after) {
        await screen.after(page);
        await expectAccessible(page, `${screen.name}${mode}, after a tap (${screen.path()})`, { enhancedContrast: elder });
      }
    }

    for (const screen of screens) {
      it(screen.name, () => check(member, screen, false));
    }

    it('阅读: an article the secretary withdrew', async () => {
      await member.goto(ids.withdrawnItemPath);
      await member.getByRole('alert').first().waitFor();
      await expectAccessible(member, `withdrawn article (${ids.withdrawnItemPath})`);
    });

    describe('长辈模式', () => {
      beforeAll(async () => {
        await member.evaluate((key) => localStorage.setItem(key, 'on'), ELDER_KEY);
      });

      afterAll(async () => {
        await member.evaluate((key) => localStorage.removeItem(key), ELDER_KEY);
      });

      for (const screen of screens) {
        it(screen.name, async () => {
          await check(member, screen, true);
          expect(await member.evaluate(() => document.documentElement.dataset.elder)).toBe('on');
        });
      }

      // WCAG's reflow width, and a cheap phone's: 24 px text must still fit without sideways
      // scrolling (the hardest case; the usual text at 360 px is checked above).
      describe('on a phone 320 px wide', () => {
        beforeAll(async () => {
          await member.setViewportSize({ width: 320, height: 640 });
        });

        afterAll(async () => {
          await member.setViewportSize({ width: 360, height: 740 });
        });

        for (const screen of screens) {
          it(screen.name, () => check(member, screen, true));
        }
      });
    });
  });

  describe('a mobile member without signal', () => {
    let context: BrowserContext;

    afterAll(async () => {
      await context.setOffline(false);
    });

    it('补学 handed in without signal: the note that it waits', async () => {
      context = member.context();
      await open(member, `/m/makeup/${ids.makeupSessionId}`);
      const questions = await member.locator('[data-testid^=makeup-answer-]').count();
      await context.setOffline(true);
      await member.getByTestId('makeup-reflection').fill('没有信号时写的补学心得：守纪律，帮工友，按时学习。');
      for (let i = 0; i < questions; i++) await member.getByTestId(`makeup-answer-${i}`).fill(`第 ${i + 1} 题的回答，写在工地上。`);
      await member.getByTestId('makeup-submit').tap();
      await member.getByTestId('makeup-queued').waitFor();
      await expectAccessible(member, 'make-up waiting to be sent');
    });

    it('待发送 with a write waiting', async () => {
      await member.getByTestId('makeup-queued').getByRole('button').first().tap();
      await member.getByTestId('outbox-waiting').waitFor();
      await expectAccessible(member, 'outbox with a write waiting');
    });

    it('首页 without signal, with the line of writes waiting', async () => {
      await goInApp(member, '/m/');
      await member.getByTestId('outbox-strip').waitFor();
      await expectAccessible(member, 'home without signal');
    });

    it('学习 without signal: the list kept on the phone', async () => {
      await goInApp(member, '/m/study');
      await member.waitForFunction(() => document.querySelector('.spinner, [aria-busy=true]') === null);
      await expectAccessible(member, 'study without signal');
    });

    it('阅读 without signal: the copy kept on the phone', async () => {
      await goInApp(member, ids.itemPath);
      await member.waitForFunction(() => document.querySelector('.spinner, [aria-busy=true], [data-voice=checking]') === null);
      await expectAccessible(member, 'reader without signal');
    });

    it('我的: signing out asks first while writes wait', async () => {
      await goInApp(member, '/m/me');
      await member.getByRole('button', { name: '退出登录' }).tap();
      await member.getByTestId('logout-cancel').waitFor();
      await expectAccessible(member, 'sign-out question');
      await member.getByTestId('logout-cancel').tap();
    });

    it('签到 without signal', async () => {
      await goInApp(member, `/m/checkin?s=${ids.checkinSessionId}`);
      await member.locator('h1').first().waitFor();
      await expectAccessible(member, 'check-in without signal');
    });

    it('待发送 once the signal is back and the write went out', async () => {
      await context.setOffline(false);
      await goInApp(member, '/m/outbox');
      await member.getByTestId('outbox-sent').waitFor();
      await expectAccessible(member, 'outbox with a write sent');
    });
  });

  describe('read-aloud on a phone with a Chinese voice', () => {
    let phone: Page;

    beforeAll(async () => {
      const opened = await openPhone(browser, server.baseUrl);
      phone = opened.page;
      await opened.context.addInitScript(fakeChineseVoice, 'speaks' as const);
      await phone.goto('/m/');
      await phoneLogin(phone, MEMBER_PHONE, server.password);
      await settled(phone);
    });

    it('阅读, reading aloud', async () => {
      await open(phone, ids.itemPath);
      await expectAccessible(phone, 'reader with read-aloud');
      await phone.getByRole('button', { name: '朗读', exact: true }).tap();
      await phone.getByTestId('read-aloud-pause').waitFor();
      await expectAccessible(phone, 'reader while reading aloud');
    });
  });

  describe('a mentor', () => {
    beforeAll(async () => {
      await mentor.goto('/m/');
      await phoneLogin(mentor, MENTOR_PHONE, server.password);
      await settled(mentor);
      const mentees = await getJson<{ items: { memberId: string }[] }>(mentor.request, '/api/me/mentees');
      expect(mentees.items.length, 'the demo mentor has mentees').toBeGreaterThan(0);
      ids.menteeId = mentees.items[0]?.memberId ?? '';
    });

    for (const elder of [false, true]) {
      const mode = elder ? ' in 长辈模式' : '';
      const options = { enhancedContrast: elder };

      describe(elder ? '长辈模式' : '平常', () => {
        beforeAll(async () => {
          await mentor.evaluate(({ key, on }) => (on ? localStorage.setItem(key, 'on') : localStorage.removeItem(key)), { key: ELDER_KEY, on: elder });
        });

        it('首页', async () => {
          await open(mentor, '/m/');
          await expectAccessible(mentor, `a mentor’s home${mode}`, options);
        });

        it('我联系的党员', async () => {
          await open(mentor, '/m/mentees');
          await expectAccessible(mentor, `mentees${mode}`, options);
        });

        it('谈心谈话', async () => {
          await open(mentor, `/m/talk?member=${ids.menteeId}`);
          await expectAccessible(mentor, `talk${mode}`, options);
          await mentor.getByTestId('talk-save').tap();
          await mentor.locator('.field-error, [role=alert]').first().waitFor();
          await expectAccessible(mentor, `talk with its errors${mode}`, options);
          // the follow-up part of the form, as the mentor opens it (a kept draft may have it open)
          const note = mentor.getByTestId('talk-followup-note');
          if ((await note.count()) === 0) await mentor.getByTestId('talk-followup').tap();
          await note.waitFor();
          await expectAccessible(mentor, `talk with a follow-up${mode}`, options);
        });

        it('跟进任务', async () => {
          await open(mentor, '/m/tasks');
          await expectAccessible(mentor, `tasks${mode}`, options);
          const snooze = mentor.locator('[data-testid^=task-snooze-]').first();
          if ((await snooze.count()) > 0) {
            await snooze.tap();
            await mentor.locator('[data-testid^=task-until-]').first().waitFor();
            await expectAccessible(mentor, `tasks, putting one off${mode}`, options);
          }
        });

        it('我的服务队（队长）', async () => {
          await open(mentor, '/m/team');
          await expectAccessible(mentor, `a team its leader sees${mode}`, options);
        });

        it('待我回答', async () => {
          await open(mentor, '/m/questions');
          await mentor.getByTestId('q-tab-answer').tap();
          await mentor.locator('[data-testid=q-to-answer], .card .muted').first().waitFor();
          await expectAccessible(mentor, `questions to answer${mode}`, options);
        });
      });
    }
  });
});
