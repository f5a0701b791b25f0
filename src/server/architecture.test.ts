import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The boundaries of ARCHITECTURE.md, checked on every import under src/ (static `import … from`,
 * `export … from`, side-effect `import '…'` and `import('…')`, type-only imports included):
 *
 *   - a module imports another module only through its `index.ts` (its public surface); a module's
 *     test files may import their own module's internals, never another's;
 *   - nobody outside a module imports its repo (SQL) files;
 *   - exempt from those two: test files outside the modules (src/server/*.test.ts, the demo's
 *     tests), which check what the modules do together and may reach any internals;
 *   - the module folders form no cycle, and neither do the server's top folders and files (db, auth,
 *     directory, jobs, modules, http.ts, …), apart from the assembly points that wire everything
 *     together (app.ts, services.ts, cli.ts, jobs/index.ts, demo/) and test files;
 *   - src/shared imports nothing from the server or the web apps; the web apps import nothing from
 *     the server; the console and the member app import nothing from each other (both may use
 *     src/web/common and src/shared).
 *
 * Paths are relative to src/ with forward slashes.
 */

/** One import as written: the file, its line, what it names and where that resolves to. */
interface ImportEdge {
  file: string;
  line: number;
  spec: string;
  target: string;
}

/** Files that wire every module together and so may import any module's index.ts. */
const ASSEMBLY = [/^server\/app\.ts$/, /^server\/services\.ts$/, /^server\/cli\.ts$/, /^server\/jobs\/index\.ts$/, /^server\/demo\//];

const isAssembly = (file: string): boolean => ASSEMBLY.some((re) => re.test(file));
const isTest = (file: string): boolean => /\.test\.tsx?$/.test(file);

/** Tests outside the modules check them together and may import their internals. */
const reachesInternals = (file: string): boolean => isTest(file) && moduleOf(file) === null;

/** Blanks out comments (keeping line breaks and strings) so an example in a comment is not an import. */
export function stripComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') {
        out += ' ';
        i++;
      }
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      for (; i < stop; i++) out += source[i] === '\n' ? '\n' : ' ';
    } else if (c === '"' || c === "'" || c === '`') {
      const quote = c;
      out += c;
      i++;
      while (i < source.length && source[i] !== quote) {
        if (source[i] === '\\') {
          out += source.slice(i, i + 2);
          i += 2;
          continue;
        }
        // A line break ends a broken single-quoted string; template literals may span lines.
        if (source[i] === '\n' && quote !== '`') break;
        out += source[i];
        i++;
      }
      if (i < source.length) {
        out += source[i];
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const IMPORT_PATTERNS = [
  // import x from '…', import { a } from '…', import type …, export { a } from '…', export * from '…'
  /(?:^|[\s;}])(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/g,
  // import '…' (side effects only)
  /(?:^|[\s;}])import\s*(['"])([^'"]+)\1/g,
  // import('…')
  /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
];

/** Every module specifier a source names, with its line (1-based). */
export function parseImports(source: string): { spec: string; line: number }[] {
  const text = stripComments(source);
  const found = new Map<number, { spec: string; line: number }>();
  for (const pattern of IMPORT_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const spec = m[2] as string;
      const at = (m.index ?? 0) + m[0].lastIndexOf(spec);
      if (found.has(at)) continue;
      found.set(at, { spec, line: text.slice(0, at).split('\n').length });
    }
  }
  return [...found.values()].sort((a, b) => a.line - b.line);
}

/** The imports among the given files that point into src/ (packages and node: built-ins are left out). */
export function importEdges(files: Map<string, string>): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [file, source] of files) {
    for (const { spec, line } of parseImports(source)) {
      if (!spec.startsWith('.')) continue;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec.replace(/\?.*$/, '')));
      edges.push({ file, line, spec, target });
    }
  }
  return edges;
}

/** The module a file belongs to (`server/modules/<m>/…`), if any. */
const moduleOf = (file: string): string | null => /^server\/modules\/([^/]+)\//.exec(file)?.[1] ?? null;

