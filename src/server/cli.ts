import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase, type OpenedDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { FieldCipher, resolveMasterKey } from './secrets.ts';
import { AppError } from './errors.ts';
import { hashPassword } from './auth/passwords.ts';
import { recordAudit } from './audit-log.ts';
import { assertXlsxUpload, importRoster } from './modules/roster/index.ts';
import type { ImportIssue, ImportProgress } from './modules/roster/index.ts';
import { ExportQuery } from './modules/roster/index.ts';
import { restoreBackup, RestoreRefused, saveBackup, writeBackup, type BackupContents } from './backup.ts';
import { DataFolderBusy, dataFolderHolder, type LockHolder } from './db/data-lock.ts';
import { accountContext, ControlRefused, ControlUnavailable, exportRosterAs, requestControl, type ControlRequest } from './control.ts';
import { filesFolder } from './storage.ts';

/**
 * Administration from the shell: `npm run lianxin -- <command>`. Uses the same configuration
 * (LIANXIN_DATA_DIR / DATABASE_URL, LIANXIN_SECRET_KEY) and the same use cases as the server.
 */
const HELP = `连心 Lianxin administration: npm run lianxin -- <command> [options]

  create-admin --org <name> --phone <phone> --name <name> [--force-new-tenant]
      On an empty database: creates the organization (tenant), its top unit (党委) and a tenant-admin
      account. Password from LIANXIN_ADMIN_PASSWORD, else asked for (not echoed). No default password.
  import <file.xlsx> --as <phone> [--tenant <id>]
      Imports a roster spreadsheet as that account (same checks as the console); exit code 1 on issues.
  export <file.xlsx> --as <phone> [--tenant <id>] [--org <orgId>] [--mobile true|false] [--status full|probationary]
      [--q <text>] [--province <code>] [--city <code>] [--lost-contact true|false] [--should-transfer true|false]
      Writes the roster as that account sees it (ID numbers masked).
  backup <file.tar.gz>
      One file with everything: every table (all organizations) and the uploaded files. Works while
      the server runs (the running server writes it); the file is read back and checked before it
      takes its name.
  restore <file.tar.gz>
      Restores a backup (also the database-only .gz of earlier versions) into an EMPTY database and
      puts the files back (runs migrations first; refuses if there is data or if the server runs).
  help
      This list.

The database is LIANXIN_DATA_DIR (embedded, default ./data) or DATABASE_URL. Only one process may
open an embedded data folder: while the server runs, backup and export go through it, and the
commands that write (create-admin, import, restore) refuse until it is stopped.`;

const KEY_REMINDER =
  'Reminder: ID numbers are encrypted with the secret key (LIANXIN_SECRET_KEY, or data/secret.key when it is not set). ' +
  'The key is NOT in the backup: keep it safe and separately, or the restored ID numbers cannot be read.';

class UsageError extends Error {}

interface CliDatabase {
  config: Config;
  opened: OpenedDatabase;
  cipher(): FieldCipher;
}

/** `command` names this process to anyone refused the data folder meanwhile. */
async function openCliDatabase(opts: { migrate: boolean; command: string }): Promise<CliDatabase> {
  const config = loadConfig();
  const opened = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, purpose: `lianxin ${opts.command}` });
  if (opts.migrate) await migrateToLatest(opened.db);
  return {
    config,
    opened,
    cipher: () => new FieldCipher(resolveMasterKey({ secretKeyHex: config.secretKeyHex, dataDir: config.dataDir, warn: (m) => console.warn(`warning: ${m}`) })),
  };
}

