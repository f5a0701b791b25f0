import type { Insertable } from 'kysely';
import type { MemberTable, MobilityTable } from '../../db/tables.ts';
import { idNumberBirthDate, normalizeIdNumber } from '../../../shared/id-number.ts';
import { nameSortKey } from '../../name-sort-key.ts';
import { idNumberIssue } from '../members/index.ts';
import type { ImportIssue } from './import-jobs.ts';
import { resolveDestination, type Destination, type GridResolver, type UnitRef, type UnitResolver } from './import-refs.ts';
import { IMPORT_COLUMNS, type ImportColumnKey } from './schema.ts';
import { parseDateCell, type CellInput } from './xlsx.ts';

/** One data row of the import sheet: its number as the spreadsheet shows it, and its cells by column. */
export interface RosterRow {
  rowNumber: number;
  values: Partial<Record<ImportColumnKey, CellInput>>;
}

/** What a row is checked against: the importer, today (China) and the reference data of the import. */
export interface RowRules {
  tenantId: string;
  accountId: string;
  /** Today in China ('YYYY-MM-DD'): no date may be later. */
  today: string;
  units: UnitResolver;
  grids: GridResolver;
  /** The keyed hash of a normalized ID number, by which duplicates are found. */
  hashIdNumber: (idNumber: string) => string;
}

/** A member ready to be written (the writer gives it its id, and encrypts the ID number). */
export interface RosterMember {
  rowNumber: number;
  member: Omit<Insertable<MemberTable>, 'id'>;
  idNumber: string | null;
  mobility: Omit<Insertable<MobilityTable>, 'member_id'> | null;
}

export interface CheckedRow {
  /** Every problem of the row, each naming the row and the column, in Chinese. */
  issues: ImportIssue[];
  /** The row's phone number when it is a valid one, normalized: for the duplicate checks. */
  phone: string | null;
  /** The hash of the row's ID number when it is a valid one: for the duplicate checks. */
  idHash: string | null;
  /** The member to write, when the row has everything a member needs. */
  member: RosterMember | null;
}

export const HEADER: Record<ImportColumnKey, string> = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c.key, c.header])) as Record<ImportColumnKey, string>;
const MAX_LENGTH = new Map(IMPORT_COLUMNS.map((c) => [c.key, c.maxLength]));

const asText = (v: CellInput): string | null => {
  if (v === null) return null;
  if (v instanceof Date) {
    const d = parseDateCell(v);
    return d === 'invalid' ? null : d;
  }
  return String(v).trim() || null;
};

const GENDER: Record<string, 'male' | 'female'> = { 男: 'male', 女: 'female' };
const STATUS: Record<string, 'full' | 'probationary'> = { 正式党员: 'full', 正式: 'full', 预备党员: 'probationary', 预备: 'probationary' };
const YES_NO: Record<string, boolean> = { 是: true, 否: false, Y: true, N: false };

/**
 * Checks one roster row on its own (duplicates across rows and against the registry are the
 * caller's: it has every row's `phone` and `idHash`). Reads nothing and writes nothing: the same
 * row and rules give the same answer.
 */
