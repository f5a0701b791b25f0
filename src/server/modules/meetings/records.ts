import type { z } from 'zod';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { AppError, notFound } from '../../errors.ts';
import type { AttachmentBody, SessionDetail } from '../../../shared/api-learning.ts';
import { recordAudit } from '../../audit-log.ts';
import { filesToAttach } from '../files/index.ts';
import { fail, HOST, loadMeeting, orgTarget } from './access.ts';
import { getMeeting, meetingDetail } from './console-view.ts';
import { deleteAttachment, insertAttachment, setMinutes } from './records-repo.ts';

// What a meeting leaves behind: its minutes (会议记录) and attached files (minutes, photos).

export async function recordMinutes(db: Database, ctx: RequestContext, meetingId: string, minutes: string): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  if (s.status === 'cancelled') throw new AppError('conflict', '会议已取消，不能记录会议记录');
  const value = minutes.trim() === '' ? null : minutes;
  await db.transaction().execute(async (tx) => {
    await setMinutes(tx, actor.tenantId, meetingId, value);
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'session.minutes', entity: 'study_session', entityId: meetingId, before: { minutes: s.minutes }, after: { minutes: value } });
  });
  return getMeeting(db, ctx, meetingId);
}

/** Attaches an uploaded file (minutes, photos) to the meeting. */
export async function addAttachment(db: Database, ctx: RequestContext, meetingId: string, body: z.infer<typeof AttachmentBody>): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  // Only a file the caller may read: attaching it opens it to whoever may see the meeting's files.
  const file = (await filesToAttach(db, ctx, [{ fileId: body.fileId, field: 'fileId' }])).found.get(body.fileId);
  if (!file) fail([{ field: 'fileId', message: '文件不存在，请重新上传' }]);
  await db.transaction().execute(async (tx) => {
    const caption = body.caption ?? null;
    const attachmentId = await insertAttachment(tx, { tenantId: actor.tenantId, meetingId, kind: body.kind, fileId: body.fileId, caption, createdBy: actor.accountId });
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'session.attach',
      entity: 'study_session',
      entityId: meetingId,
      after: { attachmentId, fileId: body.fileId, fileName: file.file_name, kind: body.kind, caption },
    });
  });
  return meetingDetail(db, ctx, s, HOST);
}

export async function removeAttachment(db: Database, ctx: RequestContext, meetingId: string, attachmentId: string): Promise<SessionDetail> {
  const { actor } = ctx;
  const s = await loadMeeting(db, actor.tenantId, meetingId);
  authorize(actor, 'learning.manage', orgTarget(ctx, s.org_path));
  await db.transaction().execute(async (tx) => {
    const gone = await deleteAttachment(tx, actor.tenantId, meetingId, attachmentId);
    if (!gone) throw notFound('附件');
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'session.detach',
      entity: 'study_session',
      entityId: meetingId,
      before: { attachmentId, fileId: gone.file_id, kind: gone.kind, caption: gone.caption },
    });
  });
  return meetingDetail(db, ctx, s, HOST);
}
