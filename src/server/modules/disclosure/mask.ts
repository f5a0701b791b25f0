/**
 * Mobile numbers in the free text of 党务公开. A pledge's body, an outcome note, a spending's
 * purpose, goods or a donor's name are typed by people, and a phone number typed there (帮办请打
 * 13812345678) would be published to anyone with the link. Every such number is masked to the form
 * 138****5678 when the snapshot is built (so the stored month, the console's preview and the public
 * page all carry it masked), and the secretary's note when it is saved.
 *
 * A mobile number is 1, then 3–9, then nine digits; written in one run or split 3-4-4 by a space or a
 * hyphen (138 1234 5678, 138-1234-5678). It is masked wherever it stands, also inside a longer run of
 * digits (an ID or account number is then partly masked, which is no loss on a public page).
 */
const MOBILE = /1[3-9]\d[ -]?\d{4}[ -]?\d{4}/g;

/** '电话13812345678' → '电话138****5678' */
export function maskMobiles(text: string): string {
  return text.replace(MOBILE, (found) => {
    const digits = found.replace(/[ -]/g, '');
    return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  });
}

/** The same value with every string in it (at any depth) masked; numbers, booleans and nulls as they are. */
export function maskMobilesDeep<T>(value: T): T {
  if (typeof value === 'string') return maskMobiles(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskMobilesDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskMobilesDeep(v)])) as T;
  }
  return value;
}