export function checkRosterRow(row: RosterRow, rules: RowRules): CheckedRow {
  const r = row.rowNumber;
  const issues: ImportIssue[] = [];
  const problem = (key: ImportColumnKey, message: string): void => {
    issues.push({ row: r, column: HEADER[key], message });
  };
  const raw = (key: ImportColumnKey): CellInput => row.values[key] ?? null;
  const text = (key: ImportColumnKey): string | null => {
    const v = asText(raw(key));
    const max = MAX_LENGTH.get(key);
    if (v !== null && max !== undefined && v.length > max) {
      problem(key, `内容过长（最多 ${max} 字）`);
      return null;
    }
    return v;
  };
  const required = (key: ImportColumnKey): string | null => {
    const v = text(key);
    if (v === null && raw(key) === null) problem(key, `${HEADER[key]}必填`);
    return v;
  };
  const date = (key: ImportColumnKey): string | null => {
    const d = parseDateCell(raw(key));
    if (d === 'invalid') {
      problem(key, `${HEADER[key]}不是有效日期，请填写如 1990-05-01`);
      return null;
    }
    if (d !== null && d > rules.today) {
      problem(key, `${HEADER[key]}不能晚于今天`);
      return null;
    }
    return d;
  };

  const name = required('name');
  const genderText = required('gender');
  const gender = genderText ? GENDER[genderText] : undefined;
  if (genderText && !gender) problem('gender', '性别应填“男”或“女”');
  const birthDate = date('birthDate');
  const ethnicity = text('ethnicity');
  const education = text('education');

  const phoneText = required('phone');
  let phone = phoneText ? phoneText.replace(/[\s-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '') : null;
  if (phone !== null && !/^1\d{10}$/.test(phone)) {
    problem('phone', '手机号应为 11 位数字');
    phone = null;
  }

  let idNumber: string | null = null;
  let idHash: string | null = null;
  const idRaw = raw('idNumber');
  if (typeof idRaw === 'number') {
    problem('idNumber', '身份证号被 Excel 存成了数字（后几位会丢失），请把此列设为文本格式后重新填写');
  } else if (idRaw !== null) {
    const idProblem = idNumberIssue(String(idRaw));
    if (idProblem) problem('idNumber', idProblem);
    else {
      idNumber = normalizeIdNumber(String(idRaw));
      idHash = rules.hashIdNumber(idNumber);
      if (birthDate && idNumberBirthDate(idNumber, rules.today) !== birthDate) problem('birthDate', '出生日期与身份证号中的出生日期不一致');
    }
  }

  const joinDate = date('joinDate');
  if (joinDate && birthDate && joinDate < birthDate) problem('joinDate', '入党日期不能早于出生日期');
  const statusText = required('status');
  const status = statusText ? STATUS[statusText] : undefined;
  if (statusText && !status) problem('status', '党员状态应填“正式党员”或“预备党员”');

  const unitText = required('unit');
  let unit: UnitRef | null = null;
  if (unitText) {
    const u = rules.units.resolve(unitText);
    if (typeof u === 'string') problem('unit', u);
    else unit = u;
  }
  const gridText = text('grid');
  let gridId: string | null = null;
  if (gridText) {
    const g = rules.grids.resolve(gridText, unit);
    if (typeof g === 'string') problem('grid', g);
    else gridId = g.id;
  }
  const homeAddress = text('homeAddress');
  const occupation = text('occupation');
  const hardshipNote = text('hardshipNote');

  const mobileText = text('mobile');
  const mobile = mobileText === null ? false : YES_NO[mobileText.toUpperCase()];
  if (mobile === undefined) problem('mobile', '是否流动应填“是”或“否”');
  const province = text('province');
  const city = text('city');
  const district = text('district');
  const workplace = text('workplace');
  const contact = text('contact');
  let destination: Destination | null = null;
  let since: string | null = null;
  if (mobile === true) {
    if (!province) problem('province', '流动党员须填写外出省份');
    else {
      const d = resolveDestination(province, city, district);
      if ('message' in d) problem(d.column, d.message);
      else destination = d;
    }
    since = date('since');
    if (raw('since') === null) problem('since', '流动党员须填写外出时间');
    if (since && birthDate && since < birthDate) problem('since', '外出时间不能早于出生日期');
  } else if (mobile === false && (province || city || district || raw('since') !== null)) {
    problem('mobile', '填写了外出省份、城市或外出时间，“是否流动”应填“是”');
  }

  if (!(name && gender && phone && status && unit && (mobile !== true || (destination && since)))) return { issues, phone, idHash, member: null };
  return {
    issues,
    phone,
    idHash,
    member: {
          rowNumber: r,
          idNumber,
          member: {
            tenant_id: rules.tenantId,
            org_id: unit.id,
            grid_id: gridId,
            name,
            name_sort_key: nameSortKey(name),
            gender,
            birth_date: birthDate,
            ethnicity,
            education,
            phone,
            id_number_hash: idHash,
            join_date: joinDate,
            status,
            home_address: homeAddress,
            occupation,
            hardship_note: hardshipNote,
            last_contact_at: rules.today,
          },
          mobility:
            destination && since
              ? {
                  tenant_id: rules.tenantId,
                  province_code: destination.provinceCode,
                  city_code: destination.cityCode,
                  district_code: destination.districtCode,
                  place_name: destination.placeName,
                  workplace,
                  occupation,
                  contact,
                  since,
                  created_by: rules.accountId,
                }
              : null,
        },
  };
}
