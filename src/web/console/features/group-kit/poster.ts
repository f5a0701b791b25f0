import QRCode from 'qrcode';
import { chinaDateTime, chinaDay } from '../../../../shared/china-time.ts';
import type { GroupKit, KitSourceKind } from '../../../../shared/api-notify-kit.ts';

/**
 * The poster of a push or a class for a branch's ordinary WeChat group: a phone-sized PNG drawn in
 * the browser (nothing leaves it but the link, which the QR code carries), with the village's red
 * header, the title, the date, the unit and a QR code of the group link. Like the kit's text it is
 * Chinese whatever the console's language: the group's members read it.
 */

export const POSTER_WIDTH = 750;
export const POSTER_HEIGHT = 1334;
export const POSTER_RED = '#c41d1d';
export const POSTER_FONTS = '"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif';

/** What the poster says, line by line (tested without a canvas). */
export interface PosterText {
  label: string;
  title: string;
  /** 时间：2026-12-20 19:30 (a class) or 日期：2026-12-20 (a push), China time */
  when: string | null;
  unit: string;
  scan: string;
  footer: string;
}

export function posterText(kind: KitSourceKind, kit: Pick<GroupKit, 'label' | 'title' | 'when' | 'orgName'>): PosterText {
  const at = kit.when ? new Date(kit.when) : null;
  return {
    label: kit.label,
    title: kit.title,
    when: at ? (kind === 'meeting' ? `时间：${chinaDateTime(at)}` : `日期：${chinaDay(at)}`) : null,
    unit: kit.orgName,
    scan: kind === 'meeting' ? '微信扫码或长按识别，进入课堂' : '微信扫码或长按识别，开始学习',
    footer: '连心 · 离乡不离党，流动不流失',
  };
}

/**
 * Cuts a text into lines no wider than `maxWidth`, character by character (Chinese has no spaces to
 * break at); the last line allowed ends with "…" when the text does not fit.
 */
export function wrapLines(text: string, measure: (s: string) => number, maxWidth: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  for (let i = 0; i < chars.length; i++) {
    const next = line + chars[i];
    if (measure(next) <= maxWidth || line === '') {
      line = next;
      continue;
    }
    if (lines.length === maxLines - 1) {
      let cut = line;
      while (cut.length > 0 && measure(`${cut}…`) > maxWidth) cut = Array.from(cut).slice(0, -1).join('');
      lines.push(`${cut}…`);
      return lines;
    }
    lines.push(line);
    line = chars[i] as string;
  }
  if (line) lines.push(line);
  return lines;
}

const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px ${POSTER_FONTS}`;

function drawQr(ctx: CanvasRenderingContext2D, link: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(link, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = Math.floor(size / (n + quiet * 2));
  const drawn = cell * (n + quiet * 2);
  const left = x + Math.floor((size - drawn) / 2);
  const top = y + Math.floor((size - drawn) / 2);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(left, top, drawn, drawn);
  ctx.fillStyle = '#000000';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c)) ctx.fillRect(left + (c + quiet) * cell, top + (r + quiet) * cell, cell, cell);
    }
  }
}

/** Draws the poster on a canvas of its own size and returns it. */
export function drawPoster(canvas: HTMLCanvasElement, text: PosterText, link: string): HTMLCanvasElement {
  canvas.width = POSTER_WIDTH;
  canvas.height = POSTER_HEIGHT;
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  const center = POSTER_WIDTH / 2;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';

  ctx.fillStyle = '#fff8f0';
  ctx.fillRect(0, 0, POSTER_WIDTH, POSTER_HEIGHT);
  // The red header: the unit and what this is.
  ctx.fillStyle = POSTER_RED;
  ctx.fillRect(0, 0, POSTER_WIDTH, 300);
  ctx.fillStyle = '#ffe58f';
  ctx.fillRect(0, 300, POSTER_WIDTH, 8);
  ctx.fillStyle = '#ffffff';
  ctx.font = font(34);
  for (const [i, line] of wrapLines(text.unit, (s) => ctx.measureText(s).width, POSTER_WIDTH - 120, 1).entries()) ctx.fillText(line, center, 110 + i * 44);
  ctx.font = font(76, true);
  ctx.fillText(`【${text.label}】`, center, 220);

  // The title, up to four lines, and when.
  ctx.fillStyle = '#1f1f1f';
  ctx.font = font(48, true);
  const titleLines = wrapLines(text.title, (s) => ctx.measureText(s).width, POSTER_WIDTH - 120, 4);
  let y = 420;
  for (const line of titleLines) {
    ctx.fillText(line, center, y);
    y += 66;
  }
  if (text.when) {
    ctx.fillStyle = POSTER_RED;
    ctx.font = font(36, true);
    ctx.fillText(text.when, center, y + 10);
    y += 56;
  }

  // The QR code of the group link on a white card.
  const qrSize = 400;
  const qrTop = Math.max(y + 30, 700);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(center - qrSize / 2 - 24, qrTop - 24, qrSize + 48, qrSize + 48);
  drawQr(ctx, link, center - qrSize / 2, qrTop, qrSize);
  ctx.fillStyle = '#595959';
  ctx.font = font(30);
  ctx.fillText(text.scan, center, qrTop + qrSize + 80);

  ctx.fillStyle = POSTER_RED;
  ctx.fillRect(0, POSTER_HEIGHT - 80, POSTER_WIDTH, 80);
  ctx.fillStyle = '#ffffff';
  ctx.font = font(28);
  ctx.fillText(text.footer, center, POSTER_HEIGHT - 30);
  return canvas;
}

export function posterBlob(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas'))), 'image/png'));
}

/** Whether this browser can put an image on the clipboard (Chromium over https or localhost). */
export const canCopyImage = (): boolean => typeof ClipboardItem !== 'undefined' && typeof navigator.clipboard?.write === 'function';
