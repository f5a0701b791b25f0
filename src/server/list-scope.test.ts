import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { login, openTestApp, type Session, type TestEnv } from '../../test/support/harness.ts';
import { PHONE_OF, type Role } from '../../test/support/authz.ts';
import type { FastifySchema } from 'fastify';
import { buildApp } from './app.ts';
import { ONE_THING } from '../../test/support/one-thing.ts';
import { seedCommunityDemos } from './demo/community.ts';

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

/**
 * People the member app shows a member by design among their comrades: the members of their village
 * (the nearest general branch above them), whose shared posts and comments they read (每月一互动)
 * and whom they grade on the ballot (民主评议). Only the /api/me answers about those may carry them.
 */
async function villageOf(env: TestEnv, phone: string): Promise<Set<string>> {
  const { rows } = await sql<{ id: string }>`
    SELECT m2.id FROM account a
      JOIN member m ON m.tenant_id = a.tenant_id AND m.id = a.member_id
      JOIN org mo ON mo.tenant_id = m.tenant_id AND mo.id = m.org_id
      JOIN org v ON v.tenant_id = mo.tenant_id AND mo.path LIKE v.path || '%' AND v.kind = 'general_branch'
      JOIN org o ON o.tenant_id = v.tenant_id AND o.path LIKE v.path || '%'
      JOIN member m2 ON m2.tenant_id = o.tenant_id AND m2.org_id = o.id
      WHERE a.tenant_id = ${env.tenantId} AND a.phone = ${phone}`.execute(env.db);
  return new Set(rows.map((r) => r.id));
}

/**
 * The member app's answers that show comrades of the caller's village by design (see `villageOf`);
 * a volunteer team's logs (志愿服务) name its members, who are of the team's village; 值守 names those
 * on a shift and the comrades one may ask to swap only of one's village, even on a town's roster.
 */
const SHOWS_COMRADES = /^\/api\/me\/(shares|evaluations|duty|teams\/[^/]+\/logs)(\/|\?|$)/;

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
/** List routes whose query takes a unit (`orgId`) or a member (`memberId`). */
let byOrg: string[] = [];
let byMember: string[] = [];
const sessions = {} as Record<Role, Session>;
let allMembers = new Set<string>();

/** Whether a route's zod querystring has this key. */
function takes(schema: FastifySchema | undefined, key: string): boolean {
  const query = schema?.querystring as { shape?: Record<string, unknown> } | undefined;
  return Boolean(query?.shape && key in query.shape);
}

async function idsOf(table: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`SELECT id FROM ${sql.table(table)} WHERE tenant_id = ${env.tenantId} ORDER BY id`.execute(env.db);
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  env = await openTestApp();
  // The demo's community and service (posts, questions, reviews, ballots, news, teams, service, pledges, donations, duty, 党务公开), so their lists and answers have people to check.
  await seedCommunityDemos(env.db, env.tenantId);
  const routes: { url: string; schema?: FastifySchema }[] = [];
  const probe = await buildApp({ services: env.services, serveWeb: false, onRoute: (method, url, schema) => method === 'GET' && routes.push({ url, schema }) });
  await probe.close();
  // Lists: GET routes without an id in the path. Files and spreadsheets are not JSON lists.
  const lists = routes.filter((r) => r.url.startsWith('/api/') && !r.url.includes(':') && !/export|template|\.ics|qr/.test(r.url));
  listRoutes = [...new Set(lists.map((r) => r.url))].sort();
  byOrg = [...new Set(lists.filter((r) => takes(r.schema, 'orgId')).map((r) => r.url))].sort();
  byMember = [...new Set(lists.filter((r) => takes(r.schema, 'memberId')).map((r) => r.url))].sort();
  for (const role of LIMITED) sessions[role] = await login(env.app, PHONE_OF[role]);
  allMembers = new Set((await env.db.selectFrom('member').select('id').where('tenant_id', '=', env.tenantId).execute()).map((m) => m.id));
});
afterAll(async () => env?.close());

