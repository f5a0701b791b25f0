import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { App } from '../../http.ts';
import { context, typed } from '../../http.ts';
import { AppError } from '../../errors.ts';
import type { AppServices } from '../../services.ts';
import { StoredFile, UploadPurpose } from '../../../shared/api-learning.ts';
import { formatMb, parseRange, purposeMaxBytes } from './file-types.ts';
import { getReadableFile, uploadFile, type IncomingFile } from './files.ts';
import { mustNotStore } from './read-rules.ts';

const IdParams = z.object({ id: z.uuid() });
const UploadQuery = z.object({ purpose: UploadPurpose });

/** The `file` part of a multipart upload, limited to the purpose's largest allowed size. */
async function filePart(req: FastifyRequest, purpose: UploadPurpose): Promise<IncomingFile> {
  if (!req.isMultipart()) throw new AppError('unsupported_file', '请以 multipart/form-data 上传，文件字段名为 file');
  const maxBytes = purposeMaxBytes(purpose);
  try {
    // One byte over the largest limit, so the storage (which knows the type's limit) says "too large".
    const part = await req.file({ limits: { fileSize: maxBytes + 1 } });
    if (!part || part.fieldname !== 'file') {
      part?.file.resume();
      throw new AppError('bad_request', '请选择要上传的文件（字段名 file）');
    }
    return { fileName: part.filename, stream: part.file, truncated: () => part.file.truncated };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof Error && 'code' in err && err.code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('payload_too_large', `文件不能超过 ${formatMb(maxBytes)}`);
    throw err;
  }
}

export function registerFilesRoutes(app: App, services: AppServices): void {
  const r = typed(app);
  const tags = ['library'];
  const db = services.db;
  const deps = { db, storage: services.storage };

  r.post('/api/files', {
    config: { access: 'session' },
    schema: {
      tags,
      summary: '上传文件 Upload a file (multipart field `file`); type by extension and content, size by purpose',
      consumes: ['multipart/form-data'],
      querystring: UploadQuery,
      response: { 200: StoredFile },
    },
    handler: async (req) => {
      const ctx = context(req);
      return uploadFile(deps, ctx, req.query.purpose, await filePart(req, req.query.purpose));
    },
  });

  r.get('/api/files/:id', {
    config: { access: 'session' },
    schema: { tags, summary: '下载/播放文件 A stored file (Range supported for audio and video seeking)', params: IdParams },
    handler: async (req, reply) => {
      const file = await getReadableFile(db, context(req), req.params.id);
      if (!(await services.storage.exists(file.storage_key))) {
        // The row outlived its bytes (a folder restored without its files, a disk fault): say so
        // to the reader, and loudly to whoever runs the server.
        req.log.error({ fileId: file.id, storageKey: file.storage_key }, 'stored file has no bytes');
        throw new AppError('not_found', '文件内容已丢失，请联系管理员从备份恢复或重新上传');
      }
      const size = Number(file.size_bytes);
      const noStore = await mustNotStore(db, context(req).actor.tenantId, file.id);
      reply
        .header('content-type', file.mime_type)
        .header('accept-ranges', 'bytes')
        .header('cache-control', noStore ? 'no-store' : 'private, max-age=86400')
        .header('etag', `"${file.sha256}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', `inline; filename="file"; filename*=UTF-8''${encodeURIComponent(file.file_name)}`);
      const range = parseRange(req.headers.range, size);
      if (range === 'unsatisfiable') {
        return reply
          .status(416)
          .type('application/json; charset=utf-8')
          .header('content-range', `bytes */${size}`)
          .send(JSON.stringify({ ok: false, error: 'bad_request', message: '请求的范围超出文件大小' }));
      }
      if (range) {
        return reply
          .status(206)
          .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
          .header('content-length', String(range.end - range.start + 1))
          .send(services.storage.read(file.storage_key, range));
      }
      return reply.header('content-length', String(size)).send(services.storage.read(file.storage_key));
    },
  });
}
