import { Readable } from 'node:stream';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { can } from '../../auth/policy.ts';
import { AppError, notFound } from '../../errors.ts';
import { TooLarge, type FileStorage } from '../../storage.ts';
import type { StoredFile, UploadPurpose } from '../../../shared/api-learning.ts';
import { recordAudit } from '../../audit-log.ts';
import { allowedTypesText, formatMb, SNIFF_BYTES, typeForUpload } from './file-types.ts';
import { mayReadAttached } from './read-rules.ts';
import { MALFORMED_MESSAGE, malformed } from '../../input-guard.ts';

export interface FileDeps {
  db: Database;
  storage: FileStorage;
}

/** One uploaded part as the route hands it over. */
export interface IncomingFile {
  fileName: string;
  stream: Readable;
  /** True when the multipart parser cut the file at its own limit. */
  truncated(): boolean;
}

export interface StoredFileRow {
  id: string;
  storage_key: string;
  file_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  created_by: string | null;
}

export const storedFileView = (f: { id: string; file_name: string; mime_type: string; size_bytes: number }): StoredFile => ({
  id: f.id,
  fileName: f.file_name,
  mimeType: f.mime_type,
  sizeBytes: Number(f.size_bytes),
  url: `/api/files/${f.id}`,
});

/**
 * Who may upload: whoever manages learning somewhere (study content) or marks attendance somewhere
 * (group leaders add meeting photos).
 */
function assertMayUpload(ctx: RequestContext, purpose: UploadPurpose): void {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  // A shared post's photos and voice, and a service log's photos, may come from any member; a news item's images from whoever
  // holds a role somewhere (news is written in the console) or the tenant admin. The place a file is
  // attached to decides who may attach it (filesToAttach) and who may read it (read rules).
  const staff = actor.isTenantAdmin || actor.scopes.length > 0;
  const mayUploadHere = ((purpose === 'share' || purpose === 'service') && (actor.memberId !== null || staff)) || (purpose === 'news' && staff);
  const ok =
    mayUploadHere ||
    can(actor, 'learning.manage', { kind: 'tenant', tenantId }) ||
    actor.scopes.some((s) => can(actor, 'attendance.mark', { kind: 'org', tenantId, path: s.path }));
  if (!ok) throw new AppError('forbidden', '无权上传文件');
}

/** Reads at least `n` bytes (fewer if the stream ends) without consuming the rest. */
async function readHead(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < n) {
    const chunk = stream.read() as Buffer | null;
    if (chunk) {
      chunks.push(chunk);
      length += chunk.length;
      continue;
    }
    if (stream.readableEnded || stream.destroyed) break;
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        cleanup();
        resolve();
      };
      const fail = (err: Error) => {
        cleanup();
        reject(err);
      };
      const cleanup = () => {
        stream.off('readable', done);
        stream.off('end', done);
        stream.off('close', done);
        stream.off('error', fail);
      };
      stream.on('readable', done);
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', fail);
    });
  }
  return Buffer.concat(chunks);
}

async function* rejoin(head: Buffer, rest: Readable): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for await (const chunk of rest) yield chunk as Buffer;
}

/** Discards what is left of a refused upload so the request completes. */
function discard(stream: Readable): void {
  stream.on('error', () => {});
  stream.resume();
}

/**
 * Stores an upload after checking its type twice (the name's extension and the first bytes) and
 * its size against the purpose's limit. A refused file leaves nothing behind: no row, no bytes.
 */
