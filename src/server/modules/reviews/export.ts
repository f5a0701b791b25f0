import ExcelJS from 'exceljs';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { recordAudit } from '../../audit-log.ts';
import type { ReviewEvidence, ReviewRound } from '../../../shared/api-reviews.ts';
import { getRound } from './rounds.ts';

/** 暂无此项记录: evidence the data does not hold yet (never shown as zero). */
export const NO_RECORD = '暂无此项记录';
const count = (n: number | null): string | number => (n === null ? NO_RECORD : n);

function evidenceCells(e: ReviewEvidence): (string | number)[] {
  return [
    e.classes.attended,
    e.classes.madeUp,
    e.classes.missed,
    `${e.pushes.read}/${e.pushes.delivered}`,
    count(e.shares),
    count(e.questions),
    count(e.talks),
    count(e.service),
    count(e.pledges),
  ];
}

/** The round as a workbook: one row per member with the evidence, the scores per item, total and comment. */
export async function reviewWorkbook(round: ReviewRound): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('季度评议');
  const header = [
    '姓名',
    '流入地',
    '参加学习',
    '补学',
    '缺课',
    '推送已读/收到',
    '互动分享',
    '提问',
    '谈心谈话',
    '服务',
    '承诺践诺',
    ...round.rubric.map((i) => `${i.title}（${i.points}分）`),
    '总分',
    '自我小结',
    '流入地党组织意见',
    '评语',
  ];
  sheet.addRow([`${round.orgName} ${round.quarter} 流动党员季度评议`]);
  sheet.addRow(header).font = { bold: true };
  for (const e of round.entries) {
    sheet.addRow([
      e.memberName,
      e.placeName ?? '',
      ...evidenceCells(e.evidence),
      ...round.rubric.map((i) => e.scores[i.key] ?? ''),
      e.total ?? '',
      e.selfSummary ?? '',
      e.inflowOpinion ? `${e.inflowOpinion.orgName}：${e.inflowOpinion.text}` : '',
      e.comment ?? '',
    ]);
  }
  sheet.columns.forEach((c, i) => {
    c.width = i === 0 ? 12 : i >= header.length - 3 ? 40 : 12;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function exportRound(db: Database, ctx: RequestContext, roundId: string): Promise<{ fileName: string; body: Buffer }> {
  const round = await getRound(db, ctx, roundId);
  const body = await reviewWorkbook(round);
  await recordAudit(db, ctx, { tenantId: ctx.actor.tenantId, action: 'review.export', entity: 'review_round', entityId: round.id, after: { rows: round.entries.length } });
  return { fileName: `季度评议-${round.orgName}-${round.quarter}.xlsx`, body };
}
