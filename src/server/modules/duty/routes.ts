import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import {
  Comrades,
  DutyShift,
  MyDuty,
  Roster,
  RosterInput,
  RosterList,
  RosterQuery,
  RosterWeek,
  ServedInput,
  ShiftInput,
  SignupResult,
  SwapInput,
  SwapResult,
  WeekQuery,
} from '../../../shared/api-duty.ts';
import { Uuid } from '../../../shared/primitives.ts';
import type { AppServices } from '../../services.ts';
import { addShift, createRoster, listRosters, markServed, rosterWeek } from './rosters.ts';
import { acceptSwap, askSwap, cancelSignup, closeSwap, myDuty, signUp, swapComrades } from './member.ts';

const IdParams = z.object({ id: Uuid });
const Ok = z.object({ ok: z.literal(true) });

export function registerDutyRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['duty'];
  const { db } = services;
  // ---------- the console ----------
  r.get('/api/duty/rosters', {
    config: { access: 'session' },
    schema: { tags, summary: '值守安排 Duty rosters of the units one manages', querystring: RosterQuery, response: { 200: RosterList } },
    handler: async (req) => listRosters(db, context(req), req.query),
  });
  r.post('/api/duty/rosters', {
    config: { access: 'session' },
    schema: { tags, summary: '新建值守安排 Start a duty roster of a unit', body: RosterInput, response: { 200: Roster } },
    handler: async (req) => createRoster(db, context(req), req.body),
  });
  r.get('/api/duty/rosters/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '一周班次 A roster\'s week of shifts with who is on each', params: IdParams, querystring: WeekQuery, response: { 200: RosterWeek } },
    handler: async (req) => rosterWeek(db, context(req), req.params.id, req.query.week),
  });
  r.post('/api/duty/rosters/:id/shifts', {
    config: { access: 'session' },
    schema: { tags, summary: '添加班次 Add a shift (a China day, start and end times, capacity)', params: IdParams, body: ShiftInput, response: { 200: DutyShift } },
    handler: async (req) => addShift(db, context(req), req.params.id, req.body),
  });
  r.post('/api/duty/assignments/:id/served', {
    config: { access: 'session' },
    schema: { tags, summary: '登记到岗 Mark who served or was absent', params: IdParams, body: ServedInput, response: { 200: Ok } },
    handler: async (req) => markServed(db, context(req), req.params.id, req.body),
  });
  // ---------- the member app ----------
  r.get('/api/me/duty', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '我的值守 Shifts open to sign up, my shifts and swaps offered to me', response: { 200: MyDuty } },
    handler: async (req) => myDuty(db, context(req)),
  });
  r.post('/api/me/duty/shifts/:id/signup', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '报名值守 Sign up for a shift (409 when full or already on it)', params: IdParams, response: { 200: SignupResult } },
    handler: async (req) => signUp(db, context(req), req.params.id),
  });
  r.delete('/api/me/duty/assignments/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '取消报名 Cancel my sign-up before the shift starts', params: IdParams, response: { 200: Ok } },
    handler: async (req) => cancelSignup(db, context(req), req.params.id),
  });
  r.get('/api/me/duty/assignments/:id/comrades', {
    config: { access: 'session' },
    schema: { tags, summary: '可换班的同志 Members of the roster\'s unit one may ask to swap (names only)', params: IdParams, response: { 200: Comrades } },
    handler: async (req) => swapComrades(db, context(req), req.params.id),
  });
  r.post('/api/me/duty/assignments/:id/swap', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '申请换班 Ask a named comrade or anyone to take my shift', params: IdParams, body: SwapInput, response: { 200: SwapResult } },
    handler: async (req) => askSwap(db, context(req), req.params.id, req.body),
  });
  r.post('/api/me/duty/swaps/:id/accept', {
    config: { access: 'session', idempotent: true },
    schema: { tags, summary: '接班 Take a swap offered: the shift becomes mine', params: IdParams, response: { 200: SwapResult } },
    handler: async (req) => acceptSwap(db, context(req), req.params.id),
  });
  r.post('/api/me/duty/swaps/:id/withdraw', {
    config: { access: 'session' },
    schema: { tags, summary: '撤回换班 Withdraw my swap request', params: IdParams, response: { 200: SwapResult } },
    handler: async (req) => closeSwap(db, context(req), req.params.id, 'withdrawn'),
  });
  r.post('/api/me/duty/swaps/:id/decline', {
    config: { access: 'session' },
    schema: { tags, summary: '婉拒换班 Decline a swap asked of me by name', params: IdParams, response: { 200: SwapResult } },
    handler: async (req) => closeSwap(db, context(req), req.params.id, 'declined'),
  });
}
