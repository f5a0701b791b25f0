import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { login, openTestApp, type Session, type TestEnv } from '../../test/support/harness.ts';
import { PHONE_OF, ROLES, type Role } from '../../test/support/authz.ts';
import { ONE_THING } from '../../test/support/one-thing.ts';
import type { FastifySchema } from 'fastify';
import { buildApp } from './app.ts';
import { shanghaiDate } from './clock.ts';
import { seedCommunityDemos } from './demo/community.ts';

/**
 * The people looked after (服务对象) are seen only by their team's members and leader, the
 * secretaries above the team's unit and the tenant admin, in any answer. After the demos are seeded
 * (and two more people looked after: one of the village's environment team, one of a team of the
 * branch secretary's branch, each named in a service log), every GET route of the API — lists,
 * lists narrowed to a team, a grid or a unit, answers about one thing, console and /api/me — is
 * called as each demo role, and no answer (whatever its status) may carry the label, the contact's
 * name or the contact's phone of a person whose team the role may not see. The public pages
 * (/open/<unit>, /news/<unit>) carry none at all, nor does the needs export (grid and need only).
 */

let env: TestEnv;
const sessions = {} as Record<Role, Session>;
/** Every label, contact name and contact phone of a person looked after, with their team. */
let secrets: { text: string; teamId: string }[] = [];
let urls: string[] = [];
let exportUrls: string[] = [];

/** Whether a route's zod querystring has this key. */
function takes(schema: FastifySchema | undefined, key: string): boolean {
  const query = schema?.querystring as { shape?: Record<string, unknown> } | undefined;
  return Boolean(query?.shape && key in query.shape);
}

async function idsOf(table: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`SELECT id FROM ${sql.table(table)} WHERE tenant_id = ${env.tenantId} ORDER BY id`.execute(env.db);
  return rows.map((r) => r.id);
}

/** The teams whose people the role may see: member or leader, a secretary above the team's unit, the tenant admin. */
async function teamsSeenBy(phone: string): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`
    SELECT t.id FROM service_team t
      JOIN org o ON o.tenant_id = t.tenant_id AND o.id = t.org_id
      JOIN account a ON a.tenant_id = t.tenant_id AND a.phone = ${phone}
     WHERE t.tenant_id = ${env.tenantId}
       AND (a.is_tenant_admin
         OR (a.member_id IS NOT NULL AND t.leader_member_id = a.member_id)
         OR EXISTS (SELECT 1 FROM service_team_member tm WHERE tm.tenant_id = t.tenant_id AND tm.team_id = t.id AND tm.member_id = a.member_id AND tm.left_at IS NULL)
         OR EXISTS (SELECT 1 FROM role_assignment r JOIN org ro ON ro.tenant_id = r.tenant_id AND ro.id = r.org_id
                     WHERE r.tenant_id = a.tenant_id AND r.account_id = a.id AND r.role = 'secretary' AND o.path LIKE ro.path || '%'))`.execute(env.db);
  return new Set(rows.map((r) => r.id));
}

/** A member logs a service for a team, naming one of its people looked after. */
async function logFor(memberId: string, teamId: string, recipientId: string): Promise<void> {
  const m = await env.db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select(['m.org_id', 'o.path'])
    .where('m.tenant_id', '=', env.tenantId)
    .where('m.id', '=', memberId)
    .executeTakeFirstOrThrow();
  await env.db
    .insertInto('service_log')
    .values({ tenant_id: env.tenantId, member_id: memberId, org_id: m.org_id, org_path: m.path, team_id: teamId, recipient_id: recipientId, served_on: shanghaiDate(), minutes: 40, remote: false, what: '上门看望，帮忙打扫。' })
    .execute();
}

