import { Readable } from 'node:stream';
import { ROLES, SECRETARIES as SECRETARIES_OF_BRANCH2, type AuthzModule } from '../support/authz.ts';
import { contextFor, memberIdByPhone, PHONES } from '../support/harness.ts';
import { createStudyItem } from '../../src/server/modules/library/service.ts';
import { clock } from '../../src/server/clock.ts';

/** Authorization cases of the library routes (run by src/server/authorization.test.ts). */
const WITH_MEMBER_RECORD = ROLES.filter((r) => r !== 'admin');
const ids = { item: '', retireItem: '', itemFile: '', branch2: '' };
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n');

export const libraryAuthz: AuthzModule = {
  setup: async (env, base) => {
    ids.branch2 = base.branch2;
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
    ids.itemFile = await storeFile('学习材料.pdf');
    const item = await createStudyItem(env.db, admin, { orgId: base.branch2, kind: 'pdf', title: '二支部学习材料', category: 'policy', tags: [], fileId: ids.itemFile, minutes: 10 });
    ids.item = item.id;
    const retire = await createStudyItem(env.db, admin, { orgId: base.branch2, kind: 'article', title: '将下架', category: 'other', tags: [], bodyHtml: '<p>正文</p>', minutes: 2 });
    ids.retireItem = retire.id;
    // The item reaches the member through a delivered push (the member sits outside 第二党支部).
    const push = await env.db
      .insertInto('push')
      .values({ tenant_id: env.tenantId, org_id: base.branch2, title: '推送', planned_at: clock.now(), audience: 'subtree', status: 'delivered', delivered_at: clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await env.db.insertInto('push_item').values({ tenant_id: env.tenantId, push_id: push.id, item_id: ids.item, position: 0 }).execute();
    await env.db.insertInto('push_delivery').values({ tenant_id: env.tenantId, push_id: push.id, member_id: await memberIdByPhone(env, PHONES.mobileMember) }).execute();
  },
  cases: [
    { method: 'GET', route: '/api/study-items', url: () => '/api/study-items', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    {
      method: 'POST',
      route: '/api/study-items',
      url: () => '/api/study-items',
      body: () => ({ orgId: ids.branch2, kind: 'article', title: '新文章', category: 'theory', bodyHtml: '<p>正文</p>' }),
      allowed: SECRETARIES_OF_BRANCH2,
    },
    // Whether speech synthesis is configured: for whoever manages a library.
    { method: 'GET', route: '/api/study-items/speech', url: () => '/api/study-items/speech', allowed: ['admin', 'villageSecretary', 'branchSecretary'] },
    { method: 'GET', route: '/api/study-items/:id', url: () => `/api/study-items/${ids.item}`, allowed: SECRETARIES_OF_BRANCH2 },
    { method: 'PATCH', route: '/api/study-items/:id', url: () => `/api/study-items/${ids.item}`, body: () => ({ summary: '摘要' }), allowed: SECRETARIES_OF_BRANCH2 },
    { method: 'POST', route: '/api/study-items/:id/retire', url: () => `/api/study-items/${ids.retireItem}/retire`, allowed: SECRETARIES_OF_BRANCH2 },
    // Pushed to the member; others with a member record get 404 (not theirs), the admin 403 (no member record).
    { method: 'GET', route: '/api/me/items/:id', url: () => `/api/me/items/${ids.item}`, allowed: WITH_MEMBER_RECORD },
  ],
};
