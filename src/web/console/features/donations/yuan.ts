import { formatFen } from '../../../../shared/money.ts';
import type { Translate } from '../../i18n.tsx';

/** An amount in fen as the console shows it, grouped with its unit: 123456 → "1,234.56 元" / "1,234.56 yuan". */
export function yuanText(t: Translate, fen: number): string {
  return t('donation.yuan', { amount: formatFen(fen, { grouped: true }) });
}