beforeAll(async () => {
  env = await openTestApp();
  await seedCommunityDemos(env.db, env.tenantId);
  const t = env.tenantId;

  // The village's environment team looks after someone too: the companion team's members and
  // leader (the mobile member, the mentor) may not see them.
  const environment = await env.db.selectFrom('service_team').select(['id', 'leader_member_id']).where('tenant_id', '=', t).where('name', '=', '环境整治突击队').executeTakeFirstOrThrow();
  const zhao = await env.db
    .insertInto('care_recipient')
    .values({ tenant_id: t, team_id: environment.id, label: '赵大爷(化名)', category: 'elderly_alone', need: '门前排水沟常堵，下雨前帮忙清一清', contact_name: '赵家女儿(化名)', contact_phone: '13912349901' })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (environment.leader_member_id) await logFor(environment.leader_member_id, environment.id, zhao.id);

  // A team of the branch secretary's branch, with the group leader as a member: the branch
  // secretary and the group leader see its person; the mentor and the mobile member do not.
  const branch = await sql<{ org_id: string }>`
    SELECT r.org_id FROM account a JOIN role_assignment r ON r.tenant_id = a.tenant_id AND r.account_id = a.id
     WHERE a.tenant_id = ${t} AND a.phone = ${PHONE_OF.branchSecretary} AND r.role = 'secretary' LIMIT 1`.execute(env.db);
  const branchId = branch.rows[0]?.org_id;
  const leader = await env.db.selectFrom('account').select('member_id').where('tenant_id', '=', t).where('phone', '=', PHONE_OF.groupLeader).executeTakeFirstOrThrow();
  if (!branchId || !leader.member_id) throw new Error('the demo has no branch secretary or group leader member');
  const knock = await env.db.insertInto('service_team').values({ tenant_id: t, org_id: branchId, name: '支部敲门队', kind: 'knock' }).returning('id').executeTakeFirstOrThrow();
  await env.db.insertInto('service_team_member').values({ tenant_id: t, team_id: knock.id, member_id: leader.member_id }).execute();
  const sun = await env.db
    .insertInto('care_recipient')
    .values({ tenant_id: t, team_id: knock.id, label: '孙婆婆(化名)', category: 'disabled', need: '每周敲门问一声', contact_name: '孙家侄子(化名)', contact_phone: '13912349902' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await logFor(leader.member_id, knock.id, sun.id);

  const recipients = await env.db.selectFrom('care_recipient').select(['team_id', 'label', 'contact_name', 'contact_phone']).where('tenant_id', '=', t).execute();
  secrets = recipients.flatMap((r) => [r.label, r.contact_name, r.contact_phone].filter((v): v is string => Boolean(v)).map((text) => ({ text, teamId: r.team_id })));

  // Every GET route: lists (also narrowed to each team, its grid and its unit) and answers about one thing.
  const routes: { url: string; schema?: FastifySchema }[] = [];
  const probe = await buildApp({ services: env.services, serveWeb: false, onRoute: (method, url, schema) => method === 'GET' && routes.push({ url, schema }) });
  await probe.close();
  const lists = routes.filter((r) => r.url.startsWith('/api/') && !r.url.includes(':') && !/template|\.ics|qr/.test(r.url));
  exportUrls = [...new Set(lists.filter((r) => /export/.test(r.url)).map((r) => r.url))].sort();
  const jsonLists = lists.filter((r) => !/export/.test(r.url));
  const teams = await env.db.selectFrom('service_team').select(['id', 'org_id', 'grid_id']).where('tenant_id', '=', t).execute();
  const narrowed = (key: string, values: (string | null)[]) =>
    jsonLists.filter((r) => takes(r.schema, key)).flatMap((r) => [...new Set(values.filter((v): v is string => v !== null))].map((v) => `${r.url}?${key}=${v}`));
  urls = [...new Set([...jsonLists.map((r) => r.url), ...narrowed('teamId', teams.map((x) => x.id)), ...narrowed('gridId', teams.map((x) => x.grid_id)), ...narrowed('orgId', teams.map((x) => x.org_id))])];
  for (const { route, ids } of ONE_THING) for (const id of await idsOf(ids)) urls.push(route.replace(':id', id));
  for (const role of ROLES) sessions[role] = await login(env.app, PHONE_OF[role]);
}, 120_000);
afterAll(async () => env?.close());

/** The secrets in a text: those of teams the role may see, and those it may not. */
function found(text: string, seen: Set<string>): { allowed: string[]; leaked: string[] } {
  const allowed: string[] = [];
  const leaked: string[] = [];
  for (const s of secrets) if (text.includes(s.text)) (seen.has(s.teamId) ? allowed : leaked).push(s.text);
  return { allowed, leaked };
}

async function xlsxText(body: Buffer): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(body as unknown as ArrayBuffer);
  const cells: string[] = [];
  workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text)))));
  return cells.join('\n');
}

