import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, sendXlsx, typed } from '../../http.ts';
import {
  CommentBody,
  InflowBody,
  MyReview,
  OpenRoundBody,
  ReviewEntry,
  ReviewRound,
  ReviewRoundList,
  ReviewRoundQuery,
  Rubric,
  RubricBody,
  ScoreBody,
  SelfSummaryBody,
} from '../../../shared/api-reviews.ts';
import type { AppServices } from '../../services.ts';
import { exportRound } from './export.ts';
import { markResultSeen, myReview, saveSelfSummary } from './my-review.ts';
import { commentEntry, getRound, listReviewRounds, openRound, publishRound, recordInflowOpinion, refreshEvidence, scoreEntry, startScoring } from './rounds.ts';
import { getRubric, saveRubric } from './rubric.ts';

const IdParams = z.object({ id: z.uuid() });
const EntryParams = z.object({ id: z.uuid(), memberId: z.uuid() });
const OrgParams = z.object({ orgId: z.uuid() });

export function registerReviewRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['reviews'];
  const { db } = services;
  r.get('/api/reviews/rounds', {
    config: { access: 'session' },
    schema: { tags, summary: '季度评议列表 Quarterly review rounds of the caller’s units', querystring: ReviewRoundQuery, response: { 200: ReviewRoundList } },
    handler: async (req) => listReviewRounds(db, context(req), req.query),
  });
  r.post('/api/reviews/rounds', {
    config: { access: 'session' },
    schema: { tags, summary: '开启季度评议 Open the review of a unit’s mobile members for a quarter', body: OpenRoundBody, response: { 200: ReviewRound } },
    handler: async (req) => openRound(db, context(req), req.body),
  });
  r.get('/api/reviews/rounds/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '季度评议详情 A round with every member’s evidence, summary, opinion and scores', params: IdParams, response: { 200: ReviewRound } },
    handler: async (req) => getRound(db, context(req), req.params.id),
  });
  r.post('/api/reviews/rounds/:id/evidence', {
    config: { access: 'session' },
    schema: { tags, summary: '更新记录 Gather the evidence again from the data', params: IdParams, response: { 200: ReviewRound } },
    handler: async (req) => refreshEvidence(db, context(req), req.params.id),
  });
  r.post('/api/reviews/rounds/:id/scoring', {
    config: { access: 'session' },
    schema: { tags, summary: '开始评分 Close the self-summaries and start scoring', params: IdParams, response: { 200: ReviewRound } },
    handler: async (req) => startScoring(db, context(req), req.params.id),
  });
  r.post('/api/reviews/rounds/:id/publish', {
    config: { access: 'session' },
    schema: { tags, summary: '公布结果 Publish the results to the members', params: IdParams, response: { 200: ReviewRound } },
    handler: async (req) => publishRound(db, context(req), req.params.id),
  });
  r.get('/api/reviews/rounds/:id/export', {
    config: { access: 'session' },
    schema: { tags, summary: '导出季度评议 The round as xlsx (one row per member)', params: IdParams },
    handler: async (req, reply) => {
      const file = await exportRound(db, context(req), req.params.id);
      return sendXlsx(reply, file.fileName, file.body);
    },
  });
  r.put('/api/reviews/rounds/:id/entries/:memberId/inflow', {
    config: { access: 'session' },
    schema: { tags, summary: '流入地党组织意见 Record the opinion of the organization where the member works', params: EntryParams, body: InflowBody, response: { 200: ReviewEntry } },
    handler: async (req) => recordInflowOpinion(db, context(req), req.params.id, req.params.memberId, req.body),
  });
  r.put('/api/reviews/rounds/:id/entries/:memberId/scores', {
    config: { access: 'session' },
    schema: { tags, summary: '评分 Score rubric items of a member (the total is computed)', params: EntryParams, body: ScoreBody, response: { 200: ReviewEntry } },
    handler: async (req) => scoreEntry(db, context(req), req.params.id, req.params.memberId, req.body),
  });
  r.put('/api/reviews/rounds/:id/entries/:memberId/comment', {
    config: { access: 'session' },
    schema: { tags, summary: '评语 The secretary’s comment on a member', params: EntryParams, body: CommentBody, response: { 200: ReviewEntry } },
    handler: async (req) => commentEntry(db, context(req), req.params.id, req.params.memberId, req.body),
  });
  r.get('/api/reviews/rubrics/:orgId', {
    config: { access: 'session' },
    schema: { tags, summary: '评分标准 The rubric a unit uses (its own, a unit’s above, or the default)', params: OrgParams, response: { 200: Rubric } },
    handler: async (req) => getRubric(db, context(req), req.params.orgId),
  });
  r.put('/api/reviews/rubrics/:orgId', {
    config: { access: 'session' },
    schema: { tags, summary: '设置评分标准 Set a unit’s rubric (items adding up to 100)', params: OrgParams, body: RubricBody, response: { 200: Rubric } },
    handler: async (req) => saveRubric(db, context(req), req.params.orgId, req.body),
  });
  r.get('/api/me/review', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '我的季度评议 The member’s open self-summary and published results', response: { 200: MyReview } },
    handler: async (req) => myReview(db, context(req)),
  });
  r.put('/api/me/review/rounds/:id/summary', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '自我小结 Write the self-summary while the round is open', params: IdParams, body: SelfSummaryBody, response: { 200: MyReview } },
    handler: async (req) => saveSelfSummary(db, context(req), req.params.id, req.body),
  });
  r.post('/api/me/review/rounds/:id/seen', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '已查看评议结果 The member has seen a published result', params: IdParams, response: { 200: MyReview } },
    handler: async (req) => markResultSeen(db, context(req), req.params.id),
  });
}
