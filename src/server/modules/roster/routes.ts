import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http.ts';
import { context, sendXlsx, typed } from '../../http.ts';
import { AppError } from '../../errors.ts';
import { ImportJob, Uuid } from '../../../shared/api.ts';
import type { AppServices } from '../../services.ts';
import { ImportQueue } from './import-jobs.ts';
import { ExportQuery } from './schema.ts';
import { importJobInLanguage } from './import-wording.ts';
import { buildImportTemplate, exportRoster, getImportJob, runImportJob, startImport, type Upload } from './service.ts';

const IdParams = z.object({ id: Uuid });

/** Excel import and export of the roster. */
export function registerRosterRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['roster'];
  const deps = { db: services.db, cipher: services.cipher };
  const importQueue = new ImportQueue(services.db, runImportJob(deps), {
    onUnexpectedError: (err) => app.log.error({ err }, 'roster import failed'),
    soleProcess: services.dbKind === 'pglite',
  });
  app.addHook('onReady', async () => importQueue.start());
  app.addHook('onClose', async () => importQueue.stop());

  r.get('/api/members/import-template', {
    config: { access: 'session' },
    schema: { tags, summary: '下载导入模板 Download the import template (xlsx)' },
    handler: async (req, reply) => {
      const file = await buildImportTemplate(deps, context(req));
      return sendXlsx(reply, file.fileName, file.body);
    },
  });

  r.get('/api/members/export', {
    config: { access: 'session' },
    schema: { tags, summary: '导出党员名册 Export the roster (xlsx, ID numbers masked)', querystring: ExportQuery },
    handler: async (req, reply) => {
      const file = await exportRoster(deps, context(req), req.query);
      return sendXlsx(reply, file.fileName, file.body);
    },
  });

  r.post('/api/imports', {
    config: { access: 'session' },
    schema: {
      tags,
      summary: '上传名册导入 Upload a roster (multipart field `file`, xlsx ≤ 20 MB, ≤ 50 MB inflated); queued per organization, poll the job',
      consumes: ['multipart/form-data'],
      response: { 202: ImportJob },
    },
    handler: async (req, reply) => {
      const ctx = context(req);
      const job = await startImport(importQueue, ctx, () => readUpload(req));
      return reply.status(202).send(importJobInLanguage(job, ctx.lang));
    },
  });

  r.get('/api/imports/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '导入进度 An import job', params: IdParams, response: { 200: ImportJob } },
    handler: async (req) => importJobInLanguage(await getImportJob(importQueue, context(req), req.params.id), context(req).lang),
  });
}

/** The `file` field of a multipart upload, with the plugin's errors turned into ours. */
async function readUpload(req: FastifyRequest): Promise<Upload> {
  if (!req.isMultipart()) throw new AppError('unsupported_file', '请以 multipart/form-data 上传，文件字段名为 file');
  try {
    const part = await req.file();
    if (!part || part.fieldname !== 'file') throw new AppError('bad_request', '请选择要上传的文件（字段名 file）');
    const buffer = await part.toBuffer();
    return { fileName: part.filename, buffer };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof Error && 'code' in err && err.code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('payload_too_large', '文件不能超过 20 MB');
    throw err;
  }
}
