import type { z } from 'zod';
import type { Database } from '../../db/database.ts';
import type { RequestContext } from '../../auth/actor.ts';
import type { FieldCipher } from '../../secrets.ts';
import { recordAudit } from '../../audit-log.ts';
import { requireMember } from '../../directory/index.ts';
import type { PushSubscriptionBody } from '../../../shared/api-notify-member.ts';
import { vapidKeys } from './providers/webpush-keys.ts';

/**
 * Web Push subscriptions of the member's own login, one per browser (its endpoint). A browser that
 * subscribes again (the same endpoint) replaces its keys; a browser another login of the server had
 * subscribed (someone else signed in on this phone before) now belongs to the one signed in, so a
 * phone never shows a notice meant for the person who used it before.
 *
 * The endpoint is a capability (whoever knows it can post to that browser): it is never returned and
 * never written to the audit log, which keeps only the push service's host.
 */

/** Browsers an account keeps subscribed; older ones go (Apple answers 200 for a gone endpoint, so stale ones would pile up). */
export const MAX_SUBSCRIPTIONS_PER_ACCOUNT = 5;

const serviceOf = (endpoint: string): string => {
  try {
    return new URL(endpoint).host;
  } catch {
    return '';
  }
};

/** The public key browsers subscribe with (made on first need). */
export async function pushPublicKey(db: Database, cipher: FieldCipher, ctx: RequestContext): Promise<{ publicKey: string }> {
  requireMember(ctx);
  return { publicKey: (await vapidKeys(db, cipher)).publicKey };
}

export async function savePushSubscription(
  db: Database,
  ctx: RequestContext,
  body: z.infer<typeof PushSubscriptionBody>,
  userAgent: string | null,
): Promise<{ id: string; devices: number }> {
  requireMember(ctx);
  const { tenantId, accountId } = ctx.actor;
  return db.transaction().execute(async (tx) => {
    const before = await tx.selectFrom('push_subscription').select(['tenant_id', 'account_id']).where('endpoint', '=', body.endpoint).forUpdate().executeTakeFirst();
    const row = await tx
      .insertInto('push_subscription')
      .values({ tenant_id: tenantId, account_id: accountId, endpoint: body.endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth, user_agent: userAgent })
      .onConflict((oc) =>
        oc.column('endpoint').doUpdateSet((eb) => ({
          tenant_id: eb.ref('excluded.tenant_id'),
          account_id: eb.ref('excluded.account_id'),
          p256dh: eb.ref('excluded.p256dh'),
          auth: eb.ref('excluded.auth'),
          user_agent: eb.ref('excluded.user_agent'),
          last_error: null,
        })),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    // Keep the newest few browsers of the login.
    const kept = await tx
      .selectFrom('push_subscription')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    const dropped = kept.slice(MAX_SUBSCRIPTIONS_PER_ACCOUNT).map((r) => r.id).filter((id) => id !== row.id);
    if (dropped.length > 0) await tx.deleteFrom('push_subscription').where('tenant_id', '=', tenantId).where('id', 'in', dropped).execute();
    const movedFromAnother = before !== undefined && (before.tenant_id !== tenantId || before.account_id !== accountId);
    await recordAudit(tx, ctx, {
      tenantId,
      action: 'push_subscription.save',
      entity: 'push_subscription',
      entityId: row.id,
      after: { service: serviceOf(body.endpoint), renewed: before !== undefined && !movedFromAnother, movedFromAnotherLogin: movedFromAnother, dropped: dropped.length },
    });
    return { id: row.id, devices: Math.min(kept.length, MAX_SUBSCRIPTIONS_PER_ACCOUNT) };
  });
}

/** Removes this browser's subscription; only one of the caller's own login is ever removed. */
export async function removePushSubscription(db: Database, ctx: RequestContext, endpoint: string): Promise<{ removed: number }> {
  requireMember(ctx);
  const { tenantId, accountId } = ctx.actor;
  return db.transaction().execute(async (tx) => {
    const gone = await tx
      .deleteFrom('push_subscription')
      .where('tenant_id', '=', tenantId)
      .where('account_id', '=', accountId)
      .where('endpoint', '=', endpoint)
      .returning('id')
      .execute();
    for (const row of gone) {
      await recordAudit(tx, ctx, { tenantId, action: 'push_subscription.remove', entity: 'push_subscription', entityId: row.id, before: { service: serviceOf(endpoint) } });
    }
    return { removed: gone.length };
  });
}
