import type { z } from 'zod';
import { MemberListQuery } from '../../../shared/api.ts';

/**
 * The roster spreadsheet: one list of columns drives the template, the importer's header
 * matching and the 说明 sheet, so they cannot drift apart.
 */
export type ImportColumnKey =
  | 'name'
  | 'gender'
  | 'birthDate'
  | 'ethnicity'
  | 'education'
  | 'phone'
  | 'idNumber'
  | 'joinDate'
  | 'status'
  | 'unit'
  | 'grid'
  | 'homeAddress'
  | 'occupation'
  | 'hardshipNote'
  | 'mobile'
  | 'province'
  | 'city'
  | 'district'
  | 'workplace'
  | 'since'
  | 'contact';

export interface ImportColumn {
  key: ImportColumnKey;
  header: string;
  required: boolean;
  /** Longest accepted text (same limits as the member form). */
  maxLength?: number;
  /** 'text' keeps Excel from turning phone and ID numbers into numbers (18 digits lose precision). */
  format?: 'text' | 'date';
  width: number;
  help: string;
  example: string;
}

export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  { key: 'name', header: '姓名', required: true, maxLength: 50, width: 10, help: '党员姓名', example: '王建国' },
  { key: 'gender', header: '性别', required: true, width: 6, help: '填“男”或“女”', example: '男' },
  { key: 'birthDate', header: '出生日期', required: false, format: 'date', width: 12, help: '日期，如 1990-05-01、1990/5/1 或 1990.5.1', example: '1990-05-01' },
  { key: 'ethnicity', header: '民族', required: false, maxLength: 20, width: 8, help: '如 汉族', example: '汉族' },
  { key: 'education', header: '学历', required: false, maxLength: 20, width: 8, help: '如 初中、高中、大专、本科', example: '大专' },
  { key: 'phone', header: '手机号', required: true, format: 'text', width: 14, help: '11 位手机号，不能与已登记党员或表内其他行重复', example: '13912345678' },
  { key: 'idNumber', header: '身份证号', required: false, format: 'text', width: 21, help: '18 位居民身份证号（最后一位可为 X），请把此列设为文本格式；系统加密保存', example: '32061219900501123X' },
  { key: 'joinDate', header: '入党日期', required: false, format: 'date', width: 12, help: '日期，不能早于出生日期', example: '2015-07-01' },
  { key: 'status', header: '党员状态', required: true, width: 10, help: '填“正式党员”或“预备党员”', example: '正式党员' },
  { key: 'unit', header: '所在组织', required: true, width: 16, help: '党小组或党支部名称，如 第一党小组；重名时写完整路径，如 第一党支部/第一党小组；只能导入到您管理的组织', example: '第一党小组' },
  { key: 'grid', header: '网格', required: false, maxLength: 100, width: 10, help: '网格名称，如 第1网格', example: '第1网格' },
  { key: 'homeAddress', header: '家庭住址', required: false, maxLength: 200, width: 20, help: '家庭住址', example: '新桥村3组12号' },
  { key: 'occupation', header: '职业', required: false, maxLength: 50, width: 10, help: '职业', example: '电工' },
  { key: 'hardshipNote', header: '困难情况', required: false, maxLength: 500, width: 16, help: '生活困难、健康等情况（敏感信息，仅书记可见）', example: '' },
  { key: 'mobile', header: '是否流动', required: false, width: 9, help: '外出 6 个月以上的流动党员填“是”，否则填“否”或留空；填“是”时须填写外出省份和外出时间', example: '是' },
  { key: 'province', header: '外出省份', required: false, width: 10, help: '如 江苏 或 江苏省', example: '江苏省' },
  { key: 'city', header: '外出城市', required: false, width: 10, help: '如 苏州 或 苏州市；直辖市可填区名', example: '苏州市' },
  { key: 'district', header: '外出区县', required: false, width: 10, help: '如 吴中区（可不填）', example: '吴中区' },
  { key: 'workplace', header: '工作单位', required: false, maxLength: 100, width: 16, help: '外出期间的工作单位', example: '苏州某电子厂' },
  { key: 'since', header: '外出时间', required: false, format: 'date', width: 12, help: '开始外出的日期，流动党员必填', example: '2021-03-01' },
  { key: 'contact', header: '联系方式', required: false, maxLength: 50, format: 'text', width: 14, help: '外出期间的联系方式（电话或微信）', example: '13912345678' },
];

export const IMPORT_SHEET_NAME = '党员名册';
export const HELP_SHEET_NAME = '说明';

/** The export takes the list's filters without paging. */
export const ExportQuery = MemberListQuery.omit({ page: true, pageSize: true });
export type ExportParams = z.output<typeof ExportQuery>;
