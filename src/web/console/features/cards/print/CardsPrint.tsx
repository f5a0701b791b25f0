import { Segmented } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { isPosted } from '../labels.tsx';
import { endpoints } from '../../../api.ts';
import { useApi } from '../../../hooks.ts';
import { useI18n } from '../../../i18n.tsx';
import type { MsgKey } from '../../../messages.ts';
import type { CampaignDetail, CardOccasion, CardRow } from '../../../types.ts';
import { PrintShell, pages } from './PrintShell.tsx';

const PER_SHEET = 2;

/**
 * Holiday cards, one per half A4 (210 × 148 mm, cut along the middle): a red and gold frame drawn in
 * CSS only, a motif per occasion (福 for 春节, a full moon for 中秋, waves for 端午, a heart otherwise),
 * the salutation with the member's name, the greeting, the signature and the day.
 */
const CSS = `
.lx-hc-sheet { display: flex; flex-direction: column; }
.lx-hc { position: relative; height: 148mm; padding: 9mm 11mm; overflow: hidden; }
.lx-hc + .lx-hc { border-top: 0.2mm dashed #bbb; }
.lx-hc-frame { position: absolute; inset: 7mm 9mm; border: 1.2mm double #d4a017; border-radius: 3mm; pointer-events: none; }
.lx-hc-frame::before, .lx-hc-frame::after { content: ""; position: absolute; width: 14mm; height: 14mm; border: 0.7mm solid #c8102e; }
.lx-hc-frame::before { top: 2mm; left: 2mm; border-right: none; border-bottom: none; border-top-left-radius: 3mm; }
.lx-hc-frame::after { bottom: 2mm; right: 2mm; border-left: none; border-top: none; border-bottom-right-radius: 3mm; }
.lx-hc-inner { position: relative; height: 100%; padding: 7mm 12mm 6mm; display: flex; flex-direction: column; background: radial-gradient(circle at 0 0, rgba(200,16,46,.08), transparent 38%), radial-gradient(circle at 100% 100%, rgba(212,160,23,.12), transparent 40%), #fffaf1; border-radius: 2mm; }
.lx-hc-head { display: flex; align-items: center; justify-content: space-between; gap: 6mm; margin-bottom: 4mm; }
.lx-hc-headline { font-size: 24pt; font-weight: 800; letter-spacing: 2.5mm; color: #c8102e; text-shadow: 0.3mm 0.3mm 0 #f3d27a; line-height: 1.2; }
.lx-hc-sub { font-size: 9pt; color: #a07a14; letter-spacing: .6mm; margin-top: 1mm; }
.lx-hc-motif { flex: none; width: 24mm; height: 24mm; position: relative; }
.lx-hc-body { flex: 1; min-height: 0; overflow: hidden; }
.lx-hc-salutation { font-size: 14pt; font-weight: 700; margin-bottom: 2mm; }
.lx-hc-greeting p { margin: 0 0 1.2mm; text-indent: 2em; font-size: 12.5pt; line-height: 1.85; }
.lx-hc-greeting.lx-long p { font-size: 11pt; line-height: 1.7; }
.lx-hc-greeting.lx-longer p { font-size: 9.5pt; line-height: 1.6; }
.lx-hc-foot { text-align: end; font-size: 12.5pt; line-height: 1.7; margin-top: 2mm; }
.lx-hc-foot .lx-hc-date { font-size: 11pt; color: #555; }
/* 春节: 福 upside down in a red diamond with a gold rim */
.lx-hc-spring_festival .lx-hc-motif::before { content: ""; position: absolute; inset: 3.5mm; background: #c8102e; border: 0.8mm solid #e6b422; transform: rotate(45deg); border-radius: 1mm; }
.lx-hc-spring_festival .lx-hc-motif::after { content: "福"; position: absolute; inset: 0; display: flex; align-items: center; justify-content: center; color: #f6d365; font-size: 19pt; font-weight: 800; transform: rotate(180deg); }
/* 中秋: a full moon with a soft glow */
.lx-hc-mid_autumn .lx-hc-motif::before { content: ""; position: absolute; inset: 1.5mm; border-radius: 50%; background: radial-gradient(circle at 38% 35%, #fff6c9, #f4c542 62%, #d99a1e); box-shadow: 0 0 4mm 1mm rgba(244,197,66,.45); }
.lx-hc-mid_autumn .lx-hc-motif::after { content: ""; position: absolute; width: 5mm; height: 3mm; left: 12mm; top: 8mm; border-radius: 50%; background: rgba(217,154,30,.35); }
.lx-hc-mid_autumn .lx-hc-headline { color: #b3541e; }
/* 端午: green waves under a gold sun */
.lx-hc-dragon_boat .lx-hc-motif::before { content: ""; position: absolute; left: 6mm; top: 2mm; width: 12mm; height: 12mm; border-radius: 50%; background: #e6b422; }
.lx-hc-dragon_boat .lx-hc-motif::after { content: ""; position: absolute; left: 0; right: 0; bottom: 2mm; height: 9mm; border-radius: 2mm;
  background: repeating-radial-gradient(circle at 50% 120%, #2e7d32 0 1.2mm, #66bb6a 1.2mm 2.4mm); }
.lx-hc-dragon_boat .lx-hc-headline { color: #2e7d32; text-shadow: 0.3mm 0.3mm 0 #f3d27a; }
/* 自定义 (e.g. 政治生日): a red heart */
.lx-hc-custom .lx-hc-motif::before, .lx-hc-custom .lx-hc-motif::after { content: ""; position: absolute; top: 5mm; width: 10mm; height: 15mm; background: #c8102e; border-radius: 5mm 5mm 0 0; }
.lx-hc-custom .lx-hc-motif::before { left: 12mm; transform: rotate(-45deg); transform-origin: 0 100%; }
.lx-hc-custom .lx-hc-motif::after { left: 2mm; transform: rotate(45deg); transform-origin: 100% 100%; }
`;

