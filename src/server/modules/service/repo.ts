import { sql } from 'kysely';
import type { Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import type { ConsoleServiceLog, ServiceLog } from '../../../shared/api-service.ts';
import { auditRecipientView, canReadRecipients, getTeamAccess } from '../teams/index.ts';

/** A service log with the names it shows (member, project, task, team, grid, unit, recipient). */
export interface LogRow {
  id: string;
  member_id: string;
  member_name: string;
  org_id: string;
  org_name: string;
  org_path: string;
  project_id: string | null;
  project_title: string | null;
  task_id: string | null;
  task_title: string | null;
  team_id: string | null;
  team_name: string | null;
  grid_id: string | null;
  grid_name: string | null;
  recipient_id: string | null;
  recipient_label: string | null;
  served_on: string;
  minutes: number;
  remote: boolean;
  what: string;
  created_at: Date;
  voided_at: Date | null;
  void_reason: string | null;
}

/** The base query of logs with their names (alias l). */
export function logQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('service_log as l')
    .innerJoin('member as m', (j) => j.onRef('m.tenant_id', '=', 'l.tenant_id').onRef('m.id', '=', 'l.member_id'))
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'l.tenant_id').onRef('o.id', '=', 'l.org_id'))
    .leftJoin('service_project as p', (j) => j.onRef('p.tenant_id', '=', 'l.tenant_id').onRef('p.id', '=', 'l.project_id'))
    .leftJoin('service_task as k', (j) => j.onRef('k.tenant_id', '=', 'l.tenant_id').onRef('k.id', '=', 'l.task_id'))
    .leftJoin('service_team as t', (j) => j.onRef('t.tenant_id', '=', 'l.tenant_id').onRef('t.id', '=', 'l.team_id'))
    .leftJoin('grid as g', (j) => j.onRef('g.tenant_id', '=', 'l.tenant_id').onRef('g.id', '=', 'l.grid_id'))
    .leftJoin('care_recipient as r', (j) => j.onRef('r.tenant_id', '=', 'l.tenant_id').onRef('r.id', '=', 'l.recipient_id'))
    .select([
      'l.id',
      'l.member_id',
      'm.name as member_name',
      'l.org_id',
      'o.name as org_name',
      'l.org_path',
      'l.project_id',
      'p.title as project_title',
      'l.task_id',
      'k.title as task_title',
      'l.team_id',
      't.name as team_name',
      'l.grid_id',
      'g.name as grid_name',
      'l.recipient_id',
      'r.label as recipient_label',
      'l.served_on',
      'l.minutes',
      'l.remote',
      'l.what',
      'l.created_at',
      'l.voided_at',
      'l.void_reason',
    ])
    .where('l.tenant_id', '=', tenantId);
}

export async function logPhotos(db: Executor, tenantId: string, logIds: string[]): Promise<Map<string, { fileId: string; url: string }[]>> {
  const out = new Map<string, { fileId: string; url: string }[]>();
  if (logIds.length === 0) return out;
  const rows = await db
    .selectFrom('service_log_photo')
    .select(['log_id', 'file_id', 'position'])
    .where('tenant_id', '=', tenantId)
    .where('log_id', 'in', logIds)
    .orderBy('position')
    .execute();
  for (const r of rows) {
    const list = out.get(r.log_id) ?? [];
    list.push({ fileId: r.file_id, url: `/api/files/${r.file_id}` });
    out.set(r.log_id, list);
  }
  return out;
}

/**
 * The teams whose people looked after the caller may see by label: the team's members and leader
 * while the team is active, the secretaries above the team's unit and the tenant admin (teams'
 * canReadRecipients decides).
 */
export async function recipientTeams(db: Executor, ctx: RequestContext, teamIds: (string | null)[]): Promise<Set<string>> {
  const seeing = new Set<string>();
  for (const teamId of new Set(teamIds)) {
    if (!teamId) continue;
    if (canReadRecipients(await getTeamAccess(db, ctx, teamId))) seeing.add(teamId);
  }
  return seeing;
}

