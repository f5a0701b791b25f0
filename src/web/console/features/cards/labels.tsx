import { Tag } from 'antd';
import dayjs from 'dayjs';
import { CARD_CHANNELS, CARD_OCCASIONS } from '../../../../shared/enums.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import type { CardChannel, CardOccasion, CardPostStatus } from '../../types.ts';
import { chinaTodayString } from '../../china-day.ts';

// ---------- delivery trips (千里送学) ----------
/**
 * What the console offers as chips for "handed over". The words are stored as typed (the server keeps a
 * free list): these four in Chinese whatever the console's language, so lists and prints agree.
 */
export const ITEM_PRESETS: { word: string; key: MsgKey }[] = [
  { word: '书籍', key: 'delivery.item.books' },
  { word: '学习资料', key: 'delivery.item.materials' },
  { word: '党徽', key: 'delivery.item.badge' },
  { word: '其他', key: 'delivery.item.other' },
];

/** A stored item word in the console's language (the four presets translate; other words show as written). */
export function itemText(t: (k: MsgKey) => string, word: string): string {
  const preset = ITEM_PRESETS.find((p) => p.word === word);
  return preset ? t(preset.key) : word;
}

export function ItemTags({ items }: { items: readonly string[] }) {
  const { t } = useI18n();
  return (
    <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap' }}>
      {items.map((w) => (
        <Tag key={w} color={w === '党徽' ? 'red' : 'gold'} variant="outlined" style={{ marginInlineEnd: 0 }}>
          {itemText(t, w)}
        </Tag>
      ))}
    </span>
  );
}

// ---------- holiday cards (节日贺卡) ----------
export const OCCASIONS: CardOccasion[] = [...CARD_OCCASIONS];
export const OCCASION_KEYS: Record<CardOccasion, MsgKey> = {
  spring_festival: 'card.occasion.spring_festival',
  dragon_boat: 'card.occasion.dragon_boat',
  mid_autumn: 'card.occasion.mid_autumn',
  custom: 'card.occasion.custom',
};
const OCCASION_COLORS: Record<CardOccasion, string> = { spring_festival: 'red', dragon_boat: 'green', mid_autumn: 'gold', custom: 'purple' };
/** Title and greeting the new-campaign form fills in per occasion (editable). */
export const OCCASION_PRESETS: Record<CardOccasion, { title: MsgKey; greeting: MsgKey }> = {
  spring_festival: { title: 'card.preset.spring_festival.title', greeting: 'card.preset.spring_festival.greeting' },
  dragon_boat: { title: 'card.preset.dragon_boat.title', greeting: 'card.preset.dragon_boat.greeting' },
  mid_autumn: { title: 'card.preset.mid_autumn.title', greeting: 'card.preset.mid_autumn.greeting' },
  custom: { title: 'card.preset.custom.title', greeting: 'card.preset.custom.greeting' },
};
export const BIRTHDAY_PRESET: { title: MsgKey; greeting: MsgKey } = { title: 'card.preset.birthday.title', greeting: 'card.preset.birthday.greeting' };

/**
 * Days of the lunar festivals (正月初一, 五月初五, 八月十五) in the coming years: the lunar calendar
 * cannot be computed from a few lines, and a table this short is easy to check and to extend.
 */
const FESTIVAL_DAYS: Record<Exclude<CardOccasion, 'custom'>, string[]> = {
  spring_festival: ['2025-01-29', '2026-02-17', '2027-02-06', '2028-01-26', '2029-02-13', '2030-02-03', '2031-01-23', '2032-02-11'],
  dragon_boat: ['2025-05-31', '2026-06-19', '2027-06-09', '2028-05-28', '2029-06-16', '2030-06-05', '2031-06-24', '2032-06-12'],
  mid_autumn: ['2025-10-06', '2026-09-25', '2027-09-15', '2028-10-03', '2029-09-22', '2030-09-12', '2031-10-01', '2032-09-19'],
};

/** The next day of this festival from today on (null: custom, or past the table). */
export function nextFestivalDay(occasion: CardOccasion, today: string = chinaTodayString()): string | null {
  if (occasion === 'custom') return null;
  return FESTIVAL_DAYS[occasion].find((d) => d >= today) ?? null;
}

/**
 * The suggested send day: e-cards arrive on the eve of the festival (除夕 for 春节), never before today.
 * Posted cards take longer: the secretary prints and posts them earlier, whatever this day says.
 */
export function suggestedSendDay(occasion: CardOccasion, today: string = chinaTodayString()): string {
  const day = nextFestivalDay(occasion, today);
  if (!day) return today;
  const eve = dayjs(day).subtract(1, 'day').format('YYYY-MM-DD');
  return eve < today ? today : eve;
}

export function OccasionTag({ occasion }: { occasion: CardOccasion }) {
  const { t } = useI18n();
  return (
    <Tag color={OCCASION_COLORS[occasion]} style={{ marginInlineEnd: 0 }}>
      {t(OCCASION_KEYS[occasion])}
    </Tag>
  );
}

export const CHANNELS: CardChannel[] = [...CARD_CHANNELS];
export const CHANNEL_KEYS: Record<CardChannel, MsgKey> = { ecard: 'card.channel.ecard', post: 'card.channel.post', both: 'card.channel.both' };

export function ChannelTag({ channel }: { channel: CardChannel }) {
  const { t } = useI18n();
  return (
    <Tag color={channel === 'ecard' ? 'blue' : channel === 'post' ? 'orange' : 'purple'} variant="outlined" style={{ marginInlineEnd: 0 }}>
      {t(CHANNEL_KEYS[channel])}
    </Tag>
  );
}

export const POST_STATUS_KEYS: Record<CardPostStatus, MsgKey> = {
  none: 'card.post.none',
  pending: 'card.post.pending',
  posted: 'card.post.posted',
  delivered: 'card.post.delivered',
  returned: 'card.post.returned',
};
const POST_STATUS_COLORS: Record<CardPostStatus, string> = { none: 'default', pending: 'gold', posted: 'blue', delivered: 'green', returned: 'red' };

export function PostStatusTag({ status }: { status: CardPostStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={POST_STATUS_COLORS[status]} style={{ marginInlineEnd: 0 }} data-status={status}>
      {t(POST_STATUS_KEYS[status])}
    </Tag>
  );
}

/** A card goes by post when its channel says so. */
export const isPosted = (channel: CardChannel): boolean => channel === 'post' || channel === 'both';

/** Opens a print page in a new tab (the page has no console chrome and its own 打印 button). */
export function openPrint(pathWithQuery: string): void {
  window.open(pathWithQuery, '_blank', 'noopener');
}
