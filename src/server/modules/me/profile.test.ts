import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor, memberIdByPhone, openTestDatabase, PHONES } from '../../../../test/support/harness.ts';
import { getMyProfile } from './service.ts';
import { clock } from '../../clock.ts';

let env: Awaited<ReturnType<typeof openTestDatabase>>;

beforeAll(async () => {
  env = await openTestDatabase();
});
afterAll(async () => env?.close());

describe('my profile', () => {
  it('names the nearest secretary up the tree, and the next one up when that unit has none', async () => {
    const deps = { db: env.db, cipher: env.cipher };
    const ctx = await contextFor(env, PHONES.mobileMember);
    const nearest = await getMyProfile(deps, ctx);
    expect(nearest.secretary?.phone).toBe(PHONES.branchSecretary);
    const memberId = await memberIdByPhone(env, PHONES.mobileMember);
    const branchId = nearest.branch?.id as string;
    // The branch secretary's account is disabled: the general branch's secretary answers instead.
    await env.db
      .updateTable('account')
      .set({ disabled_at: clock.now() })
      .where('phone', '=', PHONES.branchSecretary)
      .where('id', 'in', env.db.selectFrom('role_assignment').select('account_id').where('org_id', '=', branchId).where('role', '=', 'secretary'))
      .execute();
    const above = await getMyProfile(deps, ctx);
    expect(above.member.id).toBe(memberId);
    expect(above.secretary?.phone).toBe(PHONES.generalSecretary);
  });
});