/** One `care_recipient.view` entry per team whose people's labels this answer shows. */
async function auditShownRecipients(db: Executor, ctx: RequestContext, rows: LogRow[], seeing: Set<string>): Promise<void> {
  const shown = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.recipient_id === null || r.team_id === null || !seeing.has(r.team_id)) continue;
    const ids = shown.get(r.team_id) ?? new Set<string>();
    ids.add(r.recipient_id);
    shown.set(r.team_id, ids);
  }
  for (const [teamId, ids] of shown) await auditRecipientView(db, ctx, teamId, [...ids]);
}

export function logView(row: LogRow, photos: Map<string, { fileId: string; url: string }[]>, seeing: Set<string>): ServiceLog {
  const showRecipient = row.recipient_id !== null && row.team_id !== null && seeing.has(row.team_id);
  return {
    id: row.id,
    member: { memberId: row.member_id, name: row.member_name },
    project: row.project_id ? { id: row.project_id, title: row.project_title ?? '' } : null,
    task: row.task_id ? { id: row.task_id, title: row.task_title ?? '' } : null,
    team: row.team_id ? { id: row.team_id, name: row.team_name ?? '' } : null,
    recipient: showRecipient && row.recipient_id ? { id: row.recipient_id, label: row.recipient_label ?? '' } : null,
    servedOn: row.served_on,
    minutes: row.minutes,
    remote: row.remote,
    what: row.what,
    photos: photos.get(row.id) ?? [],
    createdAt: row.created_at.toISOString(),
  };
}

export function consoleLogView(row: LogRow, photos: Map<string, { fileId: string; url: string }[]>, seeing: Set<string>): ConsoleServiceLog {
  return {
    ...logView(row, photos, seeing),
    org: { id: row.org_id, name: row.org_name },
    grid: row.grid_id ? { id: row.grid_id, name: row.grid_name ?? '' } : null,
    voided: row.voided_at ? { reason: row.void_reason ?? '', at: row.voided_at.toISOString() } : null,
  };
}

/**
 * Views of log rows for the caller: photos, and recipient labels only where the caller may see
 * them; every label shown is audited (`care_recipient.view`) before the answer leaves.
 */
export async function logViews(db: Executor, ctx: RequestContext, rows: LogRow[]): Promise<ServiceLog[]> {
  const photos = await logPhotos(db, ctx.actor.tenantId, rows.map((r) => r.id));
  const seeing = await recipientTeams(db, ctx, rows.map((r) => r.team_id));
  await auditShownRecipients(db, ctx, rows, seeing);
  return rows.map((r) => logView(r, photos, seeing));
}

export async function consoleLogViews(db: Executor, ctx: RequestContext, rows: LogRow[]): Promise<ConsoleServiceLog[]> {
  const photos = await logPhotos(db, ctx.actor.tenantId, rows.map((r) => r.id));
  const seeing = await recipientTeams(db, ctx, rows.map((r) => r.team_id));
  await auditShownRecipients(db, ctx, rows, seeing);
  return rows.map((r) => consoleLogView(r, photos, seeing));
}

// ---------- keyset cursors: newest day first, then newest written ----------
export interface LogCursor {
  servedOn: string;
  createdAt: string;
  id: string;
}

export const encodeCursor = (row: LogRow): string =>
  Buffer.from(JSON.stringify({ servedOn: row.served_on, createdAt: row.created_at.toISOString(), id: row.id })).toString('base64url');

export function decodeCursor(raw: string | undefined): LogCursor | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<LogCursor>;
    if (typeof v.servedOn === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.servedOn) && typeof v.createdAt === 'string' && !Number.isNaN(Date.parse(v.createdAt)) && typeof v.id === 'string' && /^[0-9a-f-]{36}$/i.test(v.id)) {
      return { servedOn: v.servedOn, createdAt: v.createdAt, id: v.id };
    }
  } catch {
    // a cursor that does not parse starts from the top
  }
  return null;
}

/** The rows after `cursor` in (served_on DESC, created_at DESC, id DESC). */
export const afterCursor = (c: LogCursor) =>
  sql<boolean>`(l.served_on, l.created_at, l.id) < (${c.servedOn}::date, ${c.createdAt}::timestamptz, ${c.id}::uuid)`;

