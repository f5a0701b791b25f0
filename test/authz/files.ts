import { Readable } from 'node:stream';
import { SECRETARIES as SECRETARIES_OF_BRANCH2, type AuthzModule } from '../support/authz.ts';
import { contextFor, PHONES } from '../support/harness.ts';
import { createStudyItem } from '../../src/server/modules/library/service.ts';

/**
 * Authorization cases of the uploaded-files routes (run by src/server/authorization.test.ts). A
 * stored file is read under the rule of the place it is attached to: a study item in the library,
 * a meeting's attachments (trip photos are proven in deliveries.test.ts).
 */
const ids = { itemFile: '', attachmentFile: '' };
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');

export const filesAuthz: AuthzModule = {
  setup: async (env, base) => {
    const admin = await contextFor(env, PHONES.tenantAdmin);
    // Files stored by nobody among the test roles, so "the uploader" never lets a role through.
    const storeFile = async (fileName: string) => {
      const stored = await env.services.storage.put(env.tenantId, Readable.from([PDF]), 1024 * 1024);
      const row = await env.db
        .insertInto('stored_file')
        .values({ tenant_id: env.tenantId, storage_key: stored.key, file_name: fileName, mime_type: 'application/pdf', size_bytes: stored.sizeBytes, sha256: stored.sha256, created_by: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    };
    ids.itemFile = await storeFile('资料库材料.pdf');
    ids.attachmentFile = await storeFile('会议记录.pdf');
    await createStudyItem(env.db, admin, { orgId: base.branch2, kind: 'pdf', title: '二支部资料库材料', category: 'policy', tags: [], fileId: ids.itemFile, minutes: 10 });
    // A meeting attachment of 第二党支部.
    const session = await env.db
      .insertInto('study_session')
      .values({
        tenant_id: env.tenantId,
        org_id: base.branch2,
        kind: 'members_meeting',
        title: '党员大会',
        starts_at: new Date('2026-03-01T11:00:00Z'),
        ends_at: new Date('2026-03-01T12:00:00Z'),
        mode: 'on_site',
        checkin_opens_at: new Date('2026-03-01T10:30:00Z'),
        checkin_closes_at: new Date('2026-03-01T12:00:00Z'),
        qr_secret: 'authz',
        audience: 'subtree',
        makeup_questions: '[]',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await env.db.insertInto('session_attachment').values({ tenant_id: env.tenantId, session_id: session.id, kind: 'minutes', file_id: ids.attachmentFile, caption: null, created_by: null }).execute();
  },
  cases: [
    // Whoever manages learning or marks attendance somewhere; the harness sends a fake .xlsx, refused as 415.
    { method: 'POST', route: '/api/files', url: () => '/api/files?purpose=attachment', multipart: true, allowed: ['admin', 'villageSecretary', 'branchSecretary', 'groupLeader'] },
    // A file of a study item in the library: every signed-in account.
    { method: 'GET', route: '/api/files/:id', url: () => `/api/files/${ids.itemFile}`, allowed: 'all' },
    // A meeting attachment: who marks attendance for the meeting's unit.
    { method: 'GET', route: '/api/files/:id', url: () => `/api/files/${ids.attachmentFile}`, allowed: SECRETARIES_OF_BRANCH2 },
  ],
};
