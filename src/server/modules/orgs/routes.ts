import { z } from 'zod';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { CreateGridBody, CreateOrgBody, Grid, MoveOrgBody, OrgNode, RenameOrgBody, UpdateGridBody, Uuid } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { createGrid, createOrg, listGrids, listOrgs, moveOrg, renameOrg, retireOrg, updateGrid } from './service.ts';

const IdParams = z.object({ id: Uuid });

export function registerOrgRoutes(app: App, { db }: AppServices): void {
  const r = typed(app);
  const tags = ['orgs'];
  r.get('/api/orgs', {
    config: { access: 'session' },
    schema: { tags, summary: '组织树 The visible org tree', response: { 200: z.object({ items: z.array(OrgNode) }) } },
    handler: async (req) => ({ items: await listOrgs(db, context(req)) }),
  });
  r.post('/api/orgs', {
    config: { access: 'session' },
    schema: { tags, summary: '新增组织 Add a unit', body: CreateOrgBody, response: { 200: OrgNode } },
    handler: async (req) => createOrg(db, context(req), req.body),
  });
  r.patch('/api/orgs/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '重命名 Rename a unit', params: IdParams, body: RenameOrgBody, response: { 200: OrgNode } },
    handler: async (req) => renameOrg(db, context(req), req.params.id, req.body.name),
  });
  r.post('/api/orgs/:id/move', {
    config: { access: 'session' },
    schema: { tags, summary: '调整隶属 Move a unit', params: IdParams, body: MoveOrgBody, response: { 200: OrgNode } },
    handler: async (req) => moveOrg(db, context(req), req.params.id, req.body.newParentId),
  });
  r.post('/api/orgs/:id/retire', {
    config: { access: 'session' },
    schema: { tags, summary: '撤销 Retire a unit (refused while it has members)', params: IdParams, response: { 200: OrgNode } },
    handler: async (req) => retireOrg(db, context(req), req.params.id),
  });
  r.get('/api/grids', {
    config: { access: 'session' },
    schema: { tags, summary: '网格 Grids', response: { 200: z.object({ items: z.array(Grid) }) } },
    handler: async (req) => ({ items: await listGrids(db, context(req)) }),
  });
  r.post('/api/grids', {
    config: { access: 'session' },
    schema: { tags, summary: '新增网格 Add a grid', body: CreateGridBody, response: { 200: Grid } },
    handler: async (req) => createGrid(db, context(req), req.body),
  });
  r.patch('/api/grids/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '修改网格 Update a grid', params: IdParams, body: UpdateGridBody, response: { 200: Grid } },
    handler: async (req) => updateGrid(db, context(req), req.params.id, req.body),
  });
}