/** A repo file of a module: repo.ts, <something>-repo.ts, or anything in a repo/ folder. */
const isRepo = (file: string): boolean => /^server\/modules\/[^/]+\/(?:.*\/)?(?:[^/]*-)?repo(?:\.ts|\/)/.test(file);

/** The server's top-level part a file lies in: its folder (db, auth, modules, …) or the file itself. */
function topPart(file: string): string | null {
  const m = /^server\/([^/]+)(\/)?/.exec(file);
  if (!m) return null;
  return m[2] ? `server/${m[1]}/` : `server/${m[1]}`;
}

const where = (e: ImportEdge): string => `${e.file}:${e.line} imports '${e.spec}'`;

/**
 * Strongly connected components with more than one node (Tarjan): each is a cycle, reported with
 * the imports that close it.
 */
export function cycles(nodes: Iterable<string>, edges: { from: string; to: string }[]): string[][] {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    if (!out.has(e.from)) out.set(e.from, []);
    out.get(e.from)?.push(e.to);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of out.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return found;
}

function cycleReport(kind: string, edges: ImportEdge[], nodeOf: (file: string) => string | null): string[] {
  const links = edges.flatMap((e) => {
    const from = nodeOf(e.file);
    const to = nodeOf(e.target);
    return from && to && from !== to ? [{ from, to, edge: e }] : [];
  });
  const nodes = new Set(links.flatMap((l) => [l.from, l.to]));
  return cycles(nodes, links).map((component) => {
    const inside = new Set(component);
    const closing = links.filter((l) => inside.has(l.from) && inside.has(l.to)).map((l) => `    ${where(l.edge)}`);
    return `${kind} cycle between ${component.join(', ')}:\n${closing.join('\n')}`;
  });
}

/** Every broken rule, one line (or block, for a cycle) each, naming the file and line of the import. */
export function checkArchitecture(files: Map<string, string>): string[] {
  const edges = importEdges(files);
  const problems: string[] = [];
  for (const e of edges) {
    const fromModule = moduleOf(e.file);
    const toModule = moduleOf(e.target);
    if (toModule && toModule !== fromModule && !reachesInternals(e.file)) {
      if (isRepo(e.target)) problems.push(`${where(e)}: the repo of module '${toModule}' is read only inside that module`);
      else if (e.target !== `server/modules/${toModule}/index.ts`) {
        problems.push(`${where(e)}: another module is reached only through its index.ts (modules/${toModule}/index.ts)`);
      }
    }
    if (e.file.startsWith('shared/') && (e.target.startsWith('server/') || e.target.startsWith('web/'))) {
      problems.push(`${where(e)}: src/shared is used by server and web and imports neither`);
    }
    if (e.file.startsWith('web/') && e.target.startsWith('server/')) problems.push(`${where(e)}: the web apps do not import server code`);
    const app = /^web\/(console|member)\//.exec(e.file)?.[1];
    const other = /^web\/(console|member)\//.exec(e.target)?.[1];
    if (app && other && app !== other) {
      problems.push(`${where(e)}: the console and the member app share code only through src/web/common and src/shared`);
    }
  }
  // Cycles are about what ships: tests and the assembly points stand outside the layering.
  const layered = edges.filter((e) => !isTest(e.file) && !isAssembly(e.file) && !isAssembly(e.target));
  problems.push(...cycleReport('module folder', layered, (f) => (moduleOf(f) ? `modules/${moduleOf(f)}` : null)));
  problems.push(...cycleReport('server folder', layered, topPart));
  return problems;
}

/**
 * The modules' rows of ARCHITECTURE.md's layer picture, top row first: the lines of its first code
 * block whose boxed text is nothing but module names joined by ' · '.
 */
export function moduleRows(markdown: string): string[][] {
  const block = /```\n([\s\S]*?)```/.exec(markdown.slice(markdown.indexOf('## The layers')))?.[1] ?? '';
  return block.split('\n').flatMap((line) => {
    const boxed = /│(.*)│/.exec(line)?.[1]?.trim();
    return boxed && /^[a-z-]+( · [a-z-]+)*$/.test(boxed) ? [boxed.split(' · ')] : [];
  });
}

