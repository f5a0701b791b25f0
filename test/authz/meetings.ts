import { closeMeeting } from '../../src/server/modules/meetings/closing.ts';
import { planMeeting } from '../../src/server/modules/meetings/planning.ts';
import type { AuthzModule, Role } from '../support/authz.ts';
import { contextFor, memberIdByPhone, PHONES, type TestEnv } from '../support/harness.ts';
import { clock } from '../../src/server/clock.ts';

const SECRETARIES: Role[] = ['admin', 'villageSecretary'];
const CONSOLE_ROLES: Role[] = ['admin', 'villageSecretary', 'branchSecretary', 'groupLeader'];
/** Roles whose account belongs to a member: they use the member app's routes for themselves. */
const MEMBER_ROLES: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];
const MIN = 60_000;

/**
 * Targets: sessions of 第四党小组 (第二党支部) for the console; a village class that invites the
 * target and a member of 第一党小组 (the group leader sees it, but may not mark the target); and
 * village sessions that invite the member roles.
 */
const t = {
  villageClass: '',
  planned: '',
  toCancel: '',
  toClose: '',
  leave: '',
  closed: '',
  attachment: '',
  file: '',
  target: '',
  group2: '',
  mineCheckin: '',
  mineLeave: '',
  mineMissed: '',
};

const at = (msFromNow: number) => new Date(clock.now().getTime() + msFromNow).toISOString();

