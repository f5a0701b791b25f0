import { Segmented } from 'antd';
import { useState } from 'react';
import { isPosted } from '../labels.tsx';
import { endpoints } from '../../../api.ts';
import { useApi } from '../../../hooks.ts';
import { useI18n } from '../../../i18n.tsx';
import { PrintShell, pages, phoneText } from './PrintShell.tsx';

const PER_SHEET = 14;

/**
 * Address labels in the common 2 × 7 layout of A4 label sheets (99.1 × 38.1 mm, 15.15 mm top margin):
 * the faint outline shows on screen only, the labels are pre-cut.
 */
const CSS = `
.lx-lb-sheet { padding: 15.15mm 4.65mm 0; display: grid; grid-template-columns: 99.1mm 99.1mm; grid-auto-rows: 38.1mm; column-gap: 2.5mm; align-content: start; }
.lx-lb { width: 99.1mm; height: 38.1mm; padding: 4mm 6mm 3mm; display: flex; flex-direction: column; overflow: hidden; border-radius: 2mm; }
.lx-lb-to { font-size: 9pt; color: #666; }
.lx-lb-name { font-size: 15pt; font-weight: 700; line-height: 1.35; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.lx-lb-name small { font-size: 10pt; font-weight: 400; margin-inline-start: 3mm; color: #333; }
.lx-lb-addr { font-size: 10.5pt; line-height: 1.4; flex: 1; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; }
.lx-lb-from { font-size: 8pt; color: #555; text-align: end; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
@media screen { .lx-lb { outline: 0.2mm dashed #c9c9c9; outline-offset: -0.2mm; } }
`;

type Which = 'pending' | 'all';

/** /print/labels?campaignId=…: address labels of a campaign's posted cards (cards waiting to be posted, or all of them). */
export function LabelsPrint({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const id = query.get('campaignId');
  const res = useApi(id ? endpoints.cards.campaign.at({ id }) : null);
  const c = res.data;
  const posted = (c?.cards ?? []).filter((x) => isPosted(x.channel));
  const withAddress = posted.filter((x) => x.address);
  const pendingCount = withAddress.filter((x) => x.postStatus === 'pending').length;
  // labels are printed before posting: the cards still waiting, unless none are (then all, e.g. a reprint)
  const [which, setWhich] = useState<Which | null>(null);
  const shown: Which = which ?? (pendingCount > 0 ? 'pending' : 'all');
  const labels = shown === 'pending' ? withAddress.filter((x) => x.postStatus === 'pending') : withAddress;
  const noAddress = posted.length - withAddress.length;

  return (
    <PrintShell
      docTitle={c ? t('print.labels.docTitle', { title: c.title }) : t('print.labels.title')}
      heading={c ? t('print.labels.heading', { title: c.title }) : t('print.labels.title')}
      info={
        c ? (
          <>
            {t('print.labels.info', { n: labels.length, sheets: Math.ceil(labels.length / PER_SHEET) })}
            {noAddress > 0 && <span className="lx-warn"> · {t('print.labels.noAddress', { n: noAddress })}</span>}
          </>
        ) : undefined
      }
      controls={
        c && (
          <Segmented<Which>
            value={shown}
            onChange={setWhich}
            options={[
              { value: 'pending', label: t('print.labels.pending', { n: pendingCount }) },
              { value: 'all', label: t('print.labels.all', { n: withAddress.length }) },
            ]}
            data-testid="labels-which"
          />
        )
      }
      loading={!!id && res.loading && !c}
      error={res.error}
      css={CSS}
      empty={!id || labels.length === 0}
      emptyText={!id ? t('print.campaignMissing') : t('print.labels.empty')}
      testId="print-labels-page"
    >
      {c &&
        pages(labels, PER_SHEET).map((sheet, i) => (
          <section key={i} className="lx-sheet lx-lb-sheet" aria-label={t('print.sheetN', { n: i + 1 })}>
            {sheet.map((x) => (
              <article key={x.id} className="lx-lb lx-avoid" data-testid="address-label">
                <div className="lx-lb-to">{t('print.labels.to')}</div>
                <div className="lx-lb-name">
                  {t('print.labels.comrade', { name: x.memberName })}
                  <small>{phoneText(x.phone)}</small>
                </div>
                <div className="lx-lb-addr">{x.address}</div>
                <div className="lx-lb-from">{t('print.labels.from', { from: c.signature })}</div>
              </article>
            ))}
          </section>
        ))}
    </PrintShell>
  );
}
