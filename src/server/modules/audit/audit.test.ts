import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../../web/console/messages.ts';
import type { z } from 'zod';
import { AUDIT_HIDDEN, AuditEntry as AuditEntrySchema } from '../../../shared/api.ts';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';

type AuditEntry = z.infer<typeof AuditEntrySchema>;

let env: TestEnv;
let admin: Session;
let secretary: Session;
beforeAll(async () => {
  env = await openTestApp();
  admin = await login(env.app, PHONES.tenantAdmin);
  secretary = await login(env.app, PHONES.generalSecretary);
});
afterAll(async () => env?.close());

async function audit(query: string): Promise<{ items: AuditEntry[]; total: number }> {
  const res = await env.app.inject({ url: `/api/audit${query}`, headers: admin.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('the audit log as a person reads it', () => {
  it("names the actor (phone masked) and the member, keeps the codes, and hides a hardship note's text", async () => {
    const memberId = await memberIdByPhone(env, PHONES.mobileMember);
    const member = await env.db.selectFrom('member').select('name').where('id', '=', memberId).executeTakeFirstOrThrow();
    const note = '家中老人卧床需照顾';
    const res = await env.app.inject({ method: 'PATCH', url: `/api/members/${memberId}`, headers: secretary.headers, payload: { occupation: '网约车司机', hardshipNote: note } });
    expect(res.statusCode, res.body).toBe(200);

    const page = await audit(`?action=member.update&entityId=${memberId}`);
    expect(page.total).toBe(1);
    const [entry] = page.items;
    const secretaryAccount = await env.db.selectFrom('account').select(['id', 'display_name']).where('phone', '=', PHONES.generalSecretary).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      action: 'member.update',
      entity: 'member',
      entityId: memberId,
      entityName: member.name,
      actorName: secretaryAccount.display_name,
      actorAccountId: secretaryAccount.id,
      actorPhone: '138****0000',
    });
    expect(entry?.after).toMatchObject({ occupation: '网约车司机', hardship_note: AUDIT_HIDDEN });
    // The row itself still holds the note (the log cannot change); the answer never does.
    expect(JSON.stringify(page)).not.toContain(note);
  });

  it('names units, grids and the organization, and keeps the id of what no longer exists', async () => {
    const org = await env.db.selectFrom('org').select(['id', 'name']).where('tenant_id', '=', env.tenantId).where('parent_id', 'is not', null).executeTakeFirstOrThrow();
    const grid = await env.db.selectFrom('grid').select(['id', 'name']).where('tenant_id', '=', env.tenantId).executeTakeFirstOrThrow();
    const tenant = await env.db.selectFrom('tenant').select(['id', 'name']).where('id', '=', env.tenantId).executeTakeFirstOrThrow();
    const gone = '00000000-0000-4000-8000-000000000000';
    await env.db
      .insertInto('audit_log')
      .values([
        { tenant_id: env.tenantId, actor_name: null, action: 'org.rename', entity: 'org', entity_id: org.id },
        { tenant_id: env.tenantId, actor_name: null, action: 'grid.update', entity: 'grid', entity_id: grid.id },
        { tenant_id: env.tenantId, actor_name: null, action: 'care_task.list', entity: 'tenant', entity_id: tenant.id },
        { tenant_id: env.tenantId, actor_name: null, action: 'member.update', entity: 'member', entity_id: gone },
        { tenant_id: env.tenantId, actor_name: null, action: 'settings.update', entity: 'setting', entity_id: 'not-a-uuid' },
      ])
      .execute();
    const page = await audit('?pageSize=5');
    expect(page.items.map((e) => [e.action, e.entityId, e.entityName, e.actorName, e.actorPhone])).toEqual([
      ['settings.update', 'not-a-uuid', null, null, null],
      ['member.update', gone, null, null, null],
      ['care_task.list', tenant.id, tenant.name, null, null],
      ['grid.update', grid.id, grid.name, null, null],
      ['org.rename', org.id, org.name, null, null],
    ]);
  });

  it('filters by action code and by person (part of the name, or the whole phone)', async () => {
    const name = (await env.db.selectFrom('account').select('display_name').where('phone', '=', PHONES.generalSecretary).executeTakeFirstOrThrow()).display_name;
    const byPhone = await audit(`?actor=${PHONES.generalSecretary}`);
    expect(byPhone.total).toBeGreaterThan(0);
    expect(new Set(byPhone.items.map((e) => e.actorPhone))).toEqual(new Set(['138****0000']));
    const byName = await audit(`?actor=${encodeURIComponent(name.slice(0, 1))}`);
    expect(byName.items.every((e) => e.actorName?.includes(name.slice(0, 1)))).toBe(true);
    expect((await audit('?actor=%25')).total).toBe(0); // a LIKE wildcard is a character, not "everyone"
    const renames = await audit('?action=org.rename');
    expect(renames.items.length).toBeGreaterThan(0);
    expect(renames.items.every((e) => e.action === 'org.rename')).toBe(true);
  });

  it('is for the tenant admin only', async () => {
    expect((await env.app.inject({ url: '/api/audit', headers: secretary.headers })).statusCode).toBe(403);
  });
});

/** Every .ts file under a folder, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the console names every action the server audits', () => {
  it('has a Chinese and an English label for each action code written to the log', () => {
    const root = join(import.meta.dirname, '..', '..');
    const codes = new Set<string>();
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8');
      // action: 'x.y', action: cond ? 'x.y' : 'x.z', and the care module's typed 'care_task.list' | 'care_task.view'
      for (const m of text.matchAll(/action: ([^,}\n]+)/g)) for (const c of (m[1] ?? '').matchAll(/'([a-z_]+\.[a-z_]+)'/g)) codes.add(c[1] ?? '');
    }
    for (const c of ['care_task.view', 'attendance.correct', 'mobility.go_out', 'account.create_admin']) expect(codes).toContain(c);
    const zh: Record<string, string> = messages['zh-CN'];
    const en: Record<string, string> = messages['en-US'];
    const missing = [...codes].filter((c) => !zh[`audit.action.${c}`] || !en[`audit.action.${c}`]);
    expect(missing).toEqual([]);
  });
});
