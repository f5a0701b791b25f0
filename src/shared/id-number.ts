/**
 * Chinese resident ID numbers (GB 11643-1999): 17 digits + a check character (0-9 or X).
 * Shared by the server (validation, masking) and the web apps (instant feedback).
 */
import { chinaDay } from './china-time.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type IdNumberProblem = 'format' | 'checksum' | 'birth_date';

export function normalizeIdNumber(raw: string): string {
  return raw.trim().toUpperCase();
}

/**
 * What is wrong with an ID number, or null. `today` is the China day a birth date may not be after:
 * the server passes its clock's day; the web apps' instant feedback takes the device's.
 */
export function checkIdNumber(raw: string, today: string = chinaDay(Date.now())): IdNumberProblem | null {
  const id = normalizeIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (WEIGHTS[i] ?? 0);
  if (CHECK[sum % 11] !== id[17]) return 'checksum';
  const birth = idNumberBirthDate(id, today);
  if (!birth) return 'birth_date';
  return null;
}

/** The birth date encoded in positions 7-14, or null when it is not a real day from 1900 to `today` (a China day). */
export function idNumberBirthDate(id: string, today: string = chinaDay(Date.now())): string | null {
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  const day = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (y < 1900 || day > today) return null;
  return day;
}

/** Makes the check character right for 17 given digits (test data and the demo generator). */
export function completeIdNumber(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return first17 + CHECK[sum % 11];
}

/** '320681199001011234' → '3206**********1234' */
export function maskIdNumber(id: string): string {
  return id.slice(0, 4) + '*'.repeat(Math.max(0, id.length - 8)) + id.slice(-4);
}
