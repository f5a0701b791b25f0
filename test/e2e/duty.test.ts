/**
 * 值守 on phones through the real server in Chromium: the demo's mobile member (13800000003) opens
 * 我的 → 值守 in WeChat, signs up for an empty shift of the demo's 村委会防汛值守 with one tap, then
 * asks the mentor (13800000002) by name to swap it; on the mentor's phone the request is first in
 * 值守 and 我来接班 moves the shift to them. Signing up again for a shift one is on is refused (409).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';

const MEMBER_PHONE = '13800000003';
const MENTOR_PHONE = '13800000002';

interface MyDuty {
  open: { shiftId: string; names: string[]; rosterTitle: string }[];
  mine: { shiftId: string; assignmentId: string | null; swap: { id: string } | null }[];
  offers: { swapId: string; toMe: boolean; shift: { shiftId: string } }[];
}

describe('a member signs up for a duty shift on a phone and a comrade takes it over by a swap', () => {
  let server: RunningServer;
  let browser: Browser;
  let member: Page | undefined;
  let mentor: Page | undefined;
  let shiftId = '';

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ member, mentor }));

  it('1. the member signs up for an empty shift from 我的 → 值守', async () => {
    member = (await openPhone(browser, server.baseUrl)).page;
    await member.goto('/m/me');
    await phoneLogin(member, MEMBER_PHONE, server.password);
    await member.getByTestId('me-duty').tap();
    await member.getByRole('heading', { name: '可以报名的班次' }).waitFor();
    const before = await getJson<MyDuty>(member.request, '/api/me/duty');
    const empty = before.open.find((s) => s.names.length === 0 && s.rosterTitle === '村委会防汛值守');
    expect(empty).toBeDefined();
    shiftId = empty?.shiftId ?? '';
    await member.getByTestId(`duty-open-${shiftId}`).getByTestId('duty-signup').tap();
    await member.getByText('报名成功').waitFor();
    await member.getByTestId(`duty-mine-${shiftId}`).waitFor();
    const after = await getJson<MyDuty>(member.request, '/api/me/duty');
    expect(after.mine.map((s) => s.shiftId)).toContain(shiftId);
    expect(after.open.map((s) => s.shiftId)).not.toContain(shiftId);
    // the same shift twice: refused with the server's plain words
    const again = await member.request.post(`/api/me/duty/shifts/${shiftId}/signup`, { headers: { 'x-csrf-token': await csrf(member) } });
    expect(again.status()).toBe(409);
    expect(await again.text()).toContain('你已报名这个班次');
  });

  it('2. the member asks the mentor by name to swap it', async () => {
    const page = member as Page;
    const card = page.getByTestId(`duty-mine-${shiftId}`);
    await card.getByTestId('duty-ask-swap').tap();
    // the mentor signs in on their own phone (their name is what the member picks)
    mentor = (await openPhone(browser, server.baseUrl)).page;
    await mentor.goto('/m/duty');
    await phoneLogin(mentor, MENTOR_PHONE, server.password);
    await mentor.getByRole('heading', { name: '我的班次' }).waitFor();
    const mentorName = (await getJson<{ member: { name: string } }>(mentor.request, '/api/me/profile')).member.name;
    await card.getByTestId('duty-swap-to').selectOption({ label: mentorName });
    await card.getByLabel('留言（可不填）').fill('家里有事，麻烦帮我顶一下');
    await card.getByTestId('duty-swap-send').tap();
    await page.getByText('换班请求已发出').waitFor();
    await card.getByTestId('duty-swap-waiting').getByText(mentorName).waitFor();
  });

  it('3. on the mentor’s phone the request comes first; 我来接班 moves the shift to them', async () => {
    const phone = mentor as Page;
    await phone.reload();
    await phone.getByRole('heading', { name: '请您接班' }).waitFor();
    const offers = (await getJson<MyDuty>(phone.request, '/api/me/duty')).offers.filter((o) => o.shift.shiftId === shiftId);
    expect(offers).toHaveLength(1);
    expect(offers[0]?.toMe).toBe(true);
    const offer = phone.getByTestId(`duty-offer-${offers[0]?.swapId}`);
    await offer.getByText('家里有事，麻烦帮我顶一下').waitFor();
    await offer.getByTestId('duty-accept').tap();
    await phone.getByText('接班成功').waitFor();
    await phone.getByTestId(`duty-mine-${shiftId}`).waitFor();
    const mentorDuty = await getJson<MyDuty>(phone.request, '/api/me/duty');
    expect(mentorDuty.mine.map((s) => s.shiftId)).toContain(shiftId);
    const memberDuty = await getJson<MyDuty>((member as Page).request, '/api/me/duty');
    expect(memberDuty.mine.map((s) => s.shiftId)).not.toContain(shiftId);
  });
});

/** The CSRF token the app keeps in its cookie, for a direct call. */
async function csrf(page: Page): Promise<string> {
  const cookies = await page.context().cookies();
  return cookies.find((c) => c.name === 'lx_csrf')?.value ?? '';
}
