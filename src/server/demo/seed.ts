import type { Database } from '../db/database.ts';
import type { FieldCipher } from '../secrets.ts';
import { hashPassword } from '../auth/passwords.ts';
import { completeIdNumber, maskIdNumber } from '../../shared/id-number.ts';
import { resolvePlace } from '../modules/regions/index.ts';
import { GIVEN_FEMALE, GIVEN_MALE, SURNAMES, pick, seededRandom } from './names.ts';
import { nameSortKey } from '../name-sort-key.ts';
import { addDays, clock, shanghaiDate } from '../clock.ts';

/**
 * The demo village: a fictional town committee with one village general branch of 113 members
 * in 4 branches and 9 party groups, 6 grids, 13 mobile members (11 young ones working in cities,
 * 2 who have lived far away for years), each with a mentor, and one account per role.
 */
export const DEMO_LOGINS = [
  { phone: '13800000000', role: '党总支书记 general-branch secretary' },
  { phone: '13800000001', role: '党支部书记 branch secretary (第一党支部)' },
  { phone: '13800000002', role: '传帮带联系人 mentor' },
  { phone: '13800000003', role: '流动党员 mobile member (mentee of 13800000002)' },
  { phone: '13800000004', role: '党小组长 party-group leader (第一党小组)' },
  { phone: '13800000009', role: '镇党委管理员 tenant admin (town committee)' },
] as const;

interface Place {
  province: string;
  city: string;
  district: string | null;
}

// 11 young members in cities (codes from the national division list), 2 far away for years.
const YOUNG_PLACES: Place[] = [
  { province: '32', city: '3205', district: '320506' }, // 苏州 吴中区
  { province: '32', city: '3205', district: '320576' }, // 苏州 工业园区
  { province: '32', city: '3205', district: '320505' }, // 苏州 虎丘区
  { province: '33', city: '3302', district: '330212' }, // 宁波 鄞州区
  { province: '33', city: '3302', district: null },
  { province: '31', city: '3101', district: '310115' }, // 上海 浦东新区
  { province: '31', city: '3101', district: '310112' }, // 上海 闵行区
  { province: '31', city: '3101', district: '310104' }, // 上海 徐汇区
  { province: '32', city: '3201', district: '320115' }, // 南京 江宁区
  { province: '33', city: '3301', district: '330106' }, // 杭州 西湖区
  { province: '44', city: '4403', district: '440305' }, // 深圳 南山区
];
const FAR_PLACES: Place[] = [
  { province: '65', city: '6501', district: null }, // 乌鲁木齐
  { province: '23', city: '2301', district: null }, // 哈尔滨
];
const WORKPLACES = ['电子厂', '建筑公司', '物流公司', '软件公司', '餐饮店', '汽车配件厂', '医院', '服装厂', '装修队', '外贸公司', '个体经营'];
const OCCUPATIONS = ['技术员', '工程师', '司机', '厨师', '销售', '护士', '电工', '个体户', '管理人员', '程序员', '焊工'];
const EDUCATION = ['小学', '初中', '高中', '中专', '大专', '本科', '研究生'];


export interface DemoResult {
  tenantId: string;
  generalBranchId: string;
  branchIds: string[];
  groupIds: string[];
  logins: typeof DEMO_LOGINS;
}

