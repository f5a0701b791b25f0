/**
 * Writes made without signal, through the real server in Chromium on a phone in WeChat: the demo's
 * mobile member (13800000003, who has an open make-up) opens the app with signal; with the network
 * cut, reads an article of today's push to its end and hands in the make-up's reflection; both wait
 * on 待发送; the signal returns and both go out, the screen saying when; the server has them exactly
 * once. An answer lost on the way back (the server handled the write, the phone never heard) is sent
 * again with the same Idempotency-Key and changes nothing; a check-in without signal says so and
 * keeps its button ready. Another account signed in on the phone (the cookie is shared with the
 * console) never sends the member's waiting writes.
 */
import { randomUUID } from 'node:crypto';
import { request as playwrightRequest, type APIRequestContext, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clock } from '../../src/server/clock.ts';
import { expectAccessible } from './support/a11y.ts';
import { UI_TIMEOUT, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, type RunningServer } from './support/server.ts';

const SECRETARY_PHONE = '13800000000';
/** The tenant's administrator reads the audit log. */
const ADMIN_PHONE = '13800000009';
const MEMBER_PHONE = '13800000003';
const VILLAGE = '新桥村党总支';
const ARTICLE_TEXT = '没有信号也要学习：这篇很短，一屏就能读完。';
const REFLECTION = '这次补学让我明白，离家再远也要跟上组织的学习，按时参加云课堂。';
const SAVED = '已保存，有信号时自动发送';

interface Caller {
  api: APIRequestContext;
  csrf: string;
}

interface KeptEntry {
  id: string;
  kind: string;
  state: string;
  vars: { pushId?: string; sessionId?: string; body?: unknown };
}

/** The member's queue as kept on the phone (outbox.ts: `lx_outbox:<accountId>`). */
function queueOnPhone(page: Page): Promise<KeptEntry[]> {
  return page.evaluate(() => {
    const account = localStorage.getItem('lx_member_account');
    const raw = account ? localStorage.getItem('lx_outbox:' + account) : null;
    return (raw ? JSON.parse(raw) : []) as KeptEntry[];
  });
}

/** The ids of the study items kept on the phone (offline-store.ts: IndexedDB 'lx-kept'). */
function keptItems(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('lx-kept');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const items = db.objectStoreNames.contains('items')
      ? await new Promise<string[]>((resolve, reject) => {
          const r = db.transaction('items').objectStore('items').getAllKeys();
          r.onsuccess = () => resolve(r.result.map(String));
          r.onerror = () => reject(r.error);
        })
      : [];
    db.close();
    return items;
  });
}

