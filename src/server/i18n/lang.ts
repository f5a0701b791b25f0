/**
 * The caller's language: what the web apps send as `Accept-Language` (the language the person chose
 * in the console or the member app). Chinese unless the first preference is English.
 */
export type Lang = 'zh-CN' | 'en-US';

export function langOf(acceptLanguage: string | string[] | undefined): Lang {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage[0] : acceptLanguage;
  const first = header?.split(',')[0]?.split(';')[0]?.trim().toLowerCase() ?? '';
  return first === 'en' || first.startsWith('en-') ? 'en-US' : 'zh-CN';
}
