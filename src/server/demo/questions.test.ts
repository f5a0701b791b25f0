import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, openTestDatabase, PHONES } from '../../../test/support/harness.ts';
import { QuestionQuery } from '../../shared/api-questions.ts';
import { listQuestions } from '../modules/questions/service.ts';
import { memberFaq } from '../modules/questions/faq.ts';
import { seedQuestionsDemo } from './questions.ts';

let env: Awaited<ReturnType<typeof openTestDatabase>>;
beforeAll(async () => {
  env = await openTestDatabase();
  await seedQuestionsDemo(env.db, env.tenantId);
});
afterAll(async () => env?.close());

describe('the demo questions', () => {
  it('has one overdue question, one answered and published as an FAQ entry that names no one, one asked today', async () => {
    const village = await contextFor(env, PHONES.generalSecretary);
    const all = await listQuestions(env.db, village, QuestionQuery.parse({}));
    expect(all.total).toBe(3);
    expect(all.overdue).toBe(1);
    expect(all.items.filter((q) => q.status === 'answered')).toHaveLength(1);
    const faq = await memberFaq(env.db, await contextFor(env, PHONES.mobileMember));
    expect(faq.items).toHaveLength(1);
    const asker = all.items.find((q) => q.status === 'answered')?.member.name ?? '';
    expect(asker).not.toBe('');
    expect(JSON.stringify(faq)).not.toContain(asker);
  });
});
