import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import {
  AttachmentBody,
  CheckInBody,
  CheckinCode,
  CreatedSessions,
  LeaveDecisionBody,
  LeaveRequestBody,
  MarkAttendanceBody,
  MinutesBody,
  MyMakeup,
  MySession,
  MySessions,
  ReturnMakeupBody,
  SessionDetail,
  SessionInput,
  SessionList,
  SessionPatch,
  SessionQuery,
  SubmitMakeupBody,
} from '../../../shared/api-learning.ts';
import type { AppServices } from '../../services.ts';
import { decideLeave, getCheckinCode, markAttendance } from './attendance.ts';
import { getMeetingCalendar } from './calendar.ts';
import { closeMeeting } from './closing.ts';
import { getMeeting, listMeetings } from './console-view.ts';
import { listMyMakeups, returnMakeup, submitMakeup } from './makeups.ts';
import { listMyMeetings, recordCheckIn, requestLeave } from './participation.ts';
import { cancelMeeting, planMeeting, updateMeeting } from './planning.ts';
import { addAttachment, recordMinutes, removeAttachment } from './records.ts';

const IdParams = z.object({ id: z.uuid() });
const MemberParams = z.object({ id: z.uuid(), memberId: z.uuid() });
const AttachmentParams = z.object({ id: z.uuid(), attachmentId: z.uuid() });
const SessionIdParams = z.object({ sessionId: z.uuid() });

/** Where the caller reached us (behind a proxy: what it forwarded, when trusted). */
const originOf = (req: FastifyRequest): string => `${req.protocol}://${req.host}`;

export function registerMeetingsRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['sessions'];
  const { db } = services;
  const config = { access: 'session' } as const;

  // ---------- console ----------
  r.get('/api/sessions', {
    config,
    schema: { tags, summary: '会议与课程 Sessions of my units', querystring: SessionQuery, response: { 200: SessionList } },
    handler: async (req) => listMeetings(db, context(req), req.query),
  });
  r.post('/api/sessions', {
    config,
    schema: { tags, summary: '安排会议/课程（可按月重复） Plan a session, or monthly', body: SessionInput, response: { 200: CreatedSessions } },
    handler: async (req) => planMeeting(db, context(req), req.body),
  });
  r.get('/api/sessions/:id', {
    config,
    schema: { tags, summary: '会议详情与考勤 A session with attendance', params: IdParams, response: { 200: SessionDetail } },
    handler: async (req) => getMeeting(db, context(req), req.params.id),
  });
  r.patch('/api/sessions/:id', {
    config,
    schema: { tags, summary: '修改会议（仅计划中） Edit a planned session', params: IdParams, body: SessionPatch, response: { 200: SessionDetail } },
    handler: async (req) => updateMeeting(db, context(req), req.params.id, req.body),
  });
  r.post('/api/sessions/:id/cancel', {
    config,
    schema: { tags, summary: '取消会议 Cancel', params: IdParams, response: { 200: SessionDetail } },
    handler: async (req) => cancelMeeting(db, context(req), req.params.id),
  });
  r.post('/api/sessions/:id/close', {
    config,
    schema: { tags, summary: '结束会议（未签到记缺席并生成补学） Close now', params: IdParams, response: { 200: SessionDetail } },
    handler: async (req) => closeMeeting(db, context(req), req.params.id),
  });
  r.get('/api/sessions/:id/checkin-code', {
    config,
    schema: { tags, summary: '签到二维码（30 秒更新） The rotating check-in code', params: IdParams, response: { 200: CheckinCode } },
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return getCheckinCode(db, context(req), req.params.id, originOf(req));
    },
  });
  r.post('/api/sessions/:id/attendance', {
    config,
    schema: { tags, summary: '登记考勤 Mark an invitee', params: IdParams, body: MarkAttendanceBody, response: { 200: SessionDetail } },
    handler: async (req) => markAttendance(db, context(req), req.params.id, req.body),
  });
  r.post('/api/sessions/:id/leave/:memberId', {
    config,
    schema: { tags, summary: '审批请假 Decide a leave request', params: MemberParams, body: LeaveDecisionBody, response: { 200: SessionDetail } },
    handler: async (req) => decideLeave(db, context(req), req.params.id, req.params.memberId, req.body.approve),
  });
  r.put('/api/sessions/:id/minutes', {
    config,
    schema: { tags, summary: '会议记录 Minutes', params: IdParams, body: MinutesBody, response: { 200: SessionDetail } },
    handler: async (req) => recordMinutes(db, context(req), req.params.id, req.body.minutes),
  });
  r.post('/api/sessions/:id/attachments', {
    config,
    schema: { tags, summary: '添加附件（记录、照片） Attach an uploaded file', params: IdParams, body: AttachmentBody, response: { 200: SessionDetail } },
    handler: async (req) => addAttachment(db, context(req), req.params.id, req.body),
  });
  r.delete('/api/sessions/:id/attachments/:attachmentId', {
    config,
    schema: { tags, summary: '删除附件 Remove an attachment', params: AttachmentParams, response: { 200: SessionDetail } },
    handler: async (req) => removeAttachment(db, context(req), req.params.id, req.params.attachmentId),
  });
  r.post('/api/sessions/:id/makeups/:memberId/return', {
    config,
    schema: { tags, summary: '退回补学心得 Send a make-up back', params: MemberParams, body: ReturnMakeupBody, response: { 200: SessionDetail } },
    handler: async (req) => returnMakeup(db, context(req), req.params.id, req.params.memberId, req.body.note),
  });
  r.get('/api/sessions/:id/calendar.ics', {
    config,
    schema: { tags, summary: '日历文件 The session as an .ics calendar event', params: IdParams },
    handler: async (req, reply) => {
      const ics = await getMeetingCalendar(db, context(req), req.params.id, originOf(req));
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('content-disposition', `inline; filename="session-${req.params.id}.ics"`)
        .send(ics);
    },
  });

  // ---------- member app ----------
  const me = ['member app'];
  r.get('/api/me/sessions', {
    config: { ...config, etag: true },
    schema: { tags: me, summary: '我的会议与课程 My sessions', response: { 200: MySessions } },
    handler: async (req) => listMyMeetings(db, context(req)),
  });
  r.post('/api/me/sessions/:id/checkin', {
    config,
    schema: { tags: me, summary: '签到（扫码或在应用内） Check in', params: IdParams, body: CheckInBody, response: { 200: MySession } },
    handler: async (req) => recordCheckIn(db, context(req), req.params.id, req.body.code),
  });
  r.post('/api/me/sessions/:id/leave', {
    config: { ...config, idempotent: true },
    schema: { tags: me, summary: '请假 Ask for leave', params: IdParams, body: LeaveRequestBody, response: { 200: MySession } },
    handler: async (req) => requestLeave(db, context(req), req.params.id, req.body.reason),
  });
  r.get('/api/me/makeups', {
    config: { ...config, etag: true },
    schema: { tags: me, summary: '我的补学 My make-ups', response: { 200: z.array(MyMakeup) } },
    handler: async (req) => listMyMakeups(db, context(req)),
  });
  r.post('/api/me/makeups/:sessionId', {
    config: { ...config, idempotent: true },
    schema: { tags: me, summary: '提交补学 Hand in a make-up', params: SessionIdParams, body: SubmitMakeupBody, response: { 200: MyMakeup } },
    handler: async (req) => submitMakeup(db, context(req), req.params.sessionId, req.body),
  });
}
