import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CJK_TEXT as CJK } from './cjk.ts';

/**
 * The texts the server words, read from the source: every Chinese string or template in the
 * arguments of `new AppError(…)`, `notFound(…)` and the helpers that build one, every `message:`
 * given to a field's problem, and every Chinese string or template of the
 * files that word messages outside such calls (the edge's checks, the shared schemas' messages,
 * the import's row problems). A template comes back with each `${…}` replaced by a sample value
 * without Chinese ('x1'), which is what a message made from it looks like when its values are data.
 * Used by the test that every message has an English text (i18n.test.ts).
 */


/** Files whose every Chinese literal is a message (relative to the repository's root). */
const WHOLE_FILES = [
  'src/server/app.ts',
  'src/server/http.ts',
  'src/server/errors.ts',
  'src/server/input-guard.ts',
  'src/server/modules/roster/import-row.ts',
  'src/server/modules/roster/import-refs.ts',
  'src/server/modules/roster/import-jobs.ts',
  'src/server/modules/members/service.ts',
  'src/server/modules/accounts/leaders.ts',
  'src/server/modules/meetings/participation.ts',
];
const SKIP_DIRS = new Set(['demo', 'i18n']);

function filesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) out.push(...filesUnder(root, rel));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

interface Literal {
  /** offset of the opening quote */
  at: number;
  text: string;
}

/**
 * The string and template literals of a source file, comments skipped (a template's `${…}` parts
 * are scanned as code, so literals inside them are found too). Regular expressions are rare in
 * the files read and hold no quotes that matter; a `/` after a value is division.
 */
export function literalsOf(src: string): { literals: Literal[]; calls: { name: string; open: number; close: number }[] } {
  const literals: Literal[] = [];
  const calls: { name: string; open: number; close: number }[] = [];
  const parens: { name: string; open: number }[] = [];
  let i = 0;
  let lastWord = '';
  const readString = (q: string): string => {
    let out = '';
    i++;
    while (i < src.length && src[i] !== q) {
      if (src[i] === '\\') {
        out += src[i + 1] === 'n' ? '\n' : (src[i + 1] ?? '');
        i += 2;
      } else out += src[i++];
    }
    i++;
    return out;
  };
  // A template: returns its text with every ${…} as 'x1', scanning the code inside.
  const readTemplate = (): string => {
    let out = '';
    i++;
    while (i < src.length && src[i] !== '`') {
      if (src[i] === '\\') {
        out += src[i + 1] ?? '';
        i += 2;
      } else if (src[i] === '$' && src[i + 1] === '{') {
        i += 2;
        code(true);
        i++;
        out += 'x1';
      } else out += src[i++];
    }
    i++;
    return out;
  };
  // Code until the end, or until the `}` closing a template's ${ (when inTemplate).
  const code = (inTemplate: boolean): void => {
    let depth = 0;
    while (i < src.length) {
      const c = src[i] as string;
      if (c === '/' && src[i + 1] === '/') {
        while (i < src.length && src[i] !== '\n') i++;
      } else if (c === '/' && src[i + 1] === '*') {
        const end = src.indexOf('*/', i + 2);
        i = end === -1 ? src.length : end + 2;
      } else if (c === '/' && /[=(,:;!&|?{}[\n]\s*$/.test(src.slice(Math.max(0, i - 20), i))) {
        // a regular expression literal
        i++;
        let inClass = false;
        while (i < src.length && (src[i] !== '/' || inClass)) {
          if (src[i] === '\\') i++;
          else if (src[i] === '[') inClass = true;
          else if (src[i] === ']') inClass = false;
          i++;
        }
        i++;
      } else if (c === "'" || c === '"') {
        const at = i;
        literals.push({ at, text: readString(c) });
        lastWord = '';
      } else if (c === '`') {
        const at = i;
        literals.push({ at, text: readTemplate() });
        lastWord = '';
      } else if (c === '{') {
        depth++;
        i++;
      } else if (c === '}') {
        if (inTemplate && depth === 0) return;
        depth--;
        i++;
      } else if (c === '(') {
        parens.push({ name: lastWord, open: i });
        lastWord = '';
        i++;
      } else if (c === ')') {
        const p = parens.pop();
        if (p) calls.push({ name: p.name, open: p.open, close: i });
        i++;
      } else if (/[A-Za-z_$]/.test(c)) {
        const m = /^[A-Za-z0-9_$]+/.exec(src.slice(i, i + 100));
        lastWord = m?.[0] ?? c;
        i += lastWord.length;
      } else {
        if (!/\s/.test(c)) lastWord = '';
        i++;
      }
    }
  };
  code(false);
  return { literals, calls };
}

/** Calls whose arguments are messages: the error and the helpers that build one from a field's problem. */
const MESSAGE_CALLS = new Set(['AppError', 'notFound', 'fail', 'dayIssue', 'problem']);
/** A literal given as a field problem's `message` (`issues.push({ field, message: … })`). */
const AS_MESSAGE = /\bmessage(:|\s*=)\s*$/;

export function sourceMessages(root: string): { file: string; text: string }[] {
  const found = new Map<string, string>();
  const whole = new Set([...WHOLE_FILES, ...filesUnder(root, 'src/shared')]);
  for (const file of new Set([...whole, ...filesUnder(root, 'src/server')])) {
    const src = readFileSync(path.join(root, file), 'utf8');
    const { literals, calls } = literalsOf(src);
    const spans = calls.filter((c) => MESSAGE_CALLS.has(c.name));
    for (const l of literals) {
      if (!CJK.test(l.text)) continue;
      if (whole.has(file) || AS_MESSAGE.test(src.slice(Math.max(0, l.at - 20), l.at)) || spans.some((s) => l.at > s.open && l.at < s.close)) {
        if (!found.has(l.text)) found.set(l.text, file);
      }
    }
  }
  return [...found].map(([text, file]) => ({ text, file }));
}
