import webPush from 'web-push';
import type { Executor } from '../../../db/database.ts';
import type { FieldCipher } from '../../../secrets.ts';

/**
 * The server's VAPID key pair (RFC 8292), made by the server itself the first time it is needed and
 * kept in `server_secret`, encrypted with the field cipher. One pair for the whole server: a browser's
 * subscription is bound to the key it subscribed with for life, so the pair is never rotated (a new
 * pair would leave every subscription answering 403 until its phone subscribes again).
 */
export interface VapidKeys {
  /** base64url of the uncompressed P-256 point: what browsers subscribe with */
  publicKey: string;
  /** base64url of the private scalar: never leaves the server */
  privateKey: string;
}

export const VAPID_SECRET_NAME = 'webpush.vapid';

function parseKeys(plain: string): VapidKeys {
  const value = JSON.parse(plain) as Partial<VapidKeys>;
  if (typeof value.publicKey !== 'string' || typeof value.privateKey !== 'string') throw new Error('server_secret webpush.vapid is not a key pair');
  return { publicKey: value.publicKey, privateKey: value.privateKey };
}

async function storedKeys(db: Executor, cipher: FieldCipher): Promise<VapidKeys | null> {
  const row = await db.selectFrom('server_secret').select('value_cipher').where('name', '=', VAPID_SECRET_NAME).executeTakeFirst();
  return row ? parseKeys(cipher.decrypt(row.value_cipher)) : null;
}

/**
 * The key pair, made on first need. Two processes making one at the same moment both insert with ON
 * CONFLICT DO NOTHING and then read what is stored, so both use the one pair that won. Not audited:
 * the audit log is per tenant and this key is the server's own.
 */
export async function vapidKeys(db: Executor, cipher: FieldCipher): Promise<VapidKeys> {
  const stored = await storedKeys(db, cipher);
  if (stored) return stored;
  const made = webPush.generateVAPIDKeys();
  await db
    .insertInto('server_secret')
    .values({ name: VAPID_SECRET_NAME, value_cipher: cipher.encrypt(JSON.stringify(made)) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const kept = await storedKeys(db, cipher);
  if (!kept) throw new Error('the VAPID key pair was not stored');
  return kept;
}

/**
 * The VAPID `sub` claim: the public address when it is https (push services, Apple's above all,
 * refuse a `sub` that is not a real https: or mailto: address), else a mailto: of the server's host
 * name (development on http://localhost, where no real push service is reached anyway).
 */
export function vapidSubject(publicUrl: string): string {
  try {
    const url = new URL(publicUrl);
    if (url.protocol === 'https:') return url.origin;
    return `mailto:webpush@${url.hostname === 'localhost' || url.hostname === '' ? 'lianxin.invalid' : url.hostname}`;
  } catch {
    return 'mailto:webpush@lianxin.invalid';
  }
}
