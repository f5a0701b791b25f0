/**
 * 写分享 for the month's topic, through the real server in Chromium on a phone in WeChat: the demo's
 * mobile member (13800000003, 第一党支部) joins the topic the general branch set (demo/shares.ts),
 * turns the topic switch off and on again, adds a photo the browser gives no type (as some Android
 * WebViews do: taken by its extension), shares it with the whole village, and the sent page says the
 * whole village sees it. The post carries the topic and the photo.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, openPhone, phoneLogin, skipAfterFirstFailure, startServerAndBrowser } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, type RunningServer } from './support/server.ts';
import { redPng } from './support/png.ts';

const AUTHOR_PHONE = '13800000003';
const TEXT = '参加本月话题：村口的路灯装好了，晚上回家亮堂多了。';


interface Post {
  id: string;
  body: string;
  audience: string;
  topic: { id: string; title: string } | null;
  photos: { fileId: string }[];
}

describe('writing a post for the month’s topic', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page | undefined;

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    ({ server, browser } = await startServerAndBrowser());
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
  });

  skipAfterFirstFailure(() => ({ phone: page }));

  it('1. the topic switch turns off and on again; a photo without a type is taken by its name; the village is told it sees the post', async () => {
    page = (await openPhone(browser, server.baseUrl)).page;
    await page.goto('/m/');
    await phoneLogin(page, AUTHOR_PHONE, server.password);
    await page.getByTestId('tab-shares').tap();
    await page.getByTestId('share-topic-join').tap();
    const topicSwitch = page.getByTestId('share-topic-on');
    await topicSwitch.waitFor();
    expect(await topicSwitch.isChecked()).toBe(true);
    await topicSwitch.tap();
    expect(await topicSwitch.isChecked()).toBe(false);
    await topicSwitch.tap();
    expect(await topicSwitch.isChecked()).toBe(true);

    await page.getByTestId('share-body').fill(TEXT);
    // Playwright would fill the type in from the name: the file is made in the page, as the WebView gives it
    const bytes = [...redPng(16, 16)];
    await page.getByTestId('share-photo-input').evaluate((input: HTMLInputElement, data: number[]) => {
      const file = new File([new Uint8Array(data)], '路灯.png', { type: '' });
      const list = new DataTransfer();
      list.items.add(file);
      input.files = list.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }, bytes);
    await page.getByTestId('share-photo-done').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('share-photo-note').count()).toBe(0);
    await page.getByTestId('share-audience-village').check();
    await page.getByTestId('share-send').tap();
    const sent = page.getByTestId('share-sent');
    await sent.waitFor();
    await sent.getByText('全村的党员都能看到您的分享了。').waitFor();

    const id = (await sent.getAttribute('data-share-id')) ?? '';
    const post = await getJson<Post>(page.request, `/api/me/shares/${id}`);
    expect(post).toMatchObject({ body: TEXT, audience: 'village' });
    expect(post.topic?.id).toBeTruthy();
    expect(post.photos).toHaveLength(1);
  });
});
