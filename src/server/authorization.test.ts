import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../test/support/harness.ts';
import { PHONE_OF, ROLES, type AuthzModule, type BaseIds, type Case, type Role } from '../../test/support/authz.ts';
import { libraryAuthz } from '../../test/authz/library.ts';
import { filesAuthz } from '../../test/authz/files.ts';
import { pushesAuthz } from '../../test/authz/pushes.ts';
import { meetingsAuthz } from '../../test/authz/meetings.ts';
import { coverageAuthz } from '../../test/authz/coverage.ts';
import { careAuthz } from '../../test/authz/care.ts';
import { talksAuthz } from '../../test/authz/talks.ts';
import { reviewsAuthz } from '../../test/authz/reviews.ts';
import { questionsAuthz } from '../../test/authz/questions.ts';
import { deliveriesAuthz } from '../../test/authz/deliveries.ts';
import { cardsAuthz } from '../../test/authz/cards.ts';
import { radarAuthz } from '../../test/authz/radar.ts';
import { reachAuthz } from '../../test/authz/reach.ts';
import { authAuthz } from '../../test/authz/auth.ts';
import { orgsAuthz } from '../../test/authz/orgs.ts';
import { accountsAuthz } from '../../test/authz/accounts.ts';
import { membersAuthz } from '../../test/authz/members.ts';
import { rosterAuthz } from '../../test/authz/roster.ts';
import { dashboardAuthz } from '../../test/authz/dashboard.ts';
import { settingsAuthz } from '../../test/authz/settings.ts';
import { auditAuthz } from '../../test/authz/audit.ts';
import { meAuthz } from '../../test/authz/me.ts';
import { regionsAuthz } from '../../test/authz/regions.ts';
import { notifyAuthz } from '../../test/authz/notify.ts';
import { notifyMemberAuthz } from '../../test/authz/notify-member.ts';
import { notifyRobotsAuthz } from '../../test/authz/notify-robots.ts';
import { notifySmsAuthz } from '../../test/authz/notify-sms.ts';
import { notifyKitAuthz } from '../../test/authz/notify-kit.ts';
import { newsAuthz } from '../../test/authz/news.ts';
import { sharesAuthz } from '../../test/authz/shares.ts';
import { evaluationsAuthz } from '../../test/authz/evaluations.ts';
import { pledgesAuthz } from '../../test/authz/pledges.ts';
import { disclosureAuthz } from '../../test/authz/disclosure.ts';
import { donationsAuthz } from '../../test/authz/donations.ts';
import { dutyAuthz } from '../../test/authz/duty.ts';
import { teamsAuthz } from '../../test/authz/teams.ts';
import { serviceAuthz } from '../../test/authz/service.ts';

/** Modules keep their cases next to each other in test/authz/; all run here. */
const MODULES: AuthzModule[] = [
  authAuthz,
  orgsAuthz,
  accountsAuthz,
  membersAuthz,
  rosterAuthz,
  dashboardAuthz,
  settingsAuthz,
  regionsAuthz,
  auditAuthz,
  meAuthz,
  libraryAuthz,
  filesAuthz,
  pushesAuthz,
  meetingsAuthz,
  coverageAuthz,
  careAuthz,
  talksAuthz,
  reviewsAuthz,
  questionsAuthz,
  deliveriesAuthz,
  cardsAuthz,
  radarAuthz,
  notifyAuthz,
  notifyMemberAuthz,
  reachAuthz,
  notifyRobotsAuthz,
  notifySmsAuthz,
  notifyKitAuthz,
  newsAuthz,
  sharesAuthz,
  evaluationsAuthz,
  pledgesAuthz,
  disclosureAuthz,
  donationsAuthz,
  dutyAuthz,
  teamsAuthz,
  serviceAuthz,
];

/**
 * Every /api route × every role. Targets sit in 第二党支部, outside the branch secretary's,
 * the group leader's, the mentor's and the member's scope: those roles must get 403, anonymous
 * callers 401, and the roles in `allowed` must get through. A route without a line here fails
 * the coverage test, so a new route cannot ship without its authorization being proven.
 */
let env: TestEnv;
const sessions = {} as Record<Role, Session>;
const ids: BaseIds = {
  target: '',
  mobileTarget: '',
  branch2: '',
  branch3: '',
  group2: '',
  village: '',
  grid: '',
};

