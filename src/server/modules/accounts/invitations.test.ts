import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, openTestApp, PHONES, TEST_PASSWORD, type Session, type TestEnv } from '../../../../test/support/harness.ts';
import { completeIdNumber } from '../../../shared/id-number.ts';
import { clock } from '../../clock.ts';
import { bumpAuthEpoch } from '../../auth/epoch.ts';
import { maskName } from './invitations.ts';

/**
 * Invitations (a member gets in by a link, proving who they are, and chooses their own password),
 * remembered phones, and one's own signed-in devices. Times are moved by writing rows relative to
 * the clock's now (an invitation issued 8 days ago, a lock that ended a minute ago).
 */
let env: TestEnv;
let secretary: Session;
let groupId = '';
let branchId = '';
let seq = 0;

const WECHAT_ANDROID =
  'Mozilla/5.0 (Linux; Android 12; V2118A Build/SP1A.210812.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/101.0.4951.74 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';

/** An ID number whose check character is X, born 1980-05-02. */
function idNumberEndingInX(): string {
  for (let n = 100; n < 1000; n++) {
    const id = completeIdNumber(`110105198005020${String(n).slice(1)}`.slice(0, 17));
    if (id.endsWith('X')) return id;
  }
  throw new Error('no ID number ending in X');
}

async function newMember(fields: { idNumber?: string | null; birthDate?: string | null }): Promise<{ id: string; phone: string }> {
  seq += 1;
  const phone = `1370000${String(1000 + seq).slice(-4)}`;
  const res = await env.app.inject({
    method: 'POST',
    url: '/api/members',
    headers: secretary.headers,
    payload: { name: `邀请测试${seq}号`, gender: 'female', phone, status: 'full', orgId: groupId, ...fields },
  });
  expect(res.statusCode, res.body).toBe(200);
  return { id: res.json().id as string, phone };
}

async function invite(memberId: string): Promise<{ invitationId: string; link: string; expiresAt: string; token: string }> {
  const res = await env.app.inject({ method: 'POST', url: `/api/members/${memberId}/invitation`, headers: secretary.headers });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { invitationId: string; link: string; expiresAt: string };
  const token = body.link.split('/m/invite/')[1] ?? '';
  return { ...body, token };
}

