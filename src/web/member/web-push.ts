/**
 * 本机通知 (Web Push) on this phone: whether it can work here, and subscribing with the server's key.
 * In mainland China it reaches few phones: WeChat's browser has no PushManager, many Chinese Android
 * browsers have none either, and Chrome's push service is blocked. So it is offered only where the
 * browser has one, and SMS and the groups' messages stay the channels a member can count on.
 */

export type PushSupport =
  /** the browser can receive notifications */
  | 'supported'
  /** inside WeChat: its browser cannot */
  | 'wechat'
  /** the member said no to notifications in the browser's own settings */
  | 'denied'
  /** no service worker or no PushManager here */
  | 'unsupported';

export function isWeChat(userAgent: string = navigator.userAgent): boolean {
  return /MicroMessenger/i.test(userAgent);
}

export function pushSupport(): PushSupport {
  if (isWeChat()) return 'wechat';
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  return 'supported';
}

/**
 * The service worker of the app (registered by main.tsx in builds), or null when there is none.
 * `wait`: on the first visit it may not be registered yet (main.tsx does it at the page's load).
 */
async function registration(wait = false): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator)) return null;
  const existing = await navigator.serviceWorker.getRegistration(import.meta.env.BASE_URL);
  if (existing || !wait) return existing ?? null;
  // Not yet registered (the first visit, before the page's load event): wait for it a short while.
  const ready = navigator.serviceWorker.ready;
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000));
  return Promise.race([ready, timeout]);
}

/** This phone's current subscription, if it has one. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (pushSupport() !== 'supported') return null;
  const reg = await registration();
  return reg ? reg.pushManager.getSubscription() : null;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

export type SubscribeResult =
  | { ok: true; subscription: PushSubscriptionJSON }
  | { ok: false; reason: 'denied' | 'unsupported' | 'failed' };

/**
 * Asks the member's permission (the browser's own question), then subscribes with the server's
 * public key. A subscription made with another key (the server's key is never rotated, but a
 * database restored from elsewhere has its own) is replaced.
 */
export async function subscribeThisPhone(publicKey: string): Promise<SubscribeResult> {
  if (pushSupport() === 'denied') return { ok: false, reason: 'denied' };
  if (pushSupport() !== 'supported') return { ok: false, reason: 'unsupported' };
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return { ok: false, reason: permission === 'denied' ? 'denied' : 'failed' };
  const reg = await registration(true);
  if (!reg) return { ok: false, reason: 'unsupported' };
  const key = keyBytes(publicKey);
  try {
    const existing = await reg.pushManager.getSubscription();
    if (existing) {
      const used = existing.options.applicationServerKey;
      const same = used !== null && used.byteLength === key.byteLength && new Uint8Array(used).every((b, i) => b === key[i]);
      if (same) return { ok: true, subscription: existing.toJSON() };
      await existing.unsubscribe();
    }
    const made = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    return { ok: true, subscription: made.toJSON() };
  } catch {
    // the push service cannot be reached (blocked, no network) or the browser refused
    return { ok: false, reason: 'failed' };
  }
}

/** Ends this phone's subscription; answers its endpoint so the server forgets it too. */
export async function unsubscribeThisPhone(): Promise<string | null> {
  const subscription = await currentSubscription().catch(() => null);
  if (!subscription) return null;
  const endpoint = subscription.endpoint;
  await subscription.unsubscribe().catch(() => false);
  return endpoint;
}

/**
 * Signing out: this phone stops getting the member's notifications (the next person to sign in on
 * it would otherwise see them). Best effort, and quick: signing out never waits on it for long.
 */
export async function stopPushOnThisPhone(forget: (endpoint: string) => Promise<unknown>): Promise<void> {
  const work = (async () => {
    const endpoint = await unsubscribeThisPhone();
    if (endpoint) await forget(endpoint);
  })().catch(() => undefined);
  await Promise.race([work, new Promise((resolve) => setTimeout(resolve, 3_000))]);
}
