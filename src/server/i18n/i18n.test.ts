import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../test/support/harness.ts';
import type { z } from 'zod';
import type { CareTaskDetail, CareTaskList as CareTaskListSchema, DriftList, Timeline } from '../../shared/api-care.ts';
import type { ImportJob } from '../../shared/api.ts';
import { addDays, clock, shanghaiDate } from '../clock.ts';
import { CJK_TEXT } from './cjk.ts';
import { langOf } from './lang.ts';
import { sourceMessages } from './source-messages.ts';
import { english, say } from './translate.ts';
import { IMPORT_COLUMNS } from '../modules/roster/schema.ts';
import { raiseStreakTasks } from '../modules/coverage/scheduled.ts';
import { applyLostContactRule } from '../modules/care/scheduled.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CJK_ANYWHERE = new RegExp(CJK_TEXT.source, 'g');
/** Chinese left in a text, apart from values quoted for the person to type ("男"). */
const chineseIn = (text: string): string[] => text.replace(/"[^"]*"/g, '').match(CJK_ANYWHERE) ?? [];
const EN = { 'accept-language': 'en-US,en;q=0.9' };
type CareTaskList = z.infer<typeof CareTaskListSchema>;

describe('the English catalog', () => {
  it('has English for every message the server words (read from the source)', () => {
    const messages = sourceMessages(ROOT);
    // the error messages, the shared schemas' messages and the import's problems: well over two hundred
    expect(messages.length).toBeGreaterThan(250);
    const missing = messages
      .map(({ text, file }) => ({ text, file, en: english(text) }))
      .filter((m) => m.en === undefined || chineseIn(m.en).length > 0)
      .map((m) => `${m.file}: ${m.text} → ${m.en ?? '(none)'}`);
    expect(missing).toEqual([]);
  });

  it('words a message with values, each value looked up or kept as data', () => {
    expect(english('党员不存在')).toBe('Member not found');
    expect(english('党小组下不能设立党支部')).toBe('A party group cannot contain a branch');
    expect(english('登录失败次数过多，请 5 分钟后再试')).toBe('Too many failed sign-ins; try again in 5 minutes');
    expect(english('第一党支部下没有流动党员，无人可收贺卡')).toBe('No mobile member in 第一党支部: nobody to receive a card');
    expect(english('只能上传 音频（mp3、m4a，不超过 50 MB）')).toBe('Only audio (mp3, m4a, up to 50 MB)');
    expect(english('请填写标题；请写明要做什么')).toBe('Please enter a title; Please say what needs doing');
    expect(english('不在目录里的一句话')).toBeUndefined();
  });

  it('words the sentences the scheduled rules write into care tasks (SQL in care/ and coverage/scheduled.ts)', () => {
    const rules = [
      '已 200 天未能联系上（最后联系 2026-01-01），请核实并确认是否失联',
      '已确认失联（自 2026-01-01 起），任务自动完成',
      '该党员已不是流动党员，任务自动完成',
      '已恢复联系（最后联系 2026-01-01），任务自动完成',
      '延后的日期已到，任务重新打开',
      '连续 30 天未读学习推送（期间推送 5 条，均未读）',
      '系统',
    ];
    for (const text of rules) expect(chineseIn(english(text) ?? text), text).toEqual([]);
    expect(english('连续 3 次缺课：March class、April class、May class')).toBe('Missed 3 meetings in a row: March class, April class, May class');
    expect(english('由张三改为党组织书记')).toBe('From 张三 to the party secretaries');
  });

  it('takes the language from the first preference, Chinese unless it is English', () => {
    expect(langOf('en-US,en;q=0.9')).toBe('en-US');
    expect(langOf('en')).toBe('en-US');
    expect(langOf('EN-gb')).toBe('en-US');
    expect(langOf('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(langOf(undefined)).toBe('zh-CN');
    expect(langOf('')).toBe('zh-CN');
    expect(say('zh-CN', '党员不存在')).toBe('党员不存在');
    expect(say(undefined, '党员不存在')).toBe('党员不存在');
    expect(say('en-US', '张三')).toBe('张三');
  });
});

describe('answers in the caller language', () => {
  let env: TestEnv;
  let general: Session;
  const today = shanghaiDate();

  beforeAll(async () => {
    env = await openTestApp();
    general = await login(env.app, PHONES.generalSecretary);
  });
  afterAll(async () => env?.close());

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: unknown) =>
    env.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

  it('failing routes answer in English for en-US and as before in Chinese', async () => {
    const mobile = await memberIdByPhone(env, PHONES.mobileMember);
    const cases: { name: string; send: (h: Record<string, string>) => ReturnType<typeof call>; zh: string; en: string }[] = [
      { name: 'not found', send: (h) => call('GET', `/api/members/${crypto.randomUUID()}`, { ...general.headers, ...h }), zh: '党员不存在', en: 'Member not found' },
      {
        name: 'a shared schema message',
        send: (h) => call('POST', '/api/care-tasks', { ...general.headers, ...h }, { memberId: mobile, kind: 'visit', reason: '走', dueOn: addDays(today, 3) }),
        zh: '请写明要做什么',
        en: 'Please say what needs doing',
      },
      { name: "zod's own message", send: (h) => call('GET', '/api/members/not-a-uuid', { ...general.headers, ...h }), zh: '无效UUID', en: 'Invalid UUID' },
      { name: 'signed out', send: (h) => call('GET', '/api/care-tasks', h), zh: '请先登录', en: 'Please sign in first' },
      { name: 'no such endpoint', send: (h) => call('GET', '/api/no-such-thing', { ...general.headers, ...h }), zh: '接口不存在', en: 'No such API endpoint' },
      {
        name: 'malformed JSON',
        send: (h) => env.app.inject({ method: 'POST', url: '/api/care-tasks', headers: { ...general.headers, ...h, 'content-type': 'application/json' }, payload: '{"memberId":' }),
        zh: '请求内容不是有效的 JSON',
        en: 'The request body is not valid JSON',
      },
    ];
    for (const c of cases) {
      const before = await c.send({});
      const zh = await c.send({ 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' });
      const en = await c.send(EN);
      expect(before.statusCode, c.name).toBeGreaterThanOrEqual(400);
      expect(zh.body, c.name).toBe(before.body);
      expect(before.json<{ message: string }>().message, c.name).toContain(c.zh);
      expect(en.statusCode, c.name).toBe(before.statusCode);
      expect(en.json<{ error: string }>().error, c.name).toBe(before.json<{ error: string }>().error);
      expect(en.json<{ message: string }>().message, c.name).toContain(c.en);
      expect(en.body.match(CJK_ANYWHERE), c.name).toBeNull();
    }
  });

  it('the drift list words its reasons in English', async () => {
    const zh = (await call('GET', '/api/drift?pageSize=100', general.headers)).json<DriftList>();
    const en = (await call('GET', '/api/drift?pageSize=100', { ...general.headers, ...EN })).json<DriftList>();
    const reasons = en.items.flatMap((i) => i.reasons);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.map((r) => r.kind)).toEqual(zh.items.flatMap((i) => i.reasons).map((r) => r.kind));
    expect(zh.items.flatMap((i) => i.reasons).every((r) => CJK_TEXT.test(r.text))).toBe(true);
    expect(reasons.filter((r) => CJK_TEXT.test(r.text))).toEqual([]);
  });

  it('care tasks raised by rules and their history read in English; Chinese callers see them as stored', async () => {
    const now = clock.now();
    await raiseStreakTasks(env.db, now);
    await applyLostContactRule(env.db, now);
    const list = (await call('GET', '/api/care-tasks?pageSize=100', { ...general.headers, ...EN })).json<CareTaskList>();
    const zhList = (await call('GET', '/api/care-tasks?pageSize=100', general.headers)).json<CareTaskList>();
    const ruled = list.items.filter((t) => t.kind === 'unread_streak' || t.kind === 'lost_contact' || t.kind === 'absence_streak');
    expect(ruled.length).toBeGreaterThan(0);
    for (const t of ruled) {
      const stored = zhList.items.find((z) => z.id === t.id);
      expect(stored && CJK_TEXT.test(stored.reason)).toBe(true);
      // an absence streak names the meetings missed: their titles are data
      if (t.kind === 'absence_streak') expect(t.reason).toMatch(/^Missed \d+ meetings in a row: /);
      else expect(chineseIn(t.reason), t.reason).toEqual([]);
    }
    const task = ruled.find((t) => t.kind !== 'absence_streak') ?? ruled[0];
    const detail = (await call('GET', `/api/care-tasks/${task?.id}`, { ...general.headers, ...EN })).json<CareTaskDetail>();
    const zhDetail = (await call('GET', `/api/care-tasks/${task?.id}`, general.headers)).json<CareTaskDetail>();
    expect(zhDetail.history[0]?.actorName).toBe('系统');
    expect(detail.history[0]?.actorName).toBe('System');
    for (const e of detail.history.filter((h) => h.actorName === 'System')) expect(chineseIn(e.note ?? ''), e.note ?? '').toEqual([]);
  });

  it("a member's timeline words its events in English; names and what people wrote stay", async () => {
    const mobile = await memberIdByPhone(env, PHONES.mobileMember);
    const url = `/api/members/${mobile}/timeline?limit=100`;
    const zh = (await call('GET', url, general.headers)).json<Timeline>();
    const en = (await call('GET', url, { ...general.headers, ...EN })).json<Timeline>();
    expect(en.items.map((e) => e.kind)).toEqual(zh.items.map((e) => e.kind));
    expect(en.items.length).toBeGreaterThan(0);
    // events whose words are all the server's own
    const own = en.items.filter((e) => e.kind === 'joined' || e.kind === 'reading' || e.kind === 'contact');
    expect(own.length).toBeGreaterThan(0);
    for (const e of own) expect(`${e.title} ${e.detail ?? ''}`).not.toMatch(CJK_TEXT);
    for (const e of en.items.filter((i) => i.kind === 'talk')) expect(e.title).toContain('heart-to-heart talk');
  });

  it("an import's row problems come back in English with English column names", async () => {
    const headers = IMPORT_COLUMNS.map((c) => c.header);
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('党员名册');
    sheet.addRow(headers);
    const row = (values: Record<string, string>) => sheet.addRow(headers.map((h) => values[h] ?? null));
    row({ 姓名: 'Wang', 性别: '男', 手机号: '123', 党员状态: '正式党员', 所在组织: 'No Such Unit' });
    row({ 性别: '男', 手机号: '13911112222', 党员状态: '正式党员', 所在组织: '第一党小组', 出生日期: 'someday' });
    const content = Buffer.from(await wb.xlsx.writeBuffer());
    const boundary = `----lianxin${crypto.randomBytes(8).toString('hex')}`;
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="roster.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      content,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const started = await env.app.inject({ method: 'POST', url: '/api/imports', payload, headers: { ...general.headers, ...EN, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(started.statusCode).toBe(202);
    const id = started.json<ImportJob>().id;
    let job: ImportJob | undefined;
    // the import runs in the background: ask until it has finished (as the console does)
    for (let i = 0; i < 600 && job?.phase !== 'finished'; i++) {
      job = (await call('GET', `/api/imports/${id}`, { ...general.headers, ...EN })).json<ImportJob>();
      if (job.phase !== 'finished') await new Promise((r) => setTimeout(r, 50));
    }
    const zhJob = (await call('GET', `/api/imports/${id}`, general.headers)).json<ImportJob>();
    expect(job?.state).toBe('failed');
    expect(job?.issues.length).toBeGreaterThanOrEqual(3);
    expect(zhJob.issues.map((i) => i.column)).toContain('手机号');
    expect(job?.issues.map((i) => i.column)).toContain('Phone');
    // the unit's name is what the sheet says; everything else is English
    expect(JSON.stringify(job).match(CJK_ANYWHERE), JSON.stringify(job)).toBeNull();
    expect(zhJob.message).toMatch(/^发现 \d+ 个问题/);
  });
});