export async function uploadFile(deps: FileDeps, ctx: RequestContext, purpose: UploadPurpose, file: IncomingFile): Promise<StoredFile> {
  const { actor } = ctx;
  try {
    assertMayUpload(ctx, purpose);
  } catch (err) {
    discard(file.stream);
    throw err;
  }
  // The edge's guard sees parameters, queries and JSON, not a multipart file name.
  if (malformed(file.fileName)) {
    discard(file.stream);
    throw new AppError('validation_failed', `文件名${MALFORMED_MESSAGE}`, [{ field: 'file', message: `文件名${MALFORMED_MESSAGE}` }]);
  }
  const fileName = (file.fileName.split(/[\\/]/).pop() ?? '').trim().slice(-200) || 'file';
  const allowed = typeForUpload(purpose, fileName);
  if (!allowed) {
    discard(file.stream);
    throw new AppError('unsupported_file', `不支持的文件类型「${fileName}」。可上传：${allowedTypesText(purpose)}`, [
      { field: 'file', message: `只能上传 ${allowedTypesText(purpose)}` },
    ]);
  }
  const { type, maxBytes } = allowed;
  const head = await readHead(file.stream, SNIFF_BYTES);
  if (!type.sniff(head)) {
    discard(file.stream);
    throw new AppError('unsupported_file', `文件「${fileName}」的内容不是有效的 ${type.label} 文件（扩展名与内容不符）`, [
      { field: 'file', message: `内容不是 ${type.label} 格式` },
    ]);
  }
  const tooLarge = () =>
    new AppError('payload_too_large', `文件「${fileName}」太大：${type.label} 文件不能超过 ${formatMb(maxBytes)}`, [
      { field: 'file', message: `不能超过 ${formatMb(maxBytes)}` },
    ]);
  let stored: { key: string; sizeBytes: number; sha256: string };
  try {
    stored = await deps.storage.put(actor.tenantId, Readable.from(rejoin(head, file.stream)), maxBytes);
  } catch (err) {
    discard(file.stream);
    if (err instanceof TooLarge) throw tooLarge();
    throw err;
  }
  if (file.truncated()) {
    await deps.storage.remove(stored.key);
    throw tooLarge();
  }
  if (stored.sizeBytes === 0) {
    await deps.storage.remove(stored.key);
    throw new AppError('bad_request', '文件是空的', [{ field: 'file', message: '文件是空的' }]);
  }
  try {
    return await deps.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('stored_file')
        .values({
          tenant_id: actor.tenantId,
          storage_key: stored.key,
          file_name: fileName,
          mime_type: type.mimeType,
          size_bytes: stored.sizeBytes,
          sha256: stored.sha256,
          created_by: actor.accountId,
        })
        .returning(['id', 'file_name', 'mime_type', 'size_bytes'])
        .executeTakeFirstOrThrow();
      await recordAudit(tx, ctx, {
        tenantId: actor.tenantId,
        action: 'file.upload',
        entity: 'stored_file',
        entityId: row.id,
        after: { purpose, fileName, mimeType: type.mimeType, sizeBytes: stored.sizeBytes, sha256: stored.sha256 },
      });
      return storedFileView(row);
    });
  } catch (err) {
    await deps.storage.remove(stored.key);
    throw err;
  }
}

export async function findStoredFile(db: Executor, tenantId: string, fileId: string): Promise<StoredFileRow | undefined> {
  return db
    .selectFrom('stored_file')
    .select(['id', 'storage_key', 'file_name', 'mime_type', 'size_bytes', 'sha256', 'created_by'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', fileId)
    .executeTakeFirst();
}

/**
 * A stored file the caller may read: its uploader, whoever manages learning across the whole
 * tenant, and whoever a place the file is attached to lets read it (read-rules.ts: a study item
 * still in the library is open to every signed-in account of the tenant, else to who manages it;
 * a meeting's files to who marks its attendance; a trip's photos to who may read the trip).
 */
export async function getReadableFile(db: Database, ctx: RequestContext, fileId: string): Promise<StoredFileRow> {
  const { actor } = ctx;
  const tenantId = actor.tenantId;
  const file = await findStoredFile(db, tenantId, fileId);
  if (!file) throw notFound('文件');
  if (file.created_by === actor.accountId) return file;
  const roots = await db.selectFrom('org').select('path').where('tenant_id', '=', tenantId).where('parent_id', 'is', null).execute();
  if (roots.some((o) => can(actor, 'learning.manage', { kind: 'org', tenantId, path: o.path }))) return file;
  if (await mayReadAttached(db, ctx, fileId)) return file;
  throw new AppError('forbidden', '无权查看此文件');
}

/** A file a request names, and the request field that names it (for the error). */
export interface FileRef {
  fileId: string;
  field: string;
}

/**
 * The one check for every request that names stored files to attach to something (a study item's
 * file and article images, a session's minutes and photos, a trip's photos, anything later): each
 * must be a file of the tenant that the caller may read (`getReadableFile`). Otherwise attaching
 * it would republish it to everyone who may read the new owner. A file the caller may not read
 * refuses the whole request (403); files that do not exist come back for the caller to word as
 * form issues.
 */
export async function filesToAttach(db: Database, ctx: RequestContext, refs: FileRef[]): Promise<{ found: Map<string, StoredFileRow>; missing: FileRef[] }> {
  const found = new Map<string, StoredFileRow>();
  const missing: FileRef[] = [];
  for (const ref of refs) {
    if (found.has(ref.fileId)) continue;
    try {
      found.set(ref.fileId, await getReadableFile(db, ctx, ref.fileId));
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') missing.push(ref);
      else if (err instanceof AppError && err.code === 'forbidden') {
        throw new AppError('forbidden', '无权使用所选文件：只能使用自己上传或有权查看的文件', [{ field: ref.field, message: '无权使用此文件' }]);
      } else throw err;
    }
  }
  return { found, missing };
}
