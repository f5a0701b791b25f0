import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, sendXlsx, typed } from '../../http.ts';
import type { AppServices } from '../../services.ts';
import {
  BallotCast,
  BallotInput,
  CreateEvaluationRound,
  EvaluationCapInput,
  EvaluationCapQuery,
  EvaluationCapSetting,
  EvaluationFinal,
  EvaluationPaperTally,
  EvaluationPhaseChange,
  EvaluationProposal,
  EvaluationRoundDetail,
  EvaluationRoundList,
  EvaluationRoundQuery,
  MyEvaluationDetail,
  MyEvaluationList,
  SelfEvaluationInput,
} from '../../../shared/api-evaluations.ts';
import { changePhase, createRound, finalizeRound, getRound, listRounds, readCap, savePaperTally, saveCap, saveProposal } from './service.ts';
import { castBallot, getMyEvaluation, listMyEvaluations, submitSelfEvaluation } from './ballot.ts';
import { exportRound } from './export.ts';

const IdParams = z.object({ id: z.uuid() });

export function registerEvaluationsRoutes(app: App, { db }: AppServices): void {
  const r = typed(app);
  const tags = ['evaluations'];
  r.get('/api/evaluations', {
    config: { access: 'session' },
    schema: { tags, summary: '民主评议 Annual evaluation rounds in scope, newest year first', querystring: EvaluationRoundQuery, response: { 200: EvaluationRoundList } },
    handler: async (req) => listRounds(db, context(req), req.query),
  });
  r.post('/api/evaluations', {
    config: { access: 'session' },
    schema: { tags, summary: '开始民主评议 Open the round of a branch and year', body: CreateEvaluationRound, response: { 200: EvaluationRoundDetail } },
    handler: async (req) => createRound(db, context(req), req.body),
  });
  r.get('/api/evaluations/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '民主评议详情 A round with its members, tally and grades', params: IdParams, response: { 200: EvaluationRoundDetail } },
    handler: async (req) => getRound(db, context(req), req.params.id),
  });
  r.post('/api/evaluations/:id/phase', {
    config: { access: 'session' },
    schema: { tags, summary: '进入下一阶段 Move a round to its next phase', params: IdParams, body: EvaluationPhaseChange, response: { 200: EvaluationRoundDetail } },
    handler: async (req) => changePhase(db, context(req), req.params.id, req.body),
  });
  r.put('/api/evaluations/:id/paper', {
    config: { access: 'session' },
    schema: { tags, summary: '录入纸质票 Paper ballots counted by hand', params: IdParams, body: EvaluationPaperTally, response: { 200: EvaluationRoundDetail } },
    handler: async (req) => savePaperTally(db, context(req), req.params.id, req.body),
  });
  r.put('/api/evaluations/:id/proposal', {
    config: { access: 'session' },
    schema: { tags, summary: '评定意见 The committee\'s proposed grades (优秀 capped)', params: IdParams, body: EvaluationProposal, response: { 200: EvaluationRoundDetail } },
    handler: async (req) => saveProposal(db, context(req), req.params.id, req.body),
  });
  r.post('/api/evaluations/:id/final', {
    config: { access: 'session' },
    schema: { tags, summary: '确定评定结果 Final grades after the notice period', params: IdParams, body: EvaluationFinal, response: { 200: EvaluationRoundDetail } },
    handler: async (req) => finalizeRound(db, context(req), req.params.id, req.body),
  });
  r.get('/api/evaluations/:id/export', {
    config: { access: 'session' },
    schema: { tags, summary: '导出评议结果 Export a round (xlsx)', params: IdParams },
    handler: async (req, reply) => {
      const file = await exportRound(db, context(req), req.params.id);
      return sendXlsx(reply, file.fileName, file.body);
    },
  });
  r.get('/api/evaluation-cap', {
    config: { access: 'session' },
    schema: { tags, summary: '优秀比例 The cap on 优秀 that applies to a unit', querystring: EvaluationCapQuery, response: { 200: EvaluationCapSetting } },
    handler: async (req) => readCap(db, context(req), req.query.orgId),
  });
  r.put('/api/evaluation-cap', {
    config: { access: 'session' },
    schema: { tags, summary: '设置优秀比例 Set the cap on 优秀 for a unit and those below it', body: EvaluationCapInput, response: { 200: EvaluationCapSetting } },
    handler: async (req) => saveCap(db, context(req), req.body),
  });

  // the member's own
  r.get('/api/me/evaluations', {
    config: { access: 'session' },
    schema: { tags, summary: '我的民主评议 The rounds I take part in', response: { 200: MyEvaluationList } },
    handler: async (req) => listMyEvaluations(db, context(req)),
  });
  r.get('/api/me/evaluations/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '民主评议（党员端） A round as I see it, with the ballot while I may vote', params: IdParams, response: { 200: MyEvaluationDetail } },
    handler: async (req) => getMyEvaluation(db, context(req), req.params.id),
  });
  r.put('/api/me/evaluations/:id/self', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '提交自我评价 Write my self-evaluation', params: IdParams, body: SelfEvaluationInput, response: { 200: MyEvaluationDetail } },
    handler: async (req) => submitSelfEvaluation(db, context(req), req.params.id, req.body),
  });
  // Not `idempotent: true`: the generic store keeps a hash of the body per account, which would tie
  // the grades to the voter. The body's `receipt` makes a resend answer as done instead.
  r.post('/api/me/evaluations/:id/ballot', {
    config: { access: 'session' },
    schema: { tags, summary: '民主测评投票 Cast my secret ballot (once)', params: IdParams, body: BallotInput, response: { 200: BallotCast } },
    handler: async (req) => castBallot(db, context(req), req.params.id, req.body),
  });
}
