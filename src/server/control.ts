import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from './db/database.ts';
import { ensurePrivateDir } from './db/data-lock.ts';
import { AppError } from './errors.ts';
import type { FieldCipher } from './secrets.ts';
import { loadActor } from './auth/sessions.ts';
import type { RequestContext } from './auth/actor.ts';
import { exportRoster } from './modules/roster/index.ts';
import { ExportQuery } from './modules/roster/index.ts';
import { openBackup } from './backup.ts';

/**
 * The control socket: how a command-line process reaches the running server of the same data
 * folder, since the embedded database admits one process (db/data-lock.ts). A Unix socket in the
 * data folder, mode 0600 inside a 0700 folder: only the folder's owner can connect, so it needs
 * no password. Only the server on PGlite listens; on PostgreSQL the CLI opens the database itself.
 *
 * Protocol: the client sends one JSON line ({ command, ...arguments }); the server answers one JSON
 * line, { ok: true, ...about the result } or { ok: false, message }, and after ok sends the result's
 * bytes (a backup, a spreadsheet) until it closes the connection.
 */

/** Unix socket paths hold at most 107 bytes; a deep data folder gets its socket in a private folder under the temp dir. */
const MAX_SOCKET_PATH = 100;

export function controlSocketPath(dataDir: string): string {
  const dir = path.resolve(dataDir);
  const id = crypto.createHash('sha256').update(dir).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\lianxin-${id}`;
  const inside = path.join(dir, 'control.sock');
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH) return inside;
  return path.join(os.tmpdir(), `lianxin-${process.getuid?.() ?? 'user'}`, `${id}.sock`);
}

/** The folder of a socket outside the data folder must be ours and private, or someone could stand in for the server. */
function preparePrivateFolder(socketPath: string): void {
  const dir = path.dirname(socketPath);
  ensurePrivateDir(dir);
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.() || (st.mode & 0o077) !== 0) {
    throw new Error(`${dir} must be a folder of this user that nobody else can open (it holds the control socket)`);
  }
}

export type ControlRequest = { command: string } & Record<string, unknown>;

export interface ControlReply {
  /** Sent as the first line, with ok: true. */
  meta: Record<string, unknown>;
  body?: Readable;
}

export type ControlHandler = (request: ControlRequest) => Promise<ControlReply>;

export interface ControlServer {
  path: string;
  close(): Promise<void>;
}

interface Log {
  info: (obj: object, msg: string) => void;
  warn: (obj: object, msg: string) => void;
}

const REQUEST_LIMIT = 64 * 1024;

/** Listens on the data folder's control socket. The caller holds the folder's lock, so a socket file found there is a leftover. */
export async function startControlServer(dataDir: string, handlers: Record<string, ControlHandler>, log: Log): Promise<ControlServer> {
  const socketPath = controlSocketPath(dataDir);
  if (process.platform !== 'win32') {
    if (path.dirname(socketPath) !== path.resolve(dataDir)) preparePrivateFolder(socketPath);
    const st = fs.lstatSync(socketPath, { throwIfNoEntry: false });
    if (st?.isSocket()) fs.rmSync(socketPath);
  }
  const connections = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    connections.add(conn);
    conn.on('close', () => connections.delete(conn));
    conn.on('error', () => {});
    void serve(conn, handlers, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') fs.chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of connections) c.destroy();
      await closed;
    },
  };
}

async function serve(conn: net.Socket, handlers: Record<string, ControlHandler>, log: Log): Promise<void> {
  let request: ControlRequest;
  try {
    const line = await readLine(conn, REQUEST_LIMIT, 10_000);
    request = JSON.parse(line.line) as ControlRequest;
    if (!request || typeof request.command !== 'string') throw new Error('no command');
  } catch {
    conn.end(`${JSON.stringify({ ok: false, message: 'bad control request' })}\n`);
    return;
  }
  const handler = Object.hasOwn(handlers, request.command) ? handlers[request.command] : undefined;
  if (!handler) {
    conn.end(`${JSON.stringify({ ok: false, message: `the server does not know the command ${request.command}` })}\n`);
    return;
  }
  log.info({ command: request.command }, 'control request');
  let reply: ControlReply;
  try {
    reply = await handler(request);
  } catch (err) {
    if (!(err instanceof AppError)) log.warn({ err, command: request.command }, 'control request failed');
    conn.end(`${JSON.stringify({ ok: false, message: err instanceof Error ? err.message : String(err) })}\n`);
    return;
  }
  conn.write(`${JSON.stringify({ ok: true, ...reply.meta })}\n`);
  if (!reply.body) {
    conn.end();
    return;
  }
  try {
    await pipeline(reply.body, conn);
  } catch (err) {
    // The client went away, or the result failed half-way: the client sees the stream cut short.
    log.warn({ err, command: request.command }, 'control reply cut short');
    conn.destroy();
  }
}

/** The first line of a stream and what came after it in the same chunk. */
function readLine(conn: net.Socket, limit: number, timeoutMs: number): Promise<{ line: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error('timed out waiting for a line')), timeoutMs);
    const done = (err: Error | null, value?: { line: string; rest: Buffer }): void => {
      clearTimeout(timer);
      conn.off('data', onData);
      conn.off('end', onEnd);
      conn.off('error', onError);
      conn.pause();
      if (err) reject(err);
      else resolve(value as { line: string; rest: Buffer });
    };
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const at = buffered.indexOf(0x0a);
      if (at >= 0) done(null, { line: buffered.subarray(0, at).toString('utf8'), rest: buffered.subarray(at + 1) });
      else if (buffered.length > limit) done(new Error('line too long'));
    };
    const onEnd = (): void => done(new Error('the connection closed before a whole line'));
    const onError = (err: Error): void => done(err);
    conn.on('data', onData);
    conn.on('end', onEnd);
    conn.on('error', onError);
  });
}

// ---------- client ----------

/** Nobody listens on the data folder's control socket (no server, or one still starting). */
export class ControlUnavailable extends Error {}
/** The server answered with a refusal or an error. */
export class ControlRefused extends Error {}

/** Sends a request to the server of `dataDir` and returns its answer and the result's bytes. */
export async function requestControl(dataDir: string, request: ControlRequest): Promise<{ meta: Record<string, unknown>; body: Readable }> {
  const socketPath = controlSocketPath(dataDir);
  const conn = await new Promise<net.Socket>((resolve, reject) => {
    const c = net.connect(socketPath);
    c.once('connect', () => {
      c.off('error', reject);
      resolve(c);
    });
    c.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? new ControlUnavailable(`nobody listens on ${socketPath}`) : err);
    });
  });
  conn.write(`${JSON.stringify(request)}\n`);
  let first: { line: string; rest: Buffer };
  try {
    // A backup answers once its snapshot is taken: allow for a big database.
    first = await readLine(conn, REQUEST_LIMIT, 30 * 60_000);
  } catch (err) {
    conn.destroy();
    throw new ControlRefused(`the server closed the connection without an answer (${(err as Error).message})`);
  }
  const answer = JSON.parse(first.line) as { ok: boolean; message?: string } & Record<string, unknown>;
  if (!answer.ok) {
    conn.destroy();
    throw new ControlRefused(answer.message ?? 'the server refused');
  }
  const { ok: _ok, ...meta } = answer;
  const body = Readable.from(
    (async function* () {
      if (first.rest.length) yield first.rest;
      for await (const chunk of conn) yield chunk as Buffer;
    })(),
  );
  return { meta, body };
}

// ---------- what the CLI may ask ----------

/** Acts as the account with this phone, as a CLI command does (the shell user is trusted with the data folder). */
export async function accountContext(db: Database, phone: string, tenantId: string | undefined): Promise<RequestContext> {
  let q = db.selectFrom('account').select(['tenant_id', 'id']).where('phone', '=', phone).where('disabled_at', 'is', null);
  if (tenantId) q = q.where('tenant_id', '=', tenantId);
  const accounts = await q.execute();
  if (accounts.length === 0) throw new AppError('not_found', `no active account with phone ${phone}`);
  if (accounts.length > 1) throw new AppError('bad_request', `phone ${phone} has accounts in several organizations: add --tenant <id> (${accounts.map((a) => a.tenant_id).join(', ')})`);
  const account = accounts[0] as { tenant_id: string; id: string };
  const actor = await loadActor(db, account.tenant_id, account.id, 'cli');
  if (!actor) throw new AppError('forbidden', `the account ${phone} cannot be used`);
  return { actor, ip: null };
}

/** The roster export of `npm run lianxin -- export`, wherever it runs. */
export async function exportRosterAs(deps: { db: Database; cipher: FieldCipher }, args: { as?: unknown; tenant?: unknown; query?: unknown }) {
  if (typeof args.as !== 'string' || !args.as) throw new AppError('bad_request', '--as is required');
  const tenant = typeof args.tenant === 'string' && args.tenant ? args.tenant : undefined;
  const query = ExportQuery.safeParse(args.query ?? {});
  if (!query.success) throw new AppError('bad_request', query.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  const ctx = await accountContext(deps.db, args.as, tenant);
  return exportRoster(deps, ctx, query.data);
}

/** What the server answers on its control socket: a backup (database and files), a roster export. */
export function serverControlHandlers(deps: { db: Database; cipher: FieldCipher; filesDir: string }): Record<string, ControlHandler> {
  return {
    backup: async () => {
      const opened = await openBackup(deps.db, deps.filesDir);
      return { meta: { pid: process.pid, manifest: opened.manifest }, body: opened.stream };
    },
    export: async (request) => {
      const result = await exportRosterAs(deps, { as: request.as, tenant: request.tenant, query: request.query });
      return { meta: { pid: process.pid, count: result.count, fileName: result.fileName }, body: Readable.from([result.body]) };
    },
  };
}
