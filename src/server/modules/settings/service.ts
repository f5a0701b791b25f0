import { z } from 'zod';
import type { Database, Executor } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import { authorize } from '../../auth/policy.ts';
import { recordAudit } from '../audit/service.ts';

/** Per-tenant rules that vary by place. */
export const TenantSettings = z.object({
  /** No recorded contact for this many days ⇒ a mobile member is suspected lost (DOMAIN: 6 months). */
  lostContactDays: z.number().int().min(30).max(3650),
  /** Settled this many months at one place ⇒ prompt to transfer the membership relation. */
  shouldTransferMonths: z.number().int().min(1).max(120),
  /** Days a member has to make up a missed session (补学). */
  makeupDays: z.number().int().min(1).max(365),
  /** An unread push gets one reminder in the app after this many hours. */
  pushReminderHours: z.number().int().min(1).max(720),
  /** Seconds on an item that count as read when the end is not reached. */
  readMinSeconds: z.number().int().min(10).max(3600),
  /** Missing this many sessions in a row raises a follow-up task. */
  absenceStreakSessions: z.number().int().min(1).max(12),
  /** Reading nothing delivered for this many days raises a follow-up task. */
  unreadStreakDays: z.number().int().min(3).max(365),
  /** A mobile member should have a heart-to-heart talk at least every this many days (monthly). */
  talkCadenceDays: z.number().int().min(7).max(365),
  /** The same for members at home; 0 = no cadence. */
  talkCadenceHomeDays: z.number().int().min(0).max(730),
  /** No app activity for this many days counts as a drift reason. */
  inactiveDays: z.number().int().min(7).max(365),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

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
