import crypto from 'node:crypto';
import type { AuthzModule, BaseIds, Role } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';

/**
 * Authorization cases of a member's own channels (通知方式) and Web Push subscriptions (run by
 * src/server/authorization.test.ts): every account with a member record, never the tenant admin (who
 * has none); the secretary's record of a member's SMS consent needs member.write over the member.
 */
const MEMBERS: Role[] = ['villageSecretary', 'branchSecretary', 'groupLeader', 'mentor', 'member'];

const ids = {} as BaseIds;
/** A browser's subscription as PushSubscription.toJSON() gives it, a new one each call. */
const subscription = () => {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `https://fcm.googleapis.com/fcm/send/authz-${crypto.randomUUID()}`,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') },
  };
};

export const notifyMemberAuthz: AuthzModule = {
  setup: async (_env, base) => {
    Object.assign(ids, base);
  },
  cases: [
    { method: 'GET', route: '/api/me/push/key', url: () => '/api/me/push/key', allowed: MEMBERS },
    { method: 'POST', route: '/api/me/push/subscriptions', url: () => '/api/me/push/subscriptions', body: subscription, allowed: MEMBERS },
    { method: 'DELETE', route: '/api/me/push/subscriptions', url: () => '/api/me/push/subscriptions', body: () => ({ endpoint: subscription().endpoint }), allowed: MEMBERS },
    { method: 'GET', route: '/api/me/notices/channels', url: () => '/api/me/notices/channels', allowed: MEMBERS },
    { method: 'PUT', route: '/api/me/notices/channels', url: () => '/api/me/notices/channels', body: () => ({ webpush: true }), allowed: MEMBERS },
    { method: 'PUT', route: '/api/members/:id/notice-channels', url: () => `/api/members/${ids.target}/notice-channels`, body: () => ({ sms: true }), allowed: SECRETARIES },
  ],
};