/** Calls each URL as the role and lists every answer that names a member outside its scope. */
async function outsideScope(
  role: Role,
  urls: string[],
  shownByDesign: (url: string) => Set<string> = () => new Set(),
): Promise<{ outside: string[]; answered: number; seen: Set<string> }> {
  const phone = PHONE_OF[role];
  const readable = await readableBy(env, phone);
  const contacts = await contactsOf(env, phone);
  const comrades = await villageOf(env, phone);
  const outside: string[] = [];
  let answered = 0;
  const seen = new Set<string>();
  for (const url of urls) {
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
      if (SHOWS_COMRADES.test(url) && comrades.has(s)) continue;
      if (shownByDesign(url).has(s)) continue;
      leaked.add(s);
    }
    if (leaked.size) outside.push(`GET ${url}: ${leaked.size} member(s) outside the scope`);
  }
  return { outside, answered, seen };
}

describe('lists carry no member outside the caller’s scope', () => {
  it('finds the API’s lists', () => {
    expect(listRoutes.length).toBeGreaterThan(20);
    expect(listRoutes).toContain('/api/members');
    // The lists across units that can be narrowed to a unit or a member are found from their schemas.
    expect(byOrg).toEqual(expect.arrayContaining(['/api/members', '/api/care-tasks', '/api/talks', '/api/deliveries', '/api/pushes', '/api/study-items', '/api/activation']));
    expect(byMember).toEqual(expect.arrayContaining(['/api/care-tasks', '/api/talks']));
  });

  for (const role of LIMITED) {
    it(`as ${role}`, async () => {
      const { outside, answered, seen } = await outsideScope(role, listRoutes);
      expect(answered, `${role} could read no list at all`).toBeGreaterThan(0);
      // Not vacuous: the role's lists did name members, and only those it may read.
      expect(seen.size, `${role}'s lists named no member`).toBeGreaterThan(0);
      console.info(`${role}: ${answered} lists answered, ${seen.size} members named, ${outside.length} lists with members outside the scope`);
      expect(outside).toEqual([]);
    });
  }
});

describe('lists narrowed to a unit or a member carry no member outside the caller’s scope', () => {
  for (const role of LIMITED) {
    it(`as ${role}`, async () => {
      const orgs = await idsOf('org');
      // Two members of every unit (the first by id), besides the role's own mentees and itself: inside and outside its scope.
      const { rows } = await sql<{ id: string }>`
        SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY org_id ORDER BY id) AS n FROM member WHERE tenant_id = ${env.tenantId}) x
        WHERE n <= 2
        UNION SELECT ms.member_id FROM mentorship ms WHERE ms.tenant_id = ${env.tenantId}
        UNION SELECT member_id FROM account WHERE tenant_id = ${env.tenantId} AND member_id IS NOT NULL`.execute(env.db);
      const members = rows.map((r) => r.id).sort();
      const urls = [
        ...byOrg.flatMap((route) => orgs.map((id) => `${route}?orgId=${id}`)),
        ...byMember.flatMap((route) => members.map((id) => `${route}?memberId=${id}`)),
      ];
      const { outside, answered } = await outsideScope(role, urls);
      // Every role may narrow some list to something (its unit, its mentee, itself) and is refused the rest.
      expect(answered, `${role} could narrow no list`).toBeGreaterThan(0);
      expect(answered).toBeLessThan(urls.length);
      expect(outside).toEqual([]);
    }, 180_000);
  }
});

