import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../../test/support/harness.ts';
import { clock } from '../clock.ts';
import { addMonths, chinaMonth } from '../../shared/china-time.ts';
import { openMonthPage, openListPage } from '../modules/disclosure/public.ts';
import { seedDonationsDemo } from './donations.ts';
import { seedDisclosureDemo } from './disclosure.ts';

let env: Awaited<ReturnType<typeof openTestDatabase>>;
let villageId = '';
const lastMonth = () => addMonths(`${chinaMonth(clock.now())}-01`, -1).slice(0, 7);

beforeAll(async () => {
  env = await openTestDatabase();
  await seedDonationsDemo(env.db, env.tenantId);
  await seedDisclosureDemo(env.db, env.tenantId);
  // seeded twice (a restart over the same data) it stays one month
  await seedDisclosureDemo(env.db, env.tenantId);
  villageId = (await env.db.selectFrom('org').select('id').where('tenant_id', '=', env.tenantId).where('name', '=', '新桥村党总支').executeTakeFirstOrThrow()).id;
});
afterAll(async () => env?.close());

describe('the demo 党务公开', () => {
  it('is last month of the village, approved, public at /open/<village> with the demo campaign', async () => {
    const rows = await env.db.selectFrom('disclosure').select(['org_id', 'month', 'state']).where('tenant_id', '=', env.tenantId).execute();
    expect(rows).toEqual([{ org_id: villageId, month: lastMonth(), state: 'approved' }]);
    const list = await openListPage(env.db, villageId, 1, 'https://example.org');
    expect(list?.html).toContain(`/open/${villageId}/${lastMonth()}`);
    const page = await openMonthPage(env.db, villageId, lastMonth(), 'https://example.org');
    expect(page?.html).toContain('爱心助学捐款');
    expect(page?.html).toContain('欢迎村民监督');
  });
});
