import type { Tx } from '../../db/database.ts';
import type { Row } from '../../db/tables.ts';

export async function setMinutes(tx: Tx, tenantId: string, meetingId: string, minutes: string | null): Promise<void> {
  await tx.updateTable('study_session').set({ minutes }).where('tenant_id', '=', tenantId).where('id', '=', meetingId).execute();
}

export async function insertAttachment(
  tx: Tx,
  a: { tenantId: string; meetingId: string; kind: Row<'session_attachment'>['kind']; fileId: string; caption: string | null; createdBy: string },
): Promise<string> {
  const row = await tx
    .insertInto('session_attachment')
    .values({ tenant_id: a.tenantId, session_id: a.meetingId, kind: a.kind, file_id: a.fileId, caption: a.caption, created_by: a.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Removes the attachment and returns what it was; undefined when the meeting has no such attachment. */
export async function deleteAttachment(tx: Tx, tenantId: string, meetingId: string, attachmentId: string) {
  return tx
    .deleteFrom('session_attachment')
    .where('tenant_id', '=', tenantId)
    .where('session_id', '=', meetingId)
    .where('id', '=', attachmentId)
    .returningAll()
    .executeTakeFirst();
}
