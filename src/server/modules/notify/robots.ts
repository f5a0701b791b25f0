import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorizeList, scopePaths } from '../../auth/policy.ts';
import { AppError, notFound } from '../../errors.ts';
import { recordAudit } from '../../audit-log.ts';
import { getOrg, unitFor } from '../../directory/index.ts';
import { clock } from '../../clock.ts';
import { chinaDateTime } from '../../../shared/china-time.ts';
import type { FieldCipher } from '../../secrets.ts';
import type { Robot, RobotInput, RobotPatch, RobotTestResult } from '../../../shared/api-robots.ts';
import type { RobotKind } from './providers/types.ts';
import { maskWebhook, robotProvider, robotTarget, webhookProblem, type RobotProviderOptions } from './providers/robots/index.ts';
import { noticeLink } from './links.ts';

/**
 * Group robots per unit (企业微信 / 钉钉 / 飞书 群机器人): a secretary adds the webhook of their
 * group's robot, and the outbox then sends that group one digest of what is new for its members.
 *
 * Who: the secretaries over the unit (`org.write`), so a town's secretary may set up the robots of
 * the villages below. The webhook and the secret are credentials: encrypted with FieldCipher,
 * never answered (the console sees the host and last 4 characters) and never in the audit log.
 */

export interface RobotDeps {
  cipher: FieldCipher;
  /** Loopback webhooks (the local fakes) are taken only outside production. */
  production: boolean;
  /** Where the test message's link points (LIANXIN_PUBLIC_URL). */
  publicUrl: string;
  /** Injected in tests. */
  providerOptions?: RobotProviderOptions;
}

interface RobotRow {
  id: string;
  org_id: string;
  org_name: string;
  kind: string;
  name: string;
  webhook_cipher: string;
  secret_cipher: string | null;
  enabled: boolean;
  blocked_until: Date | null;
  last_success_at: Date | null;
  last_error_at: Date | null;
  last_error: string | null;
  created_at: Date;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function toRobot(row: RobotRow, cipher: FieldCipher): Robot {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    kind: row.kind as RobotKind,
    name: row.name,
    webhookMasked: maskWebhook(cipher.decrypt(row.webhook_cipher)),
    secretSet: row.secret_cipher !== null,
    enabled: row.enabled,
    blockedUntil: iso(row.blocked_until),
    lastSuccessAt: iso(row.last_success_at),
    lastErrorAt: iso(row.last_error_at),
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
  };
}

function robotQuery(db: Executor, tenantId: string) {
  return db
    .selectFrom('notify_robot as r')
    .innerJoin('org as o', (j) => j.onRef('o.tenant_id', '=', 'r.tenant_id').onRef('o.id', '=', 'r.org_id'))
    .select([
      'r.id',
      'r.org_id',
      'o.name as org_name',
      'r.kind',
      'r.name',
      'r.webhook_cipher',
      'r.secret_cipher',
      'r.enabled',
      'r.blocked_until',
      'r.last_success_at',
      'r.last_error_at',
      'r.last_error',
      'r.created_at',
    ])
    .where('r.tenant_id', '=', tenantId);
}

/**
 * The unit subtrees whose robots the caller manages: `orgId`'s when they may write it, or else
 * every subtree they are secretary of (the tenant admin: all).
 */
export async function robotSubtrees(db: Executor, ctx: RequestContext, orgId?: string): Promise<string[] | 'all'> {
  if (orgId) return [(await unitFor(db, ctx, 'org.write', orgId)).path];
  // dashboard.read lists exactly the secretary subtrees, which is what org.write grants on units.
  return scopePaths(authorizeList(ctx.actor, 'dashboard.read'));
}

/** A robot of the tenant the caller may configure (404 机器人, else 403). */
async function loadRobot(db: Executor, ctx: RequestContext, id: string): Promise<RobotRow> {
  const row = await robotQuery(db, ctx.actor.tenantId).where('r.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('机器人');
  await unitFor(db, ctx, 'org.write', row.org_id);
  return row;
}

export async function listRobots(db: Database, ctx: RequestContext, deps: Pick<RobotDeps, 'cipher'>, orgId?: string): Promise<{ items: Robot[] }> {
  const subtrees = await robotSubtrees(db, ctx, orgId);
  if (subtrees !== 'all' && subtrees.length === 0) return { items: [] };
  const rows = await robotQuery(db, ctx.actor.tenantId)
    .$if(subtrees !== 'all', (qb) => qb.where((eb) => eb.or((subtrees === 'all' ? [] : subtrees).map((p) => eb('o.path', 'like', `${p}%`)))))
    .orderBy('o.path')
    .orderBy('r.created_at')
    .orderBy('r.id')
    .execute();
  return { items: rows.map((r) => toRobot(r, deps.cipher)) };
}

function checkWebhook(kind: RobotKind, webhook: string, production: boolean): void {
  const problem = webhookProblem(kind, webhook, production);
  if (problem) throw new AppError('validation_failed', problem, [{ field: 'webhook', message: problem }]);
}

/** 企业微信's robots have no signing; a secret given for one is a mistake worth saying. */
function checkSecret(kind: RobotKind, secret: string | null | undefined): void {
  if (kind === 'wecom' && secret) {
    throw new AppError('validation_failed', '企业微信机器人没有加签密钥', [{ field: 'secret', message: '企业微信机器人没有加签密钥' }]);
  }
}

export async function createRobot(db: Database, ctx: RequestContext, deps: RobotDeps, input: RobotInput): Promise<Robot> {
  const { actor } = ctx;
  const org = await unitFor(db, ctx, 'org.write', input.orgId);
  if (org.retired_at) throw new AppError('validation_failed', '该组织已撤销', [{ field: 'orgId', message: '该组织已撤销' }]);
  checkWebhook(input.kind, input.webhook, deps.production);
  checkSecret(input.kind, input.secret);
  return db.transaction().execute(async (tx) => {
    const id = crypto.randomUUID();
    await tx
      .insertInto('notify_robot')
      .values({
        tenant_id: actor.tenantId,
        id,
        org_id: org.id,
        kind: input.kind,
        name: input.name,
        webhook_cipher: deps.cipher.encrypt(input.webhook),
        secret_cipher: input.secret ? deps.cipher.encrypt(input.secret) : null,
      })
      .execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'notify_robot.create',
      entity: 'notify_robot',
      entityId: id,
      after: { orgId: org.id, kind: input.kind, name: input.name, secretSet: Boolean(input.secret) },
    });
    const row = await robotQuery(tx, actor.tenantId).where('r.id', '=', id).executeTakeFirstOrThrow();
    return toRobot(row, deps.cipher);
  });
}