async function withDatabase<T>(opts: { migrate: boolean; command: string }, run: (d: CliDatabase) => Promise<T>): Promise<T> {
  const d = await openCliDatabase(opts);
  try {
    return await run(d);
  } finally {
    await d.opened.close();
  }
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, positionals: number) {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length !== positionals) throw new UsageError(`expected ${positionals} file argument${positionals === 1 ? '' : 's'}`);
    return parsed;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function requireOption(value: string | boolean | undefined, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

// ---------- create-admin ----------

async function createAdmin(args: string[]): Promise<number> {
  const { values } = parse(args, { org: { type: 'string' }, phone: { type: 'string' }, name: { type: 'string' }, 'force-new-tenant': { type: 'boolean' } }, 0);
  const orgName = requireOption(values.org, 'org');
  const phone = requireOption(values.phone, 'phone');
  const displayName = requireOption(values.name, 'name');
  if (!/^1\d{10}$/.test(phone)) throw new UsageError('--phone must be an 11-digit mobile number');
  if (orgName.length > 100) throw new UsageError('--org is at most 100 characters');
  if (displayName.length > 50) throw new UsageError('--name is at most 50 characters');
  return withDatabase({ migrate: true, command: 'create-admin' }, async ({ opened }) => {
    const tenants = await opened.db.selectFrom('tenant').select('name').execute();
    if (tenants.length && !values['force-new-tenant']) {
      console.error(
        `The database already has ${tenants.length} organization(s): ${tenants.map((t) => t.name).join(', ')}.\n` +
          'create-admin is meant for an empty database (a server started without LIANXIN_DEMO=off loads the demo village).\n' +
          'To add another, independent organization anyway, add --force-new-tenant.',
      );
      return 1;
    }
    const password = process.env.LIANXIN_ADMIN_PASSWORD ?? (await promptNewPassword());
    if (password.length < 8) throw new UsageError('the password must be at least 8 characters');
    const passwordHash = await hashPassword(password);
    const created = await opened.db.transaction().execute(async (tx) => {
      const tenant = await tx.insertInto('tenant').values({ name: orgName }).returning('id').executeTakeFirstOrThrow();
      const orgId = crypto.randomUUID();
      await tx.insertInto('org').values({ tenant_id: tenant.id, id: orgId, parent_id: null, kind: 'committee', name: orgName, path: `/${orgId}/` }).execute();
      const account = await tx
        .insertInto('account')
        .values({ tenant_id: tenant.id, phone, display_name: displayName, password_hash: passwordHash, is_tenant_admin: true })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(tx, null, { tenantId: tenant.id, action: 'account.create_admin', entity: 'account', entityId: account.id, after: { phone, displayName, orgName } });
      return { tenantId: tenant.id, orgId };
    });
    console.log(`Created ${orgName} (tenant ${created.tenantId}, top unit ${created.orgId}) and the administrator ${displayName} (${phone}).`);
    console.log('Sign in to the console with that phone number and password, then build the organization tree.');
    return 0;
  });
}

async function promptNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('set LIANXIN_ADMIN_PASSWORD or run in a terminal to type the password');
  const first = await promptHidden('Password for the administrator (at least 8 characters): ');
  const second = await promptHidden('Repeat the password: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}

function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stdout.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stdout.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const c of chunk) {
        if (c === '\r' || c === '\n') {
          done();
          resolve(value);
          return;
        }
        if (c === '\u0003' || c === '\u0004') {
          done();
          reject(new UsageError('cancelled'));
          return;
        }
        if (c === '\u007f' || c === '\b') value = value.slice(0, -1);
        else value += c;
      }
    };
    stdin.on('data', onData);
  });
}

// ---------- import / export ----------

const PHASE_LABEL: Record<ImportProgress['phase'], string> = { reading: '读取', validating: '检查', writing: '写入', finished: '完成' };

async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { as: { type: 'string' }, tenant: { type: 'string' } }, 1);
  const file = positionals[0] as string;
  const phone = requireOption(values.as, 'as');
  const buffer = fs.readFileSync(file);
  assertXlsxUpload({ fileName: path.basename(file), buffer });
  return withDatabase({ migrate: true, command: 'import' }, async (d) => {
    const ctx = await accountContext(d.opened.db, phone, values.tenant);
    let last = '';
    const progress = (p: ImportProgress): void => {
      const line = `${PHASE_LABEL[p.phase]} ${p.processed}${p.total ? `/${p.total}` : ''}`;
      if (line !== last && process.stderr.isTTY) process.stderr.write(`\r${line}    `);
      last = line;
    };
    const outcome = await importRoster({ db: d.opened.db, cipher: d.cipher() }, ctx, buffer, progress);
    if (process.stderr.isTTY) process.stderr.write('\n');
    if (outcome.issues.length) {
      console.log(issueTable(outcome.issues));
      console.log(`\n${outcome.issues.length} 个问题，未导入任何数据。请修改后重新导入。`);
      return 1;
    }
    console.log(`已导入 ${outcome.imported} 名党员。`);
    return 0;
  });
}