const HEADLINE_KEYS: Record<Exclude<CardOccasion, 'custom'>, MsgKey> = {
  spring_festival: 'print.cards.headline.spring_festival',
  dragon_boat: 'print.cards.headline.dragon_boat',
  mid_autumn: 'print.cards.headline.mid_autumn',
};

type Which = 'posted' | 'all';

/** /print/cards?campaignId=…: the campaign's cards to post (or every recipient's, to hand them over), two per A4. */
export function CardsPrint({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const id = query.get('campaignId');
  const res = useApi(id ? endpoints.cards.campaign.at({ id }) : null);
  const c = res.data;
  const all = c?.cards ?? [];
  const postedCards = all.filter((x) => isPosted(x.channel));
  const [which, setWhich] = useState<Which | null>(null);
  const shown: Which = which ?? (postedCards.length > 0 ? 'posted' : 'all');
  const cards = shown === 'posted' ? postedCards : all;

  return (
    <PrintShell
      docTitle={c ? t('print.cards.docTitle', { title: c.title }) : t('print.cards.title')}
      heading={c ? t('print.cards.heading', { title: c.title }) : t('print.cards.title')}
      info={c ? t('print.cards.info', { n: cards.length, sheets: Math.ceil(cards.length / PER_SHEET) }) : undefined}
      controls={
        c && (
          <Segmented<Which>
            value={shown}
            onChange={setWhich}
            options={[
              { value: 'posted', label: t('print.cards.posted', { n: postedCards.length }) },
              { value: 'all', label: t('print.cards.all', { n: all.length }) },
            ]}
            data-testid="cards-which"
          />
        )
      }
      loading={!!id && res.loading && !c}
      error={res.error}
      css={CSS}
      empty={!id || cards.length === 0}
      emptyText={!id ? t('print.campaignMissing') : t('print.cards.empty')}
      testId="print-cards-page"
    >
      {c &&
        pages(cards, PER_SHEET).map((sheet, i) => (
          <section key={i} className="lx-sheet lx-hc-sheet" aria-label={t('print.sheetN', { n: i + 1 })}>
            {sheet.map((x) => (
              <HolidayCard key={x.id} campaign={c} card={x} />
            ))}
          </section>
        ))}
    </PrintShell>
  );
}

function HolidayCard({ campaign: c, card }: { campaign: CampaignDetail; card: CardRow }) {
  const { t } = useI18n();
  const paragraphs = c.greeting.split(/\n+/).map((p) => p.trim()).filter(Boolean);
  const length = c.greeting.length;
  const headline = c.occasion === 'custom' ? c.title : t(HEADLINE_KEYS[c.occasion]);
  return (
    <article className={`lx-hc lx-avoid lx-hc-${c.occasion}`} data-testid="holiday-card" data-card-id={card.id}>
      <div className="lx-hc-frame" aria-hidden />
      <div className="lx-hc-inner">
        <div className="lx-hc-head">
          <div>
            <div className="lx-hc-headline">{headline}</div>
            {c.occasion !== 'custom' && <div className="lx-hc-sub">{c.title}</div>}
          </div>
          <div className="lx-hc-motif" aria-hidden />
        </div>
        <div className="lx-hc-body">
          <div className="lx-hc-salutation">{t('print.cards.salutation', { name: card.memberName })}</div>
          <div className={`lx-hc-greeting${length > 520 ? ' lx-longer' : length > 300 ? ' lx-long' : ''}`}>
            {paragraphs.map((p, i) => (
              <p key={i}>{p}</p>
            ))}
          </div>
        </div>
        <div className="lx-hc-foot">
          <div>{c.signature}</div>
          <div className="lx-hc-date">{dayjs(c.sendOn).format(t('campaign.dateFormat'))}</div>
        </div>
      </div>
    </article>
  );
}