beforeAll(async () => {
  env = await openTestApp();
  for (const role of ROLES) sessions[role] = await login(env.app, PHONE_OF[role]);
  const org = async (name: string) =>
    (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow()).id;
  ids.branch2 = await org('第二党支部');
  ids.branch3 = await org('第三党支部（老党员支部）');
  ids.group2 = await org('第四党小组');
  ids.village = await org('新桥村党总支');
  const inBranch2 = await env.db
    .selectFrom('member as m')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select('m.id')
    .where('o.name', '=', '第四党小组')
    .orderBy('m.name')
    .executeTakeFirstOrThrow();
  ids.target = inBranch2.id;
  // A mobile member outside the mentor's mentees and outside branch 1.
  const mobile = await env.db
    .selectFrom('member as m')
    .innerJoin('mobility as mb', (j) => j.onRef('mb.tenant_id', '=', 'm.tenant_id').onRef('mb.member_id', '=', 'm.id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'm.tenant_id').onRef('o.id', '=', 'm.org_id'))
    .select('m.id')
    .where('mb.ended_on', 'is', null)
    .where('o.name', '=', '第八党小组')
    .executeTakeFirstOrThrow();
  ids.mobileTarget = mobile.id;
  ids.grid = (await env.db.selectFrom('grid').select('id').where('tenant_id', '=', env.tenantId).executeTakeFirstOrThrow()).id;
  for (const m of MODULES) await m.setup(env, ids);
});
afterAll(async () => env?.close());

const CASES: Case[] = MODULES.flatMap((m) => m.cases);

function multipartBody(): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----lianxin-test';
  const payload = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\nnot-a-spreadsheet\r\n--${boundary}--\r\n`,
  );
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function call(c: Case, session: Session | null) {
  const mp = c.multipart ? multipartBody() : null;
  return env.app.inject({
    method: c.method,
    url: c.url(),
    headers: { ...session?.headers, ...mp?.headers },
    ...(mp ? { payload: mp.payload } : c.body ? { payload: c.body() as Record<string, unknown> } : {}),
  });
}

describe('authorization of every route', () => {
  it('has a case for every registered /api route', () => {
    const registered = new Set<string>();
    const text = env.app.printRoutes({ commonPrefix: false });
    void text;
    for (const r of (env.app as unknown as { routesList?: unknown }).routesList ? [] : []) void r;
    // Fastify exposes routes through hasRoute; check both directions.
    for (const c of CASES) {
      expect(env.app.hasRoute({ method: c.method, url: c.route }), `${c.method} ${c.route} is not a route`).toBe(true);
      registered.add(`${c.method} ${c.route}`);
    }
    const listed = collectedRoutes.filter((r) => r.startsWith('GET /api/') || /^(POST|PUT|PATCH|DELETE) \/api\//.test(r));
    const missing = listed.filter((r) => !registered.has(r));
    expect(missing, 'routes without an authorization case').toEqual([]);
  });

  for (const c of CASES) {
    if (!c.public) {
      it(`${c.method} ${c.route}: 401 without a session`, async () => {
        const res = await call(c, null);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toMatchObject({ ok: false, error: 'unauthenticated' });
      });
    }
    for (const role of ROLES) {
      const allowed = c.allowed === 'all' || c.allowed.includes(role);
      it(`${c.method} ${c.route}: ${role} ${allowed ? 'passes' : 'gets 403'}`, async () => {
        const res = await call(c, c.freshSession ? await login(env.app, PHONE_OF[role]) : sessions[role]);
        if (allowed) {
          // Login with a wrong password answers 401 invalid_credentials: that is its job, not a refusal.
          if (c.route !== '/api/auth/login') expect([401, 403], `${res.statusCode} ${res.body}`).not.toContain(res.statusCode);
          expect(res.statusCode, res.body).toBeLessThan(500);
        } else {
          expect(res.statusCode, res.body).toBe(403);
          expect(res.json()).toMatchObject({ ok: false, error: 'forbidden' });
        }
      });
    }
  }
});

describe('scope within a role', () => {
  it('a member reads only themself; a mentor reads their mentee but cannot edit', async () => {
    const self = await memberIdByPhone(env, PHONES.mobileMember);
    const list = await env.app.inject({ url: '/api/members?pageSize=200', headers: sessions.member.headers });
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([self]);
    expect((await env.app.inject({ url: `/api/members/${self}`, headers: sessions.member.headers })).statusCode).toBe(200);
    expect((await env.app.inject({ method: 'PATCH', url: `/api/members/${self}`, headers: sessions.member.headers, payload: { name: '改名' } })).statusCode).toBe(403);
    const asMentor = await env.app.inject({ url: `/api/members/${self}`, headers: sessions.mentor.headers });
    expect(asMentor.statusCode).toBe(200);
    expect(asMentor.json()).toMatchObject({ idNumberMasked: null, can: { edit: false, revealId: false, care: true } });
    expect((await env.app.inject({ method: 'POST', url: `/api/members/${self}/reveal-id`, headers: sessions.mentor.headers })).statusCode).toBe(403);
    const mentorList = await env.app.inject({ url: '/api/members?pageSize=200', headers: sessions.mentor.headers });
    expect(mentorList.json().items.map((i: { id: string }) => i.id)).toContain(self);
  });

  it("writes an audit entry when someone else's hardship note is shown", async () => {
    const self = await memberIdByPhone(env, PHONES.mobileMember);
    await env.db.updateTable('member').set({ hardship_note: '父亲重病' }).where('id', '=', self).execute();
    const count = async () => (await env.db.selectFrom('audit_log').select('id').where('action', '=', 'member.view_sensitive').where('entity_id', '=', self).execute()).length;
    const before = await count();
    expect((await env.app.inject({ url: `/api/members/${self}`, headers: sessions.villageSecretary.headers })).json().hardshipNote).toBe('父亲重病');
    expect(await count()).toBe(before + 1);
    // The member reading their own page is not a disclosure.
    await env.app.inject({ url: `/api/members/${self}`, headers: sessions.member.headers });
    expect(await count()).toBe(before + 1);
    // The mentor sees the note (a care record) and the view is logged; a group leader never gets it.
    expect((await env.app.inject({ url: `/api/members/${self}`, headers: sessions.mentor.headers })).json().hardshipNote).toBe('父亲重病');
    expect(await count()).toBe(before + 2);
    expect((await env.app.inject({ url: `/api/members/${self}`, headers: sessions.groupLeader.headers })).json().hardshipNote).toBeNull();
  });

  it('a branch secretary lists and edits only their branch', async () => {
    const list = await env.app.inject({ url: '/api/members?pageSize=200', headers: sessions.branchSecretary.headers });
    const body = list.json() as { items: { orgName: string }[]; total: number };
    expect(body.total).toBeGreaterThan(0);
    expect(new Set(body.items.map((i) => i.orgName))).toEqual(new Set(['第一党小组', '第二党小组', '第三党小组']));
    const inOwn = await memberIdByPhone(env, PHONES.mentor);
    const res = await env.app.inject({ method: 'PATCH', url: `/api/members/${inOwn}`, headers: sessions.branchSecretary.headers, payload: { occupation: '村医' } });
    expect(res.statusCode, res.body).toBe(200);
    // Moving a member into a unit outside the branch is refused.
    const out = await env.app.inject({ method: 'PATCH', url: `/api/members/${inOwn}`, headers: sessions.branchSecretary.headers, payload: { orgId: ids.group2 } });
    expect(out.statusCode).toBe(403);
  });

  it('a group leader reads their group but not the rest of the branch', async () => {
    const list = await env.app.inject({ url: '/api/members?pageSize=200', headers: sessions.groupLeader.headers });
    const names = new Set((list.json() as { items: { orgName: string }[] }).items.map((i) => i.orgName));
    expect(names).toEqual(new Set(['第一党小组']));
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: sessions.member.cookie }, payload: { currentPassword: 'x', newPassword: 'y-12345678' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'csrf_failed' });
  });
});

// Every route the app registers, recorded by an onRoute hook while a second instance is built.
let collectedRoutes: string[] = [];
beforeAll(async () => {
  const { buildApp } = await import('./app.ts');
  const routes: string[] = [];
  const probe = await buildApp({ services: env.services, serveWeb: false, onRoute: (method, url) => routes.push(`${method} ${url}`) });
  await probe.close();
  collectedRoutes = routes;
});
