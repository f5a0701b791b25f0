import type { AuthzModule } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';
import { receiptKey } from '../../src/server/modules/notify/sms-settings.ts';
import { readStoredSmsSettings } from '../../src/server/modules/notify/providers/sms.ts';

/**
 * Authorization cases of SMS (module notify, run by src/server/authorization.test.ts): the
 * provider's settings and test message are the administrator's (settings.write); receipts are
 * public but need the tenant's key in their address; the sign-in-by-code routes are open to all.
 * The provider set here is the local sink, so the test message leaves nothing outside.
 */
let key = '';

export const notifySmsAuthz: AuthzModule = {
  setup: async (env: TestEnv) => {
    const row = await env.db.selectFrom('notify_sms_provider').select('settings').where('tenant_id', '=', env.tenantId).executeTakeFirst();
    key = encodeURIComponent(receiptKey(env.services.cipher, env.tenantId, readStoredSmsSettings(row?.settings).receiptNonce));
  },
  cases: [
    { method: 'GET', route: '/api/notify/sms', url: () => '/api/notify/sms', allowed: ['admin'] },
    { method: 'PUT', route: '/api/notify/sms', url: () => '/api/notify/sms', body: () => ({ kind: 'sink', enabled: true }), allowed: ['admin'] },
    { method: 'POST', route: '/api/notify/sms/test', url: () => '/api/notify/sms/test', body: () => ({}), allowed: ['admin'] },
    { method: 'POST', route: '/api/notify/receipts/aliyun', url: () => `/api/notify/receipts/aliyun?key=${key}`, body: () => [], allowed: 'all', public: true },
    { method: 'POST', route: '/api/notify/receipts/tencent', url: () => `/api/notify/receipts/tencent?key=${key}`, body: () => [], allowed: 'all', public: true },
    { method: 'GET', route: '/api/auth/methods', url: () => '/api/auth/methods', allowed: 'all', public: true },
    { method: 'POST', route: '/api/auth/sms-code', url: () => '/api/auth/sms-code', body: () => ({ phone: '19900000001' }), allowed: 'all', public: true },
    { method: 'POST', route: '/api/auth/sms-login', url: () => '/api/auth/sms-login', body: () => ({ phone: '19900000001', code: '123456' }), allowed: 'all', public: true },
  ],
};
