import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { MentoringList, MentoringQuery, MentorshipHistory, MyMentees, MyRecords, Talk, TalkInput, TalkList, TalkPatch, TalkQuery } from '../../../shared/api-care.ts';
import type { AppServices } from '../../services.ts';
import { getMyRecords, listMentoring, listMentorships, listMyMentees, listTalks, recordTalk, updateTalk, viewTalk } from './service.ts';

const IdParams = z.object({ id: z.uuid() });

export function registerTalksRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['talks'];
  const { db } = services;
  r.post('/api/talks', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '记录谈心谈话 Record a heart-to-heart talk (follow-up opens a care task)', body: TalkInput, response: { 200: Talk } },
    handler: async (req) => recordTalk(db, context(req), req.body),
  });
  r.get('/api/talks', {
    config: { access: 'session' },
    schema: { tags, summary: '谈心谈话记录 Talks of a member or a unit, newest first (audited)', querystring: TalkQuery, response: { 200: TalkList } },
    handler: async (req) => listTalks(db, context(req), req.query),
  });
  r.get('/api/talks/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '谈话详情 One talk (audited)', params: IdParams, response: { 200: Talk } },
    handler: async (req) => viewTalk(db, context(req), req.params.id),
  });
  r.patch('/api/talks/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改谈话记录 Correct a talk (its author within 7 days, or a secretary above the member)', params: IdParams, body: TalkPatch, response: { 200: Talk } },
    handler: async (req) => updateTalk(db, context(req), req.params.id, req.body),
  });
  r.get('/api/mentoring', {
    config: { access: 'session' },
    schema: { tags, summary: '传帮带 Mentors and talk state of a unit\'s (mobile) members, without a mentor first', querystring: MentoringQuery, response: { 200: MentoringList } },
    handler: async (req) => listMentoring(db, context(req), req.query),
  });
  r.get('/api/members/:id/mentorships', {
    config: { access: 'session' },
    schema: { tags, summary: '联系人变更记录 A member\'s mentors over time, current first', params: IdParams, response: { 200: MentorshipHistory } },
    handler: async (req) => listMentorships(db, context(req), req.params.id),
  });
  r.get('/api/me/mentees', {
    config: { access: 'session' },
    schema: { tags, summary: '我联系的党员 A mentor\'s mentees with their talk state, overdue first', response: { 200: MyMentees } },
    handler: async (req) => listMyMentees(db, context(req)),
  });
  r.get('/api/me/records', {
    config: { access: 'session' },
    schema: { tags, summary: '关于我的记录 What is recorded about me: talks, hardship note, delivery visits', response: { 200: MyRecords } },
    handler: async (req) => getMyRecords(db, context(req)),
  });
}
