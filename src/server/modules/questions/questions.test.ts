import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type TestEnv } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { addDays, clock, shanghaiDate } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { AnswerBody, AskQuestionBody, FaqInput, QuestionQuery } from '../../../shared/api-questions.ts';
import { answerQuestion, askQuestion, listQuestions, markAnswerSeen, menteeQuestions, myQuestion, myQuestions, overdueQuestions, viewQuestion } from './service.ts';
import { createFaq, listFaq, memberFaq, setFaqPublished, updateFaq } from './faq.ts';
import { dueDay } from './due.ts';
import { updateSettings } from '../settings/index.ts';

/**
 * 有问必答 on a copy of the demo village: the mobile member 13800000003 sits in 第一党小组 of
 * 第一党支部 (whose secretary is 13800000001) and is mentored by 13800000002; 13800000004 leads a
 * party group and is no one's mentor.
 */
let env: TestEnv;
let admin: RequestContext;
let village: RequestContext;
let branch: RequestContext;
let mentor: RequestContext;
let member: RequestContext;
let leader: RequestContext;
let asker: string;

const ask = (body: string, publishable = false) => askQuestion(env.db, member, AskQuestionBody.parse({ body, publishable }));
const answer = (ctx: RequestContext, id: string, body: string) => answerQuestion(env.db, ctx, id, AnswerBody.parse({ body }));
const list = (ctx: RequestContext, q: Record<string, unknown> = {}) => listQuestions(env.db, ctx, QuestionQuery.parse({ pageSize: 200, ...q }));

async function expectError(p: Promise<unknown>, code: string, field?: string): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.code).toBe(code);
  if (field) expect(e.issues?.map((i) => i.field)).toContain(field);
  return e;
}

