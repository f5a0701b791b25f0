import { CloseOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, Spin } from 'antd';
import { useEffect } from 'react';
import { createPortal } from 'react-dom';
import { useI18n } from '../../i18n.tsx';
import { chinaDayOf, useQrCodes, type InvitationSheetItem } from './invitations.ts';

/** Sans-serif Chinese faces of Windows, macOS, Android and Linux, so the sheet reads right wherever it is printed. */
export const SHEET_FONTS = '"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif';

/**
 * The sheet is drawn over the console (a layer of its own under <body>): printing shows that layer
 * only, on A4 with margins the browser keeps; one slip per member, never cut across two pages,
 * with a dashed line to cut along.
 */
const CSS = `
@page { size: A4 portrait; margin: 10mm; }
.lx-inv-root { position: fixed; inset: 0; z-index: 2000; overflow: auto; background: #e8e8ec; font-family: ${SHEET_FONTS}; color: #222; }
.lx-inv-toolbar { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center; gap: 12px; padding: 10px 24px; background: #fff; border-bottom: 1px solid #ddd; font-size: 14px; }
.lx-inv-toolbar h1 { font-size: 16px; margin: 0; font-weight: 600; }
.lx-inv-toolbar .lx-grow { flex: 1; }
.lx-inv-toolbar .lx-muted { color: #888; }
.lx-inv-page { width: 210mm; min-height: 297mm; margin: 16px auto; padding: 10mm; background: #fff; box-shadow: 0 2px 14px rgba(0,0,0,.16); box-sizing: border-box; }
.lx-inv-head { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 0.6mm solid #c8102e; padding-bottom: 2mm; margin-bottom: 1mm; }
.lx-inv-head h2 { margin: 0; font-size: 15pt; color: #a50f25; letter-spacing: 0.5mm; }
.lx-inv-head span { font-size: 9pt; color: #666; }
.lx-inv-row { display: flex; gap: 6mm; align-items: center; height: 42mm; padding: 3mm 2mm; border-bottom: 0.3mm dashed #999; break-inside: avoid; page-break-inside: avoid; box-sizing: border-box; }
.lx-inv-qr { width: 34mm; height: 34mm; flex: none; display: flex; align-items: center; justify-content: center; }
.lx-inv-qr img { width: 34mm; height: 34mm; display: block; image-rendering: pixelated; }
.lx-inv-text { flex: 1; min-width: 0; display: flex; flex-direction: column; gap: 1.4mm; }
.lx-inv-name { font-size: 17pt; font-weight: 700; line-height: 1.2; }
.lx-inv-unit { font-size: 10pt; color: #555; }
.lx-inv-how { font-size: 11.5pt; line-height: 1.4; }
.lx-inv-exp { font-size: 10.5pt; color: #a50f25; font-weight: 600; }
.lx-inv-note { font-size: 8.5pt; color: #888; }
@media print {
  body.lx-inv-printing > *:not(.lx-inv-root) { display: none !important; }
  body.lx-inv-printing { background: #fff !important; }
  .lx-inv-root { position: static; overflow: visible; background: #fff; }
  .lx-inv-toolbar { display: none !important; }
  .lx-inv-page { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
  .lx-inv-root, .lx-inv-root * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

interface Props {
  items: InvitationSheetItem[];
  /** the unit the sheet is of, in its heading */
  unitName: string;
  onClose: () => void;
}

/** 开通邀请单: name, unit, the member's own QR code, how to use it and until when: printable on A4. */
export function InvitationSheet({ items, unitName, onClose }: Props) {
  const { t } = useI18n();
  const codes = useQrCodes(items.map((i) => i.link));
  const ready = items.every((i) => codes.has(i.link));
  const lastDay = items.reduce((d, i) => (chinaDayOf(i.expiresAt) < d || !d ? chinaDayOf(i.expiresAt) : d), '');

  useEffect(() => {
    const before = document.title;
    document.title = `${t('sheet.docTitle')} - ${unitName}`;
    document.body.classList.add('lx-inv-printing');
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => {
      document.title = before;
      document.body.classList.remove('lx-inv-printing');
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose, t, unitName]);

  return createPortal(
    <div className="lx-inv-root" data-testid="invitation-sheet" role="dialog" aria-modal="true" aria-label={t('sheet.title')}>
      <style>{CSS}</style>
      <div className="lx-inv-toolbar" role="toolbar">
        <h1>{t('sheet.title')}</h1>
        <span className="lx-muted">{t('sheet.info', { n: items.length, date: lastDay })}</span>
        <span className="lx-grow" />
        <span className="lx-muted">{t('sheet.hint')}</span>
        <Button type="primary" icon={<PrinterOutlined aria-hidden />} disabled={!ready} onClick={() => window.print()} data-testid="sheet-print">
          {t('sheet.print')}
        </Button>
        <Button icon={<CloseOutlined aria-hidden />} onClick={onClose} data-testid="sheet-close">
          {t('common.close')}
        </Button>
      </div>
      <div className="lx-inv-page">
        <div className="lx-inv-head">
          <h2>{t('sheet.title')}</h2>
          <span>{unitName}</span>
        </div>
        {items.map((i) => (
          <div key={i.memberId} className="lx-inv-row" data-testid="sheet-row" data-member-id={i.memberId}>
            <div className="lx-inv-qr">{codes.has(i.link) ? <img src={codes.get(i.link)} alt={t('sheet.qrAlt', { name: i.name })} data-testid="sheet-qr" /> : <Spin />}</div>
            <div className="lx-inv-text">
              <div className="lx-inv-name">{i.name}</div>
              <div className="lx-inv-unit">{t('sheet.rowUnit', { unit: i.unitName })}</div>
              <div className="lx-inv-how">{t('sheet.instructions')}</div>
              <div className="lx-inv-exp">{t('sheet.expires', { date: chinaDayOf(i.expiresAt) })}</div>
              <div className="lx-inv-note">{t('sheet.confidential')}</div>
            </div>
          </div>
        ))}
      </div>
    </div>,
    document.body,
  );
}
