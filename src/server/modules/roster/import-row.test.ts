import { describe, expect, it } from 'vitest';
import type { Actor } from '../../auth/actor.ts';
import { completeIdNumber } from '../../../shared/id-number.ts';
import { GridResolver, UnitResolver, withNames } from './import-refs.ts';
import { checkRosterRow, type RosterRow, type RowRules } from './import-row.ts';
import { IMPORT_COLUMNS, type ImportColumnKey } from './schema.ts';
import type { CellInput } from './xlsx.ts';

// One roster row checked on its own, against reference data held in memory: no database, no clock.

const TODAY = '2026-06-15';
const ID_1990_05_01 = completeIdNumber('32069919900501101');

/** 新桥村党总支 with two branches, each with a 第一党小组; 红星村党总支 is another village. */
const UNITS = withNames([
  { id: 'v', name: '新桥村党总支', path: '/v/' },
  { id: 'b1', name: '第一党支部', path: '/v/b1/' },
  { id: 'b1g1', name: '第一党小组', path: '/v/b1/b1g1/' },
  { id: 'b2', name: '第二党支部', path: '/v/b2/' },
  { id: 'b2g1', name: '第一党小组', path: '/v/b2/b2g1/' },
  { id: 'b2g3', name: '第三党小组', path: '/v/b2/b2g3/' },
  { id: 'r', name: '红星村党总支', path: '/r/' },
]);

/** The secretary of 新桥村党总支. */
const SECRETARY: Actor = {
  tenantId: 't',
  accountId: 'a',
  displayName: '张书记',
  phone: '13900000000',
  memberId: null,
  isTenantAdmin: false,
  scopes: [{ role: 'secretary', orgId: 'v', orgName: '新桥村党总支', path: '/v/' }],
  menteeIds: [],
  csrfToken: '',
};

const rules = (): RowRules => ({
  tenantId: 't',
  accountId: 'a',
  today: TODAY,
  units: new UnitResolver(UNITS, SECRETARY),
  grids: new GridResolver([
    { id: 'grid1', name: '第1网格', orgPath: '/v/' },
    { id: 'grid9', name: '第9网格', orgPath: '/r/' },
  ]),
  hashIdNumber: (id) => `hash:${id}`,
});

const KEY_OF = new Map(IMPORT_COLUMNS.map((c) => [c.header, c.key]));

/** A complete row that stays at home, by column header; `overrides` replace cells, undefined removes one. */
function row(overrides: Record<string, CellInput | undefined> = {}, rowNumber = 7): RosterRow {
  const cells: Record<string, CellInput | undefined> = {
    姓名: '王建国',
    性别: '男',
    出生日期: '1990-05-01',
    手机号: '13912345678',
    身份证号: ID_1990_05_01,
    入党日期: '2015-07-01',
    党员状态: '正式党员',
    所在组织: '第三党小组',
    网格: '第1网格',
    是否流动: '否',
    ...overrides,
  };
  const values: Partial<Record<ImportColumnKey, CellInput>> = {};
  for (const [header, v] of Object.entries(cells)) {
    const key = KEY_OF.get(header);
    if (!key) throw new Error(`no column ${header}`);
    if (v !== undefined) values[key] = v;
  }
  return { rowNumber, values };
}

const MOBILE = { 是否流动: '是', 外出省份: '江苏省', 外出城市: '苏州市', 外出区县: '吴中区', 外出时间: '2021-03-01', 工作单位: '苏州某电子厂' };

