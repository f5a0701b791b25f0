import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { recordAudit } from '../../audit-log.ts';
import { TenantSettings } from '../../../shared/api-admin.ts';

/** Per-tenant rules that vary by place: the schema is part of the HTTP contract (src/shared). */
export { TenantSettings } from '../../../shared/api-admin.ts';

export const DEFAULT_SETTINGS: TenantSettings = {
  lostContactDays: 180,
  shouldTransferMonths: 6,
  makeupDays: 30,
  pushReminderHours: 24,
  readMinSeconds: 60,
  absenceStreakSessions: 2,
  unreadStreakDays: 14,
  talkCadenceDays: 30,
  talkCadenceHomeDays: 0,
  inactiveDays: 30,
  noShareMonths: 2,
  invitationDays: 7,
  rememberDays: 180,
  escalateAfterHours: 24,
  unreachableDays: 14,
  quietHoursStart: '21:00',
  quietHoursEnd: '08:00',
  smsDailyCap: 3,
  questionAnswerDays: 3,
};

// Read on every list request; changed rarely. Kept 10 s, dropped at once when changed here.
const SETTINGS_TTL_MS = 10_000;
const cache = new Map<string, { value: TenantSettings; until: number }>();

export async function getSettings(db: Executor, tenantId: string): Promise<TenantSettings> {
  const hit = cache.get(tenantId);
  if (hit && hit.until > Date.now()) return hit.value;
  const value = await readStoredSettings(db, tenantId);
  cache.set(tenantId, { value, until: Date.now() + SETTINGS_TTL_MS });
  return value;
}

async function readStoredSettings(db: Executor, tenantId: string): Promise<TenantSettings> {
  const rows = await db.selectFrom('setting').select(['key', 'value']).where('tenant_id', '=', tenantId).execute();
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const r of rows) merged[r.key] = r.value;
  const parsed = TenantSettings.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function readSettings(db: Database, ctx: RequestContext): Promise<TenantSettings> {
  authorize(ctx.actor, 'org.read', { kind: 'tenant', tenantId: ctx.actor.tenantId });
  return getSettings(db, ctx.actor.tenantId);
}

export async function updateSettings(db: Database, ctx: RequestContext, patch: Partial<TenantSettings>): Promise<TenantSettings> {
  const { actor } = ctx;
  authorize(actor, 'settings.write', { kind: 'tenant', tenantId: actor.tenantId });
  return db.transaction().execute(async (tx) => {
    const before = await readStoredSettings(tx, actor.tenantId);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      await tx
        .insertInto('setting')
        .values({ tenant_id: actor.tenantId, key, value: JSON.stringify(value) })
        .onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: JSON.stringify(value) }))
        .execute();
    }
    const after = await readStoredSettings(tx, actor.tenantId);
    await recordAudit(tx, ctx, { tenantId: actor.tenantId, action: 'settings.update', entity: 'setting', before, after });
    return after;
  }).finally(() => cache.delete(actor.tenantId));
}