export async function seedDemo(db: Database, cipher: FieldCipher, password: string, now: Date = clock.now()): Promise<DemoResult> {
  /** A China day `n` days before now. */
  const daysAgo = (n: number): string => addDays(shanghaiDate(now), -n);
  const rand = seededRandom(20211001);
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (tx) => {
    const tenant = await tx.insertInto('tenant').values({ name: '长河镇党委' }).returning('id').executeTakeFirstOrThrow();
    const tenantId = tenant.id;
    const addOrg = async (parent: { id: string; path: string } | null, kind: 'committee' | 'general_branch' | 'branch' | 'group', name: string, sort: number) => {
      const id = crypto.randomUUID();
      const path = `${parent?.path ?? '/'}${id}/`;
      await tx.insertInto('org').values({ tenant_id: tenantId, id, parent_id: parent?.id ?? null, kind, name, path, sort_order: sort }).execute();
      return { id, path };
    };
    const committee = await addOrg(null, 'committee', '长河镇党委', 0);
    const village = await addOrg(committee, 'general_branch', '新桥村党总支', 1);
    const branchNames = ['第一党支部', '第二党支部', '第三党支部（老党员支部）', '流动党员党支部'];
    const branches = [];
    for (const [i, name] of branchNames.entries()) branches.push(await addOrg(village, 'branch', name, i));
    const groupsPerBranch = [3, 2, 2, 2];
    const groups: { id: string; path: string; branch: number }[] = [];
    let g = 1;
    for (const [bi, count] of groupsPerBranch.entries()) {
      for (let k = 0; k < count; k++) {
        const grp = await addOrg(branches[bi] as { id: string; path: string }, 'group', `第${'一二三四五六七八九十'[g - 1]}党小组`, g);
        groups.push({ ...grp, branch: bi });
        g++;
      }
    }
    const grids = [];
    for (let i = 1; i <= 6; i++) {
      const row = await tx.insertInto('grid').values({ tenant_id: tenantId, org_id: village.id, name: `第${i}网格` }).returning('id').executeTakeFirstOrThrow();
      grids.push(row.id);
    }

    // 113 members. The first five are the demo accounts' people; mobile members live in the
    // 流动党员党支部 groups (index 7, 8) except the demo mentee who stays in 第一党小组.
    const used = new Set<string>();
    const members: { id: string; phone: string; groupIndex: number; mobile: boolean; birthYear: number }[] = [];
    const mobileIdx = new Set<number>([3, ...Array.from({ length: 12 }, (_, i) => 100 + i)]);
    for (let i = 0; i < 113; i++) {
      const gender = rand() < 0.7 ? 'male' : 'female';
      let name = '';
      do name = pick(rand, SURNAMES) + pick(rand, gender === 'male' ? GIVEN_MALE : GIVEN_FEMALE);
      while (used.has(name));
      used.add(name);
      const mobile = mobileIdx.has(i);
      const groupIndex = i < 5 ? 0 : mobile ? 7 + (i % 2) : i % 7;
      const young = mobile && i !== 110 && i !== 111;
      const birthYear = young ? 1988 + Math.floor(rand() * 12) : i === 110 || i === 111 ? 1970 + Math.floor(rand() * 8) : 1940 + Math.floor(rand() * 50);
      const birth = `${birthYear}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
      const idNumber = completeIdNumber(`320612${birth.replaceAll('-', '')}${String(100 + i).padStart(3, '0')}`);
      const phone = i < 5 ? `1380000000${i}` : `139${String(52000000 + i * 7919).padStart(8, '0')}`;
      const joinYear = Math.min(2025, birthYear + 20 + Math.floor(rand() * 20));
      const grp = groups[groupIndex] as { id: string };
      const row = await tx
        .insertInto('member')
        .values({
          tenant_id: tenantId,
          org_id: grp.id,
          grid_id: grids[i % 6] ?? null,
          name,
          name_sort_key: nameSortKey(name),
          gender,
          birth_date: birth,
          ethnicity: '汉族',
          education: young ? pick(rand, EDUCATION.slice(3)) : pick(rand, EDUCATION),
          phone,
          id_number_enc: cipher.encrypt(idNumber),
          id_number_hash: cipher.hash(idNumber),
          id_number_masked: maskIdNumber(idNumber),
          join_date: `${joinYear}-07-01`,
          status: i % 37 === 5 ? 'probationary' : 'full',
          home_address: `新桥村${1 + (i % 12)}组${10 + i}号`,
          occupation: mobile ? pick(rand, OCCUPATIONS) : birthYear < 1960 ? '退休' : '务农',
          hardship_note: birthYear < 1950 && i % 5 === 0 ? '独居老人，行动不便' : null,
          last_contact_at: daysAgo(Math.floor(rand() * 60)),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      members.push({ id: row.id, phone, groupIndex, mobile, birthYear });
    }

    // Mobility: young members in cities since 2 months to 5 years ago, some with an earlier move;
    // the two long-term ones away for years, one of them not heard from for 200 days.
    const mobiles = members.filter((m) => m.mobile);
    for (const [k, m] of mobiles.entries()) {
      const far = k >= 11;
      const place = far ? (FAR_PLACES[k - 11] as Place) : (YOUNG_PLACES[k] as Place);
      const sinceDays = far ? 3000 + k * 200 : k % 4 === 0 ? 60 + k * 5 : 250 + k * 120;
      if (!far && k % 3 === 1) {
        // An earlier stay elsewhere, closed when they moved on.
        const earlier = YOUNG_PLACES[(k + 5) % 11] as Place;
        await tx
          .insertInto('mobility')
          .values({
            tenant_id: tenantId,
            member_id: m.id,
            province_code: earlier.province,
            city_code: earlier.city,
            district_code: earlier.district,
            place_name: resolvePlace(earlier.province, earlier.city, earlier.district),
            workplace: pick(rand, WORKPLACES),
            occupation: pick(rand, OCCUPATIONS),
            since: daysAgo(sinceDays + 400),
            ended_on: daysAgo(sinceDays),
            end_reason: 'moved',
          })
          .execute();
      }
      await tx
        .insertInto('mobility')
        .values({
          tenant_id: tenantId,
          member_id: m.id,
          province_code: place.province,
          city_code: place.city,
          district_code: place.district,
          place_name: resolvePlace(place.province, place.city, place.district),
          workplace: pick(rand, WORKPLACES),
          occupation: pick(rand, OCCUPATIONS),
          since: daysAgo(sinceDays),
          expected_return: far ? null : `${Number(shanghaiDate(now).slice(0, 4)) + 1}-01-20`,
          contact: m.phone,
          host_org: far ? `${resolvePlace(place.province, place.city, null)}某社区党委` : null,
          activity_card_no: far ? `LD${String(2019000 + k)}` : null,
        })
        .execute();
      if (k === 12) {
        await tx.updateTable('member').set({ last_contact_at: daysAgo(200) }).where('tenant_id', '=', tenantId).where('id', '=', m.id).execute();
      }
    }

    // Mentors: local members of the home branch, one per mobile member; member #2 mentors #3.
    const locals = members.filter((m) => !m.mobile && m.birthYear > 1960 && members.indexOf(m) > 4);
    for (const [k, m] of mobiles.entries()) {
      const mentor = m === members[3] ? (members[2] as { id: string }) : (locals[k % locals.length] as { id: string });
      await tx.insertInto('mentorship').values({ tenant_id: tenantId, member_id: m.id, mentor_member_id: mentor.id, started_on: daysAgo(400) }).execute();
    }
    for (const [i, gridId] of grids.entries()) {
      const leader = locals[i * 3] as { id: string };
      await tx.updateTable('grid').set({ leader_member_id: leader.id }).where('tenant_id', '=', tenantId).where('id', '=', gridId).execute();
    }

    // Accounts: every member can sign in to the member app (all with the demo password).
    const names = await tx.selectFrom('member').select(['id', 'name', 'phone']).where('tenant_id', '=', tenantId).execute();
    await tx
      .insertInto('account')
      .values(names.map((n) => ({ tenant_id: tenantId, phone: n.phone, display_name: n.name, password_hash: passwordHash, member_id: n.id })))
      .execute();
    await tx.insertInto('account').values({ tenant_id: tenantId, phone: '13800000009', display_name: '镇党委组织委员', password_hash: passwordHash, is_tenant_admin: true }).execute();
    const accountOf = async (phone: string) =>
      (await tx.selectFrom('account').select('id').where('tenant_id', '=', tenantId).where('phone', '=', phone).executeTakeFirstOrThrow()).id;
    await tx
      .insertInto('role_assignment')
      .values([
        { tenant_id: tenantId, account_id: await accountOf('13800000000'), role: 'secretary', org_id: village.id },
        { tenant_id: tenantId, account_id: await accountOf('13800000001'), role: 'secretary', org_id: (branches[0] as { id: string }).id },
        { tenant_id: tenantId, account_id: await accountOf('13800000004'), role: 'group_leader', org_id: (groups[0] as { id: string }).id },
      ])
      .execute();
    return {
      tenantId,
      generalBranchId: village.id,
      branchIds: branches.map((b) => b.id),
      groupIds: groups.map((x) => x.id),
      logins: DEMO_LOGINS,
    };
  });
}
