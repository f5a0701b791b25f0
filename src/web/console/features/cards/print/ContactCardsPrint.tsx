import { endpoints } from '../../../api.ts';
import { useApi } from '../../../hooks.ts';
import { useI18n } from '../../../i18n.tsx';
import type { ContactCard } from '../../../types.ts';
import { PrintShell, pages, phoneText } from './PrintShell.tsx';
import { useCardInvitations } from '../../activation/CardInvitations.tsx';

const PER_SHEET = 10;

/**
 * 网格连心卡 at business-card size (90 × 54 mm), two columns of five on an A4 sheet: cut along the
 * faint outlines. Red band and gold rule in the colours of the party's cards.
 */
const CSS = `
.lx-cc-sheet { padding: 10mm 12mm; display: grid; grid-template-columns: 90mm 90mm; grid-auto-rows: 54mm; column-gap: 6mm; row-gap: 2mm; align-content: start; }
.lx-cc { position: relative; width: 90mm; height: 54mm; border: 0.3mm solid #c8102e; border-radius: 2.5mm; overflow: hidden; display: flex; flex-direction: column; background: #fffdf8; }
.lx-cc-band { height: 9mm; flex: none; display: flex; align-items: center; justify-content: space-between; padding: 0 3.5mm; background: #c8102e; color: #fff; border-bottom: 0.8mm solid #e6b422; }
.lx-cc-title { font-size: 12.5pt; font-weight: 700; letter-spacing: 1.5mm; }
.lx-cc-village { font-size: 7pt; opacity: .95; max-width: 44mm; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.lx-cc-body { flex: 1; display: flex; gap: 2.5mm; padding: 2mm 3mm 2mm 3.5mm; min-height: 0; }
.lx-cc-text { flex: 1; min-width: 0; font-size: 7.6pt; line-height: 1.42; }
.lx-cc-name { font-size: 12pt; font-weight: 700; line-height: 1.3; margin-bottom: .6mm; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.lx-cc-name small { font-size: 7.5pt; font-weight: 400; color: #666; margin-inline-start: 1.5mm; }
.lx-cc-line { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.lx-cc-line b { color: #a50f25; font-weight: 600; }
.lx-cc-qr { width: 23mm; flex: none; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: .8mm; }
.lx-cc-qr .lx-qr { width: 22mm; height: 22mm; background: #fff; }
.lx-cc-qr .lx-qr svg { width: 100%; height: 100%; display: block; }
.lx-cc-qr span { font-size: 5.6pt; color: #a50f25; text-align: center; line-height: 1.25; }
.lx-cc-foot { position: absolute; left: 0; right: 0; bottom: 0; height: 1mm; background: linear-gradient(90deg, #c8102e, #e6b422, #c8102e); }
`;

/** /print/contact-cards?memberId=… | gridId=… | orgId=…: one 网格连心卡 per member, ready to print and cut. */
export function ContactCardsPrint({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const params = { memberId: query.get('memberId') ?? undefined, gridId: query.get('gridId') ?? undefined, orgId: query.get('orgId') ?? undefined };
  const missing = !params.memberId && !params.gridId && !params.orgId;
  const res = useApi(missing ? null : endpoints.cards.contactCards.at(params));
  const cards = res.data?.items ?? [];
  const invites = useCardInvitations(cards.map((c) => c.memberId), params.orgId);
  return (
    <PrintShell
      docTitle={t('print.contactCards.docTitle')}
      heading={t('print.contactCards.title')}
      info={res.data ? t('print.contactCards.info', { n: cards.length, sheets: Math.ceil(cards.length / PER_SHEET) }) : undefined}
      loading={!missing && res.loading && !res.data}
      error={res.error}
      controls={invites.control}
      css={CSS}
      empty={missing || cards.length === 0}
      emptyText={missing ? t('print.contactCards.missing') : t('print.contactCards.empty')}
      testId="print-contact-cards"
    >
      {pages(cards, PER_SHEET).map((sheet, i) => (
        <section key={i} className="lx-sheet lx-cc-sheet" aria-label={t('print.sheetN', { n: i + 1 })}>
          {sheet.map((c) => (
            <ContactCardView key={c.memberId} card={c} invitationQr={invites.qrFor(c.memberId)} />
          ))}
        </section>
      ))}
    </PrintShell>
  );
}

const person = (p: { name: string; phone: string | null } | null | undefined): string => (p ? `${p.name}  ${phoneText(p.phone)}` : '—');

function ContactCardView({ card: c, invitationQr }: { card: ContactCard; invitationQr?: string | undefined }) {
  const { t } = useI18n();
  // the general branch secretary is printed too, unless they are the branch secretary already
  const general = c.generalSecretary && (!c.branchSecretary || c.generalSecretary.name !== c.branchSecretary.name || c.generalSecretary.phone !== c.branchSecretary.phone) ? c.generalSecretary : null;
  return (
    <article className="lx-cc lx-avoid" data-testid="contact-card" data-member-id={c.memberId}>
      <div className="lx-cc-band">
        <span className="lx-cc-title">{t('print.contactCards.cardTitle')}</span>
        <span className="lx-cc-village">{c.villageName}</span>
      </div>
      <div className="lx-cc-body">
        <div className="lx-cc-text">
          <div className="lx-cc-name">
            {t('print.contactCards.comrade', { name: c.memberName })}
            <small>{c.orgName}</small>
          </div>
          <div className="lx-cc-line">
            <b>{t('print.contactCards.grid')}</b>
            {c.grid?.name ?? '—'}
          </div>
          <div className="lx-cc-line">
            <b>{t('print.contactCards.gridLeader')}</b>
            {c.grid?.leaderName ? person({ name: c.grid.leaderName, phone: c.grid.leaderPhone }) : '—'}
          </div>
          <div className="lx-cc-line">
            <b>{t('print.contactCards.branchSecretary')}</b>
            {person(c.branchSecretary)}
          </div>
          {general && (
            <div className="lx-cc-line">
              <b>{t('print.contactCards.generalSecretary')}</b>
              {person(general)}
            </div>
          )}
          <div className="lx-cc-line">
            <b>{t('print.contactCards.mentor')}</b>
            {person(c.mentor)}
          </div>
        </div>
        <div className="lx-cc-qr">
          {/* the server renders the QR code (an SVG document of its own making) */}
          {invitationQr ? (
            // the member's own activation code (附开通二维码), drawn in the browser
            <div className="lx-qr">
              <img src={invitationQr} alt={t('cards.invitationQr')} style={{ width: '100%', height: '100%', display: 'block' }} data-testid="contact-card-invitation" />
            </div>
          ) : (
            <div className="lx-qr" role="img" aria-label={t('print.contactCards.qrAlt', { url: c.appUrl })} dangerouslySetInnerHTML={{ __html: c.qrSvg }} />
          )}
          <span>{invitationQr ? t('cards.invitationQr') : t('print.contactCards.scan')}</span>
        </div>
      </div>
      <div className="lx-cc-foot" aria-hidden />
    </article>
  );
}