export const meetingsAuthz: AuthzModule = {
  setup: async (env: TestEnv, ids) => {
    t.target = ids.target;
    t.group2 = ids.group2;
    const ctx = await contextFor(env, PHONES.generalSecretary);
    const plan = async (orgId: string, from: number, to: number, extra: { memberIds?: string[] } = {}) => {
      const created = await planMeeting(env.db, ctx, {
        orgId,
        kind: 'online_class',
        title: '权限测试课堂',
        mode: 'online',
        startsAt: at(from),
        endsAt: at(to),
        checkinOpensBefore: 30,
        checkinClosesAfter: 0,
        audience: extra.memberIds ? 'list' : 'subtree',
        memberIds: extra.memberIds ?? [],
        materialIds: [],
        makeupQuestions: [],
        repeatMonths: 1,
      });
      return created.ids[0] as string;
    };
    t.planned = await plan(ids.group2, -5 * MIN, 60 * MIN);
    t.toCancel = await plan(ids.group2, 60 * MIN, 120 * MIN);
    t.toClose = await plan(ids.group2, -5 * MIN, 60 * MIN);
    t.leave = await plan(ids.group2, 60 * MIN, 120 * MIN);
    await env.db.updateTable('attendance').set({ leave_status: 'requested', leave_reason: '外出务工' }).where('session_id', '=', t.leave).where('member_id', '=', ids.target).execute();
    // Closed, with the target's make-up handed in (the secretary may send it back).
    t.closed = await plan(ids.group2, -120 * MIN, -60 * MIN);
    await closeMeeting(env.db, ctx, t.closed);
    await env.db.updateTable('makeup').set({ status: 'submitted', reflection: '补学心得', submitted_at: clock.now() }).where('session_id', '=', t.closed).where('member_id', '=', ids.target).execute();
    await env.db.updateTable('attendance').set({ status: 'made_up' }).where('session_id', '=', t.closed).where('member_id', '=', ids.target).execute();
    const file = await env.db
      .insertInto('stored_file')
      .values({ tenant_id: env.tenantId, storage_key: 'authz/photo', file_name: '现场.jpg', mime_type: 'image/jpeg', size_bytes: 10, sha256: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    t.file = file.id;
    const attachment = await env.db
      .insertInto('session_attachment')
      .values({ tenant_id: env.tenantId, session_id: t.planned, kind: 'photo', file_id: file.id, caption: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    t.attachment = attachment.id;
    // The member app's targets: village sessions that invite every role with a member record.
    const members = await Promise.all(
      [PHONES.generalSecretary, PHONES.branchSecretary, PHONES.groupLeader, PHONES.mentor, PHONES.mobileMember].map((p) => memberIdByPhone(env, p)),
    );
    // Held above the group leader's group, inviting one of its members and the target (第四党小组).
    t.villageClass = await plan(ids.village, -5 * MIN, 60 * MIN, { memberIds: [ids.target, await memberIdByPhone(env, PHONES.mobileMember)] });
    t.mineCheckin = await plan(ids.village, -5 * MIN, 60 * MIN, { memberIds: members });
    t.mineLeave = await plan(ids.village, 60 * MIN, 120 * MIN, { memberIds: members });
    t.mineMissed = await plan(ids.village, -120 * MIN, -60 * MIN, { memberIds: members });
    await closeMeeting(env.db, ctx, t.mineMissed);
  },
  cases: [
    { method: 'GET', route: '/api/sessions', url: () => '/api/sessions', allowed: CONSOLE_ROLES },
    { method: 'GET', route: '/api/sessions', url: () => `/api/sessions?orgId=${t.group2}`, allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/sessions',
      url: () => '/api/sessions',
      body: () => ({ orgId: t.group2, kind: 'group_meeting', title: '党小组例会', mode: 'on_site', startsAt: at(24 * 60 * MIN), endsAt: at(25 * 60 * MIN) }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/sessions/:id', url: () => `/api/sessions/${t.planned}`, allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/sessions/:id', url: () => `/api/sessions/${t.planned}`, body: () => ({ location: '村委会' }), allowed: SECRETARIES },
    { method: 'POST', route: '/api/sessions/:id/cancel', url: () => `/api/sessions/${t.toCancel}/cancel`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/sessions/:id/close', url: () => `/api/sessions/${t.toClose}/close`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/sessions/:id/checkin-code', url: () => `/api/sessions/${t.planned}/checkin-code`, allowed: SECRETARIES },
    // A class held by the village: the group leader of an invited member's group sees it (their group's
    // part) and may show the code, but may not mark the target, who is in 第四党小组.
    { method: 'GET', route: '/api/sessions/:id', url: () => `/api/sessions/${t.villageClass}`, allowed: [...SECRETARIES, 'branchSecretary', 'groupLeader'] },
    { method: 'GET', route: '/api/sessions/:id/checkin-code', url: () => `/api/sessions/${t.villageClass}/checkin-code`, allowed: [...SECRETARIES, 'branchSecretary', 'groupLeader'] },
    {
      method: 'POST',
      route: '/api/sessions/:id/attendance',
      url: () => `/api/sessions/${t.villageClass}/attendance`,
      body: () => ({ memberId: t.target, status: 'present' }),
      allowed: SECRETARIES,
    },
    {
      method: 'POST',
      route: '/api/sessions/:id/attendance',
      url: () => `/api/sessions/${t.planned}/attendance`,
      body: () => ({ memberId: t.target, status: 'present' }),
      allowed: SECRETARIES,
    },
    { method: 'POST', route: '/api/sessions/:id/leave/:memberId', url: () => `/api/sessions/${t.leave}/leave/${t.target}`, body: () => ({ approve: true }), allowed: SECRETARIES },
    { method: 'PUT', route: '/api/sessions/:id/minutes', url: () => `/api/sessions/${t.planned}/minutes`, body: () => ({ minutes: '会议记录' }), allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/sessions/:id/attachments',
      url: () => `/api/sessions/${t.planned}/attachments`,
      body: () => ({ fileId: t.file, kind: 'photo', caption: '合影' }),
      allowed: SECRETARIES,
    },
    { method: 'DELETE', route: '/api/sessions/:id/attachments/:attachmentId', url: () => `/api/sessions/${t.planned}/attachments/${t.attachment}`, allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/sessions/:id/makeups/:memberId/return',
      url: () => `/api/sessions/${t.closed}/makeups/${t.target}/return`,
      body: () => ({ note: '请结合工作实际再写' }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/sessions/:id/calendar.ics', url: () => `/api/sessions/${t.planned}/calendar.ics`, allowed: SECRETARIES },
    // The village class: its host's secretaries, the group leader of an invitee, the invitee (mobileMember).
    { method: 'GET', route: '/api/sessions/:id/calendar.ics', url: () => `/api/sessions/${t.villageClass}/calendar.ics`, allowed: [...SECRETARIES, 'branchSecretary', 'groupLeader', 'member'] },
    // An invitee reads the calendar of their own session.
    { method: 'GET', route: '/api/sessions/:id/calendar.ics', url: () => `/api/sessions/${t.mineLeave}/calendar.ics`, allowed: ['admin', ...MEMBER_ROLES] },
    { method: 'GET', route: '/api/me/sessions', url: () => '/api/me/sessions', allowed: MEMBER_ROLES },
    { method: 'POST', route: '/api/me/sessions/:id/checkin', url: () => `/api/me/sessions/${t.mineCheckin}/checkin`, body: () => ({}), allowed: MEMBER_ROLES },
    { method: 'POST', route: '/api/me/sessions/:id/leave', url: () => `/api/me/sessions/${t.mineLeave}/leave`, body: () => ({ reason: '在外地务工' }), allowed: MEMBER_ROLES },
    { method: 'GET', route: '/api/me/makeups', url: () => '/api/me/makeups', allowed: MEMBER_ROLES },
    {
      method: 'POST',
      route: '/api/me/makeups/:sessionId',
      url: () => `/api/me/makeups/${t.mineMissed}`,
      body: () => ({ reflection: '通过补学，进一步理解了离乡不离党、流动不流失的要求。', answers: [] }),
      allowed: MEMBER_ROLES,
    },
  ],
};