/** Moves inside the app without loading a page (there is no signal to load one). */
async function goInApp(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

describe('writes made without signal wait on the phone and are sent exactly once', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let secretary: Caller;
  let admin: APIRequestContext;
  let pushId = '';
  let articleId = '';
  let makeupSessionId = '';
  let questions: string[] = [];

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
    ({ context, page } = await openPhone(browser, server.baseUrl));
  });

  afterAll(async () => {
    await (secretary as Caller | undefined)?.api.dispose();
    await (admin as APIRequestContext | undefined)?.dispose();
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ phone: page }));

  async function secretaryGet<T>(url: string): Promise<T> {
    const res = await secretary.api.get(url);
    expect(res.status(), `GET ${url}: ${await res.text()}`).toBe(200);
    return (await res.json()) as T;
  }

  async function secretaryPost<T>(url: string, data: unknown): Promise<T> {
    const res = await secretary.api.post(url, { data, headers: { 'x-csrf-token': secretary.csrf } });
    expect(res.status(), `POST ${url}: ${await res.text()}`).toBe(200);
    return (await res.json()) as T;
  }

  /** How many entries of an action on an entity the audit log has (each write that ran adds one). */
  async function audited(action: string, entityId: string): Promise<number> {
    const res = await admin.get(`/api/audit?action=${action}&entityId=${entityId}`);
    expect(res.status(), await res.text()).toBe(200);
    return ((await res.json()) as { total: number }).total;
  }

  /** How many times the server recorded the member's make-up reflection for the class. */
  const makeupSubmissions = () => audited('makeup.submit', makeupSessionId);

  it('1. the secretary pushes a short article to the mobile member, who has an open make-up', async () => {
    const api = await playwrightRequest.newContext({ baseURL: server.baseUrl });
    const login = await api.post('/api/auth/login', { data: { phone: SECRETARY_PHONE, password: server.password } });
    expect(login.status(), await login.text()).toBe(200);
    secretary = { api, csrf: ((await login.json()) as { csrfToken: string }).csrfToken };
    admin = await playwrightRequest.newContext({ baseURL: server.baseUrl });
    const adminLogin = await admin.post('/api/auth/login', { data: { phone: ADMIN_PHONE, password: server.password } });
    expect(adminLogin.status(), await adminLogin.text()).toBe(200);

    const orgs = await secretaryGet<{ items: { id: string; name: string }[] }>('/api/orgs');
    const villageId = orgs.items.find((o) => o.name === VILLAGE)?.id ?? '';
    const found = await secretaryGet<{ items: { id: string; phone: string }[] }>(`/api/members?q=${MEMBER_PHONE}`);
    const memberId = found.items.find((m) => m.phone === MEMBER_PHONE)?.id ?? '';
    expect(villageId && memberId, 'the demo village and its mobile member').toBeTruthy();

    const article = await secretaryPost<{ id: string }>('/api/study-items', {
      orgId: villageId,
      kind: 'article',
      title: '离线也能学',
      category: 'theory',
      bodyHtml: `<p>${ARTICLE_TEXT}</p>`,
      minutes: 1,
    });
    articleId = article.id;
    const push = await secretaryPost<{ id: string }>('/api/pushes', {
      orgId: villageId,
      title: '待发送测试推送',
      plannedAt: new Date(clock.now().getTime() - 60_000).toISOString(),
      itemIds: [articleId],
      audience: 'list',
      memberIds: [memberId],
    });
    pushId = push.id;
  });

  it('2. the member opens the app with signal: today, the article and the open make-up are seen', async () => {
    await page.goto('/m/');
    await phoneLogin(page, MEMBER_PHONE, server.password);
    await page.getByTestId('tab-home').waitFor();
    // The push goes out with the scheduler's next run.
    await expect
      .poll(async () => ((await (await page.request.get('/api/me/inbox')).json()) as { items: { pushId: string }[] }).items.some((e) => e.pushId === pushId), {
        timeout: 3 * UI_TIMEOUT,
      })
      .toBe(true);

    const makeups = await page.request.get('/api/me/makeups');
    expect(makeups.status()).toBe(200);
    const open = ((await makeups.json()) as { sessionId: string; status: string; questions: string[] }[]).find((m) => m.status === 'open');
    expect(open, 'the demo mobile member has an open make-up').toBeDefined();
    makeupSessionId = open?.sessionId ?? '';
    questions = open?.questions ?? [];
    expect(await makeupSubmissions()).toBe(0);

    // Seen once with signal, so the phone has them to show without it: the make-up, and today's
    // items (kept on the phone when today lists them).
    await goInApp(page, `/m/makeup/${makeupSessionId}`);
    await page.getByTestId('makeup-reflection').waitFor();
    await goInApp(page, '/m/study');
    await goInApp(page, '/m/');
    await expect.poll(() => keptItems(page), { timeout: UI_TIMEOUT }).toContain(articleId);
    expect(await queueOnPhone(page)).toEqual([]);
  });

  it('3. without signal: the article read to its end and the reflection handed in both wait on 待发送', async () => {
    await context.setOffline(true);
    await goInApp(page, `/m/read/${pushId}/${articleId}`);
    await page.getByText(ARTICLE_TEXT).waitFor();
    // The end of a one-screen article is in view: after the reader's grace it counts as read, and the
    // report, with no signal, waits on the phone.
    await expect
      .poll(async () => (await queueOnPhone(page)).filter((e) => e.kind === 'report-read' && e.state === 'waiting').length, { timeout: UI_TIMEOUT })
      .toBe(1);
    await goInApp(page, `/m/makeup/${makeupSessionId}`);
    await page.getByTestId('makeup-reflection').fill(REFLECTION);
    for (let i = 0; i < questions.length; i++) await page.getByTestId(`makeup-answer-${i}`).fill(`第 ${i + 1} 题：结合打工的工地，守纪律、帮工友。`);
    await page.getByTestId('makeup-submit').tap();
    await page.getByTestId('makeup-queued').getByText(SAVED).waitFor();

    await page.getByTestId('makeup-queued').getByRole('button', { name: '查看待发送' }).tap();
    const waiting = page.getByTestId('outbox-waiting');
    await waiting.waitFor();
    // The push opened in the reader waits too.
    await expect.poll(() => waiting.getByTestId('outbox-entry').count(), { timeout: UI_TIMEOUT }).toBe(3);
    expect(await waiting.locator('[data-kind="report-read"]').count()).toBe(1);
    expect(await waiting.locator('[data-kind="submit-makeup"]').count()).toBe(1);
    await waiting.getByText('补学心得').waitFor();
    await waiting.getByText('阅读记录').waitFor();
    await expectAccessible(page, '待发送 with writes waiting');
    // Nothing reached the server.
    expect(await makeupSubmissions()).toBe(0);
  });

  it('4. the signal returns: both go out by themselves, in order, and the screen says when', async () => {
    await context.setOffline(false);
    const sent = page.getByTestId('outbox-sent');
    await sent.waitFor();
    await expect.poll(() => sent.getByTestId('outbox-entry').count(), { timeout: UI_TIMEOUT }).toBe(3);
    expect(await page.getByTestId('outbox-waiting').count()).toBe(0);
    const times = await sent.getByTestId('outbox-sent-at').allTextContents();
    expect(times).toHaveLength(3);
    for (const time of times) expect(time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 已发送$/);
    await expectAccessible(page, '待发送 with writes sent');
    expect((await queueOnPhone(page)).map((e) => [e.kind, e.state])).toEqual([
      ['open-push', 'sent'],
      ['report-read', 'sent'],
      ['submit-makeup', 'sent'],
    ]);
  });

  it('5. the server has them exactly once: one reflection, the article read', async () => {
    expect(await makeupSubmissions()).toBe(1);
    const makeups = (await (await page.request.get('/api/me/makeups')).json()) as { sessionId: string; status: string; reflection: string | null }[];
    expect(makeups.find((m) => m.sessionId === makeupSessionId)).toMatchObject({ status: 'submitted', reflection: REFLECTION });
    const inbox = (await (await page.request.get('/api/me/inbox')).json()) as { items: { pushId: string; readAt: string | null; items: { id: string; read: boolean }[] }[] };
    const entry = inbox.items.find((e) => e.pushId === pushId);
    expect(entry?.items.find((i) => i.id === articleId)?.read).toBe(true);
    expect(entry?.readAt).not.toBeNull();
  });

  it('6. an answer lost on the way back: the same write sent again with its key changes nothing', async () => {
    const queue = await queueOnPhone(page);
    const makeup = queue.find((e) => e.kind === 'submit-makeup');
    expect(makeup).toBeDefined();
    const csrf = await page.evaluate(() => /(?:^|;\s*)lx_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '');
    const again = await page.request.post(`/api/me/makeups/${makeupSessionId}`, {
      data: makeup?.vars.body,
      headers: { 'idempotency-key': makeup?.id ?? '', 'x-csrf-token': decodeURIComponent(csrf) },
    });
    expect(again.status(), await again.text()).toBe(200);
    expect(again.headers()['idempotent-replayed']).toBe('true');
    expect(await makeupSubmissions()).toBe(1);

    // The phone itself loses an answer: the server handles the write, the phone hears nothing, keeps
    // it waiting and sends it again later with the same key.
    let lost = 0;
    await page.route('**/api/me/sessions/*/leave', async (route) => {
      if (lost > 0) return route.continue().catch(() => undefined);
      lost++;
      const handled = await route.fetch();
      expect(handled.status()).toBe(200);
      await route.abort('failed').catch(() => undefined);
    });
    const meetings = (await (await page.request.get('/api/me/sessions')).json()) as { upcoming: { id: string }[] };
    const next = meetings.upcoming[0];
    expect(next, 'the demo has a class tomorrow').toBeDefined();
    await goInApp(page, `/m/sessions/${next?.id ?? ''}`);
    await page.getByRole('button', { name: '不能参加？请假' }).tap();
    await page.getByLabel('请假原因').fill('在外地工地上班，赶不回来');
    await page.getByRole('button', { name: '提交请假' }).tap();
    await page.getByTestId('leave-queued').getByText(SAVED).waitFor();
    expect(lost).toBe(1);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    // The phone tries again when the page is shown again or the signal returns.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await expect
      .poll(async () => (await queueOnPhone(page)).filter((e) => e.kind === 'ask-leave').map((e) => e.state), { timeout: UI_TIMEOUT })
      .toEqual(['sent']);
    // Handled once by the server although sent twice.
    expect(await audited('attendance.leave_request', next?.id ?? '')).toBe(1);
  });

  it('7. a check-in without signal says so plainly and keeps its button ready', async () => {
    await context.setOffline(true);
    await goInApp(page, `/m/checkin?s=${makeupSessionId}`);
    await page.getByTestId('checkin-offline').getByText('没有网络，签到需要连上网络。有信号后再点一次。').waitFor();
    await page.getByTestId('checkin-retry').waitFor();
    await expectAccessible(page, 'a check-in without signal');
    expect(await page.getByTestId('checkin-retry').isEnabled()).toBe(true);
    await context.setOffline(false);
    await page.getByTestId('checkin-offline').getByText('网络已恢复，可以再点一次签到。').waitFor();
    await page.getByRole('button', { name: '再点一次签到' }).waitFor();
  });

  it('8. another account signs in on the phone (the console shares the cookie): the member’s waiting write stays for the member', async () => {
    const member = await page.evaluate(() => localStorage.getItem('lx_member_account'));
    expect(member).toBeTruthy();
    const meetings = (await (await page.request.get('/api/me/sessions')).json()) as { upcoming: { id: string }[] };
    const next = meetings.upcoming[0]?.id ?? '';
    const before = await audited('attendance.leave_request', next);
    // A leave the member made without signal, still waiting on the phone.
    const key = randomUUID();
    await page.evaluate(
      ({ account, sessionId, id, createdAt }) => {
        const entries = JSON.parse(localStorage.getItem('lx_outbox:' + account) ?? '[]') as unknown[];
        entries.push({ id, kind: 'ask-leave', vars: { sessionId, reason: '换了账号后不能替我发出' }, accountId: account, createdAt, state: 'waiting', sentAt: null, error: null });
        localStorage.setItem('lx_outbox:' + account, JSON.stringify(entries));
      },
      { account: member ?? '', sessionId: next, id: key, createdAt: clock.now().toISOString() },
    );
    // The secretary signs in to the console on this phone: the cookie is now theirs.
    const login = await page.request.post('/api/auth/login', { data: { phone: SECRETARY_PHONE, password: server.password } });
    expect(login.status(), await login.text()).toBe(200);
    const secretaryAccount = ((await (await page.request.get('/api/auth/me')).json()) as { accountId: string }).accountId;
    // The app opens again: it learns who is signed in before anything of the queue goes out.
    await page.goto('/m/');
    await expect.poll(() => page.evaluate(() => localStorage.getItem('lx_member_account')), { timeout: UI_TIMEOUT }).toBe(secretaryAccount);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    const waiting = await page.evaluate(
      ({ account, id }) => (JSON.parse(localStorage.getItem('lx_outbox:' + account) ?? '[]') as { id: string; state: string }[]).find((e) => e.id === id)?.state,
      { account: member ?? '', id: key },
    );
    expect(waiting).toBe('waiting');
    expect(await audited('attendance.leave_request', next)).toBe(before);
    // And sent under the secretary's session by hand, naming the member: refused, nothing recorded.
    const csrf = await page.evaluate(() => /(?:^|;\s*)lx_csrf=([^;]*)/.exec(document.cookie)?.[1] ?? '');
    const forged = await page.request.post(`/api/me/sessions/${next}/leave`, {
      data: { reason: '换了账号后不能替我发出' },
      headers: { 'idempotency-key': key, 'x-account-id': member ?? '', 'x-csrf-token': decodeURIComponent(csrf) },
    });
    expect(forged.status(), await forged.text()).toBe(401);
    expect(await audited('attendance.leave_request', next)).toBe(before);
  });
});
