import type { AuthzModule, BaseIds } from '../support/authz.ts';
import { SECRETARIES } from '../support/authz.ts';
import type { TestEnv } from '../support/harness.ts';

/**
 * Authorization cases of the study-delivery trips (run by src/server/authorization.test.ts). The
 * trip belongs to 第二党支部 and met ids.target, a member of it (a trip meets members of its own
 * unit) and nobody's mentee among the test roles: only the secretaries above it (and the admin) pass. Each DELETE call gets a trip of its own, so a
 * trip deleted by one role does not turn the next role's 403 into a 404.
 */
let tripId = '';
let branch2 = '';
let target = '';
const spareTrips: string[] = [];
let spareNext = 0;

async function insertTrip(env: TestEnv, ids: BaseIds): Promise<string> {
  const row = await env.db
    .insertInto('delivery')
    .values({ tenant_id: env.tenantId, org_id: ids.branch2, trip_on: '2026-05-20', province_code: '32', city_code: '3205', place_name: '江苏省苏州市', travellers: ['授权测试'] })
    .returning('id')
    .executeTakeFirstOrThrow();
  await env.db.insertInto('delivery_member').values({ tenant_id: env.tenantId, delivery_id: row.id, member_id: ids.target, items: ['党徽'], handed_to: null, words: '谢谢组织' }).execute();
  return row.id;
}

export const deliveriesAuthz: AuthzModule = {
  setup: async (env: TestEnv, ids: BaseIds) => {
    branch2 = ids.branch2;
    target = ids.target;
    tripId = await insertTrip(env, ids);
    for (let i = 0; i < 8; i++) spareTrips.push(await insertTrip(env, ids));
  },
  cases: [
    {
      method: 'POST',
      route: '/api/deliveries',
      url: () => '/api/deliveries',
      body: () => ({
        orgId: branch2,
        tripOn: '2026-06-01',
        provinceCode: '32',
        cityCode: '3205',
        travellers: ['王书记'],
        members: [{ memberId: target, items: ['学习资料'] }],
      }),
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/deliveries', url: () => `/api/deliveries?orgId=${branch2}`, allowed: SECRETARIES },
    { method: 'GET', route: '/api/deliveries/:id', url: () => `/api/deliveries/${tripId}`, allowed: SECRETARIES },
    { method: 'PATCH', route: '/api/deliveries/:id', url: () => `/api/deliveries/${tripId}`, body: () => ({ notes: '补记：带去了家乡的新照片' }), allowed: SECRETARIES },
    {
      method: 'DELETE',
      route: '/api/deliveries/:id',
      url: () => `/api/deliveries/${spareTrips[spareNext++ % spareTrips.length] as string}`,
      allowed: SECRETARIES,
    },
    { method: 'GET', route: '/api/members/:id/deliveries', url: () => `/api/members/${target}/deliveries`, allowed: SECRETARIES },
  ],
};
