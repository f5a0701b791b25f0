import { CloseOutlined, PrinterOutlined } from '@ant-design/icons';
import { Button, Result, Spin } from 'antd';
import { useEffect, type ReactNode } from 'react';
import type { ApiError } from '../../../api.ts';
import { useI18n } from '../../../i18n.tsx';

/** Chinese serif faces first: the printed Chinese reads as a printed card, not a screen. */
export const PRINT_FONTS = '"Noto Serif CJK SC","Source Han Serif SC","Songti SC","SimSun",serif';

/**
 * Rules every print page shares: A4 sheets with no browser margin (each page draws its own), a toolbar
 * that is not printed, no element cut across two pages, colours kept (browsers drop backgrounds by default).
 */
const BASE_CSS = `
@page { size: A4 portrait; margin: 0; }
.lx-print { min-height: 100vh; background: #e8e8ec; color: #222; font-family: ${PRINT_FONTS}; }
.lx-print-toolbar { position: sticky; top: 0; z-index: 10; display: flex; flex-wrap: wrap; align-items: center; gap: 12px; padding: 10px 24px;
  background: #fff; border-bottom: 1px solid #ddd; font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 14px; }
.lx-print-toolbar h1 { font-size: 16px; margin: 0; font-weight: 600; }
.lx-print-toolbar .lx-grow { flex: 1; }
.lx-print-toolbar .lx-muted { color: #888; }
.lx-print-toolbar .lx-warn { color: #d46b08; }
.lx-print-empty { padding: 80px 24px; text-align: center; color: #888; font-family: system-ui, sans-serif; }
.lx-sheet { position: relative; width: 210mm; height: 296mm; margin: 16px auto; background: #fff; box-shadow: 0 2px 14px rgba(0,0,0,.16);
  box-sizing: border-box; overflow: hidden; break-after: page; page-break-after: always; }
.lx-sheet:last-of-type { break-after: auto; page-break-after: auto; }
.lx-sheet * { box-sizing: border-box; }
.lx-avoid { break-inside: avoid; page-break-inside: avoid; }
@media print {
  html, body, #root { background: #fff !important; height: auto !important; }
  .lx-print { background: #fff; min-height: 0; }
  .lx-print-toolbar, .lx-no-print { display: none !important; }
  .lx-sheet { margin: 0; box-shadow: none; }
  .lx-print, .lx-print * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

interface Props {
  /** the browser tab's title while the page is open (also the default file name of "save as PDF") */
  docTitle: string;
  heading: ReactNode;
  /** counts and notes next to the heading */
  info?: ReactNode;
  /** more controls in the toolbar (e.g. which cards to print) */
  controls?: ReactNode;
  loading: boolean;
  error: ApiError | null;
  /** the page's own rules (its sheet layout) */
  css: string;
  empty: boolean;
  emptyText: string;
  testId: string;
  children: ReactNode;
}

/** A print page without the console's menu and header: a toolbar with 打印 (not printed) and the A4 sheets. */
export function PrintShell({ docTitle, heading, info, controls, loading, error, css, empty, emptyText, testId, children }: Props) {
  const { t } = useI18n();
  useEffect(() => {
    const before = document.title;
    document.title = docTitle;
    return () => {
      document.title = before;
    };
  }, [docTitle]);

  return (
    <div className="lx-print" data-testid={testId}>
      <style>{BASE_CSS + css}</style>
      <div className="lx-print-toolbar" role="toolbar" aria-label={t('print.toolbar')}>
        <h1>{heading}</h1>
        {info && <span className="lx-muted">{info}</span>}
        <span className="lx-grow" />
        {controls}
        <span className="lx-muted">{t('print.hint')}</span>
        <Button type="primary" icon={<PrinterOutlined aria-hidden />} disabled={loading || !!error || empty} onClick={() => window.print()} data-testid="print-button">
          {t('print.print')}
        </Button>
        <Button icon={<CloseOutlined aria-hidden />} onClick={() => window.close()}>
          {t('common.close')}
        </Button>
      </div>
      {error ? (
        <Result status={error.status === 403 ? '403' : error.status === 404 ? '404' : 'error'} title={error.message || t('error.generic')} />
      ) : loading ? (
        <div className="lx-print-empty">
          <Spin size="large" />
        </div>
      ) : empty ? (
        <div className="lx-print-empty" data-testid="print-empty">
          {emptyText}
        </div>
      ) : (
        children
      )}
    </div>
  );
}

/** Splits a list into pages of `size`. */
export function pages<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** 13800000001 → 138 0000 0001: easier to read aloud and to dial from paper. */
export function phoneText(p: string | null | undefined): string {
  if (!p) return '—';
  return /^1\d{10}$/.test(p) ? `${p.slice(0, 3)} ${p.slice(3, 7)} ${p.slice(7)}` : p;
}
