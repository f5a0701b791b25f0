import { EVALUATION_GRADES } from '../../../../shared/enums.ts';
import { endpoints } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { pages, PrintShell } from '../cards/print/PrintShell.tsx';

/**
 * Chinese sans faces in the order a secretary's machine has them (Linux: Noto/Source Han, then the
 * WenQuanYi face most distributions and the test browser ship; Windows: 微软雅黑; macOS: 苹方).
 */
export const EVALUATION_PRINT_FONTS = '"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif';
const ROWS_PER_SHEET = 26;

const CSS = `
.lx-eval-sheet { padding: 16mm 14mm; font-family: ${EVALUATION_PRINT_FONTS}; font-size: 11pt; }
.lx-eval-sheet h2 { text-align: center; font-size: 16pt; margin: 0 0 4mm; letter-spacing: 1px; }
.lx-eval-sheet .lx-eval-info { text-align: center; color: #555; margin-bottom: 5mm; font-size: 10pt; }
.lx-eval-sheet table { width: 100%; border-collapse: collapse; }
.lx-eval-sheet th, .lx-eval-sheet td { border: 1px solid #333; padding: 1.6mm 2mm; text-align: center; }
.lx-eval-sheet td.lx-left { text-align: left; }
.lx-eval-sheet .lx-eval-sign { position: absolute; right: 18mm; bottom: 16mm; }
.lx-eval-sheet .lx-eval-page { position: absolute; left: 0; right: 0; bottom: 8mm; text-align: center; color: #888; font-size: 9pt; }
`;

/** The results of a round on A4 (民主评议党员结果): one row per member with the votes and the grades. */
export function EvaluationPrint({ id }: { id: string }) {
  const { t } = useI18n();
  const res = useApi(endpoints.evaluations.get.at({ id }));
  const d = res.data;
  const title = d ? t('evaluation.printTitle', { org: d.orgName, year: d.year }) : t('evaluation.pageTitle');
  const sheets = d ? pages(d.subjects, ROWS_PER_SHEET) : [];
  const grade = (g: (typeof EVALUATION_GRADES)[number] | null) => (g ? t(`evaluation.grade.${g}` as const) : '');
  return (
    <PrintShell
      docTitle={title}
      heading={title}
      loading={!d && res.loading}
      error={res.error}
      css={CSS}
      empty={!!d && d.subjects.length === 0}
      emptyText={t('evaluation.empty')}
      testId="evaluation-print-page"
    >
      {d &&
        sheets.map((rows, i) => (
          <section className="lx-sheet lx-eval-sheet" key={i}>
            <h2>{title}</h2>
            <div className="lx-eval-info">
              {t('evaluation.printInfo', { graded: d.graded, voters: d.voters, online: d.onlineBallots, paper: d.paperBallots })}
              {d.noticeUntil ? ` · ${t('evaluation.noticeInfo', { date: d.noticeUntil })}` : ''}
              {d.tallyOpen ? '' : ` · ${t('evaluation.tallyClosed')}`}
            </div>
            <table>
              <thead>
                <tr>
                  <th>{t('evaluation.name')}</th>
                  {EVALUATION_GRADES.map((g) => (
                    <th key={g}>{t(`evaluation.grade.${g}` as const)}</th>
                  ))}
                  <th>{t('evaluation.proposedGrade')}</th>
                  <th>{t('evaluation.finalGrade')}</th>
                  <th>{t('evaluation.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <tr key={s.memberId} className="lx-avoid">
                    <td>{s.name}</td>
                    {s.graded ? (
                      EVALUATION_GRADES.map((g) => <td key={g}>{d.tallyOpen ? s.tally[g] : ''}</td>)
                    ) : (
                      <td colSpan={4}>{t('evaluation.probationary')}</td>
                    )}
                    <td>{grade(s.proposedGrade)}</td>
                    <td>{grade(s.finalGrade)}</td>
                    <td className="lx-left">{s.finalReason ?? s.proposedReason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {i === sheets.length - 1 && <div className="lx-eval-sign">{t('evaluation.printSigned')}</div>}
            <div className="lx-eval-page">
              {i + 1} / {sheets.length}
            </div>
          </section>
        ))}
    </PrintShell>
  );
}
