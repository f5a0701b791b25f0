import { z } from 'zod';
import { CJK_TEXT } from './cjk.ts';
import { EXACT, TEMPLATES, WORDS } from './messages-en.ts';
import type { Lang } from './lang.ts';

/**
 * A server message in the caller's language. Messages are worded in Chinese where they arise;
 * for an en-US caller the one error mapping (app.ts) and the use cases that word texts pass them
 * through `say(lang, text)`, which finds the English in messages-en.ts.
 */

interface Template {
  pattern: RegExp;
  names: string[];
  text: string;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The most specific templates first: more fixed text, then fewer values. */
const COMPILED: Template[] = Object.entries(TEMPLATES)
  .map(([zh, text]) => {
    const names: string[] = [];
    const parts = zh.split(/\{(\w+)\}/);
    let source = '';
    parts.forEach((part, i) => {
      if (i % 2 === 0) source += escape(part);
      else {
        names.push(part);
        source += '(.*?)';
      }
    });
    const fixed = parts.filter((_, i) => i % 2 === 0).join('').length;
    return { pattern: new RegExp(`^${source}$`, 's'), names, text, fixed };
  })
  .sort((a, b) => b.fixed - a.fixed || a.names.length - b.names.length);

/** A value inside a message: its own entry, else word by word (data such as names stays). */
function value(text: string, depth: number): string {
  if (!CJK_TEXT.test(text)) return text;
  const whole = english(text, depth + 1);
  if (whole !== undefined) return whole;
  let out = text;
  for (const [zh, en] of WORDS) out = out.replaceAll(zh, en);
  return out;
}

/** The English of a Chinese message, or undefined when the catalog has none. */
export function english(text: string, depth = 0): string | undefined {
  const exact = EXACT[text];
  if (exact !== undefined) return exact;
  if (depth > 4) return undefined;
  for (const t of COMPILED) {
    const m = t.pattern.exec(text);
    if (!m) continue;
    let out = t.text;
    t.names.forEach((name, i) => {
      out = out.replace(`{${name}}`, value(m[i + 1] ?? '', depth));
    });
    return out;
  }
  // Several messages joined (a form's problems): each on its own.
  if (text.includes('；')) {
    const parts = text.split('；');
    const each = parts.map((p) => english(p, depth + 1));
    if (each.every((p) => p !== undefined)) return each.join('; ');
  }
  return undefined;
}

/** The text in the caller's language: Chinese as worded, English when the catalog has it (else as worded). */
export function say(lang: Lang | undefined, text: string): string {
  if (lang !== 'en-US' || !CJK_TEXT.test(text)) return text;
  return english(text) ?? text;
}

// ——— zod's own messages (the checks a schema gives no message of its own) ———

const enLocale = z.locales.en().localeError;
/** zod's Chinese names of the type it received (zh-CN locale), for an issue that no longer holds the input. */
const RECEIVED: Record<string, string> = { 数字: 'number', 字符串: 'string', 数组: 'array', 对象: 'object', 布尔值: 'boolean', 空值: 'null', 未定义: 'undefined', 'NaN': 'NaN' };

/**
 * One issue of a request's schema check in the caller's language. A message the schema gave
 * (src/shared: '请写明要做什么') comes from the catalog; zod's own is worded again by its English
 * locale from the issue's details (Fastify's validation error keeps them as `params`).
 */
export function zodIssueMessage(lang: Lang, message: string, code: string, params: Record<string, unknown> | undefined, path: PropertyKey[]): string {
  if (lang !== 'en-US') return message;
  const known = english(message);
  if (known !== undefined) return known;
  if (code === 'invalid_type') {
    const received = /实际接收\s*(.+)$/.exec(message)?.[1]?.trim();
    const word = received ? (RECEIVED[received] ?? (CJK_TEXT.test(received) ? undefined : received)) : undefined;
    return `Invalid input: expected ${String(params?.expected ?? 'a value')}${word ? `, received ${word}` : ''}`;
  }
  try {
    const rendered = enLocale({ ...params, code, path, message } as unknown as Parameters<typeof enLocale>[0]);
    const text = typeof rendered === 'string' ? rendered : rendered?.message;
    if (text) return text;
  } catch {
    // an issue zod's locale cannot word: the generic text below
  }
  return 'Invalid input';
}
