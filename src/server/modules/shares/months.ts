import { addMonths, chinaDayStart } from '../../../shared/china-time.ts';

/** A calendar month in Asia/Shanghai ('YYYY-MM') as a time range [from, to). */
export function monthRange(month: string): { from: Date; to: Date } {
  const first = `${month}-01`;
  return { from: chinaDayStart(first), to: chinaDayStart(addMonths(first, 1)) };
}

/** The month `n` months before `month` ('YYYY-MM'). */
export const monthsBack = (month: string, n: number): string => addMonths(`${month}-01`, -n).slice(0, 7);
