import ExcelJS from 'exceljs';
import type { Coverage } from '../../../shared/api-learning.ts';
import { addTableSheet, workbookBuffer, type SheetColumn } from '../roster/index.ts';

const UNIT_KIND: Record<Coverage['units'][number]['kind'], string> = {
  committee: '党委',
  general_branch: '党总支',
  branch: '党支部',
  group: '党小组',
};

const PERCENT = '0.0%';

const UNIT_COLUMNS: SheetColumn[] = [
  { header: '单位', width: 28 },
  { header: '类型', width: 8 },
  { header: '层级', width: 6 },
  { header: '范围', width: 8 },
  { header: '党员数', width: 8 },
  { header: '应参学（人次）', width: 14 },
  { header: '出席', width: 8 },
  { header: '补学', width: 8 },
  { header: '缺课', width: 8 },
  { header: '出勤率', width: 9 },
  { header: '推送', width: 10 },
  { header: '已读', width: 10 },
  { header: '阅读率', width: 9 },
  { header: '全覆盖率', width: 10 },
];

const MEMBER_COLUMNS: SheetColumn[] = [
  { header: '姓名', width: 10 },
  { header: '所在单位', width: 24 },
  { header: '流动党员', width: 9 },
  { header: '应参学（次）', width: 12 },
  { header: '出席', width: 8 },
  { header: '补学', width: 8 },
  { header: '缺课', width: 8 },
  { header: '推送', width: 8 },
  { header: '已读', width: 8 },
  { header: '阅读率', width: 9 },
  { header: '最近活跃', width: 18 },
  { header: '有缺漏', width: 8 },
];

const SCOPES = [
  ['all', '全部'],
  ['mobile', '流动'],
  ['local', '在家'],
] as const;

/** Sheet 单位: each unit three rows (全部 / 流动 / 在家); sheet 党员: every member, gaps first. Rates are percentage cells. */
export async function coverageWorkbook(coverage: Coverage & { orgName: string }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '连心';
  const units = addTableSheet(workbook, '单位', UNIT_COLUMNS);
  for (const u of coverage.units) {
    for (const [key, label] of SCOPES) {
      const n = u[key];
      units.addRow([
        `${'　'.repeat(u.depth)}${u.orgName}`,
        UNIT_KIND[u.kind],
        u.depth,
        label,
        n.members,
        n.sessionsInvited,
        n.attended,
        n.madeUp,
        n.missed,
        n.attendanceRate,
        n.pushesDelivered,
        n.pushesRead,
        n.readRate,
        n.fullCoverageRate,
      ]);
    }
  }
  for (const col of [10, 13, 14]) units.getColumn(col).numFmt = PERCENT;

  const members = addTableSheet(workbook, '党员', MEMBER_COLUMNS);
  for (const m of coverage.members) {
    members.addRow([
      m.name,
      m.orgName,
      m.mobile ? '是' : '否',
      m.sessionsInvited,
      m.attended,
      m.madeUp,
      m.missed,
      m.pushesDelivered,
      m.pushesRead,
      m.readRate,
      m.lastActiveAt ? new Date(m.lastActiveAt).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 16) : null,
      m.hasGap ? '是' : '',
    ]);
  }
  members.getColumn(10).numFmt = PERCENT;
  return workbookBuffer(workbook);
}
