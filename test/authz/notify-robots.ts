import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of the group robots and the channel health (module notify, run by
 * src/server/authorization.test.ts). The robots belong to 第二党支部: only the secretaries above it
 * (and the admin) pass. Their webhook is a closed loopback port, so a test send answers at once
 * (a connection refused) without any server. Each DELETE call gets a robot of its own.
 */
let robotId = '';
let branch2 = '';
const spare: string[] = [];
let spareNext = 0;
const WEBHOOK = 'http://127.0.0.1:9/cgi-bin/webhook/send?key=authz';

async function insertRobot(env: TestEnv, ids: BaseIds, name: string): Promise<string> {
  const row = await env.db
    .insertInto('notify_robot')
    .values({ tenant_id: env.tenantId, org_id: ids.branch2, kind: 'wecom', name, webhook_cipher: env.services.cipher.encrypt(WEBHOOK), secret_cipher: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export const notifyRobotsAuthz: AuthzModule = {
  setup: async (env: TestEnv, ids: BaseIds) => {
    branch2 = ids.branch2;
    robotId = await insertRobot(env, ids, '第二支部群');
    for (let i = 0; i < 8; i++) spare.push(await insertRobot(env, ids, `备用机器人${i}`));
  },
  cases: [
    { method: 'GET', route: '/api/notify/robots', url: () => `/api/notify/robots?orgId=${branch2}`, allowed: SECRETARIES },
    {
      method: 'POST',
      route: '/api/notify/robots',
      url: () => '/api/notify/robots',
      body: () => ({ orgId: branch2, kind: 'wecom', name: '新群', webhook: WEBHOOK }),
      allowed: SECRETARIES,
    },
    { method: 'PATCH', route: '/api/notify/robots/:id', url: () => `/api/notify/robots/${robotId}`, body: () => ({ name: '第二支部党员群' }), allowed: SECRETARIES },
    { method: 'DELETE', route: '/api/notify/robots/:id', url: () => `/api/notify/robots/${spare[spareNext++ % spare.length] as string}`, allowed: SECRETARIES },
    { method: 'POST', route: '/api/notify/robots/:id/test', url: () => `/api/notify/robots/${robotId}/test`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/notify/health', url: () => `/api/notify/health?orgId=${branch2}`, allowed: SECRETARIES },
  ],
};