const orgId = async (name: string) => (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow()).id;
const countQuestions = async () => (await env.db.selectFrom('question').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', env.tenantId).executeTakeFirstOrThrow()).n;

/** A question of someone else, written straight into the table (a member without a login). */
async function questionOf(memberId: string, body: string): Promise<string> {
  const m = await env.db.selectFrom('member').select('org_id').where('tenant_id', '=', env.tenantId).where('id', '=', memberId).executeTakeFirstOrThrow();
  const row = await env.db
    .insertInto('question')
    .values({ tenant_id: env.tenantId, member_id: memberId, org_id: m.org_id, branch_org_id: m.org_id, body, due_on: dueDay(shanghaiDate()) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  env = await openTestApp();
  admin = await contextFor(env, PHONES.tenantAdmin);
  village = await contextFor(env, PHONES.generalSecretary);
  branch = await contextFor(env, PHONES.branchSecretary);
  mentor = await contextFor(env, PHONES.mentor);
  member = await contextFor(env, PHONES.mobileMember);
  leader = await contextFor(env, PHONES.groupLeader);
  asker = await memberIdByPhone(env, PHONES.mobileMember);
});
afterAll(async () => env.close());

describe('the due day', () => {
  it('is three working days after the asked day, weekends skipped', () => {
    expect(dueDay('2026-12-07')).toBe('2026-12-10'); // Monday → Thursday
    expect(dueDay('2026-12-04')).toBe('2026-12-09'); // Friday → Wednesday
    expect(dueDay('2026-12-05')).toBe('2026-12-09'); // Saturday → Wednesday
    expect(dueDay('2026-12-06')).toBe('2026-12-09'); // Sunday → Wednesday
    expect(dueDay('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('asking', () => {
  it('routes the question to the branch above the member and to their mentor, due in three working days', async () => {
    const q = await ask('请问流动党员的党费可以线上交吗？');
    const row = await env.db.selectFrom('question').selectAll().where('tenant_id', '=', env.tenantId).where('id', '=', q.id).executeTakeFirstOrThrow();
    expect(row.branch_org_id).toBe(await orgId('第一党支部'));
    expect(row.mentor_member_id).toBe(await memberIdByPhone(env, PHONES.mentor));
    expect(row.member_id).toBe(asker);
    expect(q).toMatchObject({ status: 'open', branchName: '第一党支部', overdue: false, answers: [], answerUnseen: false });
    expect(q.dueOn).toBe(dueDay(shanghaiDate()));
    // the branch secretary, the village secretary, the admin and the mentor see it; the leader is refused
    for (const ctx of [branch, village, admin, mentor]) expect((await list(ctx)).items.map((i) => i.id)).toContain(q.id);
    expect((await menteeQuestions(env.db, mentor)).items.map((i) => i.id)).toContain(q.id);
    await expectError(list(leader), 'forbidden');
    await expectError(viewQuestion(env.db, leader, q.id), 'forbidden');
    const audit = await env.db.selectFrom('audit_log').select('entity_id').where('tenant_id', '=', env.tenantId).where('action', '=', 'question.ask').execute();
    expect(audit.map((a) => a.entity_id)).toContain(q.id);
  });

  it('is due in the working days the tenant set', async () => {
    await updateSettings(env.db, admin, { questionAnswerDays: 5 });
    try {
      const q = await ask('期限改成五个工作日以后提的问题');
      expect(q.dueOn).toBe(dueDay(shanghaiDate(), 5));
    } finally {
      await updateSettings(env.db, admin, { questionAnswerDays: 3 });
    }
  });

  it('keeps HTML as the text it is', async () => {
    const html = '<script>alert(1)</script><b>加粗</b> & 其他';
    const q = await ask(html);
    expect(q.body).toBe(html);
    expect((await viewQuestion(env.db, branch, q.id)).body).toBe(html);
  });

  it('refuses an empty or too long question, naming the field, and writes nothing', async () => {
    expect(AskQuestionBody.safeParse({ body: '   ' }).error?.issues[0]?.path).toEqual(['body']);
    expect(AskQuestionBody.safeParse({ body: '问'.repeat(1001) }).error?.issues[0]?.message).toBe('问题不能超过 1000 字');
  });

  it('refuses a member whose unit no longer exists, writing nothing', async () => {
    const unit = await env.db.selectFrom('member').select('org_id').where('tenant_id', '=', env.tenantId).where('id', '=', asker).executeTakeFirstOrThrow();
    const before = await countQuestions();
    await env.db.updateTable('org').set({ retired_at: clock.now() }).where('tenant_id', '=', env.tenantId).where('id', '=', unit.org_id).execute();
    try {
      const e = await expectError(ask('撤销的组织还能提问吗？'), 'not_found');
      expect(e.message).toContain('组织');
      expect(await countQuestions()).toBe(before);
    } finally {
      await env.db.updateTable('org').set({ retired_at: null }).where('tenant_id', '=', env.tenantId).where('id', '=', unit.org_id).execute();
    }
  });

  it('refuses an account without a member record', async () => {
    await expectError(askQuestion(env.db, admin, AskQuestionBody.parse({ body: '管理员提问' })), 'forbidden');
  });
});

describe('answering', () => {
  it('by the mentor: the question is answered, the member sees a new answer until they open it', async () => {
    const q = await ask('入党积极分子的培养要多长时间？');
    const answered = await answer(mentor, q.id, '一般不少于一年，具体问支部。');
    expect(answered).toMatchObject({ status: 'answered', overdue: false });
    expect(answered.answers).toEqual([expect.objectContaining({ answererRole: 'mentor', body: '一般不少于一年，具体问支部。' })]);
    const mine = await myQuestion(env.db, member, q.id);
    expect(mine.answerUnseen).toBe(true);
    expect((await myQuestions(env.db, member)).unseenAnswers).toBeGreaterThan(0);
    expect((await markAnswerSeen(env.db, member, q.id)).answerUnseen).toBe(false);
    // a follow-up answer by the secretary waits unseen again, the first answer's day stays
    const again = await answer(branch, q.id, '补充：可以参加线上党课。');
    expect(again.answers.map((a) => a.answererRole)).toEqual(['mentor', 'secretary']);
    expect(again.answeredAt).toBe(answered.answeredAt);
    expect((await myQuestion(env.db, member, q.id)).answerUnseen).toBe(true);
    const audit = await env.db.selectFrom('audit_log').select('entity_id').where('tenant_id', '=', env.tenantId).where('action', '=', 'question.answer').execute();
    expect(audit.filter((a) => a.entity_id === q.id)).toHaveLength(2);
  });

  it('tells the asker through the outbox, opening the question on the phone', async () => {
    const account = (await env.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('member_id', '=', asker).executeTakeFirstOrThrow()).id;
    await env.db.insertInto('push_subscription').values({ tenant_id: env.tenantId, account_id: account, endpoint: 'https://push.example.test/questions', p256dh: 'k', auth: 'a' }).execute();
    const q = await ask('党员证丢了怎么补办？');
    const notices = () => env.db.selectFrom('notification').select(['channel', 'link', 'member_id']).where('tenant_id', '=', env.tenantId).where('source_kind', '=', 'question.answered').where('source_id', '=', q.id).execute();
    expect(await notices()).toEqual([]);
    await answer(branch, q.id, '写个申请交给支部，我们帮您办。');
    expect(await notices()).toEqual([{ channel: 'webpush', link: `questions/${q.id}`, member_id: asker }]);
  });

  it('by the branch secretary, named as secretary', async () => {
    const q = await ask('外出务工期间怎么参加组织生活？');
    const answered = await answer(branch, q.id, '可以参加云课堂，也可以在流入地参加。');
    expect(answered.answers[0]?.answererRole).toBe('secretary');
    expect(answered.answers[0]?.answererName).not.toBe('');
  });

  it('refuses outsiders: the group leader, the asker themself; another member cannot read it', async () => {
    const q = await ask('谁能回答我？');
    await expectError(answer(leader, q.id, '我来答'), 'forbidden');
    await expectError(answer(member, q.id, '自问自答'), 'forbidden');
    await expectError(myQuestion(env.db, leader, q.id), 'not_found');
    await expectError(markAnswerSeen(env.db, mentor, q.id), 'not_found');
    await expectError(answer(branch, randomUUID(), '没有这个问题'), 'not_found');
  });
});

describe('overdue', () => {
  it('an open question past its due day is overdue: in the overdue filter, the count and the dashboard list', async () => {
    const q = await ask('这个问题一直没人回答。');
    const yesterday = addDays(shanghaiDate(), -1);
    await env.db.updateTable('question').set({ due_on: yesterday, asked_at: new Date(Date.parse(`${addDays(yesterday, -5)}T02:00:00Z`)) }).where('tenant_id', '=', env.tenantId).where('id', '=', q.id).execute();
    const overdue = await list(branch, { status: 'overdue' });
    expect(overdue.items.map((i) => i.id)).toContain(q.id);
    expect(overdue.items.every((i) => i.overdue && i.status === 'open')).toBe(true);
    expect(overdue.overdue).toBe(overdue.total);
    const open = await list(branch, { status: 'open' });
    expect(open.items[0]?.id).toBe(q.id); // the oldest due day first
    const branchPath = (await env.db.selectFrom('org').select('path').where('tenant_id', '=', env.tenantId).where('name', '=', '第一党支部').executeTakeFirstOrThrow()).path;
    const dash = await overdueQuestions(env.db, env.tenantId, [branchPath]);
    expect(dash.count).toBe(overdue.total);
    expect(dash.oldest.map((o) => o.id)).toContain(q.id);
    // answered, it is no longer overdue
    await answer(branch, q.id, '抱歉回复晚了。');
    expect((await list(branch, { status: 'overdue' })).items.map((i) => i.id)).not.toContain(q.id);
    expect((await overdueQuestions(env.db, env.tenantId, [branchPath])).count).toBe(dash.count - 1);
  });
});

describe('lists keep to the caller\'s scope', () => {
  it('a branch secretary never sees another branch\'s question; a mentor only their mentees\'', async () => {
    const other = await env.db
      .selectFrom('member as m')
      .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
      .select(['m.id'])
      .where('m.tenant_id', '=', env.tenantId)
      .where('o.path', 'like', `${(await env.db.selectFrom('org').select('path').where('tenant_id', '=', env.tenantId).where('name', '=', '第二党支部').executeTakeFirstOrThrow()).path}%`)
      .executeTakeFirstOrThrow();
    const foreign = await questionOf(other.id, '第二党支部的问题');
    const branchPath = (await env.db.selectFrom('org').select('path').where('tenant_id', '=', env.tenantId).where('name', '=', '第一党支部').executeTakeFirstOrThrow()).path;
    const mine = await list(branch);
    expect(mine.items.map((i) => i.id)).not.toContain(foreign);
    const inScope = await env.db.selectFrom('question as q').innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'q.tenant_id').onRef('o.id', '=', 'q.org_id')).select(['q.id', 'o.path']).where('q.tenant_id', '=', env.tenantId).execute();
    const allowed = new Set(inScope.filter((r) => r.path.startsWith(branchPath)).map((r) => r.id));
    expect(mine.items.every((i) => allowed.has(i.id))).toBe(true);
    expect(mine.total).toBe(allowed.size);
    await expectError(list(branch, { orgId: await orgId('第二党支部') }), 'forbidden');
    await expectError(viewQuestion(env.db, branch, foreign), 'forbidden');
    const mentees = new Set(mentor.actor.menteeIds);
    expect((await list(mentor)).items.every((i) => mentees.has(i.member.id))).toBe(true);
    expect((await menteeQuestions(env.db, mentor)).items.every((i) => mentees.has(i.member.id))).toBe(true);
    expect((await list(village)).items.map((i) => i.id)).toContain(foreign);
  });

  it('a mentor reads only the questions routed to them: not what their mentee asked before, and still theirs once the pairing ends', async () => {
    // asked before this mentor took the member on: routed to no mentor, only the secretaries
    const before = await questionOf(asker, '拜师之前问支部的私事');
    expect(mentor.actor.menteeIds).toContain(asker);
    expect((await list(mentor)).items.map((i) => i.id)).not.toContain(before);
    expect((await menteeQuestions(env.db, mentor)).items.map((i) => i.id)).not.toContain(before);
    await expectError(viewQuestion(env.db, mentor, before), 'forbidden');
    await expectError(answer(mentor, before, '不该由我回答'), 'forbidden');
    expect((await list(branch)).items.map((i) => i.id)).toContain(before);
    // asked while paired: routed to the mentor, who keeps it after the pairing ends
    const routed = (await ask('结对时问师傅的问题')).id;
    const formerMentor: RequestContext = { ...mentor, actor: { ...mentor.actor, menteeIds: [] } };
    expect((await menteeQuestions(env.db, formerMentor)).items.map((i) => i.id)).toContain(routed);
    expect((await viewQuestion(env.db, formerMentor, routed)).id).toBe(routed);
    expect((await answer(formerMentor, routed, '结对结束了也照样回答。')).answers.map((a) => a.answererRole)).toEqual(['mentor']);
  });
});

describe('the FAQ', () => {
  it('is made from an answered publishable question, edited; never names the asker; members read it once published', async () => {
    const name = (await env.db.selectFrom('member').select(['name', 'phone']).where('tenant_id', '=', env.tenantId).where('id', '=', asker).executeTakeFirstOrThrow());
    const q = await ask(`我是${name.name}，电话${name.phone}，在外地怎么转党组织关系？`, true);
    const faq = (question: string, answerText = '在全国党员管理信息系统中办理，支部书记协助。') => createFaq(env.db, branch, FaqInput.parse({ questionId: q.id, question, answer: answerText }));
    await expectError(faq('在外地怎么转党组织关系？'), 'validation_failed', 'questionId'); // not answered yet
    await answer(branch, q.id, `${name.name}同志：在全国党员管理信息系统中办理。`);
    await expectError(faq(`${name.name}问：在外地怎么转党组织关系？`), 'validation_failed', 'question');
    await expectError(faq('在外地怎么转党组织关系？', `请${name.name}联系支部`), 'validation_failed', 'answer');
    await expectError(faq(`电话${name.phone}`), 'validation_failed', 'question');
    const entry = await faq('在外地怎么转党组织关系？');
    expect(entry).toMatchObject({ orgName: '第一党支部', publishedAt: null, sourceQuestionId: q.id });
    expect((await viewQuestion(env.db, branch, q.id)).faqEntryId).toBe(entry.id);
    // a draft is not for members
    expect((await memberFaq(env.db, member)).items.map((i) => i.id)).not.toContain(entry.id);
    await expectError(updateFaq(env.db, branch, entry.id, { answer: `联系${name.name}` }), 'validation_failed', 'answer');
    await updateFaq(env.db, branch, entry.id, { answer: '在全国党员管理信息系统中办理，流入地党组织接收。' });
    await setFaqPublished(env.db, branch, entry.id, true);
    const read = await memberFaq(env.db, member);
    expect(read.items).toContainEqual({ id: entry.id, orgName: '第一党支部', question: '在外地怎么转党组织关系？', answer: '在全国党员管理信息系统中办理，流入地党组织接收。' });
    const text = JSON.stringify(read);
    expect(text).not.toContain(name.name);
    expect(text).not.toContain(name.phone);
    expect(text).not.toContain(asker);
    // only those who manage the unit's community edit it
    await expectError(setFaqPublished(env.db, mentor, entry.id, false), 'forbidden');
    await expectError(listFaq(env.db, leader, {}), 'forbidden');
    expect((await listFaq(env.db, branch, {})).items.map((i) => i.id)).toContain(entry.id);
    await setFaqPublished(env.db, branch, entry.id, false);
    expect((await memberFaq(env.db, member)).items.map((i) => i.id)).not.toContain(entry.id);
  });

  it('refuses a question the asker kept private', async () => {
    const q = await ask('私下问一个问题');
    await answer(branch, q.id, '私下回答');
    await expectError(createFaq(env.db, branch, FaqInput.parse({ questionId: q.id, question: '问题', answer: '回答' })), 'validation_failed', 'questionId');
  });
});

describe('over HTTP', () => {
  it('a resend with the same Idempotency-Key makes one question', async () => {
    const session = await login(env.app, PHONES.mobileMember);
    const key = randomUUID();
    const body = { body: `断网后重发的问题 ${key}`, publishable: false };
    const send = () => env.app.inject({ method: 'POST', url: '/api/me/questions', headers: { ...session.headers, 'idempotency-key': key }, payload: body });
    const first = await send();
    expect(first.statusCode).toBe(200);
    const again = await send();
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const rows = await env.db.selectFrom('question').select('id').where('tenant_id', '=', env.tenantId).where('body', '=', body.body).execute();
    expect(rows).toHaveLength(1);
  });

  it('a bad question is a 400 naming the field', async () => {
    const session = await login(env.app, PHONES.mobileMember);
    const res = await env.app.inject({ method: 'POST', url: '/api/me/questions', headers: session.headers, payload: { body: '' } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('body');
  });
});
