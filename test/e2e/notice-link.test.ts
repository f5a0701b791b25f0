/**
 * A notice's link on a phone, through the real server in Chromium: an SMS sent to a member opened
 * its link `/m/study?n=<notification id>` while signed out. The app asks them to sign in, keeps the
 * address meanwhile, then opens the study screen, tells the server the notice was opened and drops
 * `n` from the address; the push's per-channel report then counts it as opened through the SMS.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/server/db/database.ts';
import { clock } from '../../src/server/clock.ts';
import { openConsole, openPhone, consoleLogin, phoneLogin, startServerAndBrowser, skipAfterFirstFailure } from './support/browser.ts';
import { assertChromiumInstalled, ensureWebBuilt, getJson, startServer, type RunningServer } from './support/server.ts';

const MEMBER_PHONE = '13800000003';
const SECRETARY_PHONE = '13800000000';

interface Report {
  channels: { channel: string; sent: number; opened: number }[];
}

describe('a notice link opened on a phone', () => {
  let server: RunningServer;
  let browser: Browser;
  let phone: Page;
  let dataDir = '';
  let pushId = '';
  const noticeId = crypto.randomUUID();

  beforeAll(async () => {
    assertChromiumInstalled();
    ensureWebBuilt();
    // The demo village first, then, with the server stopped, an SMS the outbox sent to the member.
    const first = await startServer({ keepData: true });
    dataDir = first.dataDir;
    const password = first.password;
    await first.stop();
    const pglite = await PGlite.create(path.join(dataDir, 'pgdata'));
    const opened = await openDatabase({ pglite });
    try {
      const db = opened.db;
      const member = await db.selectFrom('member').select(['id', 'tenant_id']).where('phone', '=', MEMBER_PHONE).executeTakeFirstOrThrow();
      const push = await db
        .selectFrom('push as p')
        .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'p.tenant_id').onRef('o.id', '=', 'p.org_id'))
        .select('p.id')
        .where('p.tenant_id', '=', member.tenant_id)
        .where('p.status', '=', 'delivered')
        .where('o.parent_id', 'is not', null)
        .orderBy('p.planned_at', 'desc')
        .executeTakeFirstOrThrow();
      pushId = push.id;
      await db
        .insertInto('notification')
        .values({
          tenant_id: member.tenant_id,
          id: noticeId,
          source_kind: 'push',
          source_id: pushId,
          channel: 'sms',
          recipient_id: member.id,
          member_id: member.id,
          template_key: 'study',
          link: 'study',
          status: 'sent',
          sent_at: clock.now(),
        })
        .execute();
    } finally {
      await opened.close();
      await pglite.close();
    }
    ({ server, browser } = await startServerAndBrowser({ dataDir, password, keepData: true }));
    phone = (await openPhone(browser, server.baseUrl)).page;
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close().catch(() => {});
    await (server as RunningServer | undefined)?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  skipAfterFirstFailure(() => ({ phone }));

  it('1. signed out, the link asks to sign in and keeps the address', async () => {
    await phone.goto(`/m/study?n=${noticeId}`);
    await phone.getByLabel('手机号').waitFor();
    expect(new URL(phone.url()).searchParams.get('n')).toBe(noticeId);
  });

  it('2. signed in, the study screen opens, n leaves the address and the notice counts as opened', async () => {
    await phoneLogin(phone, MEMBER_PHONE, server.password);
    await phone.getByRole('heading', { name: '学习', level: 1 }).waitFor();
    await expect.poll(() => new URL(phone.url()).search).toBe('');
    expect(new URL(phone.url()).pathname).toBe('/m/study');

    const { page: secretary } = await openConsole(browser, server.baseUrl);
    await consoleLogin(secretary, SECRETARY_PHONE, server.password);
    await expect
      .poll(async () => (await getJson<Report>(secretary.request, `/api/notify/report?sourceKind=push&sourceId=${pushId}`)).channels.find((c) => c.channel === 'sms')?.opened)
      .toBe(1);
    // A reload has no n to send again.
    await phone.reload();
    await phone.getByRole('heading', { name: '学习', level: 1 }).waitFor();
    expect(new URL(phone.url()).search).toBe('');
  });
});
