import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, login, memberIdByPhone, openTestApp, PHONES, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { seedTeamsDemo, DEMO_TEAMS } from '../../demo/teams.ts';
import { getTeamAccess, myTeamIds, requireRecipientOfTeam } from './access.ts';
import { addTeamMember, createTeam, getTeam, listTeams, removeTeamMember, retireTeam, updateTeam } from './teams.ts';
import { addRecipient, exportRecipients, EXPORT_HEADER, listTeamRecipients, retireRecipient, updateRecipient } from './recipients.ts';
import { myTeam, myTeams } from './mine.ts';

let env: TestEnv;
let companionId: string;
let environmentId: string;
const ctx: Record<string, RequestContext> = {};

const views = async () =>
  env.db.selectFrom('audit_log').select(['account_id', 'after']).where('tenant_id', '=', env.tenantId).where('action', '=', 'care_recipient.view').orderBy('id').execute();
const teamId = async (name: string) => (await env.db.selectFrom('service_team').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow()).id;
const orgByName = async (name: string) => env.db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', env.tenantId).where('name', '=', name).executeTakeFirstOrThrow();

beforeAll(async () => {
  env = await openTestApp();
  await seedTeamsDemo(env.db, env.tenantId);
  companionId = await teamId(DEMO_TEAMS.companion);
  environmentId = await teamId(DEMO_TEAMS.environment);
  for (const [k, phone] of Object.entries(PHONES)) ctx[k] = await contextFor(env, phone);
});
afterAll(async () => env?.close());

