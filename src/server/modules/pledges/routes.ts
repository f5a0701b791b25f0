import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import {
  JobMatch,
  JobMatchInput,
  JobMatchList,
  JobMatchPatch,
  JobOfferInput,
  JobOfferList,
  JobSeeker,
  JobSeekerInput,
  JobSeekerList,
  JobsQuery,
  MyJobOffer,
  MyJobOffers,
  MyPledges,
  MyPledgesInput,
  NotPledgedList,
  Pledge,
  PledgeFollowUpInput,
  PledgeList,
  PledgeOutcomeInput,
  PledgePeriod,
  PledgePeriodInput,
  PledgePeriodQuery,
  PledgeQuery,
  PledgeSummary,
  PledgeUnitQuery,
} from '../../../shared/api-pledges.ts';
import type { AppServices } from '../../services.ts';
import { assignFollowUp, listPledges, myPledges, notPledged, pledgeSummary, recordOutcome, savePledges, viewPledge } from './pledges.ts';
import { getPeriod, setPeriod } from './periods.ts';
import { addJobSeeker, closeJobSeeker, closeMyJobOffer, listJobMatches, listJobOffers, listJobSeekers, matchJob, myJobOffers, offerJob, updateJobMatch } from './jobs.ts';

const IdParams = z.object({ id: z.uuid() });

export function registerPledgesRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['pledges'];
  const { db } = services;

  // the member
  r.get('/api/me/pledges', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '我的四个一承诺 One\'s pledges of this year, their follow-up and outcome, and the period', response: { 200: MyPledges } },
    handler: async (req) => myPledges(db, context(req)),
  });
  r.put('/api/me/pledges', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '填写承诺 Make or edit one\'s pledges of this year while the period is open and follow-up has not started', body: MyPledgesInput, response: { 200: MyPledges } },
    handler: async (req) => savePledges(db, context(req), req.body),
  });
  r.get('/api/me/jobs', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '我提供的岗位 One\'s job offers and their matches (the seeker\'s name and wanted work)', response: { 200: MyJobOffers } },
    handler: async (req) => myJobOffers(db, context(req)),
  });
  r.post('/api/me/jobs', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '提供岗位 Offer a job from one\'s city (wages in whole yuan per month)', body: JobOfferInput, response: { 200: MyJobOffer } },
    handler: async (req) => offerJob(db, context(req), req.body),
  });
  r.post('/api/me/jobs/:id/close', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '关闭岗位 Close one\'s job offer', params: IdParams, response: { 200: MyJobOffer } },
    handler: async (req) => closeMyJobOffer(db, context(req), req.params.id),
  });

  // the secretaries of the unit (service.manage)
  r.get('/api/pledges', {
    config: { access: 'session' },
    schema: { tags, summary: '四个一承诺 A unit\'s pledges of a year, by kind and state', querystring: PledgeQuery, response: { 200: PledgeList } },
    handler: async (req) => listPledges(db, context(req), req.query),
  });
  r.get('/api/pledges/summary', {
    config: { access: 'session' },
    schema: { tags, summary: '承诺统计 Per unit and year: who pledged, waiting for follow-up, became real, per kind', querystring: PledgeUnitQuery, response: { 200: PledgeSummary } },
    handler: async (req) => pledgeSummary(db, context(req), req.query),
  });
  r.get('/api/pledges/not-pledged', {
    config: { access: 'session' },
    schema: { tags, summary: '未承诺 Members of a unit without all four pledges of the year (mobile members flagged)', querystring: PledgeUnitQuery, response: { 200: NotPledgedList } },
    handler: async (req) => notPledged(db, context(req), req.query),
  });
  r.get('/api/pledges/period', {
    config: { access: 'session' },
    schema: { tags, summary: '承诺期 The pledging period that applies to a unit for a year', querystring: PledgePeriodQuery, response: { 200: PledgePeriod } },
    handler: async (req) => getPeriod(db, context(req), req.query),
  });
  r.put('/api/pledges/period', {
    config: { access: 'session' },
    schema: { tags, summary: '设置承诺期 Set a unit\'s pledging period for a year', body: PledgePeriodInput, response: { 200: PledgePeriod } },
    handler: async (req) => setPeriod(db, context(req), req.body),
  });
  r.get('/api/pledges/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '承诺详情 One pledge with its follow-up and outcome', params: IdParams, response: { 200: Pledge } },
    handler: async (req) => viewPledge(db, context(req), req.params.id),
  });
  r.put('/api/pledges/:id/follow-up', {
    config: { access: 'session' },
    schema: { tags, summary: '指派跟进 Assign a pledge\'s follow-up: a party member of the unit, by a due day', params: IdParams, body: PledgeFollowUpInput, response: { 200: Pledge } },
    handler: async (req) => assignFollowUp(db, context(req), req.params.id, req.body),
  });
  r.put('/api/pledges/:id/outcome', {
    config: { access: 'session' },
    schema: { tags, summary: '记录结果 Record a pledge\'s outcome (in progress, adopted, done, not feasible with a note)', params: IdParams, body: PledgeOutcomeInput, response: { 200: Pledge } },
    handler: async (req) => recordOutcome(db, context(req), req.params.id, req.body),
  });

  r.get('/api/jobs/offers', {
    config: { access: 'session' },
    schema: { tags, summary: '岗位 Jobs offered by members of a unit', querystring: JobsQuery, response: { 200: JobOfferList } },
    handler: async (req) => listJobOffers(db, context(req), req.query),
  });
  r.get('/api/jobs/seekers', {
    config: { access: 'session' },
    schema: { tags, summary: '求职人 Villagers of a unit looking for work', querystring: JobsQuery, response: { 200: JobSeekerList } },
    handler: async (req) => listJobSeekers(db, context(req), req.query),
  });
  r.post('/api/jobs/seekers', {
    config: { access: 'session' },
    schema: { tags, summary: '登记求职人 Record a villager looking for work (a name, a phone, what work)', body: JobSeekerInput, response: { 200: JobSeeker } },
    handler: async (req) => addJobSeeker(db, context(req), req.body),
  });
  r.post('/api/jobs/seekers/:id/close', {
    config: { access: 'session' },
    schema: { tags, summary: '结束求职 The villager found work or no longer looks', params: IdParams, response: { 200: JobSeeker } },
    handler: async (req) => closeJobSeeker(db, context(req), req.params.id),
  });
  r.get('/api/jobs/matches', {
    config: { access: 'session' },
    schema: { tags, summary: '对接记录 Matches of a unit\'s villagers to jobs', querystring: JobsQuery, response: { 200: JobMatchList } },
    handler: async (req) => listJobMatches(db, context(req), req.query),
  });
  r.post('/api/jobs/matches', {
    config: { access: 'session' },
    schema: { tags, summary: '推荐对接 Propose a villager for a job', body: JobMatchInput, response: { 200: JobMatch } },
    handler: async (req) => matchJob(db, context(req), req.body),
  });
  r.patch('/api/jobs/matches/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '对接结果 Record how a match went (hired, declined)', params: IdParams, body: JobMatchPatch, response: { 200: JobMatch } },
    handler: async (req) => updateJobMatch(db, context(req), req.params.id, req.body),
  });
}
