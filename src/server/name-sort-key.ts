import { pinyin } from 'pinyin-pro';

/**
 * The key a person's name is ordered by in SQL: its pinyin without tones, one syllable per word,
 * lower case (张三 → "zhang san", 安娜 → "an na"). The embedded database has no Chinese ICU
 * collation (PGlite ships only the root one, which orders Han characters by code point), so the
 * key is computed here, stored in `member.name_sort_key` (collation "C", the same bytes order on
 * every server) and the name itself breaks ties between homophones. Surname readings are used for
 * the first characters (单 shan, 曾 zeng, 长孙 zhangsun).
 */
export function nameSortKey(name: string): string {
  const syllables = pinyin(name.trim(), { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' });
  return syllables
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '')
    .join(' ');
}