/** Display width in a terminal: CJK characters take two columns. */
const width = (s: string): number => [...s].reduce((n, c) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1), 0);
const padTo = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - width(s)));

export function issueTable(issues: ImportIssue[]): string {
  const rows = [['行', '列', '问题'], ...issues.map((i) => [String(i.row), i.column, i.message])];
  const w0 = Math.max(...rows.map((r) => width(r[0] as string)));
  const w1 = Math.max(...rows.map((r) => width(r[1] as string)));
  return rows.map((r) => `${padTo(r[0] as string, w0)}  ${padTo(r[1] as string, w1)}  ${r[2]}`).join('\n');
}

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      as: { type: 'string' },
      tenant: { type: 'string' },
      org: { type: 'string' },
      mobile: { type: 'string' },
      status: { type: 'string' },
      q: { type: 'string' },
      province: { type: 'string' },
      city: { type: 'string' },
      'lost-contact': { type: 'string' },
      'should-transfer': { type: 'string' },
    },
    1,
  );
  const file = positionals[0] as string;
  const phone = requireOption(values.as, 'as');
  const rawQuery = {
    orgId: values.org,
    mobile: values.mobile,
    status: values.status,
    q: values.q,
    province: values.province,
    city: values.city,
    lostContact: values['lost-contact'],
    shouldTransfer: values['should-transfer'],
  };
  const query = ExportQuery.safeParse(rawQuery);
  if (!query.success) throw new UsageError(query.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  const request = { as: phone, tenant: values.tenant, query: rawQuery };
  let exported: { count: number; body: Buffer };
  try {
    exported = await withDatabase({ migrate: true, command: 'export' }, (d) => exportRosterAs({ db: d.opened.db, cipher: d.cipher() }, request));
  } catch (err) {
    if (!isServerBusy(err)) throw err;
    // The server has the data folder: it makes the spreadsheet.
    const reply = await askServer(err, { command: 'export', ...request });
    const pieces: Buffer[] = [];
    for await (const piece of reply.body) pieces.push(piece as Buffer);
    exported = { count: Number(reply.meta.count), body: Buffer.concat(pieces) };
  }
  fs.writeFileSync(file, exported.body, { mode: 0o600 });
  console.log(`已导出 ${exported.count} 名党员到 ${file}（身份证号已脱敏）。`);
  return 0;
}

// ---------- backup / restore ----------

async function backupCommand(args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, 1);
  const file = path.resolve(positionals[0] as string);
  if (!fs.existsSync(path.dirname(file))) throw new UsageError(`no such folder: ${path.dirname(file)}`);
  let contents: BackupContents;
  let madeBy = '';
  try {
    contents = await withDatabase({ migrate: false, command: 'backup' }, ({ config, opened }) => writeBackup(opened.db, filesFolder(config.dataDir), file));
  } catch (err) {
    if (!isServerBusy(err)) throw err;
    // The server has the data folder: it takes the snapshot, this process writes and checks the file.
    const reply = await askServer(err, { command: 'backup' });
    try {
      contents = await saveBackup(reply.body, file);
    } catch (failed) {
      if (failed instanceof RestoreRefused) throw new ControlRefused(`the backup from the server came incomplete (${failed.message}); nothing was written to ${file}`);
      throw failed;
    }
    madeBy = ` by the running server (pid ${err.holder.pid})`;
  }
  printContents(contents);
  const rows = contents.tables.reduce((n, t) => n + t.rows, 0);
  console.log(`Backup written${madeBy} to ${file} (${megabytes(fs.statSync(file).size)}), read back and checked: ${rows} rows in ${contents.tables.length} tables, ${contents.files?.count ?? 0} file${contents.files?.count === 1 ? '' : 's'}.`);
  console.log(KEY_REMINDER);
  return 0;
}