/** Where the picture and the code disagree: a module missing or unknown, or an import that is not downward. */
export function checkLayerPicture(files: Map<string, string>, rows: string[][], moduleFolders: string[]): string[] {
  const rowOf = new Map<string, number>();
  const problems: string[] = [];
  rows.forEach((row, i) => {
    for (const name of row) {
      if (rowOf.has(name)) problems.push(`ARCHITECTURE.md names module '${name}' twice in the layer picture`);
      rowOf.set(name, i);
    }
  });
  for (const name of rowOf.keys()) if (!moduleFolders.includes(name)) problems.push(`ARCHITECTURE.md's layer picture names '${name}', which is no folder in src/server/modules`);
  for (const name of moduleFolders) if (!rowOf.has(name)) problems.push(`module '${name}' is missing from ARCHITECTURE.md's layer picture: put it in the row below everything that imports it`);
  for (const e of importEdges(files)) {
    if (isTest(e.file) || isAssembly(e.file)) continue;
    const from = moduleOf(e.file);
    const to = moduleOf(e.target);
    if (!from || !to || from === to) continue;
    const a = rowOf.get(from);
    const b = rowOf.get(to);
    if (a !== undefined && b !== undefined && b <= a) {
      problems.push(`${where(e)}: module '${from}' imports '${to}', which is not in a row below it in ARCHITECTURE.md's layer picture`);
    }
  }
  return problems;
}

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(d.name) && !d.name.endsWith('.d.ts') ? [full] : [];
  });
}

