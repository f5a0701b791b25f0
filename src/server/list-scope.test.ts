import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { login, openTestApp, type Session, type TestEnv } from '../../test/support/harness.ts';
import { PHONE_OF, type Role } from '../../test/support/authz.ts';
import { buildApp } from './app.ts';

/**
 * What lists contain, not only their status codes: every GET route of the API, called as each
 * role that has a limited scope, must not carry a member outside what that role may read (its
 * units' subtrees, its mentees, itself). Members are recognised anywhere in an answer by their
 * id, so a new list, a nested field or a chart series is checked without a line here.
 */
const LIMITED: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];

/**
 * People a member's own screens show by design, outside their reading scope: their mentor and the
 * leaders of the units above them (the contacts to call). Only the /api/me answers may carry them.
 */
async function contactsOf(env: TestEnv, phone: string): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`
    SELECT ms.mentor_member_id AS id FROM account a
      JOIN mentorship ms ON ms.tenant_id = a.tenant_id AND ms.member_id = a.member_id AND ms.ended_on IS NULL
      WHERE a.tenant_id = ${env.tenantId} AND a.phone = ${phone}
    UNION
    SELECT la.member_id FROM account a
      JOIN member m ON m.tenant_id = a.tenant_id AND m.id = a.member_id
      JOIN org mo ON mo.tenant_id = m.tenant_id AND mo.id = m.org_id
      JOIN org o ON o.tenant_id = mo.tenant_id AND mo.path LIKE o.path || '%'
      JOIN role_assignment r ON r.tenant_id = o.tenant_id AND r.org_id = o.id
      JOIN account la ON la.tenant_id = r.tenant_id AND la.id = r.account_id
      WHERE a.tenant_id = ${env.tenantId} AND a.phone = ${phone} AND la.member_id IS NOT NULL`.execute(env.db);
  return new Set(rows.map((r) => r.id));
}

/** Members the role may read, worked out in SQL from its roles, mentees and own record. */
async function readableBy(env: TestEnv, phone: string): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`
    SELECT m.id FROM account a
      JOIN role_assignment r ON r.tenant_id = a.tenant_id AND r.account_id = a.id
      JOIN org ro ON ro.tenant_id = r.tenant_id AND ro.id = r.org_id
      JOIN org o ON o.tenant_id = ro.tenant_id AND o.path LIKE ro.path || '%'
      JOIN member m ON m.tenant_id = o.tenant_id AND m.org_id = o.id
      WHERE a.tenant_id = ${env.tenantId} AND a.phone = ${phone}
    UNION
    SELECT ms.member_id FROM account a
      JOIN mentorship ms ON ms.tenant_id = a.tenant_id AND ms.mentor_member_id = a.member_id AND ms.ended_on IS NULL
      WHERE a.tenant_id = ${env.tenantId} AND a.phone = ${phone}
    UNION
    SELECT a.member_id FROM account a WHERE a.tenant_id = ${env.tenantId} AND a.phone = ${phone} AND a.member_id IS NOT NULL`.execute(env.db);
  return new Set(rows.map((r) => r.id));
}

/** An 18-character resident ID number, not part of a longer run of digits. */
const CLEAR_ID = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/;

/** Every string in a JSON value. */
function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) yield* strings(v);
}

let env: TestEnv;
let listRoutes: string[] = [];
const sessions = {} as Record<Role, Session>;
let allMembers = new Set<string>();

beforeAll(async () => {
  env = await openTestApp();
  const routes: string[] = [];
  const probe = await buildApp({ services: env.services, serveWeb: false, onRoute: (method, url) => method === 'GET' && routes.push(url) });
  await probe.close();
  // Lists: GET routes without an id in the path. Files and spreadsheets are not JSON lists.
  listRoutes = [...new Set(routes)].filter((u) => u.startsWith('/api/') && !u.includes(':') && !/export|template|\.ics|qr/.test(u)).sort();
  for (const role of LIMITED) sessions[role] = await login(env.app, PHONE_OF[role]);
  allMembers = new Set((await env.db.selectFrom('member').select('id').where('tenant_id', '=', env.tenantId).execute()).map((m) => m.id));
});
afterAll(async () => env?.close());

describe('lists carry no member outside the caller’s scope', () => {
  it('finds the API’s lists', () => {
    expect(listRoutes.length).toBeGreaterThan(20);
    expect(listRoutes).toContain('/api/members');
  });

  for (const role of LIMITED) {
    it(`as ${role}`, async () => {
      const phone = PHONE_OF[role];
      const readable = await readableBy(env, phone);
      const contacts = await contactsOf(env, phone);
      const outside: string[] = [];
      let answered = 0;
      const seen = new Set<string>();
      for (const url of listRoutes) {
        const res = await env.app.inject({ url, headers: sessions[role].headers });
        expect(res.statusCode, `${role} GET ${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
        if (res.statusCode !== 200 || !String(res.headers['content-type']).includes('json')) continue;
        answered++;
        // ID numbers are shown masked everywhere; only the audited reveal answers one in clear.
        if (CLEAR_ID.test(res.body)) outside.push(`GET ${url}: an ID number in clear`);
        const leaked = new Set<string>();
        for (const s of strings(res.json())) {
          if (!allMembers.has(s)) continue;
          seen.add(s);
          if (readable.has(s)) continue;
          if (url.startsWith('/api/me/') && contacts.has(s)) continue;
          leaked.add(s);
        }
        if (leaked.size) outside.push(`GET ${url}: ${leaked.size} member(s) outside the scope`);
      }
      expect(answered, `${role} could read no list at all`).toBeGreaterThan(0);
      // Not vacuous: the role's lists did name members, and only those it may read.
      expect(seen.size, `${role}'s lists named no member`).toBeGreaterThan(0);
      console.info(`${role}: ${answered} lists answered, ${seen.size} members named, ${outside.length} lists with members outside the scope`);
      expect(outside).toEqual([]);
    });
  }
});