async function restoreCommand(args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, 1);
  const file = path.resolve(positionals[0] as string);
  if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  return withDatabase({ migrate: false, command: 'restore' }, async ({ config, opened }) => {
    const summary = await restoreBackup(opened.db, file, filesFolder(config.dataDir));
    printContents(summary);
    for (const w of summary.warnings) console.warn(`warning: ${w}`);
    console.log(`Restored ${file}`);
    console.log(KEY_REMINDER);
    return 0;
  });
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function printContents(c: { tables: { name: string; rows: number }[]; files: { count: number; bytes: number } | null }): void {
  for (const t of c.tables) console.log(`  ${t.name.padEnd(18)} ${t.rows}`);
  if (c.files) console.log(`  ${'(uploaded files)'.padEnd(18)} ${c.files.count} (${megabytes(c.files.bytes)})`);
}

// ---------- the running server ----------

type ServerBusy = DataFolderBusy & { where: 'this-host' };

/** The data folder is held by a server on this machine, which can be asked over its control socket. */
const isServerBusy = (err: unknown): err is ServerBusy => err instanceof DataFolderBusy && err.holder.purpose === 'server' && err.where === 'this-host';

/** What a command that writes says while the server runs. */
const STOP_FIRST: Record<string, { zh: string; en: string }> = {
  restore: { zh: '恢复', en: 'restore' },
  import: { zh: '导入（或在管理后台的「导入」页面导入）', en: 'import (or import in the console)' },
  'create-admin': { zh: '创建管理员', en: 'create the administrator' },
};

function serverRunning(command: string, holder: LockHolder): string {
  const verb = STOP_FIRST[command] ?? { zh: '执行此命令', en: 'run this command' };
  return `服务正在运行（pid ${holder.pid}），请先停止服务再${verb.zh}。\nThe Lianxin server is running on this data folder (pid ${holder.pid}); stop it first, then ${verb.en}.`;
}

/** How long a command waits for a server that holds the folder but is still starting (migrations, the demo). */
const SERVER_START_WAIT_MS = 120_000;

/** Sends a request to the server that holds the data folder, waiting while it is still starting. */
async function askServer(busy: ServerBusy, request: ControlRequest): ReturnType<typeof requestControl> {
  const deadline = Date.now() + SERVER_START_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      return await requestControl(busy.dataDir, request);
    } catch (err) {
      if (!(err instanceof ControlUnavailable)) throw err;
      const holder = dataFolderHolder(busy.dataDir);
      if (!holder || holder.nonce !== busy.holder.nonce) throw new ControlRefused(`the server (pid ${busy.holder.pid}) stopped: run the command again`);
      if (Date.now() > deadline) throw new ControlRefused(`the server (pid ${busy.holder.pid}) holds the data folder but does not answer on its control socket: try again once it has started`);
      if (!told) console.error(`服务（pid ${busy.holder.pid}）正在启动，稍候… / waiting for the server (pid ${busy.holder.pid}) to finish starting…`);
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

// ---------- main ----------

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  'create-admin': createAdmin,
  import: importCommand,
  export: exportCommand,
  backup: backupCommand,
  restore: restoreCommand,
};

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`unknown command: ${command}\n\n${HELP}`);
    return 2;
  }
  try {
    return await run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${command}: ${err.message}\n(npm run lianxin -- help)`);
      return 2;
    }
    if (err instanceof DataFolderBusy) {
      console.error(`${command}: ${err.holder.purpose === 'server' && err.where === 'this-host' ? serverRunning(command, err.holder) : err.message}`);
      return 1;
    }
    if (err instanceof ConfigError || err instanceof RestoreRefused || err instanceof AppError || err instanceof ControlRefused) {
      console.error(`${command}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

// Run when started as the entry point (npm run lianxin), not when imported.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  // Backups, exports and anything else this process writes are private to its user.
  process.umask(0o077);
  // exitCode rather than exit(): a piped stdout is written asynchronously and exit() would cut it.
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
