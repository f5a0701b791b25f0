/**
 * Money as integer fen (分), end to end: the API takes yuan as a decimal string with at most two
 * places ("12.50", "12.5", "12") and never parses it through a float, so "0.10" + "0.20" is 30 fen
 * exactly; answers carry fen as integers and the web formats them with `formatFen`.
 * Integers below 2^53 are exact in JavaScript: the largest amount taken is far below that.
 */

/** The largest amount one entry may carry: 1 亿 yuan. */
const MAX_FEN = 10_000_000_000;

/** Why a yuan text is not an amount (Chinese, for a field's problem), or null when it is one. */
export function yuanProblem(text: string): string | null {
  const t = text.trim();
  if (t === '') return '请填写金额';
  if (t.startsWith('-')) return '金额不能为负数';
  if (!/^\d+(\.\d*)?$/.test(t)) return '金额应为数字，如 12.50';
  const [, decimals = ''] = t.split('.');
  if (decimals.length > 2) return '金额最多两位小数（精确到分）';
  const fen = toFen(t);
  if (fen > MAX_FEN) return '金额太大';
  return null;
}

function toFen(t: string): number {
  const [whole = '0', decimals = ''] = t.split('.');
  const wholeDigits = whole.replace(/^0+(?=\d)/, '');
  if (wholeDigits.length > 12) return Number.POSITIVE_INFINITY;
  return Number(wholeDigits) * 100 + Number((decimals + '00').slice(0, 2));
}

/** "12.5" → 1250 fen; null for a negative, a non-number, more than two decimals or too much. */
export function parseYuan(text: string): number | null {
  if (yuanProblem(text) !== null) return null;
  return toFen(text.trim());
}

/** 1250 → "12.50"; 123456789 → "1234567.89" (with `grouped`: "1,234,567.89"); negative as "-12.50". */
export function formatFen(fen: number, opts: { grouped?: boolean } = {}): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  let whole = String(Math.floor(abs / 100));
  if (opts.grouped) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}