describe('who sees the people a team looks after', () => {
  it('shows them to the team, its leader, the secretaries above and the admin, and audits every read', async () => {
    for (const who of ['mentor', 'mobileMember', 'generalSecretary', 'tenantAdmin'] as const) {
      const before = (await views()).length;
      const items = await listTeamRecipients(env.db, ctx[who] as RequestContext, companionId);
      expect(items.map((i) => i.label).sort(), who).toEqual(['小宇(化名)', '李爷爷(化名)', '王奶奶(化名)']);
      const after = await views();
      expect(after.length, who).toBe(before + 1);
      const entry = after[after.length - 1];
      expect(entry?.account_id).toBe((ctx[who] as RequestContext).actor.accountId);
      expect([...((entry?.after as { recipientIds?: string[] } | undefined)?.recipientIds ?? [])].sort()).toEqual(items.map((i) => i.id).sort());
    }
  });

  it('refuses everyone else: a branch secretary below the team\'s unit, a group leader, a member of another team', async () => {
    const before = (await views()).length;
    for (const who of ['branchSecretary', 'groupLeader'] as const) {
      await expect(listTeamRecipients(env.db, ctx[who] as RequestContext, companionId), who).rejects.toMatchObject({ code: 'forbidden' });
      await expect(myTeam(env.db, ctx[who] as RequestContext, companionId), who).rejects.toMatchObject({ code: 'forbidden' });
    }
    // a secretary above the team manages it but is no member: the phone's 我的服务队 refuses them
    await expect(myTeam(env.db, ctx.generalSecretary as RequestContext, companionId)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await views()).length).toBe(before);
  });

  it('gives the member app one\'s teams, the members with a volunteer\'s phone masked, and the people (audited)', async () => {
    const mine = await myTeams(env.db, ctx.mobileMember as RequestContext);
    expect(mine.teams.map((t) => t.name)).toEqual([DEMO_TEAMS.companion]);
    expect(mine.teams[0]?.leader).toBe(false);
    expect((await myTeams(env.db, ctx.mentor as RequestContext)).teams[0]?.leader).toBe(true);
    const before = (await views()).length;
    const detail = await myTeam(env.db, ctx.mobileMember as RequestContext, companionId);
    expect((await views()).length).toBe(before + 1);
    expect(detail.recipients).toHaveLength(3);
    const volunteer = detail.members.find((m) => !m.isPartyMember);
    expect(volunteer?.phone).toBe('139****0001');
    expect(detail.members.filter((m) => m.isLeader)).toHaveLength(1);
    // the secretaries above see the volunteer's whole phone in the console
    const team = await getTeam(env.db, ctx.generalSecretary as RequestContext, companionId);
    expect(team.members.find((m) => !m.partyMember)?.phone).toBe('13912340001');
    await expect(getTeam(env.db, ctx.mentor as RequestContext, companionId)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('lets the leader and the secretaries add and edit people, not a plain member', async () => {
    const input = { label: '赵大爷(化名)', category: 'elderly_alone' as const, need: '冬天帮忙检查取暖' };
    await expect(addRecipient(env.db, ctx.mobileMember as RequestContext, companionId, input)).rejects.toMatchObject({ code: 'forbidden' });
    const added = await addRecipient(env.db, ctx.mentor as RequestContext, companionId, input);
    expect(added.gridId).not.toBeNull();
    const edited = await updateRecipient(env.db, ctx.generalSecretary as RequestContext, added.id, { contactName: '赵家女儿(化名)', contactPhone: '13912340099' });
    expect(edited.contactName).toBe('赵家女儿(化名)');
    await expect(updateRecipient(env.db, ctx.mobileMember as RequestContext, added.id, { need: '改' })).rejects.toMatchObject({ code: 'forbidden' });
    // the audit entry of a write names the record, never the person
    const entries = await env.db.selectFrom('audit_log').select('after').where('tenant_id', '=', env.tenantId).where('entity_id', '=', added.id).execute();
    expect(JSON.stringify(entries)).not.toContain('赵');
    expect(JSON.stringify(entries)).not.toContain('13912340099');
  });

  it('drops a retired person from every list and from a service log\'s choices', async () => {
    const items = await listTeamRecipients(env.db, ctx.mentor as RequestContext, companionId);
    const gone = items.find((i) => i.label === '赵大爷(化名)');
    expect(gone).toBeDefined();
    await retireRecipient(env.db, ctx.mentor as RequestContext, gone?.id as string);
    const after = await listTeamRecipients(env.db, ctx.mentor as RequestContext, companionId);
    expect(after.map((i) => i.id)).not.toContain(gone?.id);
    expect((await myTeam(env.db, ctx.mobileMember as RequestContext, companionId)).recipients.map((r) => r.id)).not.toContain(gone?.id);
    await expect(requireRecipientOfTeam(env.db, ctx.mentor as RequestContext, companionId, gone?.id as string)).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [{ field: 'recipientId' }],
    });
    const kept = after[0];
    expect(await requireRecipientOfTeam(env.db, ctx.mentor as RequestContext, companionId, kept?.id as string)).toEqual({ id: kept?.id, label: kept?.label });
    // a person of one team is not another team's
    await expect(requireRecipientOfTeam(env.db, ctx.mentor as RequestContext, environmentId, kept?.id as string)).rejects.toMatchObject({ issues: [{ field: 'recipientId' }] });
  });

  it('exports only the grid, the category and the need', async () => {
    const labels = await listTeamRecipients(env.db, ctx.generalSecretary as RequestContext, companionId);
    const file = await exportRecipients(env.db, ctx.generalSecretary as RequestContext, {});
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const rows = (sheet?.getSheetValues() ?? []).slice(1).map((r) => (Array.isArray(r) ? r.slice(1) : []));
    expect(rows[0]).toEqual([...EXPORT_HEADER]);
    expect(rows.slice(1)).toHaveLength(labels.length);
    expect(rows.slice(1).every((r) => r.length <= 3)).toBe(true);
    const text = JSON.stringify(rows);
    for (const r of labels) {
      expect(text).not.toContain(r.label);
      if (r.contactName) expect(text).not.toContain(r.contactName);
      if (r.contactPhone) expect(text).not.toContain(r.contactPhone);
    }
    expect(text).toContain('独居老人');
    await expect(exportRecipients(env.db, ctx.mentor as RequestContext, {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(exportRecipients(env.db, ctx.branchSecretary as RequestContext, { teamId: companionId })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('teams and their members', () => {
  it('refuses a leader or a member outside the unit\'s subtree', async () => {
    const branch1 = await orgByName('第一党支部');
    const mentor = await env.db.selectFrom('member as m').innerJoin('org as o', 'o.id', 'm.org_id').select(['m.id', 'o.path']).where('m.tenant_id', '=', env.tenantId).where('m.phone', '=', PHONES.mentor).executeTakeFirstOrThrow();
    const branches = await env.db.selectFrom('org').select(['id', 'path', 'name']).where('tenant_id', '=', env.tenantId).where('kind', '=', 'branch').execute();
    const other = branches.find((b) => !mentor.path.startsWith(b.path));
    expect(other).toBeDefined();
    await expect(
      createTeam(env.db, ctx.generalSecretary as RequestContext, { orgId: other?.id as string, name: '测试队', kind: 'errand', leaderMemberId: mentor.id }),
    ).rejects.toMatchObject({ code: 'validation_failed', issues: [{ field: 'leaderMemberId' }] });
    const team = await createTeam(env.db, ctx.generalSecretary as RequestContext, { orgId: other?.id as string, name: '测试队', kind: 'errand' });
    expect(team.orgId).toBe(other?.id);
    await expect(addTeamMember(env.db, ctx.generalSecretary as RequestContext, team.id, { memberId: mentor.id })).rejects.toMatchObject({ issues: [{ field: 'memberId' }] });
    await expect(updateTeam(env.db, ctx.generalSecretary as RequestContext, team.id, { leaderMemberId: mentor.id })).rejects.toMatchObject({ issues: [{ field: 'leaderMemberId' }] });
    // a branch secretary manages only their own branch
    const notTheirs = branches.find((b) => b.id !== branch1.id);
    await expect(createTeam(env.db, ctx.branchSecretary as RequestContext, { orgId: notTheirs?.id as string, name: '越权队', kind: 'other' })).rejects.toMatchObject({ code: 'forbidden' });
    expect((await createTeam(env.db, ctx.branchSecretary as RequestContext, { orgId: branch1.id, name: '支部帮办队', kind: 'errand' })).orgId).toBe(branch1.id);
  });

  it('a grid team takes the grid\'s unit; lists stay in the secretary\'s subtrees', async () => {
    const grid = await env.db.selectFrom('grid').select(['id', 'org_id']).where('tenant_id', '=', env.tenantId).orderBy('name').executeTakeFirstOrThrow();
    const team = await createTeam(env.db, ctx.generalSecretary as RequestContext, { gridId: grid.id, name: '爱心敲敲门', kind: 'knock' });
    expect(team.orgId).toBe(grid.org_id);
    expect(team.gridId).toBe(grid.id);
    const village = await listTeams(env.db, ctx.generalSecretary as RequestContext, {});
    expect(village.map((t) => t.name)).toEqual(expect.arrayContaining([DEMO_TEAMS.companion, DEMO_TEAMS.environment, '爱心敲敲门']));
    const branch1 = await orgByName('第一党支部');
    const branchList = await listTeams(env.db, ctx.branchSecretary as RequestContext, {});
    const paths = await env.db.selectFrom('org').select(['id', 'path']).where('tenant_id', '=', env.tenantId).execute();
    for (const t of branchList) expect(paths.find((p) => p.id === t.orgId)?.path.startsWith(branch1.path)).toBe(true);
    // not vacuous: the branch's own team (made above) is there, the village's are not
    expect(branchList.map((t) => t.name)).toContain('支部帮办队');
    expect(branchList.map((t) => t.id)).not.toContain(companionId);
    // nor are the village's needs in the branch secretary's export (the header only)
    const file = await exportRecipients(env.db, ctx.branchSecretary as RequestContext, {});
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.body as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]?.actualRowCount).toBe(1);
    await expect(listTeams(env.db, ctx.mentor as RequestContext, {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(createTeam(env.db, ctx.generalSecretary as RequestContext, { name: '无归属', kind: 'other' })).rejects.toMatchObject({ issues: [{ field: 'gridId' }] });
  });

  it('validates a volunteer\'s phone and names the field, in Chinese', async () => {
    const secretary: Session = await login(env.app, PHONES.generalSecretary);
    const bad = await env.app.inject({ method: 'POST', url: `/api/teams/${companionId}/members`, headers: secretary.headers, payload: { name: '志愿者甲', phone: '1234' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues).toEqual([{ field: 'phone', message: '手机号应为 11 位数字' }]);
    const none = await env.app.inject({ method: 'POST', url: `/api/teams/${companionId}/members`, headers: secretary.headers, payload: { name: '志愿者甲' } });
    expect(none.statusCode).toBe(400);
    expect(none.json().issues[0].field).toBe('phone');
    const shown = await env.app.inject({ url: `/api/teams/${companionId}/recipients`, headers: secretary.headers });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['cache-control']).toBe('no-store');
    const ok = await env.app.inject({ method: 'POST', url: `/api/teams/${companionId}/members`, headers: secretary.headers, payload: { name: '志愿者甲', phone: '13912340002' } });
    expect(ok.statusCode, ok.body).toBe(200);
    const twice = await env.app.inject({ method: 'POST', url: `/api/teams/${companionId}/members`, headers: secretary.headers, payload: { name: '志愿者甲', phone: '13912340002' } });
    expect(twice.statusCode).toBe(409);
    // the audit log keeps the phone masked
    const entries = await env.db.selectFrom('audit_log').select('after').where('tenant_id', '=', env.tenantId).where('action', '=', 'team.member_add').execute();
    expect(JSON.stringify(entries)).not.toContain('13912340002');
  });

  it('a retired team\'s members and leader no longer read its people; the secretaries above still do', async () => {
    const village = await orgByName('新桥村党总支');
    const leaderId = await memberIdByPhone(env, PHONES.mentor);
    const team = await createTeam(env.db, ctx.generalSecretary as RequestContext, { orgId: village.id, name: '临时帮办队', kind: 'errand', leaderMemberId: leaderId });
    await addTeamMember(env.db, ctx.generalSecretary as RequestContext, team.id, { memberId: await memberIdByPhone(env, PHONES.mobileMember) });
    await addRecipient(env.db, ctx.mentor as RequestContext, team.id, { label: '钱阿姨(化名)', category: 'elderly_alone', need: '每周买一次菜' });
    const leader = await login(env.app, PHONES.mentor);
    const url = `/api/teams/${team.id}/recipients`;
    // while the team is active its leader and members read them
    expect((await env.app.inject({ url, headers: leader.headers })).statusCode).toBe(200);
    expect(await listTeamRecipients(env.db, ctx.mobileMember as RequestContext, team.id)).toHaveLength(1);
    await retireTeam(env.db, ctx.generalSecretary as RequestContext, team.id);
    const before = (await views()).length;
    const refused = await env.app.inject({ url, headers: leader.headers });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('钱阿姨');
    for (const who of ['mentor', 'mobileMember'] as const) {
      await expect(listTeamRecipients(env.db, ctx[who] as RequestContext, team.id), who).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect((await views()).length).toBe(before);
    expect((await listTeamRecipients(env.db, ctx.generalSecretary as RequestContext, team.id)).map((r) => r.label)).toEqual(['钱阿姨(化名)']);
  });

  it('takes access away from a removed member', async () => {
    const mobileId = await memberIdByPhone(env, PHONES.mobileMember);
    expect(await myTeamIds(env.db, ctx.mobileMember as RequestContext)).toContain(companionId);
    const team = await getTeam(env.db, ctx.generalSecretary as RequestContext, companionId);
    const row = team.members.find((m) => m.memberId === mobileId);
    const after = await removeTeamMember(env.db, ctx.generalSecretary as RequestContext, companionId, row?.id as string);
    expect(after.members.map((m) => m.memberId)).not.toContain(mobileId);
    expect(await myTeamIds(env.db, ctx.mobileMember as RequestContext)).not.toContain(companionId);
    expect((await getTeamAccess(env.db, ctx.mobileMember as RequestContext, companionId)).member).toBe(false);
    await expect(listTeamRecipients(env.db, ctx.mobileMember as RequestContext, companionId)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(myTeam(env.db, ctx.mobileMember as RequestContext, companionId)).rejects.toMatchObject({ code: 'forbidden' });
    // added again, they see it again
    await addTeamMember(env.db, ctx.generalSecretary as RequestContext, companionId, { memberId: mobileId });
    expect(await myTeamIds(env.db, ctx.mobileMember as RequestContext)).toContain(companionId);
  });
});
