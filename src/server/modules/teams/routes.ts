import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, sendXlsx, typed } from '../../http.ts';
import { Uuid } from '../../../shared/primitives.ts';
import {
  AddTeamMemberBody,
  CareRecipient,
  CareRecipientExportQuery,
  CareRecipientInput,
  CareRecipientList,
  CareRecipientPatch,
  CreateTeamBody,
  MyTeamDetail,
  MyTeams,
  TeamDetail,
  TeamList,
  TeamQuery,
  UpdateTeamBody,
} from '../../../shared/api-teams.ts';
import type { AppServices } from '../../services.ts';
import { addTeamMember, createTeam, getTeam, listTeams, removeTeamMember, retireTeam, updateTeam } from './teams.ts';
import { addRecipient, exportRecipients, listTeamRecipients, retireRecipient, updateRecipient } from './recipients.ts';
import { myTeam, myTeams } from './mine.ts';

const IdParams = z.object({ id: Uuid });
const MemberRowParams = z.object({ id: Uuid, rowId: Uuid });

export function registerTeamRoutes(app: App, { db }: AppServices): void {
  const r = typed(app);
  const tags = ['teams'];
  r.get('/api/teams', {
    config: { access: 'session' },
    schema: { tags, summary: '志愿服务队 Volunteer teams of the secretary\'s units', querystring: TeamQuery, response: { 200: TeamList } },
    handler: async (req) => ({ items: await listTeams(db, context(req), req.query) }),
  });
  r.post('/api/teams', {
    config: { access: 'session' },
    schema: { tags, summary: '新建服务队 Add a team to a grid or a unit', body: CreateTeamBody, response: { 200: TeamDetail } },
    handler: async (req) => createTeam(db, context(req), req.body),
  });
  r.get('/api/teams/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '服务队 A team with its members', params: IdParams, response: { 200: TeamDetail } },
    handler: async (req) => getTeam(db, context(req), req.params.id),
  });
  r.patch('/api/teams/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改服务队 Edit a team', params: IdParams, body: UpdateTeamBody, response: { 200: TeamDetail } },
    handler: async (req) => updateTeam(db, context(req), req.params.id, req.body),
  });
  r.post('/api/teams/:id/retire', {
    config: { access: 'session' },
    schema: { tags, summary: '撤销服务队 Retire a team', params: IdParams, response: { 200: TeamDetail } },
    handler: async (req) => retireTeam(db, context(req), req.params.id),
  });
  r.post('/api/teams/:id/members', {
    config: { access: 'session' },
    schema: { tags, summary: '添加队员 Add a party member or a non-member volunteer', params: IdParams, body: AddTeamMemberBody, response: { 200: TeamDetail } },
    handler: async (req) => addTeamMember(db, context(req), req.params.id, req.body),
  });
  r.delete('/api/teams/:id/members/:rowId', {
    config: { access: 'session' },
    schema: { tags, summary: '移出队员 Remove a member from the team', params: MemberRowParams, response: { 200: TeamDetail } },
    handler: async (req) => removeTeamMember(db, context(req), req.params.id, req.params.rowId),
  });
  r.get('/api/teams/:id/recipients', {
    config: { access: 'session' },
    schema: { tags, summary: '服务对象 The people a team looks after (every read audited)', params: IdParams, response: { 200: CareRecipientList } },
    // never kept by a browser or a proxy: each showing is a read of its own, audited
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return { items: await listTeamRecipients(db, context(req), req.params.id) };
    },
  });
  r.post('/api/teams/:id/recipients', {
    config: { access: 'session' },
    schema: { tags, summary: '添加服务对象 Add a person looked after (leader, secretaries)', params: IdParams, body: CareRecipientInput, response: { 200: CareRecipient } },
    handler: async (req) => addRecipient(db, context(req), req.params.id, req.body),
  });
  r.patch('/api/care-recipients/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改服务对象 Edit a person looked after', params: IdParams, body: CareRecipientPatch, response: { 200: CareRecipient } },
    handler: async (req) => updateRecipient(db, context(req), req.params.id, req.body),
  });
  r.post('/api/care-recipients/:id/retire', {
    config: { access: 'session' },
    schema: { tags, summary: '移除服务对象 Retire a person looked after', params: IdParams, response: { 200: z.object({ ok: z.literal(true) }) } },
    handler: async (req) => {
      await retireRecipient(db, context(req), req.params.id);
      return { ok: true as const };
    },
  });
  r.get('/api/care-recipients/export', {
    config: { access: 'session' },
    schema: { tags, summary: '导出服务需求 The needs as xlsx: grid, category and need only', querystring: CareRecipientExportQuery },
    handler: async (req, reply) => {
      const file = await exportRecipients(db, context(req), req.query);
      return sendXlsx(reply, file.fileName, file.body);
    },
  });
  r.get('/api/me/teams', {
    config: { access: 'session', etag: true },
    schema: { tags, summary: '我的服务队 The teams one belongs to or leads', response: { 200: MyTeams } },
    handler: async (req) => myTeams(db, context(req)),
  });
  r.get('/api/me/teams/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '我的服务队 One of one\'s teams with its people looked after (audited)', params: IdParams, response: { 200: MyTeamDetail } },
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return myTeam(db, context(req), req.params.id);
    },
  });
}
