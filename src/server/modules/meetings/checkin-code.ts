import crypto from 'node:crypto';

/**
 * The host's rotating check-in code. Each 30-second slot has its own code, an HMAC of the
 * meeting id and the slot number under the meeting's secret, so a code is bound to one meeting
 * and one moment: a code photographed and sent on to someone at home stops working within a
 * minute. A check-in accepts the current and the previous slot (a scan made just before the
 * code changed still counts), nothing older.
 */
export const SLOT_SECONDS = 30;
const CODE_LENGTH = 10;

export const slotAt = (at: Date): number => Math.floor(at.getTime() / 1000 / SLOT_SECONDS);

/** When the slot's code stops being the current one. */
export const slotEndsAt = (slot: number): Date => new Date((slot + 1) * SLOT_SECONDS * 1000);

export function newQrSecret(): string {
  return crypto.randomBytes(32).toString('hex');
}

export function checkinCodeFor(secret: string, meetingId: string, slot: number): string {
  return crypto.createHmac('sha256', secret).update(`${meetingId}:${slot}`).digest('hex').slice(0, CODE_LENGTH);
}

/** Whether `code` is this meeting's code for the slot of `at` or the one before it. */
export function verifyCheckinCode(secret: string, meetingId: string, code: string, at: Date): boolean {
  const given = Buffer.from(code.trim().toLowerCase());
  const slot = slotAt(at);
  let ok = false;
  for (const s of [slot, slot - 1]) {
    const expected = Buffer.from(checkinCodeFor(secret, meetingId, s));
    // Constant time, and both slots always compared: the answer takes as long either way.
    if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}