describe('answers about one thing carry no member outside the caller’s scope', () => {
  it('covers every GET route with an id in its path that answers people', () => {
    // Files, spreadsheets, calendar files, check-in codes, import jobs and reading a study item name no member.
    // An invitation opened by its token (public) shows only its own invitee, masked (张*明): the token is the key.
    const without = ['/api/files/:id', '/api/imports/:id', '/api/me/items/:id', '/api/sessions/:id/calendar.ics', '/api/sessions/:id/checkin-code', '/api/invitations/:token', '/api/reviews/rounds/:id/export', '/api/reviews/rubrics/:orgId', '/api/evaluations/:id/export', '/api/donations/:id/export'];
    const covered = new Set([...ONE_THING.map((t) => t.route), ...without]);
    const routes: string[] = [];
    return buildApp({ services: env.services, serveWeb: false, onRoute: (method, url) => method === 'GET' && url.startsWith('/api/') && url.includes(':') && routes.push(url) })
      .then((probe) => probe.close())
      .then(() => expect(routes.filter((r) => !covered.has(r))).toEqual([]));
  });

  for (const role of LIMITED) {
    it(`as ${role}`, async () => {
      const urls: string[] = [];
      for (const { route, ids } of ONE_THING) for (const id of await idsOf(ids)) urls.push(route.replace(':id', id));
      // A member's profile and mentoring history name their mentors and mentees, wherever those belong.
      const { rows } = await sql<{ member_id: string; mentor_member_id: string }>`
        SELECT member_id, mentor_member_id FROM mentorship WHERE tenant_id = ${env.tenantId}`.execute(env.db);
      const linkedByMentoring = new Map<string, Set<string>>();
      const link = (a: string, b: string) => linkedByMentoring.set(a, new Set([...(linkedByMentoring.get(a) ?? []), b]));
      for (const r of rows) {
        link(r.member_id, r.mentor_member_id);
        link(r.mentor_member_id, r.member_id);
      }
      // A post a secretary reads in the console because its author is in their units carries the
      // comments its audience wrote, as every member of that audience reads them (a village-wide post).
      const { rows: commenters } = await sql<{ post_id: string; member_id: string }>`
        SELECT post_id, member_id FROM share_comment WHERE tenant_id = ${env.tenantId}`.execute(env.db);
      const commentersOf = new Map<string, Set<string>>();
      for (const c of commenters) commentersOf.set(c.post_id, new Set([...(commentersOf.get(c.post_id) ?? []), c.member_id]));
      // A team's project's sign-ups are read by the team's leader (who manages the project) as well
      // as the secretaries above: the team's volunteers who signed up.
      const { rows: signups } = await sql<{ task_id: string; member_id: string }>`
        SELECT s.task_id, s.member_id FROM service_signup s
          JOIN service_task k ON k.tenant_id = s.tenant_id AND k.id = s.task_id
          JOIN service_project p ON p.tenant_id = k.tenant_id AND p.id = k.project_id
          JOIN service_team t ON t.tenant_id = p.tenant_id AND t.id = p.team_id
          JOIN account a ON a.tenant_id = t.tenant_id AND a.member_id = t.leader_member_id
         WHERE s.tenant_id = ${env.tenantId} AND a.phone = ${PHONE_OF[role]}`.execute(env.db);
      const signedUpOn = new Map<string, Set<string>>();
      for (const r of signups) signedUpOn.set(r.task_id, new Set([...(signedUpOn.get(r.task_id) ?? []), r.member_id]));
      const shownByDesign = (url: string) => {
        const post = /^\/api\/shares\/([^/]+)$/.exec(url)?.[1];
        if (post) return commentersOf.get(post) ?? new Set<string>();
        const task = /^\/api\/service\/tasks\/([^/]+)\/signups$/.exec(url)?.[1];
        if (task) return signedUpOn.get(task) ?? new Set<string>();
        const member = /^\/api\/members\/([^/]+)(?:\/mentorships)?$/.exec(url)?.[1];
        return (member && linkedByMentoring.get(member)) || new Set<string>();
      };
      const { outside, answered, seen } = await outsideScope(role, urls, shownByDesign);
      expect(answered, `${role} could read nothing`).toBeGreaterThan(0);
      expect(seen.size).toBeGreaterThan(0);
      expect(outside).toEqual([]);
    }, 180_000);
  }
});