export async function updateRobot(db: Database, ctx: RequestContext, deps: RobotDeps, id: string, patch: RobotPatch): Promise<Robot> {
  const { actor } = ctx;
  const robot = await loadRobot(db, ctx, id);
  const kind = robot.kind as RobotKind;
  if (patch.webhook !== undefined) checkWebhook(kind, patch.webhook, deps.production);
  if (patch.secret !== undefined) checkSecret(kind, patch.secret);
  return db.transaction().execute(async (tx) => {
    const newCredentials = patch.webhook !== undefined || patch.secret !== undefined;
    await tx
      .updateTable('notify_robot')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(patch.webhook !== undefined ? { webhook_cipher: deps.cipher.encrypt(patch.webhook) } : {}),
        ...(patch.secret !== undefined ? { secret_cipher: patch.secret === null ? null : deps.cipher.encrypt(patch.secret) } : {}),
        // New credentials make a new robot in the service's eyes: its old block and error go.
        ...(newCredentials ? { blocked_until: null, last_error: null, last_error_at: null } : {}),
        updated_at: clock.now(),
      })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'notify_robot.update',
      entity: 'notify_robot',
      entityId: id,
      before: { name: robot.name, enabled: robot.enabled, secretSet: robot.secret_cipher !== null },
      after: {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        ...(patch.webhook !== undefined ? { webhookChanged: true } : {}),
        ...(patch.secret !== undefined ? { secretSet: patch.secret !== null } : {}),
      },
    });
    const row = await robotQuery(tx, actor.tenantId).where('r.id', '=', id).executeTakeFirstOrThrow();
    return toRobot(row, deps.cipher);
  });
}

/**
 * Removes a robot and with it its webhook and secret. What it already sent stays in the outbox's
 * history (notification rows keep the robot's id); what it had still to send is cancelled.
 */
export async function removeRobot(db: Database, ctx: RequestContext, id: string): Promise<void> {
  const { actor } = ctx;
  const robot = await loadRobot(db, ctx, id);
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('notification')
      .set({ status: 'cancelled', last_error: '机器人已删除', lease_until: null })
      .where('tenant_id', '=', actor.tenantId)
      .where('robot_id', '=', id)
      .where('status', 'in', ['pending', 'sending'])
      .execute();
    await tx.deleteFrom('notify_robot').where('tenant_id', '=', actor.tenantId).where('id', '=', id).execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'notify_robot.remove',
      entity: 'notify_robot',
      entityId: id,
      before: { orgId: robot.org_id, kind: robot.kind, name: robot.name, enabled: robot.enabled },
    });
  });
}

export const TEST_TITLE = '连心测试消息';

/**
 * Sends "连心测试消息" through the robot now and answers what the service said, so the secretary
 * sees at once a wrong key or secret. The answer is kept on the robot (last success / error, a
 * block the service announced) as a real send's would be.
 */
export async function testRobot(db: Database, ctx: RequestContext, deps: RobotDeps, id: string): Promise<RobotTestResult> {
  const { actor } = ctx;
  const robot = await loadRobot(db, ctx, id);
  const org = await getOrg(db, actor.tenantId, robot.org_id);
  const kind = robot.kind as RobotKind;
  const now = clock.now();
  // The service has throttled this robot: another try would only lengthen the block.
  if (robot.blocked_until && robot.blocked_until > now) {
    const error = `发送太快被限流，${chinaDateTime(robot.blocked_until)} 后再试`;
    return { ok: false, httpStatus: 0, code: null, message: error, error };
  }
  const { outcome, answer } = await robotProvider(kind, deps.providerOptions).sendWithAnswer(
    robotTarget(robot, deps.cipher),
    { title: TEST_TITLE, lines: [{ text: `${org.name}的群已接通连心，以后的学习和会议通知会发到这里`, link: noticeLink(deps.publicUrl, '') }] },
    now,
  );
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('notify_robot')
      .set(
        outcome.ok
          ? { last_success_at: now }
          : { last_error_at: now, last_error: outcome.error, ...(outcome.blockedUntil ? { blocked_until: outcome.blockedUntil } : {}) },
      )
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx, {
      tenantId: actor.tenantId,
      action: 'notify_robot.test',
      entity: 'notify_robot',
      entityId: id,
      after: { ok: outcome.ok, httpStatus: answer.httpStatus, code: answer.code },
    });
  });
  return { ok: outcome.ok, httpStatus: answer.httpStatus, code: answer.code, message: answer.message, error: outcome.ok ? null : outcome.error };
}