const earlier = (ms: number): Date => new Date(clock.now().getTime() - ms);
const view = (token: string) => env.app.inject({ url: `/api/invitations/${token}` });
const redeem = (token: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  env.app.inject({ method: 'POST', url: `/api/invitations/${token}/redeem`, payload, headers });

function sessionOf(res: { cookies: { name: string; value: string }[] }): Session {
  const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = res.cookies.find((c) => c.name === 'lx_csrf')?.value ?? '';
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

beforeAll(async () => {
  env = await openTestApp();
  secretary = await login(env.app, PHONES.generalSecretary);
  const org = async (name: string) => (await env.db.selectFrom('org').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  groupId = await org('第一党小组');
  branchId = await org('第二党支部');
});
afterAll(async () => env?.close());

describe('issuing and revoking', () => {
  it('issues a link that only its hash is kept of, shows the masked name, and a new link revokes the old', async () => {
    const m = await newMember({ idNumber: completeIdNumber('11010519800502123') });
    const first = await invite(m.id);
    expect(first.link).toMatch(/^http:\/\/localhost(:\d+)?\/m\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(new Date(first.expiresAt).getTime() - clock.now().getTime()).toBeGreaterThan(6.9 * 86_400_000);
    expect(new Date(first.expiresAt).getTime() - clock.now().getTime()).toBeLessThanOrEqual(7 * 86_400_000);
    const stored = await env.db.selectFrom('invitation').selectAll().where('id', '=', first.invitationId).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(first.token);

    const shown = await view(first.token);
    expect(shown.statusCode, shown.body).toBe(200);
    expect(shown.json()).toMatchObject({ status: 'open', name: maskName(`邀请测试${seq}号`), unitName: '第一党小组', ask: 'id_last4', lockedUntil: null });
    expect(shown.json().contact).toMatchObject({ phone: PHONES.generalSecretary });

    const second = await invite(m.id);
    expect((await view(first.token)).json().status).toBe('revoked');
    expect((await view(second.token)).json().status).toBe('open');
    expect((await redeem(first.token, { answer: '1234', password: 'new-password-1' })).statusCode).toBe(409);

    const revoked = await env.app.inject({ method: 'DELETE', url: `/api/members/${m.id}/invitation`, headers: secretary.headers });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect((await view(second.token)).json().status).toBe('revoked');
    expect((await env.app.inject({ method: 'DELETE', url: `/api/members/${m.id}/invitation`, headers: secretary.headers })).statusCode).toBe(404);

    const audit = await env.db.selectFrom('audit_log').select(['action', 'after', 'before']).where('entity_id', '=', m.id).where('action', 'like', 'invitation.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['invitation.issue', 'invitation.issue', 'invitation.revoke']);
    expect(JSON.stringify(audit)).not.toContain(first.token);
    expect(JSON.stringify(audit)).not.toContain(second.token);
  });

  it('never writes a link’s token to the request log', async () => {
    const m = await newMember({ birthDate: '1971-02-03' });
    const { token } = await invite(m.id);
    const lines: string[] = [];
    const logging = await env.appWith({ logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } }, logRequests: true });
    await logging.inject({ url: `/api/invitations/${token}` });
    await logging.inject({ method: 'POST', url: `/api/invitations/${token}/redeem`, payload: { answer: '1900-01-01', password: 'new-password-1' } });
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.join('\n')).toContain('/api/invitations/[token]');
    expect(lines.join('\n')).not.toContain(token);
  });

  it('masks names keeping the first and last character', () => {
    expect(maskName('张三明')).toBe('张*明');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳明月')).toBe('欧**月');
  });

  it('refuses a member with neither ID number nor birth date, and an unknown link', async () => {
    const m = await newMember({});
    const res = await env.app.inject({ method: 'POST', url: `/api/members/${m.id}/invitation`, headers: secretary.headers });
    expect(res.statusCode).toBe(409);
    expect((await view('B'.repeat(43))).statusCode).toBe(404);
    const malformed = await view('short');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().issues.map((i: { field: string }) => i.field)).toEqual(['token']);
  });

  it('an invitation expires after the tenant’s invitationDays', async () => {
    const m = await newMember({ birthDate: '1975-11-09' });
    const { token, invitationId } = await invite(m.id);
    await env.db.updateTable('invitation').set({ expires_at: new Date(clock.now().getTime() - 60_000) }).where('id', '=', invitationId).execute();
    expect((await view(token)).json().status).toBe('expired');
    const res = await redeem(token, { answer: '1975-11-09', password: 'new-password-1' });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('已过期');
  });
});

describe('redeeming', () => {
  it('checks the ID number’s last 4 (x as X), opens the login, signs the member in and uses the link up', async () => {
    const idNumber = idNumberEndingInX();
    const m = await newMember({ idNumber });
    const { token, invitationId } = await invite(m.id);
    const wrong = await redeem(token, { answer: '0000', password: 'new-password-1' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().issues).toEqual([{ field: 'answer', message: '答案不正确，还可以再试 4 次' }]);
    const english = await redeem(token, { answer: '0001', password: 'new-password-1' }, { 'accept-language': 'en-US' });
    expect(english.json().message).toBe('Wrong answer; 3 tries left');

    const ok = await redeem(token, { answer: idNumber.slice(-4).toLowerCase(), password: 'new-password-1', remember: true }, { 'user-agent': WECHAT_ANDROID });
    expect(ok.statusCode, ok.body).toBe(200);
    const session = sessionOf(ok);
    const me = await env.app.inject({ url: '/api/auth/me', headers: session.headers });
    expect(me.json()).toMatchObject({ memberId: m.id, phone: m.phone });
    const sessionCookie = ok.cookies.find((c) => c.name === 'lx_session');
    expect(sessionCookie?.maxAge).toBe(180 * 86_400);
    await login(env.app, m.phone, 'new-password-1');

    expect((await view(token)).json().status).toBe('used');
    const again = await redeem(token, { answer: idNumber.slice(-4), password: 'new-password-2' });
    expect(again.statusCode).toBe(409);
    const used = await env.db.selectFrom('invitation').select('used_at').where('id', '=', invitationId).executeTakeFirstOrThrow();
    expect(used.used_at).not.toBeNull();

    const audit = await env.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', m.id).where('action', 'like', 'invitation.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['invitation.issue', 'invitation.wrong_answer', 'invitation.wrong_answer', 'invitation.redeem']);
    expect(JSON.stringify(audit)).not.toContain(idNumber.slice(-4));
    expect(JSON.stringify(audit)).not.toContain('new-password-1');
  });

  it('asks a member without an ID number for their birth date', async () => {
    const m = await newMember({ birthDate: '1968-03-07' });
    const { token } = await invite(m.id);
    expect((await view(token)).json().ask).toBe('birth_date');
    expect((await redeem(token, { answer: '1968-07-03', password: 'new-password-1' })).statusCode).toBe(400);
    const ok = await redeem(token, { answer: '1968/3/7', password: 'new-password-1', remember: false });
    expect(ok.statusCode, ok.body).toBe(200);
    // Without 记住这台手机 the session lasts the configured session days (1 in tests).
    expect(ok.cookies.find((c) => c.name === 'lx_session')?.maxAge).toBe(86_400);
  });

  it('locks after 5 wrong answers for 30 minutes, then opens again', async () => {
    const m = await newMember({ birthDate: '1990-01-15' });
    const { token, invitationId } = await invite(m.id);
    for (let i = 1; i <= 4; i++) expect((await redeem(token, { answer: '2000-01-01', password: 'new-password-1' })).statusCode).toBe(400);
    const fifth = await redeem(token, { answer: '2000-01-01', password: 'new-password-1' });
    expect(fifth.statusCode).toBe(429);
    expect(Number(fifth.headers['retry-after'])).toBeGreaterThan(29 * 60);
    const shown = (await view(token)).json();
    expect(shown.status).toBe('locked');
    expect(new Date(shown.lockedUntil).getTime() - clock.now().getTime()).toBeGreaterThan(29 * 60_000);
    // Locked: even the right answer waits.
    expect((await redeem(token, { answer: '1990-01-15', password: 'new-password-1' })).statusCode).toBe(429);

    // 31 minutes later: the lock and the address's count of failures are over.
    await env.db.updateTable('invitation').set({ locked_until: earlier(60_000) }).where('id', '=', invitationId).execute();
    await env.db.updateTable('login_attempt').set({ window_started_at: earlier(31 * 60_000), last_attempt_at: earlier(31 * 60_000) }).where('subject', 'like', `%invitation:${invitationId}%`).execute();
    expect((await view(token)).json().status).toBe('open');
    const ok = await redeem(token, { answer: '19900115', password: 'new-password-1' });
    expect(ok.statusCode, ok.body).toBe(200);
    const wrongs = await env.db.selectFrom('audit_log').select('action').where('entity_id', '=', m.id).where('action', '=', 'invitation.wrong_answer').execute();
    expect(wrongs).toHaveLength(5);
  });

  it('withdraws the link after 15 wrong answers in all', async () => {
    const m = await newMember({ birthDate: '1958-09-30' });
    const { token, invitationId } = await invite(m.id);
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) statuses.push((await redeem(token, { answer: '2001-01-01', password: 'new-password-1' })).statusCode);
      // an hour between rounds: the lock and the sign-in limits' windows have lapsed
      await env.db.updateTable('invitation').set({ locked_until: earlier(60_000) }).where('id', '=', invitationId).execute();
      await env.db.updateTable('login_attempt').set({ window_started_at: earlier(61 * 60_000), last_attempt_at: earlier(61 * 60_000) }).where('subject', 'like', `%invitation:${invitationId}%`).execute();
    }
    expect(statuses).toEqual([400, 400, 400, 400, 429, 400, 400, 400, 400, 429, 400, 400, 400, 400, 409]);
    expect((await view(token)).json().status).toBe('revoked');
    expect((await redeem(token, { answer: '1958-09-30', password: 'new-password-1' })).statusCode).toBe(409);
  });

  it('resets the password of a member who already has a login and signs out their other sessions', async () => {
    const m = await newMember({ birthDate: '1982-08-20' });
    const issued = await env.app.inject({ method: 'POST', url: `/api/members/${m.id}/login`, headers: secretary.headers });
    const old = await login(env.app, m.phone, issued.json().initialPassword as string);
    expect((await env.app.inject({ url: '/api/auth/me', headers: old.headers })).statusCode).toBe(200);
    const { token } = await invite(m.id);
    const ok = await redeem(token, { answer: '1982-08-20', password: 'reset-password-1' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await env.app.inject({ url: '/api/auth/me', headers: old.headers })).statusCode).toBe(401);
    expect((await env.app.inject({ url: '/api/auth/me', headers: sessionOf(ok).headers })).statusCode).toBe(200);
    await login(env.app, m.phone, 'reset-password-1');
    const audit = await env.db.selectFrom('audit_log').select('after').where('entity_id', '=', m.id).where('action', '=', 'invitation.redeem').executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ created: false });
  });

  it('refuses a link whose sender no longer covers everything the login reaches', async () => {
    const branchSecretary = await login(env.app, PHONES.branchSecretary);
    const m = await newMember({ birthDate: '1977-07-07' });
    const issued = await env.app.inject({ method: 'POST', url: `/api/members/${m.id}/invitation`, headers: branchSecretary.headers });
    expect(issued.statusCode, issued.body).toBe(200);
    const token = (issued.json().link as string).split('/m/invite/')[1] ?? '';
    // Meanwhile the member's login became secretary of another branch (beyond the sender).
    await env.app.inject({ method: 'POST', url: `/api/members/${m.id}/login`, headers: secretary.headers });
    const account = await env.db.selectFrom('account').select('id').where('member_id', '=', m.id).executeTakeFirstOrThrow();
    await env.db.insertInto('role_assignment').values({ tenant_id: env.tenantId, account_id: account.id, role: 'secretary', org_id: branchId }).execute();
    const res = await redeem(token, { answer: '1977-07-07', password: 'taken-over-1' });
    expect(res.statusCode).toBe(409);
    expect((await view(token)).json().status).toBe('revoked');
    await env.db.deleteFrom('role_assignment').where('account_id', '=', account.id).execute();
  });

  it('answers bad input with 400 naming the field', async () => {
    const m = await newMember({ birthDate: '1979-12-01' });
    const { token } = await invite(m.id);
    const short = await redeem(token, { answer: '1979-12-01', password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().issues.map((i: { field: string }) => i.field)).toEqual(['password']);
    const noAnswer = await redeem(token, { answer: ' ', password: 'long-enough-1' }, { 'accept-language': 'en-US' });
    expect(noAnswer.statusCode).toBe(400);
    expect(noAnswer.json().message).toContain('answer');
    expect(noAnswer.json().message).toContain('Please enter the answer');
    // The invitation is still open: bad input is no wrong answer.
    expect((await view(token)).json().status).toBe('open');
  });
});

