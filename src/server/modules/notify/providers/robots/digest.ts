import type { RobotDigest } from '../types.ts';

/**
 * Fitting a digest into one robot message. Each service takes a bounded body (企业微信 markdown
 * 4096 bytes, 钉钉 and 飞书 20000): the first lines that fit go out whole, the rest become one
 * closing line "……等 N 项，请打开连心查看". Texts are cut only between characters, never inside a
 * multi-byte one, so a group never sees a broken character.
 */

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The longest start of `text` of at most `maxBytes` UTF-8 bytes, whole characters (code points) only. */
export function cutToBytes(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = utf8Bytes(ch);
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** `text` shortened to `maxBytes` with "…" when it had to be cut. */
export function clampText(text: string, maxBytes: number): string {
  if (utf8Bytes(text) <= maxBytes) return text;
  return cutToBytes(text, maxBytes - utf8Bytes('…')) + '…';
}

/** A line or title longer than this is shortened, so one long title cannot crowd out the others. */
export const MAX_LINE_BYTES = 300;
export const MAX_TITLE_BYTES = 120;

export const omittedNote = (n: number): string => `……等 ${n} 项，请打开连心查看`;

/**
 * The message `render` builds for the most lines of `digest` whose measure is within `maxBytes`.
 * `render(title, lines, omitted)` builds the message for the first lines with `omitted` more left
 * out; `measure` gives its size as the service counts it. Keeping more lines never makes a message
 * smaller, so the count is found by bisection.
 */
export function fitDigest<M>(
  digest: RobotDigest,
  maxBytes: number,
  render: (title: string, lines: RobotDigest['lines'], omitted: number) => M,
  measure: (message: M) => number,
): { message: M; kept: number; omitted: number } {
  const title = clampText(digest.title, MAX_TITLE_BYTES);
  const lines = digest.lines.map((l) => ({ text: clampText(l.text, MAX_LINE_BYTES), link: l.link }));
  const build = (k: number) => render(title, lines.slice(0, k), lines.length - k);
  const whole = build(lines.length);
  if (measure(whole) <= maxBytes) return { message: whole, kept: lines.length, omitted: 0 };
  let lo = 0; // fits (or nothing smaller exists)
  let hi = lines.length; // does not fit
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (measure(build(mid)) <= maxBytes) lo = mid;
    else hi = mid;
  }
  return { message: build(lo), kept: lo, omitted: lines.length - lo };
}

/** Square brackets in a title would end a markdown link early. */
export const markdownLabel = (text: string): string => text.replace(/\[/g, '［').replace(/\]/g, '］').replace(/\n/g, ' ');
