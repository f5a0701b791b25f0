import { forget, forgetAll, keep, recall } from './kept.ts';
import { SERVICE_LOG_MAX_DAYS_BACK, SERVICE_LOG_MINUTES_MAX, SERVICE_LOG_PHOTOS_MAX } from '../../shared/enums.ts';

/**
 * A service log being written (志愿服务 · 记录服务), kept on the phone at every change so a lost
 * signal or a reload loses nothing: what it is for (a project's task or a team), the day, how long,
 * whether it was done from afar, what was done and the photos already uploaded (their file ids).
 * Whom it was for is kept only as the record's id: the person's name (label), need and contact are
 * shown from the server's answer and never kept on the phone. One draft per account
 * (`lx_service_draft:<accountId>`): another member signed in on the same phone never sees it
 * (query.ts forgets every draft when the account changes); it goes once the log is sent or waits in
 * the phone's queue, and at sign-out.
 */
const SERVICE_DRAFT = 'lx_service_draft:';
/** The account the member app keeps its data for (query.ts). */
const ACCOUNT_KEY = 'lx_member_account';

/** At most this many photos on one log (the server refuses more). */
export const SERVICE_PHOTOS_MAX = SERVICE_LOG_PHOTOS_MAX;
/** A log's text, and its minutes, within the server's limits. */
export const SERVICE_WHAT_MAX = 1000;
export const SERVICE_MINUTES_MAX = SERVICE_LOG_MINUTES_MAX;
/** How far back a log may be dated (the server refuses older days). */
export const SERVICE_DAYS_BACK = SERVICE_LOG_MAX_DAYS_BACK;

export interface KeptPhoto {
  fileId: string;
  url: string;
}

export interface ServiceDraftForm {
  projectId: string | null;
  taskId: string | null;
  teamId: string | null;
  /** the person looked after, by id only (never their label) */
  recipientId: string | null;
  /**
   * 'YYYY-MM-DD'; '' only on a fresh form, shown as today. Once the member touches the form the day
   * is written in (datedServiceForm), so a draft kept overnight keeps its day and does not move to
   * the morning it is reopened (nor, at a month's end, into the next month).
   */
  servedOn: string;
  /** as typed: parsed with parseMinutes when sent */
  minutes: string;
  remote: boolean;
  what: string;
  photos: KeptPhoto[];
}

export interface ServiceDraft {
  form: ServiceDraftForm;
  savedAt: string;
}

export function blankServiceForm(projectId: string | null = null): ServiceDraftForm {
  return { projectId, taskId: null, teamId: null, recipientId: null, servedOn: '', minutes: '', remote: false, what: '', photos: [] };
}

function account(): string | null {
  try {
    return localStorage.getItem(ACCOUNT_KEY);
  } catch {
    return null;
  }
}

const id = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

const isKeptPhoto = (value: unknown): value is KeptPhoto =>
  typeof value === 'object' && value !== null && typeof (value as KeptPhoto).fileId === 'string' && typeof (value as KeptPhoto).url === 'string';

/** A kept form read back defensively: anything unreadable falls back to the blank form's value; nothing but these fields is read. */
export function readServiceForm(value: unknown): ServiceDraftForm | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<Record<keyof ServiceDraftForm, unknown>>;
  return {
    projectId: id(v.projectId),
    taskId: id(v.taskId),
    teamId: id(v.teamId),
    recipientId: id(v.recipientId),
    servedOn: typeof v.servedOn === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.servedOn) ? v.servedOn : '',
    minutes: typeof v.minutes === 'string' ? v.minutes.slice(0, 10) : '',
    remote: v.remote === true,
    what: typeof v.what === 'string' ? v.what : '',
    photos: Array.isArray(v.photos) ? v.photos.filter(isKeptPhoto).map((p) => ({ fileId: p.fileId, url: p.url })).slice(0, SERVICE_PHOTOS_MAX) : [],
  };
}

/** Whether a form holds anything the member typed or uploaded (a choice of project alone is not worth keeping). */
export function hasServiceContent(form: ServiceDraftForm): boolean {
  return form.what.trim() !== '' || form.minutes.trim() !== '' || form.photos.length > 0;
}

/** What goes to the phone: exactly the form's fields (a label passed in by mistake is not kept). */
function keptForm(form: ServiceDraftForm): ServiceDraftForm {
  return readServiceForm(form) ?? blankServiceForm();
}

/** A touched form with its day written in: '' (a fresh form's "today") becomes `today` (China's date, 'YYYY-MM-DD'). */
export function datedServiceForm(form: ServiceDraftForm, today: string): ServiceDraftForm {
  return form.servedOn === '' ? { ...form, servedOn: today } : form;
}

/** Keeps the form on the phone with its day written in (`today` stands for a fresh form's ''). */
export function saveServiceDraft(form: ServiceDraftForm, today: string): void {
  const who = account();
  if (!who) return;
  if (!hasServiceContent(form)) forget(SERVICE_DRAFT + who);
  else keep(SERVICE_DRAFT + who, { form: keptForm(datedServiceForm(form, today)), savedAt: new Date().toISOString() } satisfies ServiceDraft);
}

export function loadServiceDraft(): ServiceDraft | null {
  const who = account();
  if (!who) return null;
  const value = recall(SERVICE_DRAFT + who, 'form');
  const form = readServiceForm(value?.form);
  return form && hasServiceContent(form) ? { form, savedAt: typeof value?.savedAt === 'string' ? value.savedAt : '' } : null;
}

export function forgetServiceDraft(): void {
  const who = account();
  if (who) forget(SERVICE_DRAFT + who);
}

/** Signing out, or another account signing in: every service draft on the phone goes. */
export function forgetServiceDrafts(): void {
  forgetAll(SERVICE_DRAFT);
}

/**
 * Minutes as a member types them: digits (full-width ones too, as Chinese keyboards give them),
 * spaces and a trailing 分钟/分/min allowed; whole minutes from 1 to 1440, else null.
 */
export function parseMinutes(text: string): number | null {
  const plain = text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/\s+/g, '')
    .replace(/(分钟|分|minutes|minute|mins|min)$/i, '');
  if (!/^\d{1,4}$/.test(plain)) return null;
  const n = Number(plain);
  return n >= 1 && n <= SERVICE_MINUTES_MAX ? n : null;
}