describe('the invitation sheet', () => {
  it('makes links for the members of a unit without a login, and refuses members outside the unit', async () => {
    const withoutLogin = await newMember({ birthDate: '1985-06-06' });
    const res = await env.app.inject({ method: 'POST', url: '/api/invitations/bulk', headers: secretary.headers, payload: { orgId: groupId } });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { memberId: string; name: string; unitName: string; link: string }[];
    expect(items.map((i) => i.memberId)).toContain(withoutLogin.id);
    const withLogin = await env.db.selectFrom('account').select('member_id').where('member_id', 'in', items.map((i) => i.memberId)).execute();
    expect(withLogin).toEqual([]);
    expect(items.find((i) => i.memberId === withoutLogin.id)).toMatchObject({ unitName: '第一党小组' });
    expect(new Set(items.map((i) => i.link)).size).toBe(items.length);

    const picked = await env.app.inject({ method: 'POST', url: '/api/invitations/bulk', headers: secretary.headers, payload: { orgId: branchId, memberIds: [withoutLogin.id] } });
    expect(picked.statusCode).toBe(403);
    const tooMany = await env.app.inject({
      method: 'POST',
      url: '/api/invitations/bulk',
      headers: secretary.headers,
      payload: { orgId: groupId, memberIds: Array.from({ length: 501 }, () => withoutLogin.id) },
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().issues.map((i: { field: string }) => i.field)).toEqual(['memberIds']);
    const badOrg = await env.app.inject({ method: 'POST', url: '/api/invitations/bulk', headers: secretary.headers, payload: { orgId: 'nope' } });
    expect(badOrg.statusCode).toBe(400);
    expect(badOrg.json().issues.map((i: { field: string }) => i.field)).toEqual(['orgId']);
  });

  it('a branch secretary cannot invite outside their branch', async () => {
    const branchSecretary = await login(env.app, PHONES.branchSecretary);
    const res = await env.app.inject({ method: 'POST', url: '/api/invitations/bulk', headers: branchSecretary.headers, payload: { orgId: branchId } });
    expect(res.statusCode).toBe(403);
  });
});

describe('remembered phones and devices', () => {
  it('remembers a member’s phone for rememberDays, never a secretary’s', async () => {
    const member = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: PHONES.mobileMember, password: TEST_PASSWORD, remember: true } });
    expect(member.cookies.find((c) => c.name === 'lx_session')?.maxAge).toBe(180 * 86_400);
    expect(member.cookies.find((c) => c.name === 'lx_csrf')?.maxAge).toBe(180 * 86_400);
    const sec = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone: PHONES.branchSecretary, password: TEST_PASSWORD, remember: true } });
    expect(sec.cookies.find((c) => c.name === 'lx_session')?.maxAge).toBe(86_400);
    const rows = await env.db
      .selectFrom('session as s')
      .innerJoin('account as a', (j) => j.onRef('a.tenant_id', '=', 's.tenant_id').onRef('a.id', '=', 's.account_id'))
      .select(['a.phone', 's.remember', 's.expires_at'])
      .where('a.phone', 'in', [PHONES.mobileMember, PHONES.branchSecretary])
      .where('s.remember', '=', true)
      .execute();
    expect(rows.map((r) => r.phone)).toEqual([PHONES.mobileMember]);
  });

  it('lists one’s own devices in plain words, signs one out, then all others', async () => {
    const phone = PHONES.mentor;
    const signIn = async (ua: string) => {
      const res = await env.app.inject({ method: 'POST', url: '/api/auth/login', payload: { phone, password: TEST_PASSWORD, remember: true }, headers: { 'user-agent': ua } });
      return sessionOf(res);
    };
    const wechat = await signIn(WECHAT_ANDROID);
    const iphone = await signIn(SAFARI_IPHONE);
    const third = await signIn(SAFARI_IPHONE);
    const list = await env.app.inject({ url: '/api/me/devices', headers: wechat.headers });
    expect(list.statusCode, list.body).toBe(200);
    const items = list.json().items as { id: string; browser: string; device: string; current: boolean; remember: boolean }[];
    expect(items.length).toBeGreaterThanOrEqual(3);
    const current = items.filter((i) => i.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ browser: 'wechat', device: 'android_phone', remember: true });
    expect(items.some((i) => i.browser === 'safari' && i.device === 'iphone')).toBe(true);

    // Another account's session: not found, and still signed in.
    const others = (await env.app.inject({ url: '/api/me/devices', headers: secretary.headers })).json().items as { id: string }[];
    const foreign = others[0]?.id ?? '';
    expect((await env.app.inject({ method: 'DELETE', url: `/api/me/devices/${foreign}`, headers: wechat.headers })).statusCode).toBe(404);
    expect((await env.app.inject({ url: '/api/auth/me', headers: secretary.headers })).statusCode).toBe(200);

    const iphoneId = ((await env.app.inject({ url: '/api/me/devices', headers: iphone.headers })).json().items as { id: string; current: boolean }[]).find((i) => i.current)?.id;
    const ended = await env.app.inject({ method: 'DELETE', url: `/api/me/devices/${iphoneId}`, headers: wechat.headers });
    expect(ended.statusCode, ended.body).toBe(200);
    expect((await env.app.inject({ url: '/api/auth/me', headers: iphone.headers })).statusCode).toBe(401);
    expect((await env.app.inject({ url: '/api/auth/me', headers: third.headers })).statusCode).toBe(200);

    const all = await env.app.inject({ method: 'POST', url: '/api/me/devices/sign-out-others', headers: wechat.headers });
    expect(all.statusCode).toBe(200);
    expect(all.json().ended).toBeGreaterThanOrEqual(1);
    expect((await env.app.inject({ url: '/api/auth/me', headers: third.headers })).statusCode).toBe(401);
    expect((await env.app.inject({ url: '/api/auth/me', headers: wechat.headers })).statusCode).toBe(200);
    const left = (await env.app.inject({ url: '/api/me/devices', headers: wechat.headers })).json().items;
    expect(left).toHaveLength(1);

    const account = await env.db.selectFrom('account').select('id').where('phone', '=', phone).executeTakeFirstOrThrow();
    const audit = await env.db.selectFrom('audit_log').select('action').where('account_id', '=', account.id).where('action', 'like', 'session.%').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['session.end', 'session.end_others']);
  });

  it('records when a session was last used at most once an hour', async () => {
    const s = await login(env.app, PHONES.groupLeader);
    const row = () =>
      env.db.selectFrom('session').select(['id', 'last_seen_at']).where('csrf_token', '=', s.csrf).executeTakeFirstOrThrow();
    const { id } = await row();
    const halfHourAgo = new Date(clock.now().getTime() - 30 * 60_000);
    await env.db.updateTable('session').set({ last_seen_at: halfHourAgo }).where('id', '=', id).execute();
    // Cached callers are dropped, so each request below reads its session again.
    bumpAuthEpoch();
    await env.app.inject({ url: '/api/auth/me', headers: s.headers });
    expect((await row()).last_seen_at?.getTime()).toBe(halfHourAgo.getTime());
    const twoHoursAgo = new Date(clock.now().getTime() - 2 * 3_600_000);
    await env.db.updateTable('session').set({ last_seen_at: twoHoursAgo }).where('id', '=', id).execute();
    bumpAuthEpoch();
    await env.app.inject({ url: '/api/auth/me', headers: s.headers });
    expect((await row()).last_seen_at?.getTime()).toBeGreaterThan(twoHoursAgo.getTime());
  });
});
