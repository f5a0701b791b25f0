/**
 * Every screen of the member app passes axe-core's WCAG 2 A/AA rules and best practices, and every
 * control on it is at least 44×44 CSS px (support/a11y.ts), on a phone in WeChat, in Chinese: the
 * screens signed out (login, SMS login, an invitation and a bad invitation link), the screens of a
 * mobile member (13800000003), a mentor's screens (13800000002), and the member's screens again in
 * 长辈模式. Each screen is its own test, so one run lists every screen's problems.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './support/a11y.ts';
import { openPhone, phoneLogin, startServerAndBrowser, UI_TIMEOUT } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
const MENTOR_PHONE = '13800000002';
const MEMBER_PHONE = '13800000003';
const ADMIN_PHONE = '13800000009';
const INVITEE_PHONE = '13912340012';
/** 长辈模式 chosen on this phone (src/web/member/elder.ts). */
const ELDER_KEY = 'lx_member_elder';

interface Ids {
  itemPath: string;
  sessionId: string;
  checkinSessionId: string;
  makeupSessionId: string;
  cardId: string;
  menteeId: string;
  invitePath: string;
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
  await page.waitForFunction(() => document.querySelector('.spinner, [aria-busy=true]') === null, null, { timeout: UI_TIMEOUT });
  await page.waitForLoadState('networkidle');
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await settled(page);
}

describe('every member screen passes axe-core and has tap targets of at least 44 px', () => {
  let server: RunningServer;
  let browser: Browser;
  const ids: Ids = { itemPath: '', sessionId: '', checkinSessionId: '', makeupSessionId: '', cardId: '', menteeId: '', invitePath: '' };
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
    await secretary.context.close();

    signedOut = (await openPhone(browser, server.baseUrl)).page;
    member = (await openPhone(browser, server.baseUrl)).page;
    mentor = (await openPhone(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
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
    });

    /**
     * The member's screens, each checked as it opens and, where `after` is given, again in the state
     * it brings up (a form's errors, a question); all are checked again in 长辈模式 below.
     */
    const screens: { name: string; path: () => string; after?: (page: Page) => Promise<void> }[] = [
      { name: '首页', path: () => '/m/' },
      { name: '学习', path: () => '/m/study' },
      { name: '阅读', path: () => ids.itemPath },
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
      { name: '待发送', path: () => '/m/outbox' },
    ];

    async function check(page: Page, screen: (typeof screens)[number], mode: string): Promise<void> {
      await open(page, screen.path());
      await expectAccessible(page, `${screen.name}${mode} (${screen.path()})`);
      if (screen.after) {
        await screen.after(page);
        await expectAccessible(page, `${screen.name}${mode}, after a tap (${screen.path()})`);
      }
    }

    for (const screen of screens) {
      it(screen.name, () => check(member, screen, ''));
    }

    describe('长辈模式', () => {
      beforeAll(async () => {
        await member.evaluate((key) => localStorage.setItem(key, 'on'), ELDER_KEY);
      });

      afterAll(async () => {
        await member.evaluate((key) => localStorage.removeItem(key), ELDER_KEY);
      });

      for (const screen of screens) {
        it(screen.name, async () => {
          await check(member, screen, ' in 长辈模式');
          expect(await member.evaluate(() => document.documentElement.dataset.elder)).toBe('on');
        });
      }
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

    it('首页', async () => {
      await open(mentor, '/m/');
      await expectAccessible(mentor, 'a mentor’s home');
    });

    it('我联系的党员', async () => {
      await open(mentor, '/m/mentees');
      await expectAccessible(mentor, 'mentees');
    });

    it('谈心谈话', async () => {
      await open(mentor, `/m/talk?member=${ids.menteeId}`);
      await expectAccessible(mentor, 'talk');
      await mentor.getByTestId('talk-save').tap();
      await mentor.locator('.field-error, [role=alert]').first().waitFor();
      await expectAccessible(mentor, 'talk with its errors');
      // the follow-up part of the form, as the mentor opens it
      await mentor.getByTestId('talk-followup').tap();
      await mentor.getByTestId('talk-followup-note').waitFor();
      await expectAccessible(mentor, 'talk with a follow-up');
    });

    it('跟进任务', async () => {
      await open(mentor, '/m/tasks');
      await expectAccessible(mentor, 'tasks');
      const snooze = mentor.locator('[data-testid^=task-snooze-]').first();
      if ((await snooze.count()) > 0) {
        await snooze.tap();
        await mentor.locator('[data-testid^=task-until-]').first().waitFor();
        await expectAccessible(mentor, 'tasks, putting one off');
      }
    });
  });
});