describe('architecture', () => {
  it('every import under src/ keeps the boundaries', () => {
    const files = new Map(sourceFiles(SRC).map((f) => [path.relative(SRC, f).split(path.sep).join('/'), fs.readFileSync(f, 'utf8')]));
    expect(files.size).toBeGreaterThan(100);
    expect(checkArchitecture(files)).toEqual([]);
  });

  it('reports a cycle between modules, a repo read from outside and imports past an index', () => {
    const files = new Map([
      ['server/modules/a/index.ts', "export { f } from './service.ts';"],
      ['server/modules/a/service.ts', "import { g } from '../b/index.ts';\nexport const f = () => g();"],
      ['server/modules/b/index.ts', "export * from './service.ts';"],
      ['server/modules/b/service.ts', "// import { old } from '../a/repo.ts';\nimport { f } from '../a/index.ts';\n\nexport const g = () => f;"],
      ['server/modules/b/repo.ts', 'export const rows = 1;'],
      ['server/modules/c/service.ts', "import type { X } from '../b/repo.ts';\nexport const h = await import('../a/service.ts');"],
      ['server/modules/c/c.test.ts', "import { h } from './service.ts';\nimport { g } from '../b/service.ts';"],
      ['server/together.test.ts', "import { rows } from './modules/b/repo.ts';"],
    ]);
    const problems = checkArchitecture(files);
    expect(problems).toContain("server/modules/c/service.ts:1 imports '../b/repo.ts': the repo of module 'b' is read only inside that module");
    expect(problems).toContain("server/modules/c/service.ts:2 imports '../a/service.ts': another module is reached only through its index.ts (modules/a/index.ts)");
    expect(problems).toContain(
      "module folder cycle between modules/a, modules/b:\n    server/modules/a/service.ts:1 imports '../b/index.ts'\n    server/modules/b/service.ts:2 imports '../a/index.ts'",
    );
    // A module's test reaches another module only through its index; a test outside the modules may reach anything.
    expect(problems).toContain("server/modules/c/c.test.ts:2 imports '../b/service.ts': another module is reached only through its index.ts (modules/b/index.ts)");
    // The commented-out import of line 1, the module test's own import and the outside test are not reported.
    expect(problems).toHaveLength(4);
  });

  it('reports a cycle between server folders and imports across shared, web and server', () => {
    const files = new Map([
      ['server/auth/sessions.ts', "import { recordAudit } from '../modules/audit/index.ts';"],
      ['server/modules/audit/index.ts', "export { authorize } from '../../auth/policy.ts';"],
      ['server/app.ts', "import { x } from './modules/audit/index.ts';"],
      ['shared/api.ts', "import { y } from '../server/errors.ts';"],
      ['web/console/page.tsx', "import { z } from '../member/api.ts';\nimport { w } from '../common/request.ts';\nimport { v } from '../../server/http.ts';"],
    ]);
    expect(checkArchitecture(files)).toEqual([
      "shared/api.ts:1 imports '../server/errors.ts': src/shared is used by server and web and imports neither",
      "web/console/page.tsx:1 imports '../member/api.ts': the console and the member app share code only through src/web/common and src/shared",
      "web/console/page.tsx:3 imports '../../server/http.ts': the web apps do not import server code",
      "server folder cycle between server/auth/, server/modules/:\n    server/auth/sessions.ts:1 imports '../modules/audit/index.ts'\n    server/modules/audit/index.ts:1 imports '../../auth/policy.ts'",
    ]);
  });

  it("ARCHITECTURE.md's layer picture holds every module, each row importing only rows below it", () => {
    const files = new Map(sourceFiles(SRC).map((f) => [path.relative(SRC, f).split(path.sep).join('/'), fs.readFileSync(f, 'utf8')]));
    const rows = moduleRows(fs.readFileSync(path.join(SRC, '..', 'ARCHITECTURE.md'), 'utf8'));
    const folders = fs.readdirSync(path.join(SRC, 'server', 'modules'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(rows.length).toBeGreaterThan(1);
    expect(checkLayerPicture(files, rows, folders)).toEqual([]);
  });

  it('reports a picture that leaves a module out, names an unknown one or lets a row import upward', () => {
    const markdown = ['## The layers', '```', '  │ top · ghost │', '  │ low │', '```'].join('\n');
    expect(moduleRows(markdown)).toEqual([['top', 'ghost'], ['low']]);
    const files = new Map([
      ['server/modules/low/service.ts', "import { t } from '../top/index.ts';"],
      ['server/modules/top/index.ts', "export { l } from '../low/index.ts';"],
    ]);
    const problems = checkLayerPicture(files, moduleRows(markdown), ['top', 'low', 'lost']);
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/names 'ghost'/);
    expect(problems.join('\n')).toMatch(/'lost' is missing/);
    expect(problems.join('\n')).toMatch(/server\/modules\/low\/service\.ts:1 imports '..\/top\/index.ts': module 'low' imports 'top'/);
  });

  it('every module with routes keeps its authorization cases in test/authz/<module>.ts', () => {
    const modules = path.join(SRC, 'server', 'modules');
    const withRoutes = fs.readdirSync(modules).filter((m) => fs.existsSync(path.join(modules, m, 'routes.ts')));
    const missing = withRoutes.filter((m) => !fs.existsSync(path.join(SRC, '..', 'test', 'authz', `${m}.ts`)));
    expect(withRoutes.length).toBeGreaterThan(10);
    expect(missing, 'add test/authz/<module>.ts and list it in src/server/authorization.test.ts').toEqual([]);
  });

  it('finds every import form', () => {
    const source = [
      "import a from './a.ts';",
      "import type { B } from './b.ts';",
      'import {',
      '  c,',
      "} from './c.ts';",
      "export * from './d.ts';",
      "export { e } from './e.ts';",
      "import './f.css';",
      "const g = await import('./g.ts');",
      "const s = 'import x from \"./not-an-import.ts\"';",
      "/* import h from './h.ts'; */",
    ].join('\n');
    expect(parseImports(source)).toEqual([
      { spec: './a.ts', line: 1 },
      { spec: './b.ts', line: 2 },
      { spec: './c.ts', line: 5 },
      { spec: './d.ts', line: 6 },
      { spec: './e.ts', line: 7 },
      { spec: './f.css', line: 8 },
      { spec: './g.ts', line: 9 },
    ]);
  });
});