describe('checkRosterRow', () => {
  it('turns a complete row into the member to write, its phone normalized and its ID number hashed', () => {
    const checked = checkRosterRow(row({ 手机号: '+86 139-1234-5678' }), rules());
    expect(checked.issues).toEqual([]);
    expect(checked.phone).toBe('13912345678');
    expect(checked.idHash).toBe(`hash:${ID_1990_05_01}`);
    expect(checked.member).toMatchObject({
      rowNumber: 7,
      idNumber: ID_1990_05_01,
      member: { tenant_id: 't', org_id: 'b2g3', grid_id: 'grid1', name: '王建国', gender: 'male', birth_date: '1990-05-01', phone: '13912345678', status: 'full', last_contact_at: TODAY },
      mobility: null,
    });
  });

  it('gives a mobile member their destination by codes and place name', () => {
    const checked = checkRosterRow(row(MOBILE), rules());
    expect(checked.issues).toEqual([]);
    expect(checked.member?.mobility).toMatchObject({ tenant_id: 't', since: '2021-03-01', workplace: '苏州某电子厂', created_by: 'a' });
    expect(checked.member?.mobility?.place_name).toContain('苏州');
    expect(checked.member?.mobility?.district_code).not.toBeNull();
  });

  // [column, what the row says, the message]: each issue names the row (7) and its column.
  const cases: [string, Record<string, CellInput | undefined>, string][] = [
    ['姓名', { 姓名: undefined }, '姓名必填'],
    ['姓名', { 姓名: '王'.repeat(51) }, '内容过长（最多 50 字）'],
    ['性别', { 性别: undefined }, '性别必填'],
    ['性别', { 性别: '男性' }, '性别应填“男”或“女”'],
    ['出生日期', { 出生日期: '1990年13月1日' }, '出生日期不是有效日期，请填写如 1990-05-01'],
    ['出生日期', { 出生日期: '2026-06-16', 身份证号: undefined }, '出生日期不能晚于今天'],
    ['出生日期', { 出生日期: '1991-05-01' }, '出生日期与身份证号中的出生日期不一致'],
    ['民族', { 民族: '汉'.repeat(21) }, '内容过长（最多 20 字）'],
    ['手机号', { 手机号: undefined }, '手机号必填'],
    ['手机号', { 手机号: '1391234567' }, '手机号应为 11 位数字'],
    ['身份证号', { 身份证号: 320699199005011010 }, '身份证号被 Excel 存成了数字（后几位会丢失），请把此列设为文本格式后重新填写'],
    ['身份证号', { 身份证号: '3206991990050110' }, '身份证号应为 18 位（最后一位可为 X）'],
    ['入党日期', { 入党日期: '1989-07-01' }, '入党日期不能早于出生日期'],
    ['党员状态', { 党员状态: '群众' }, '党员状态应填“正式党员”或“预备党员”'],
    ['所在组织', { 所在组织: undefined }, '所在组织必填'],
    ['所在组织', { 所在组织: '第九党小组' }, '找不到组织“第九党小组”'],
    ['所在组织', { 所在组织: '第一党小组' }, '有多个组织名为“第一党小组”，请写完整路径，如“新桥村党总支/第一党支部/第一党小组”'],
    ['所在组织', { 所在组织: '红星村党总支', 网格: undefined }, '组织“红星村党总支”不在您管理的范围内'],
    ['网格', { 网格: '第2网格' }, '找不到网格“第2网格”'],
    ['网格', { 网格: '第9网格' }, '网格“第9网格”不属于第三党小组'],
    ['是否流动', { 是否流动: '也许' }, '是否流动应填“是”或“否”'],
    ['是否流动', { 外出省份: '江苏省' }, '填写了外出省份、城市或外出时间，“是否流动”应填“是”'],
    ['外出省份', { ...MOBILE, 外出省份: undefined }, '流动党员须填写外出省份'],
    ['外出省份', { ...MOBILE, 外出省份: '不存在省' }, '找不到省份“不存在省”'],
    ['外出城市', { ...MOBILE, 外出城市: '不存在市' }, '找不到城市“不存在市”（江苏省）'],
    ['外出城市', { ...MOBILE, 外出城市: undefined }, '填写外出区县时须同时填写外出城市'],
    ['外出区县', { ...MOBILE, 外出区县: '不存在区' }, '找不到区县“不存在区”（苏州市）'],
    ['外出时间', { ...MOBILE, 外出时间: undefined }, '流动党员须填写外出时间'],
    ['外出时间', { ...MOBILE, 外出时间: '1989-01-01' }, '外出时间不能早于出生日期'],
    ['外出时间', { ...MOBILE, 外出时间: '2026-07-01' }, '外出时间不能晚于今天'],
  ];

  it.each(cases)('%s: %j is refused as “%s”', (column, overrides, message) => {
    const checked = checkRosterRow(row(overrides), rules());
    expect(checked.issues).toEqual([{ row: 7, column, message }]);
    expect(IMPORT_COLUMNS.some((c) => c.header === column)).toBe(true);
  });

  it('lists every problem of a row, and a row that lacks what a member needs gives no member', () => {
    const checked = checkRosterRow(row({ 姓名: undefined, 性别: '未知', 手机号: '123' }, 12), rules());
    expect(checked.issues).toEqual([
      { row: 12, column: '姓名', message: '姓名必填' },
      { row: 12, column: '性别', message: '性别应填“男”或“女”' },
      { row: 12, column: '手机号', message: '手机号应为 11 位数字' },
    ]);
    expect(checked.member).toBeNull();
    expect(checked.phone).toBeNull();
  });

  it('leaves duplicates to the caller: two rows with one phone and ID number each pass and give the same keys', () => {
    const [a, b] = [checkRosterRow(row({}, 2), rules()), checkRosterRow(row({}, 3), rules())];
    expect([a.issues, b.issues]).toEqual([[], []]);
    expect([a.phone, a.idHash]).toEqual([b.phone, b.idHash]);
  });
});
