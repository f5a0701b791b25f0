import { SHARE_KINDS } from '../../shared/enums.ts';
import { forget, forgetAll, keep, recall } from './kept.ts';

/**
 * A post being written (互动 · 写分享), kept on the phone at every change so a lost signal or a
 * reload loses nothing: the kind, the text, the audience, the month's topic, and the photos and
 * voice recording already uploaded (their file ids; a file not yet uploaded is not kept: uploads
 * need a signal). One draft per account (`lx_share_draft:<accountId>`): another member signed in
 * on the same phone never sees it; signing out forgets it (App.tsx).
 */
const SHARE_DRAFT = 'lx_share_draft:';
/** The account the member app keeps its data for (query.ts). */
const ACCOUNT_KEY = 'lx_member_account';

export type ShareKind = (typeof SHARE_KINDS)[number];
export type ShareAudience = 'branch' | 'village';

export interface KeptFile {
  fileId: string;
  url: string;
}

export interface ShareDraftForm {
  kind: ShareKind;
  body: string;
  audience: ShareAudience;
  topicId: string | null;
  photos: KeptFile[];
  voice: KeptFile | null;
}

export interface ShareDraft {
  form: ShareDraftForm;
  savedAt: string;
}

export function blankShareForm(topicId: string | null = null): ShareDraftForm {
  return { kind: 'study', body: '', audience: 'branch', topicId, photos: [], voice: null };
}

function account(): string | null {
  try {
    return localStorage.getItem(ACCOUNT_KEY);
  } catch {
    return null;
  }
}

const isKeptFile = (value: unknown): value is KeptFile =>
  typeof value === 'object' && value !== null && typeof (value as KeptFile).fileId === 'string' && typeof (value as KeptFile).url === 'string';

/** A kept form read back defensively: anything unreadable falls back to the blank form's value. */
export function readForm(value: unknown): ShareDraftForm | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<Record<keyof ShareDraftForm, unknown>>;
  const blank = blankShareForm();
  return {
    kind: typeof v.kind === 'string' && (SHARE_KINDS as readonly string[]).includes(v.kind) ? (v.kind as ShareKind) : blank.kind,
    body: typeof v.body === 'string' ? v.body : '',
    audience: v.audience === 'village' ? 'village' : 'branch',
    topicId: typeof v.topicId === 'string' && v.topicId !== '' ? v.topicId : null,
    photos: Array.isArray(v.photos) ? v.photos.filter(isKeptFile).slice(0, 9) : [],
    voice: isKeptFile(v.voice) ? v.voice : null,
  };
}

/** Whether a form holds anything the member wrote or uploaded. */
export function hasContent(form: ShareDraftForm): boolean {
  return form.body.trim() !== '' || form.photos.length > 0 || form.voice !== null;
}

export function saveShareDraft(form: ShareDraftForm): void {
  const who = account();
  if (!who) return;
  keep(SHARE_DRAFT + who, { form, savedAt: new Date().toISOString() } satisfies ShareDraft);
}

export function loadShareDraft(): ShareDraft | null {
  const who = account();
  if (!who) return null;
  const value = recall(SHARE_DRAFT + who, 'form');
  const form = readForm(value?.form);
  return form && hasContent(form) ? { form, savedAt: typeof value?.savedAt === 'string' ? value.savedAt : '' } : null;
}

export function forgetShareDraft(): void {
  const who = account();
  if (who) forget(SHARE_DRAFT + who);
}

/** Signing out: every draft on the phone goes. */
export function forgetShareDrafts(): void {
  forgetAll(SHARE_DRAFT);
}
