import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { shanghaiDate } from '../../clock.ts';
import { previousQuarter, quarterOf } from '../../../shared/api-reviews.ts';

/**
 * The quarterly review's bad input over HTTP: a 400 naming the field, in Chinese, in English when
 * asked; opening the same unit and quarter twice is a 409; the total is never taken from the caller.
 */
let env: TestEnv;
let s: Session;
let branch1 = '';
const CJK = /[\u4e00-\u9fff]/;
const EN = { 'accept-language': 'en-US' };

beforeAll(async () => {
  env = await openTestApp();
  s = await login(env.app, PHONES.branchSecretary);
  branch1 = (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '第一党支部').executeTakeFirstOrThrow()).id;
});
afterAll(async () => env?.close());

const put = (url: string, payload: object, headers: Record<string, string> = {}) => env.app.inject({ method: 'PUT', url, headers: { ...s.headers, ...headers }, payload });
const post = (url: string, payload?: object, headers: Record<string, string> = {}) => env.app.inject({ method: 'POST', url, headers: { ...s.headers, ...headers }, payload: payload ?? {} });

describe('bad input to the quarterly review', () => {
  it('a malformed quarter is a 400 naming the field, in the caller’s language', async () => {
    const zh = await post('/api/reviews/rounds', { orgId: branch1, quarter: '2026-5' });
    expect(zh.statusCode).toBe(400);
    expect((zh.json() as { issues: { field: string }[] }).issues.map((i) => i.field)).toContain('quarter');
    expect((zh.json() as { message: string }).message).toMatch(CJK);
    const en = await post('/api/reviews/rounds', { orgId: branch1, quarter: '2026-5' }, EN);
    expect(en.statusCode).toBe(400);
    expect((en.json() as { message: string }).message).not.toMatch(CJK);
  });

  it('a rubric not adding up to 100 is refused with a clear message, in English when asked', async () => {
    const items = [
      { key: 'a', title: '组织生活', points: 60 },
      { key: 'b', title: '学习', points: 30 },
    ];
    const zh = await put(`/api/reviews/rubrics/${branch1}`, { items });
    expect(zh.statusCode).toBe(400);
    expect((zh.json() as { message: string }).message).toBe('各评分项分值合计应为 100 分，现为 90 分');
    const en = await put(`/api/reviews/rubrics/${branch1}`, { items }, EN);
    expect((en.json() as { message: string }).message).toBe('The items must add up to 100 points; they add up to 90');
  });

  it('the same unit and quarter twice is a 409; a fraction or a negative score is a 400; a total sent is ignored', async () => {
    const quarter = previousQuarter(quarterOf(shanghaiDate()));
    const first = await post('/api/reviews/rounds', { orgId: branch1, quarter });
    expect(first.statusCode, first.body).toBe(200);
    const round = first.json() as { id: string; entries: { memberId: string }[] };
    const again = await post('/api/reviews/rounds', { orgId: branch1, quarter });
    expect(again.statusCode).toBe(409);
    expect((again.json() as { message: string }).message).toContain('季度评议已开启');
    expect(round.entries.length).toBeGreaterThan(0);
    const memberId = round.entries[0]?.memberId ?? '';
    expect((await post(`/api/reviews/rounds/${round.id}/scoring`)).statusCode).toBe(200);
    const url = `/api/reviews/rounds/${round.id}/entries/${memberId}/scores`;
    for (const bad of [2.5, -1, '20']) {
      const res = await put(url, { scores: { org_life: bad } });
      expect(res.statusCode).toBe(400);
      expect((res.json() as { issues: { field: string }[] }).issues.map((i) => i.field).join(' ')).toContain('org_life');
    }
    const over = await put(url, { scores: { org_life: 31 } });
    expect(over.statusCode).toBe(400);
    expect((over.json() as { message: string }).message).toBe('“组织生活”的分数应在 0 到 30 之间');
    const ok = await put(url, { scores: { org_life: 20, study: 15 }, total: 100 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ total: 35 });
  });
});
