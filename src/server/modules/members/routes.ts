import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { ContactBody, MemberDetail, MemberInput, MemberList, MemberListQuery, MemberPatch, MentorBody, MobilityInput, ReturnBody, RevealedId, Uuid } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { ElderMode, ElderModeBody } from '../../../shared/api-elder.ts';
import { setMemberElderMode } from './elder-mode.ts';
import {
  assignMentor,
  confirmLostContact,
  createMember,
  getMember,
  listMembers,
  recordContact,
  recordDestination,
  recordReturn,
  revealIdNumber,
  updateMember,
  viewMember,
} from './service.ts';

const IdParams = z.object({ id: Uuid });

export function registerMemberRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['members'];
  const deps = { db: services.db, cipher: services.cipher };
  r.get('/api/members', {
    config: { access: 'session' },
    schema: { tags, summary: '党员名册 Search and filter members', querystring: MemberListQuery, response: { 200: MemberList } },
    handler: async (req) => listMembers(deps, context(req), req.query),
  });
  r.post('/api/members', {
    config: { access: 'session' },
    schema: { tags, summary: '新增党员 Add a member', body: MemberInput, response: { 200: MemberDetail } },
    handler: async (req) => createMember(deps, context(req), req.body),
  });
  r.get('/api/members/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '党员详情 A member', params: IdParams, response: { 200: MemberDetail } },
    handler: async (req) => viewMember(deps, context(req), req.params.id),
  });
  r.patch('/api/members/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改党员信息 Edit a member', params: IdParams, body: MemberPatch, response: { 200: MemberDetail } },
    handler: async (req) => updateMember(deps, context(req), req.params.id, req.body),
  });
  r.post('/api/members/:id/reveal-id', {
    config: { access: 'session' },
    schema: { tags, summary: '查看完整身份证号 Reveal the ID number (audited)', params: IdParams, response: { 200: RevealedId } },
    handler: async (req) => ({ idNumber: await revealIdNumber(deps, context(req), req.params.id) }),
  });
  r.post('/api/members/:id/mobility', {
    config: { access: 'session' },
    schema: { tags, summary: '登记外出/变更流向 Record the current destination', params: IdParams, body: MobilityInput, response: { 200: MemberDetail } },
    handler: async (req) => {
      await recordDestination(deps, context(req), req.params.id, req.body);
      return getMember(deps, context(req), req.params.id);
    },
  });
  r.post('/api/members/:id/return', {
    config: { access: 'session' },
    schema: { tags, summary: '返乡 Record a return home', params: IdParams, body: ReturnBody, response: { 200: MemberDetail } },
    handler: async (req) => {
      await recordReturn(deps, context(req), req.params.id, req.body.returnedOn);
      return getMember(deps, context(req), req.params.id);
    },
  });
  r.post('/api/members/:id/contact', {
    config: { access: 'session' },
    schema: { tags, summary: '记录联系 Record a contact', params: IdParams, body: ContactBody, response: { 200: MemberDetail } },
    handler: async (req) => {
      await recordContact(deps, context(req), req.params.id, req.body.contactedOn);
      return getMember(deps, context(req), req.params.id);
    },
  });
  r.post('/api/members/:id/lost-contact', {
    config: { access: 'session' },
    schema: { tags, summary: '确认失联 Confirm the lost-contact flag', params: IdParams, response: { 200: MemberDetail } },
    handler: async (req) => {
      await confirmLostContact(deps, context(req), req.params.id);
      return getMember(deps, context(req), req.params.id);
    },
  });
  r.put('/api/members/:id/mentor', {
    config: { access: 'session' },
    schema: { tags, summary: '指定传帮带联系人 Assign a mentor', params: IdParams, body: MentorBody, response: { 200: MemberDetail } },
    handler: async (req) => {
      await assignMentor(deps, context(req), req.params.id, req.body.mentorMemberId);
      return getMember(deps, context(req), req.params.id);
    },
  });
  r.put('/api/members/:id/elder-mode', {
    config: { access: 'session' },
    schema: { tags, summary: '设置长辈模式 Set the member app\'s elder mode for a member', params: IdParams, body: ElderModeBody, response: { 200: ElderMode } },
    handler: async (req) => setMemberElderMode(deps, context(req), req.params.id, req.body.elderMode),
  });
}
