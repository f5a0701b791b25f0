import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import {
  AnswerBody,
  AskQuestionBody,
  FaqEntry,
  FaqInput,
  FaqList,
  FaqPatch,
  FaqQuery,
  MemberFaq,
  MenteeQuestionList,
  MyQuestion,
  MyQuestionList,
  Question,
  QuestionList,
  QuestionQuery,
} from '../../../shared/api-questions.ts';
import type { AppServices } from '../../services.ts';
import { answerQuestion, askQuestion, listQuestions, markAnswerSeen, menteeQuestions, myQuestion, myQuestions, viewQuestion } from './service.ts';
import { createFaq, deleteFaq, listFaq, memberFaq, setFaqPublished, updateFaq } from './faq.ts';

const IdParams = z.object({ id: z.uuid() });
const Ok = z.object({ ok: z.literal(true) });

export function registerQuestionsRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['questions'];
  const { db } = services;

  // the member
  r.post('/api/me/questions', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '提问 Ask one\'s branch (its secretaries and one\'s mentor)', body: AskQuestionBody, response: { 200: MyQuestion } },
    handler: async (req) => askQuestion(db, context(req), req.body),
  });
  r.get('/api/me/questions', {
    config: { access: 'session' },
    schema: { tags, summary: '我的提问 One\'s questions with their answers, newest first', response: { 200: MyQuestionList } },
    handler: async (req) => myQuestions(db, context(req)),
  });
  r.get('/api/me/questions/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '提问详情 One of one\'s questions with its answers', params: IdParams, response: { 200: MyQuestion } },
    handler: async (req) => myQuestion(db, context(req), req.params.id),
  });
  r.post('/api/me/questions/:id/seen', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '已读回复 Mark the answers of one\'s question seen', params: IdParams, response: { 200: MyQuestion } },
    handler: async (req) => markAnswerSeen(db, context(req), req.params.id),
  });
  r.get('/api/me/faq', {
    config: { access: 'session' },
    schema: { tags, summary: '常见问答 The published FAQ of one\'s unit and the units above it', response: { 200: MemberFaq } },
    handler: async (req) => memberFaq(db, context(req)),
  });
  r.get('/api/me/mentee-questions', {
    config: { access: 'session' },
    schema: { tags, summary: '待我回答 The questions routed to the caller as a mentor when asked, open first', response: { 200: MenteeQuestionList } },
    handler: async (req) => menteeQuestions(db, context(req)),
  });

  // those who answer: the secretaries above the asker, the asker's mentor
  r.get('/api/questions', {
    config: { access: 'session' },
    schema: { tags, summary: '有问必答 Questions of one\'s units and those routed to one as a mentor, overdue first', querystring: QuestionQuery, response: { 200: QuestionList } },
    handler: async (req) => listQuestions(db, context(req), req.query),
  });
  r.get('/api/questions/faq', {
    config: { access: 'session' },
    schema: { tags, summary: '常见问答 The FAQ entries of one\'s units, drafts too', querystring: FaqQuery, response: { 200: FaqList } },
    handler: async (req) => listFaq(db, context(req), req.query),
  });
  r.post('/api/questions/faq', {
    config: { access: 'session' },
    schema: { tags, summary: '加入常见问答 An FAQ entry from an answered question the asker allowed to publish, its texts edited', body: FaqInput, response: { 200: FaqEntry } },
    handler: async (req) => createFaq(db, context(req), req.body),
  });
  r.patch('/api/questions/faq/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改问答 Edit an FAQ entry\'s texts or order', params: IdParams, body: FaqPatch, response: { 200: FaqEntry } },
    handler: async (req) => updateFaq(db, context(req), req.params.id, req.body),
  });
  r.post('/api/questions/faq/:id/publish', {
    config: { access: 'session' },
    schema: { tags, summary: '发布问答 Publish an FAQ entry to the unit\'s members', params: IdParams, response: { 200: FaqEntry } },
    handler: async (req) => setFaqPublished(db, context(req), req.params.id, true),
  });
  r.post('/api/questions/faq/:id/unpublish', {
    config: { access: 'session' },
    schema: { tags, summary: '撤回问答 Take an FAQ entry back', params: IdParams, response: { 200: FaqEntry } },
    handler: async (req) => setFaqPublished(db, context(req), req.params.id, false),
  });
  r.delete('/api/questions/faq/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '删除问答 Delete an FAQ entry', params: IdParams, response: { 200: Ok } },
    handler: async (req) => deleteFaq(db, context(req), req.params.id),
  });
  r.get('/api/questions/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '提问详情 One question with its answers (its mentor, the secretaries above the asker)', params: IdParams, response: { 200: Question } },
    handler: async (req) => viewQuestion(db, context(req), req.params.id),
  });
  r.post('/api/questions/:id/answers', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '回复提问 Answer a question (the first answer closes it; the asker is told)', params: IdParams, body: AnswerBody, response: { 200: Question } },
    handler: async (req) => answerQuestion(db, context(req), req.params.id, req.body),
  });
}
