import ExcelJS from 'exceljs';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { recordAudit } from '../../audit-log.ts';
import type { EvaluationGrade } from '../../../shared/api-evaluations.ts';
import { GRADE_LABELS, manageableRound, PHASE_LABELS, roundDetail } from './service.ts';

const label = (g: EvaluationGrade | null) => (g ? GRADE_LABELS[g] : '');

/** A round's results as a workbook (民主评议结果): one row per member with the tally (once the ballot has closed) and the grades. */
export async function exportRound(db: Database, ctx: RequestContext, roundId: string): Promise<{ fileName: string; body: Buffer }> {
  const tenantId = ctx.actor.tenantId;
  const round = await manageableRound(db, ctx, roundId);
  const d = await roundDetail(db, tenantId, round);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '连心';
  const sheet = workbook.addWorksheet('民主评议结果');
  sheet.addRow([`${d.orgName} ${d.year}年度民主评议党员结果`]);
  sheet.addRow([
    `阶段：${PHASE_LABELS[d.phase]}`,
    `参加评定 ${d.graded} 名`,
    `有表决权 ${d.voters} 名`,
    `网上票 ${d.onlineBallots} 张`,
    `纸质票 ${d.paperBallots} 张`,
    ...(d.tallyOpen ? [] : ['计票在民主测评结束后公布']),
    `优秀不超过 ${d.cap.num}/${d.cap.den}（最多 ${d.maxExcellent} 名）`,
  ]);
  const header = sheet.addRow(['姓名', '身份', '优秀票', '合格票', '基本合格票', '不合格票', '评定意见', '意见理由', '评定结果', '结果理由', '自评已交']);
  header.font = { bold: true };
  // While the ballot runs the tally stays closed (roundDetail gives zeros): its columns stay empty.
  const counted = (s: (typeof d.subjects)[number], g: EvaluationGrade) => (s.graded && d.tallyOpen ? s.tally[g] : '');
  for (const s of d.subjects) {
    sheet.addRow([
      s.name,
      s.graded ? '正式党员' : '预备党员（不评定）',
      counted(s, 'excellent'),
      counted(s, 'qualified'),
      counted(s, 'basic'),
      counted(s, 'unqualified'),
      label(s.proposedGrade),
      s.proposedReason ?? '',
      label(s.finalGrade),
      s.finalReason ?? '',
      s.selfSubmittedAt ? '是' : '否',
    ]);
  }
  sheet.columns.forEach((c, i) => (c.width = i === 0 ? 12 : i === 7 || i === 9 ? 30 : 12));
  const body = Buffer.from(await workbook.xlsx.writeBuffer());
  await recordAudit(db, ctx, { tenantId, action: 'evaluation.export', entity: 'evaluation_round', entityId: roundId });
  return { fileName: `民主评议-${d.orgName}-${d.year}.xlsx`, body };
}