describe('people looked after (服务对象) in no answer outside their team’s members, leader and secretaries', () => {
  it('has people of three teams to look for, and routes to call', () => {
    expect(new Set(secrets.map((s) => s.teamId)).size).toBe(3);
    expect(secrets.map((s) => s.text)).toEqual(expect.arrayContaining(['王奶奶(化名)', '赵大爷(化名)', '13912349902']));
    expect(urls).toEqual(expect.arrayContaining(['/api/service/logs', '/api/me/service/logs', '/api/me/teams']));
    expect(urls.some((u) => u.startsWith('/api/service/logs?teamId='))).toBe(true);
    expect(exportUrls).toContain('/api/care-recipients/export');
  });

  for (const role of ROLES) {
    it(`as ${role}`, async () => {
      const seen = await teamsSeenBy(PHONE_OF[role]);
      const outside: string[] = [];
      const shown = new Set<string>();
      let answered = 0;
      for (const url of urls) {
        const res = await env.app.inject({ url, headers: sessions[role].headers });
        expect(res.statusCode, `${role} GET ${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
        if (res.statusCode === 200) answered++;
        // every answer, an error's message included
        const { allowed, leaked } = found(res.body, seen);
        for (const a of allowed) shown.add(a);
        if (leaked.length) outside.push(`GET ${url} (${res.statusCode}): ${leaked.join(', ')}`);
      }
      // The needs export carries the grid, the category and the need only, for everyone.
      for (const url of exportUrls) {
        const res = await env.app.inject({ url, headers: sessions[role].headers });
        expect(res.statusCode, `${role} GET ${url}`).toBeLessThan(500);
        if (res.statusCode !== 200) continue;
        const text = String(res.headers['content-type']).includes('spreadsheetml') ? await xlsxText(res.rawPayload) : res.body;
        const { allowed, leaked } = found(text, url === '/api/care-recipients/export' ? new Set() : seen);
        if (leaked.length + (url === '/api/care-recipients/export' ? allowed.length : 0)) outside.push(`GET ${url}: ${[...leaked, ...allowed].join(', ')}`);
      }
      console.info(`${role}: ${answered} of ${urls.length} answers, sees the people of ${seen.size} team(s), shown ${shown.size} of their details`);
      expect(answered, `${role} could read nothing`).toBeGreaterThan(0);
      // Not vacuous: every demo role sees the people of some team, and the API did show them.
      expect(seen.size, `${role} sees no team's people`).toBeGreaterThan(0);
      expect(shown.size, `${role} was shown nobody it may see`).toBeGreaterThan(0);
      expect(outside).toEqual([]);
    }, 300_000);
  }

  it('on the public pages of every unit (党务公开 and news), none at all', async () => {
    const orgs = await idsOf('org');
    const pages = orgs.flatMap((id) => [`/open/${id}`, `/news/${id}`]);
    const months = await env.db.selectFrom('disclosure').select(['org_id', 'month']).where('tenant_id', '=', env.tenantId).where('state', '=', 'approved').execute();
    pages.push(...months.map((m) => `/open/${m.org_id}/${m.month}`));
    const news = await env.db.selectFrom('news_item').select(['id', 'org_id']).where('tenant_id', '=', env.tenantId).execute();
    pages.push(...news.map((n) => `/news/${n.org_id}/${n.id}`));
    expect(months.length, 'the demo approved no disclosure').toBeGreaterThan(0);
    let shown = 0;
    const outside: string[] = [];
    for (const url of pages) {
      const res = await env.app.inject({ url });
      expect(res.statusCode, url).toBeLessThan(500);
      if (res.statusCode === 200) shown++;
      const { leaked } = found(res.body, new Set());
      if (leaked.length) outside.push(`GET ${url}: ${leaked.join(', ')}`);
    }
    expect(shown).toBeGreaterThan(months.length);
    expect(outside).toEqual([]);
  }, 120_000);
});
