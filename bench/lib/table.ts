/** One line of the result table. Targets are information, not tests: a miss is marked ✗, never thrown. */
export interface Row {
  figure: string;
  value: string;
  target: string;
  limit: string;
  ratio: string;
  pass: '✓' | '✗' | '–';
}

export const passMark = (ok: boolean | null): Row['pass'] => (ok === null ? '–' : ok ? '✓' : '✗');

/** A row for a figure that could not be measured in this run (never a made-up number). */
export function unavailable(figure: string, target: string, why: string): Row {
  return { figure, value: why, target, limit: '—', ratio: '—', pass: '–' };
}

const esc = (s: string): string => s.replaceAll('|', '\\|');

export function renderTable(rows: Row[]): string {
  const header = ['figure', 'value', 'target', 'limit measured in the same run', 'ratio', 'pass'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 5 ? ':-:' : '---')).join('|')}|`];
  for (const r of rows) lines.push(`| ${[r.figure, r.value, r.target, r.limit, r.ratio, r.pass].map(esc).join(' | ')} |`);
  return lines.join('\n');
}
