import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { clock, shanghaiDate } from '../../clock.ts';
import { addDays } from '../../../shared/china-time.ts';
import { silentWav } from '../../../../test/support/silent-wav.ts';
import { seedTeamsDemo, DEMO_TEAMS } from '../../demo/teams.ts';
import { seedServiceDemo } from '../../demo/service.ts';
import type {
  ConsoleServiceLog,
  ConsoleServiceLogPage,
  MyService,
  MyServiceProjectDetail,
  ServiceHoursReport,
  ServiceLog,
  ServiceLogPage,
  ServiceProject,
  ServiceSignupList,
  SignupResult,
  TeamServiceLogs,
  ServiceUnitHours,
} from '../../../shared/api-service.ts';
import { signUp } from './signups.ts';

let env: TestEnv;
let secretary: Session; // 新桥村党总支
let branchSecretary: Session; // 第一党支部
let mobile: Session; // a member of the companion team, in the city
let leader: Session; // the mentor: the companion team's leader
let outsider: Session; // a member of 第二党支部, in no team
let mobileId = '';
let outsiderPhone = '';
let companionId = '';
let gridId = '';
let recipientId = '';
const today = () => shanghaiDate(clock.now());

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);

async function upload(session: Session, fileName: string, content: Buffer, purpose = 'service'): Promise<string> {
  const boundary = '----lianxin-service-test';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await env.app.inject({ method: 'POST', url: `/api/files?purpose=${purpose}`, headers: { ...session.headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { id: string }).id;
}

const send = (session: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  env.app.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

async function ok<T>(p: ReturnType<typeof send>): Promise<T> {
  const res = await p;
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}

async function newProject(over: Record<string, unknown> = {}, tasks: Record<string, unknown>[] = [{ title: '电话陪聊', remote: true, capacity: 1 }]): Promise<ServiceProject> {
  const villageId = (await env.db.selectFrom('org').select('id').where('name', '=', '新桥村党总支').executeTakeFirstOrThrow()).id;
  return ok<ServiceProject>(
    send(secretary, 'POST', '/api/service/projects', { orgId: villageId, teamId: companionId, title: '测试项目', place: '村委会', startsOn: addDays(today(), -1), endsOn: addDays(today(), 10), tasks, ...over }),
  );
}

const gridMinutes = (h: ServiceHoursReport) => h.byGrid.find((g) => g.gridId === gridId)?.minutes ?? 0;
const memberMinutes = (h: ServiceHoursReport) => h.byMember.find((m) => m.memberId === mobileId)?.minutes ?? 0;
const accountOf = async (phone: string) => (await env.db.selectFrom('account').select('id').where('tenant_id', '=', env.tenantId).where('phone', '=', phone).executeTakeFirstOrThrow()).id;
/** The `care_recipient.view` entries an account wrote, newest last: the team and the people shown. */
const recipientViews = async (phone: string) =>
  (
    await env.db
      .selectFrom('audit_log')
      .select(['entity_id', 'after'])
      .where('account_id', '=', await accountOf(phone))
      .where('action', '=', 'care_recipient.view')
      .orderBy('id')
      .execute()
  ).map((a) => ({ teamId: a.entity_id, recipientIds: (a.after as { recipientIds: string[] }).recipientIds }));
const logCount = async () => Number((await env.db.selectFrom('service_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

beforeAll(async () => {
  env = await openTestApp();
  await seedTeamsDemo(env.db, env.tenantId);
  await seedServiceDemo(env.db, env.tenantId);
  secretary = await login(env.app, PHONES.generalSecretary);
  branchSecretary = await login(env.app, PHONES.branchSecretary);
  mobile = await login(env.app, PHONES.mobileMember);
  leader = await login(env.app, PHONES.mentor);
  mobileId = await memberIdByPhone(env, PHONES.mobileMember);
  const team = await env.db.selectFrom('service_team').select(['id', 'grid_id']).where('name', '=', DEMO_TEAMS.companion).executeTakeFirstOrThrow();
  companionId = team.id;
  gridId = team.grid_id ?? '';
  recipientId = (await env.db.selectFrom('care_recipient').select('id').where('team_id', '=', companionId).where('label', 'like', '王奶奶%').executeTakeFirstOrThrow()).id;
  const row = await env.db
    .selectFrom('member as m')
    .innerJoin('org as o', 'o.id', 'm.org_id')
    .select(['m.id', 'm.phone'])
    .where('o.name', '=', '第四党小组')
    .where('m.left_at', 'is', null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('service_team_member as tm').select('tm.id').whereRef('tm.member_id', '=', 'm.id'))))
    .orderBy('m.name')
    .executeTakeFirstOrThrow();
  outsiderPhone = row.phone;
  outsider = await login(env.app, row.phone);
});
afterAll(async () => env?.close());

describe('sign-ups and the waiting list', () => {
  it('two phones taking the last place at once: one confirmed, the other waiting first in line', async () => {
    const project = await newProject({}, [{ title: '最后一个名额', capacity: 1 }]);
    const taskId = project.tasks[0]?.id ?? '';
    const [a, b] = await Promise.all([contextFor(env, PHONES.mobileMember), contextFor(env, PHONES.mentor)]);
    const results = await Promise.all([signUp(env.db, a, taskId), signUp(env.db, b, taskId)]);
    expect(results.map((r) => r.status).sort()).toEqual(['confirmed', 'waiting']);
    expect(results.find((r) => r.status === 'waiting')?.position).toBe(1);
    const rows = await env.db.selectFrom('service_signup').select('status').where('task_id', '=', taskId).execute();
    expect(rows.filter((r) => r.status === 'confirmed')).toHaveLength(1);
  });

  it('two phones over HTTP for the last place: one confirmed, one waiting', async () => {
    const project = await newProject({}, [{ title: '最后一个名额 HTTP', capacity: 1 }]);
    const taskId = project.tasks[0]?.id ?? '';
    const answers = await Promise.all([mobile, leader].map((s) => ok<SignupResult>(send(s, 'POST', `/api/me/service/tasks/${taskId}/signup`))));
    expect(answers.map((r) => r.status).sort()).toEqual(['confirmed', 'waiting']);
  });

  it('a second sign-up of the same member is a conflict; a cancel moves the first waiting up', async () => {
    const project = await newProject({}, [{ title: '两个名额', capacity: 1 }]);
    const taskId = project.tasks[0]?.id ?? '';
    const first = await ok<SignupResult>(send(mobile, 'POST', `/api/me/service/tasks/${taskId}/signup`));
    expect(first).toMatchObject({ status: 'confirmed', position: null });
    const again = await send(mobile, 'POST', `/api/me/service/tasks/${taskId}/signup`);
    expect(again.statusCode).toBe(409);
    const second = await ok<SignupResult>(send(leader, 'POST', `/api/me/service/tasks/${taskId}/signup`));
    expect(second).toMatchObject({ status: 'waiting', position: 1 });
    const detail = await ok<MyServiceProjectDetail>(send(leader, 'GET', `/api/me/service/projects/${project.id}`));
    expect(detail.tasks[0]).toMatchObject({ capacity: 1, confirmed: 1, waiting: 1, mine: { signupId: second.signupId, status: 'waiting', position: 1 } });
    expect((await send(leader, 'DELETE', `/api/me/service/signups/${first.signupId}`)).statusCode).toBe(403);
    expect(await ok(send(mobile, 'DELETE', `/api/me/service/signups/${first.signupId}`))).toEqual({ cancelled: true, promoted: true });
    const after = await ok<MyServiceProjectDetail>(send(leader, 'GET', `/api/me/service/projects/${project.id}`));
    expect(after.tasks[0]).toMatchObject({ confirmed: 1, waiting: 0, mine: { status: 'confirmed', position: null } });
    const list = await ok<ServiceSignupList>(send(secretary, 'GET', `/api/service/tasks/${taskId}/signups`));
    expect(list.items.map((i) => [i.signupId, i.status])).toEqual([[second.signupId, 'confirmed']]);
    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', first.signupId).orderBy('at').execute();
    expect(audit.map((a) => a.action)).toEqual(['service.signup.create', 'service.signup.cancel']);
  });

  it('a closed project takes no sign-up (409); raising a capacity moves the waiting up; a capacity below the confirmed is refused', async () => {
    const project = await newProject({}, [{ title: '一个名额', capacity: 1 }]);
    const task = project.tasks[0];
    if (!task) throw new Error('task');
    await ok(send(mobile, 'POST', `/api/me/service/tasks/${task.id}/signup`));
    const waiting = await ok<SignupResult>(send(leader, 'POST', `/api/me/service/tasks/${task.id}/signup`));
    expect(waiting.status).toBe('waiting');
    const raised = await ok<ServiceProject>(send(secretary, 'PATCH', `/api/service/projects/${project.id}`, { updatedAt: project.updatedAt, tasks: [{ ...task, capacity: 2 }] }));
    expect(raised.tasks[0]).toMatchObject({ capacity: 2, confirmed: 2, waiting: 0 });
    const stale = await send(secretary, 'PATCH', `/api/service/projects/${project.id}`, { updatedAt: project.updatedAt, status: 'closed' });
    expect(stale.statusCode).toBe(409);
    const lower = await send(secretary, 'PATCH', `/api/service/projects/${project.id}`, { updatedAt: raised.updatedAt, tasks: [{ ...task, capacity: 1 }] });
    expect(lower.statusCode).toBe(409);
    expect(lower.json()).toMatchObject({ issues: [{ field: 'tasks.0.capacity' }] });
    const closed = await ok<ServiceProject>(send(secretary, 'PATCH', `/api/service/projects/${project.id}`, { updatedAt: raised.updatedAt, status: 'closed' }));
    expect(closed.status).toBe('closed');
    const other = await login(env.app, PHONES.groupLeader);
    expect((await send(other, 'POST', `/api/me/service/tasks/${task.id}/signup`)).statusCode).toBe(409);
    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', project.id).orderBy('at').execute();
    expect(audit.map((a) => a.action)).toEqual(['service.project.create', 'service.project.update', 'service.project.close']);
  });

  it('a team’s leader creates and edits a project of their team; not one of another unit, nor one without the team', async () => {
    const villageId = (await env.db.selectFrom('org').select('id').where('name', '=', '新桥村党总支').executeTakeFirstOrThrow()).id;
    const body = { orgId: villageId, teamId: companionId, title: '队长发起的项目', startsOn: today(), endsOn: addDays(today(), 7), tasks: [{ title: '电话问候', remote: true, capacity: 4 }] };
    const project = await ok<ServiceProject>(send(leader, 'POST', '/api/service/projects', body));
    expect(project).toMatchObject({ team: { id: companionId }, grid: { id: gridId }, status: 'open' });
    const edited = await ok<ServiceProject>(send(leader, 'PATCH', `/api/service/projects/${project.id}`, { updatedAt: project.updatedAt, place: '村委会' }));
    expect(edited.place).toBe('村委会');
    expect((await send(leader, 'POST', '/api/service/projects', { ...body, teamId: null })).statusCode).toBe(403);
    expect((await send(mobile, 'POST', '/api/service/projects', body)).statusCode).toBe(403);
    expect((await send(mobile, 'PATCH', `/api/service/projects/${project.id}`, { updatedAt: edited.updatedAt, place: '别处' })).statusCode).toBe(403);
    expect((await send(leader, 'GET', `/api/service/tasks/${project.tasks[0]?.id}/signups`)).statusCode).toBe(200);
  });

  it('a member outside the project’s unit and team cannot see or join it', async () => {
    const branchOne = (await env.db.selectFrom('org').select('id').where('name', '=', '第一党支部').executeTakeFirstOrThrow()).id;
    const project = await ok<ServiceProject>(
      send(branchSecretary, 'POST', '/api/service/projects', { orgId: branchOne, title: '一支部项目', startsOn: today(), endsOn: addDays(today(), 3), tasks: [{ title: '帮忙', capacity: 3 }] }),
    );
    expect((await send(outsider, 'GET', `/api/me/service/projects/${project.id}`)).statusCode).toBe(403);
    expect((await send(outsider, 'POST', `/api/me/service/tasks/${project.tasks[0]?.id}/signup`)).statusCode).toBe(403);
    expect((await ok<MyService>(send(outsider, 'GET', '/api/me/service'))).projects.map((p) => p.id)).not.toContain(project.id);
    expect((await ok<MyService>(send(mobile, 'GET', '/api/me/service'))).projects.map((p) => p.id)).toContain(project.id);
  });
});

describe('service logs', () => {
  it('a log joins the member’s timeline: 志愿服务 N 分钟 with what was done and the project', async () => {
    const log = await ok<ServiceLog>(send(mobile, 'POST', '/api/me/service/logs', { teamId: companionId, servedOn: addDays(today(), -1), minutes: 25, remote: true, what: '视频陪孩子读课文' }));
    const timeline = await ok<{ items: { kind: string; title: string; detail: string | null; refId: string | null; at: string }[] }>(send(secretary, 'GET', `/api/members/${mobileId}/timeline`));
    const event = timeline.items.find((e) => e.refId === log.id);
    expect(event).toMatchObject({ kind: 'service', title: '志愿服务 25 分钟：视频陪孩子读课文', detail: `${DEMO_TEAMS.companion} · 远程`, at: addDays(today(), -1) });
  });

  it('a team member logs a call with a photo to a person of the team; the leader sees it, an outsider sees no label', async () => {
    const photo = await upload(mobile, 'call.png', PNG);
    const project = await env.db.selectFrom('service_project').select('id').where('title', '=', '每周探访独居老人').executeTakeFirstOrThrow();
    const log = await ok<ServiceLog>(
      send(mobile, 'POST', '/api/me/service/logs', { projectId: project.id, recipientId, servedOn: today(), minutes: 30, remote: true, what: '打电话聊家常', photoFileIds: [photo] }),
    );
    expect(log).toMatchObject({ minutes: 30, remote: true, team: { id: companionId }, recipient: { id: recipientId, label: '王奶奶(化名)' }, photos: [{ fileId: photo }] });
    const row = await env.db.selectFrom('service_log').select(['grid_id', 'team_id', 'org_id']).where('id', '=', log.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ grid_id: gridId, team_id: companionId });
    const viewsBefore = (await recipientViews(PHONES.mentor)).length;
    const teamRes = await send(leader, 'GET', `/api/me/teams/${companionId}/logs`);
    expect(teamRes.statusCode, teamRes.body).toBe(200);
    // names of people looked after: never kept by the phone's browser, no ETag to revalidate against
    expect(teamRes.headers['cache-control']).toBe('no-store');
    expect(teamRes.headers.etag).toBeUndefined();
    const team = teamRes.json() as TeamServiceLogs;
    expect(team.items.find((l) => l.id === log.id)?.recipient?.label).toBe('王奶奶(化名)');
    expect(team.hours.monthMinutes).toBeGreaterThanOrEqual(30);
    // the labels shown are audited: one entry for the team naming the people shown
    const views = (await recipientViews(PHONES.mentor)).slice(viewsBefore);
    expect(views).toHaveLength(1);
    expect(views[0]?.teamId).toBe(companionId);
    expect(views[0]?.recipientIds).toContain(recipientId);
    const shown = new Set(team.items.flatMap((l) => (l.recipient ? [l.recipient.id] : [])));
    expect(new Set(views[0]?.recipientIds)).toEqual(shown);
    expect((await send(outsider, 'GET', `/api/me/teams/${companionId}/logs`)).statusCode).toBe(403);
    const mineRes = await send(mobile, 'GET', '/api/me/service/logs');
    expect(mineRes.statusCode).toBe(200);
    expect(mineRes.headers['cache-control']).toBe('no-store');
    expect(mineRes.headers.etag).toBeUndefined();
    // the photo: the author, the team's leader and the secretary read it; the outsider does not
    const photoRes = await send(leader, 'GET', `/api/files/${photo}`);
    expect(photoRes.statusCode).toBe(200);
    // a service log's photo may show the person looked after: no browser or proxy keeps it
    expect(photoRes.headers['cache-control']).toBe('no-store');
    expect((await send(secretary, 'GET', `/api/files/${photo}`)).statusCode).toBe(200);
    expect((await send(outsider, 'GET', `/api/files/${photo}`)).statusCode).toBe(403);
    // a file attached to no service log keeps the ordinary private caching
    const plain = await upload(mobile, 'plain.png', PNG, 'share');
    expect((await send(mobile, 'GET', `/api/files/${plain}`)).headers['cache-control']).toBe('private, max-age=86400');
    const audit = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', log.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['service.log.create']);
  });

  it('refuses bad input with the field named, and writes nothing', async () => {
    const before = await logCount();
    const base = { teamId: companionId, servedOn: today(), minutes: 30, remote: false, what: '探访', photoFileIds: [] as string[] };
    const cases: [Record<string, unknown>, string, number][] = [
      [{ minutes: 0 }, 'minutes', 400],
      [{ minutes: -5 }, 'minutes', 400],
      [{ minutes: 'abc' }, 'minutes', 400],
      [{ minutes: 1441 }, 'minutes', 400],
      [{ servedOn: addDays(today(), 1) }, 'servedOn', 400],
      [{ servedOn: addDays(today(), -91) }, 'servedOn', 400],
      [{ servedOn: '2025-02-30' }, 'servedOn', 400],
      [{ what: '' }, 'what', 400],
    ];
    for (const [over, field, status] of cases) {
      const res = await send(mobile, 'POST', '/api/me/service/logs', { ...base, ...over });
      expect(res.statusCode, JSON.stringify(over)).toBe(status);
      expect((res.json() as { issues: { field: string }[] }).issues.map((i) => i.field), JSON.stringify(over)).toContain(field);
    }
    // a text file given as a photo, someone else's photo (one the member may not read), seven photos
    const text = await upload(mobile, 'voice.wav', silentWav(), 'share');
    const wrongType = await send(mobile, 'POST', '/api/me/service/logs', { ...base, photoFileIds: [text] });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json()).toMatchObject({ issues: [{ field: 'photoFileIds' }] });
    const theirs = await upload(outsider, 'theirs.png', PNG);
    const notMine = await send(mobile, 'POST', '/api/me/service/logs', { ...base, photoFileIds: [theirs] });
    expect([400, 403]).toContain(notMine.statusCode);
    const tooMany = await send(mobile, 'POST', '/api/me/service/logs', { ...base, photoFileIds: Array.from({ length: 7 }, () => theirs) });
    expect(tooMany.statusCode).toBe(400);
    // a recipient of no team of the log, a project one is not in
    const otherRecipient = await send(mobile, 'POST', '/api/me/service/logs', { ...base, teamId: null, recipientId });
    expect(otherRecipient.statusCode).toBe(400);
    expect(otherRecipient.json()).toMatchObject({ issues: [{ field: 'recipientId' }] });
    const project = await env.db.selectFrom('service_project').select('id').where('title', '=', '每周探访独居老人').executeTakeFirstOrThrow();
    const notIn = await send(outsider, 'POST', '/api/me/service/logs', { ...base, teamId: null, projectId: project.id });
    expect(notIn.statusCode).toBe(403);
    expect(notIn.json()).toMatchObject({ issues: [{ field: 'projectId' }] });
    expect((notIn.json() as { message: string }).message).toContain('没有报名该项目');
    const notInTeam = await send(outsider, 'POST', '/api/me/service/logs', { ...base });
    expect(notInTeam.statusCode).toBe(403);
    expect(await logCount()).toBe(before);
  });

  it('a member confirmed on a project logs for it; one still waiting cannot', async () => {
    const project = await newProject({ teamId: null }, [{ title: '单人任务', capacity: 1 }]);
    const taskId = project.tasks[0]?.id ?? '';
    await ok(send(outsider, 'POST', `/api/me/service/tasks/${taskId}/signup`));
    const waiting = await login(env.app, PHONES.groupLeader);
    expect((await ok<SignupResult>(send(waiting, 'POST', `/api/me/service/tasks/${taskId}/signup`))).status).toBe('waiting');
    const body = { projectId: project.id, taskId, servedOn: addDays(today(), -2), minutes: 120, what: '整理村图书室' };
    expect((await ok<ServiceLog>(send(outsider, 'POST', '/api/me/service/logs', body))).minutes).toBe(120);
    expect((await send(waiting, 'POST', '/api/me/service/logs', body)).statusCode).toBe(403);
  });

  it('the secretary voids a wrong log with a reason: it counts nowhere after; the hours roll up by grid, team and member', async () => {
    const year = Number(today().slice(0, 4));
    const month = Number(today().slice(5, 7));
    const hours0 = await ok<ServiceHoursReport>(send(secretary, 'GET', `/api/service/hours?year=${year}&month=${month}`));
    const log = await ok<ServiceLog>(send(mobile, 'POST', '/api/me/service/logs', { teamId: companionId, servedOn: today(), minutes: 45, what: '帮孩子辅导作业' }));
    const hours1 = await ok<ServiceHoursReport>(send(secretary, 'GET', `/api/service/hours?year=${year}&month=${month}`));
    expect(gridMinutes(hours1) - gridMinutes(hours0)).toBe(45);
    expect(memberMinutes(hours1) - memberMinutes(hours0)).toBe(45);
    expect(hours1.totalMinutes - hours0.totalMinutes).toBe(45);
    const mine0 = await ok<MyService>(send(mobile, 'GET', '/api/me/service'));
    expect((await send(mobile, 'POST', `/api/service/logs/${log.id}/void`, { reason: '重复' })).statusCode).toBe(403);
    expect((await send(secretary, 'POST', `/api/service/logs/${log.id}/void`, { reason: '' })).statusCode).toBe(400);
    const voided = await ok<ConsoleServiceLog>(send(secretary, 'POST', `/api/service/logs/${log.id}/void`, { reason: '重复记录' }));
    expect(voided.voided).toMatchObject({ reason: '重复记录' });
    expect((await send(secretary, 'POST', `/api/service/logs/${log.id}/void`, { reason: '再作废' })).statusCode).toBe(409);
    const hours2 = await ok<ServiceHoursReport>(send(secretary, 'GET', `/api/service/hours?year=${year}&month=${month}`));
    expect(gridMinutes(hours2)).toBe(gridMinutes(hours0));
    const mine1 = await ok<MyService>(send(mobile, 'GET', '/api/me/service'));
    expect(mine0.hours.monthMinutes - mine1.hours.monthMinutes).toBe(45);
    const audit = await env.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', log.id).orderBy('at').execute();
    expect(audit.map((a) => a.action)).toEqual(['service.log.create', 'service.log.void']);
    const list = await ok<ConsoleServiceLogPage>(send(secretary, 'GET', `/api/service/logs?gridId=${gridId}`));
    expect(list.items.find((l) => l.id === log.id)?.voided?.reason).toBe('重复记录');
    expect(list.items.every((l) => l.grid?.id === gridId)).toBe(true);
  });

  it('a retired team’s leader reads its logs without the people’s labels; the secretary above still sees them', async () => {
    const villageId = (await env.db.selectFrom('org').select('id').where('name', '=', '新桥村党总支').executeTakeFirstOrThrow()).id;
    const mentorId = await memberIdByPhone(env, PHONES.mentor);
    const team = await ok<{ id: string }>(send(secretary, 'POST', '/api/teams', { orgId: villageId, name: '临时陪伴队', kind: 'companion', leaderMemberId: mentorId }));
    const person = await ok<{ id: string }>(send(leader, 'POST', `/api/teams/${team.id}/recipients`, { label: '孙爷爷(化名)', category: 'elderly_alone', need: '陪他下棋' }));
    const log = await ok<ServiceLog>(send(leader, 'POST', '/api/me/service/logs', { teamId: team.id, recipientId: person.id, servedOn: today(), minutes: 30, what: '陪下象棋' }));
    expect(log.recipient?.label).toBe('孙爷爷(化名)');
    await ok(send(secretary, 'POST', `/api/teams/${team.id}/retire`));
    const viewsOfTeam = async () => (await recipientViews(PHONES.mentor)).filter((v) => v.teamId === team.id).length;
    const before = await viewsOfTeam();
    const logs = await ok<TeamServiceLogs>(send(leader, 'GET', `/api/me/teams/${team.id}/logs`));
    expect(logs.items.map((l) => l.id)).toContain(log.id);
    expect(logs.items.every((l) => l.recipient === null)).toBe(true);
    expect(JSON.stringify(logs)).not.toContain('孙爷爷');
    expect((await ok<ServiceLogPage>(send(leader, 'GET', '/api/me/service/logs'))).items.find((l) => l.id === log.id)?.recipient).toBeNull();
    expect(await viewsOfTeam()).toBe(before);
    const console = await ok<ConsoleServiceLogPage>(send(secretary, 'GET', `/api/service/logs?teamId=${team.id}`));
    expect(console.items.find((l) => l.id === log.id)?.recipient?.label).toBe('孙爷爷(化名)');
  });

  it('recipient labels: the secretary above the team sees them; a branch secretary below the team’s unit lists the logs without them', async () => {
    const secretaryBefore = (await recipientViews(PHONES.generalSecretary)).length;
    const all = await ok<ConsoleServiceLogPage>(send(secretary, 'GET', `/api/service/logs?teamId=${companionId}`));
    expect(all.items.some((l) => l.recipient?.label === '王奶奶(化名)')).toBe(true);
    // the labels shown in the console are audited too
    const views = (await recipientViews(PHONES.generalSecretary)).slice(secretaryBefore);
    expect(views).toEqual([{ teamId: companionId, recipientIds: [...new Set(all.items.flatMap((l) => (l.recipient ? [l.recipient.id] : [])))] }]);
    const branchBefore = (await recipientViews(PHONES.branchSecretary)).length;
    const branch = await ok<ConsoleServiceLogPage>(send(branchSecretary, 'GET', `/api/service/logs?teamId=${companionId}`));
    expect(branch.items.length).toBeGreaterThan(0);
    expect(branch.items.every((l) => l.recipient === null)).toBe(true);
    expect(JSON.stringify(branch)).not.toContain('王奶奶');
    // nothing shown, nothing audited
    expect(await recipientViews(PHONES.branchSecretary)).toHaveLength(branchBefore);
    // the group leader is no secretary: no console list at all
    const groupLeader = await login(env.app, PHONES.groupLeader);
    expect((await send(groupLeader, 'GET', '/api/service/logs')).statusCode).toBe(403);
  });
});

/** The whole roll-up table against the logs themselves, per unit path and month. */
const rollupEqualsLogs = async () => {
  const { rows: raw } = await sql<{ k: string }>`
    SELECT org_path || '|' || to_char(served_on, 'YYYY-MM') || '|' || sum(minutes) || '|' || count(*) AS k
      FROM service_log WHERE tenant_id = ${env.tenantId} AND voided_at IS NULL GROUP BY org_path, to_char(served_on, 'YYYY-MM')`.execute(env.db);
  const { rows: rolled } = await sql<{ k: string }>`
    SELECT org_path || '|' || to_char(month, 'YYYY-MM') || '|' || minutes || '|' || logs AS k
      FROM service_minutes_month WHERE tenant_id = ${env.tenantId} AND (minutes <> 0 OR logs <> 0)`.execute(env.db);
  expect(raw.length).toBeGreaterThan(0);
  expect(rolled.map((r) => r.k).sort()).toEqual(raw.map((r) => r.k).sort());
};
/** A unit's units by month as the report reads them (the roll-up), and as the logs say. */
const unitsOf = (orgId: string) => {
  const year = Number(today().slice(0, 4));
  return {
    raw: async () => {
      const { rows } = await sql<{ org_id: string; month: string; minutes: number }>`
        SELECT b.id AS org_id, to_char(l.served_on, 'YYYY-MM') AS month, sum(l.minutes)::int AS minutes
          FROM org v JOIN org b ON b.tenant_id = v.tenant_id AND b.parent_id = v.id
          JOIN service_log l ON l.tenant_id = b.tenant_id AND l.org_path LIKE b.path || '%'
         WHERE v.id = ${orgId} AND l.voided_at IS NULL AND extract(year FROM l.served_on) = ${year}
         GROUP BY 1, 2`.execute(env.db);
      return rows.map((r) => `${r.org_id}|${r.month}|${r.minutes}`).sort();
    },
    rolled: async (session: Session) =>
      (await ok<ServiceUnitHours>(send(session, 'GET', `/api/service/hours/units?orgId=${orgId}&year=${year}`))).items.map((r) => `${r.orgId}|${r.month}|${r.minutes}`).sort(),
  };
};

describe('the month roll-up the county figures read', () => {
  it('keeps the minutes of every unit and month equal to the logs through inserts, voids, corrections, a day moved to another month and a delete', async () => {
    const villageId = (await env.db.selectFrom('org').select('id').where('name', '=', '新桥村党总支').executeTakeFirstOrThrow()).id;
    const village = unitsOf(villageId);
    await ok(send(mobile, 'POST', '/api/me/service/logs', { teamId: companionId, servedOn: today(), minutes: 35, what: '帮忙买菜' }));
    const log = await ok<ServiceLog>(send(mobile, 'POST', '/api/me/service/logs', { teamId: companionId, servedOn: today(), minutes: 20, what: '陪同就医' }));
    const gone = await ok<ServiceLog>(send(mobile, 'POST', '/api/me/service/logs', { teamId: companionId, servedOn: today(), minutes: 15, what: '送药上门' }));
    expect((await village.raw()).length).toBeGreaterThan(0);
    expect(await village.rolled(secretary)).toEqual(await village.raw());
    await rollupEqualsLogs();
    await ok(send(secretary, 'POST', `/api/service/logs/${log.id}/void`, { reason: '重复' }));
    await env.db.updateTable('service_log').set({ minutes: 50 }).where('voided_at', 'is', null).where('what', '=', '帮忙买菜').execute();
    expect(await village.rolled(secretary)).toEqual(await village.raw());
    await rollupEqualsLogs();
    // a correction of the day into another month: the minutes leave this month for that one
    const monthBefore = (await env.db.selectFrom('service_minutes_month').select((eb) => eb.fn.sum<string>('minutes').as('m')).where('month', '=', `${today().slice(0, 7)}-01`).executeTakeFirstOrThrow()).m;
    await env.db.updateTable('service_log').set({ served_on: addDays(today(), -40) }).where('what', '=', '帮忙买菜').execute();
    const monthAfter = (await env.db.selectFrom('service_minutes_month').select((eb) => eb.fn.sum<string>('minutes').as('m')).where('month', '=', `${today().slice(0, 7)}-01`).executeTakeFirstOrThrow()).m;
    expect(Number(monthBefore) - Number(monthAfter)).toBe(50);
    expect(await village.rolled(secretary)).toEqual(await village.raw());
    await rollupEqualsLogs();
    // a log deleted outright (a wrong import taken back): its minutes leave the roll-up
    await env.db.deleteFrom('service_log').where('id', '=', gone.id).execute();
    expect(await village.rolled(secretary)).toEqual(await village.raw());
    await rollupEqualsLogs();
  });

  it('a branch moved to another village takes its logs along: hours count there, its secretary sees and voids them, the old village’s cannot', async () => {
    const admin = await login(env.app, PHONES.tenantAdmin);
    const town = await env.db.selectFrom('org').select(['id', 'path']).where('name', '=', '长河镇党委').executeTakeFirstOrThrow();
    const oldVillage = await env.db.selectFrom('org').select(['id', 'path']).where('name', '=', '新桥村党总支').executeTakeFirstOrThrow();
    const group = await env.db.selectFrom('member as m').innerJoin('org as o', 'o.id', 'm.org_id').select(['o.parent_id']).where('m.id', '=', mobileId).executeTakeFirstOrThrow();
    const branchId = group.parent_id ?? '';
    const photo = await upload(mobile, 'move.png', PNG);
    const log = await ok<ServiceLog>(send(mobile, 'POST', '/api/me/service/logs', { teamId: companionId, servedOn: today(), minutes: 40, what: '搬迁前的探访', photoFileIds: [photo] }));
    const newVillage = await ok<{ id: string }>(send(admin, 'POST', '/api/orgs', { parentId: town.id, kind: 'general_branch', name: '东港村党总支' }));
    // the new village's secretary: the outsider's account, with no other role
    await env.db.insertInto('role_assignment').values({ tenant_id: env.tenantId, account_id: await accountOf(outsiderPhone), role: 'secretary', org_id: newVillage.id }).execute();
    const newSecretary = await login(env.app, outsiderPhone);
    expect((await ok<ConsoleServiceLogPage>(send(newSecretary, 'GET', '/api/service/logs'))).items.some((l) => l.id === log.id)).toBe(false);

    await ok(send(admin, 'POST', `/api/orgs/${branchId}/move`, { newParentId: newVillage.id }));
    const moved = await env.db.selectFrom('service_log').select('org_path').where('id', '=', log.id).executeTakeFirstOrThrow();
    expect(moved.org_path.startsWith(`${town.path}${newVillage.id}/${branchId}/`)).toBe(true);
    expect(await env.db.selectFrom('service_log').select('id').where('org_path', 'like', `${oldVillage.path}${branchId}/%`).execute()).toEqual([]);
    // the roll-up followed through its trigger: raw and rolled agree for the whole table and for the town's villages
    await rollupEqualsLogs();
    const townUnits = unitsOf(town.id);
    const rolledTown = await townUnits.rolled(admin);
    expect(rolledTown).toEqual(await townUnits.raw());
    expect(rolledTown.some((k) => k.startsWith(`${newVillage.id}|${today().slice(0, 7)}|`))).toBe(true);
    // the old village's secretary no longer voids it; the new one sees it, reads its photo and voids it
    expect((await send(secretary, 'POST', `/api/service/logs/${log.id}/void`, { reason: '已迁出' })).statusCode).toBe(403);
    expect((await ok<ConsoleServiceLogPage>(send(secretary, 'GET', '/api/service/logs'))).items.some((l) => l.id === log.id)).toBe(false);
    expect((await ok<ConsoleServiceLogPage>(send(newSecretary, 'GET', '/api/service/logs'))).items.some((l) => l.id === log.id)).toBe(true);
    expect((await send(newSecretary, 'GET', `/api/files/${photo}`)).statusCode).toBe(200);
    await ok(send(newSecretary, 'POST', `/api/service/logs/${log.id}/void`, { reason: '重复记录' }));
    await rollupEqualsLogs();
    expect(await townUnits.rolled(admin)).toEqual(await townUnits.raw());
  });
});
