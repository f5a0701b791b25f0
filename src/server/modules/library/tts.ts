import { Readable } from 'node:stream';
import sanitizeHtml from 'sanitize-html';
import type { Database } from '../../db/database.ts';
import type { FileStorage } from '../../storage.ts';
import type { ScheduledJob, SchedulerLog } from '../../jobs/scheduler.ts';
import { recordAudit } from '../../audit-log.ts';
import { storedFileView } from '../files/index.ts';

/**
 * Speech synthesis (语音合成): makes the recorded audio of an article published without one, for
 * phones that cannot read Chinese aloud. A provider (阿里云, 腾讯云 …) implements this interface and
 * is handed to the server in its services; none is configured by default, and then articles keep
 * only the audio a secretary uploads or records.
 */
export interface SpeechMaker {
  /** The audio of `text` read in `lang`: its bytes and MIME type (an audio type: audio/mpeg, audio/wav …). */
  make(text: string, lang: 'zh-CN'): Promise<{ bytes: Buffer; mime: string }>;
}

/** A provider that keeps failing on an article is asked this many times, then left (the secretary can record one). */
export const SPEECH_ATTEMPTS = 3;
/** Articles handled per run: a provider is slow, and the next run continues. */
const SPEECH_BATCH = 5;
/** The longest audio kept (the upload limit of an audio file). */
const MAX_SPEECH_BYTES = 50 * 1024 * 1024;
/**
 * Providers take a few thousand characters per request: a longer article is asked for in several
 * calls cut at sentence ends, their audio joined when its format allows (WAV, MP3); otherwise the
 * audio covers only the first part, and its file name says so (see SPEECH_PARTIAL_MARK).
 */
export const SPEECH_CALL_CHARS = 2000;
/** Beyond this an article is not read at all (its audio would pass the upload limit anyway). */
const MAX_SPEECH_CHARS = 60_000;
/** In the name of every audio the job makes: `标题（语音合成）.wav`. */
export const SPEECH_NAME_MARK = '（语音合成';
/** In the name of a made audio that covers only the beginning of its article: `标题（语音合成，仅开头）.ogg`. */
export const SPEECH_PARTIAL_MARK = '语音合成，仅开头';

const EXTENSION: Record<string, string> = { 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/aac': 'aac', 'audio/ogg': 'ogg', 'audio/wav': 'wav' };

/** An article's title and body as plain text, paragraph per line. */
export function articleText(title: string, bodyHtml: string | null): string {
  const body = sanitizeHtml((bodyHtml ?? '').replace(/<\/(p|h[1-6]|li|blockquote|pre|figcaption|td|th|div)>|<br\s*\/?>/gi, '$&\n'), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  const lines = [title, ...body.split('\n')].map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
  return lines.join('\n').slice(0, MAX_SPEECH_CHARS);
}

/** `text` in parts of at most `max` characters, cut after a sentence end (or a line) where there is one. */
export function speechParts(text: string, max = SPEECH_CALL_CHARS): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const head = rest.slice(0, max);
    let cut = -1;
    for (let i = head.length - 1; i > 0; i -= 1) {
      if ('。！？!?；;\n'.includes(head[i] as string)) {
        cut = i + 1;
        break;
      }
    }
    if (cut <= 0) cut = max;
    const part = rest.slice(0, cut).trim();
    if (part) parts.push(part);
    rest = rest.slice(cut);
  }
  if (rest.trim()) parts.push(rest.trim());
  return parts;
}

/** A WAV's format and sample bytes, or null when it is not a plain RIFF/WAVE. */
function wavParts(bytes: Buffer): { fmt: Buffer; data: Buffer } | null {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') return null;
  let fmt: Buffer | null = null;
  let data: Buffer | null = null;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + size));
    if (id === 'fmt ') fmt = body;
    else if (id === 'data') data = body;
    at += 8 + size + (size % 2);
  }
  return fmt && data ? { fmt, data } : null;
}

/** Audio answers joined into one: WAVs of the same format by their samples, MP3s frame after frame; null when they cannot be. */
export function joinAudio(answers: { bytes: Buffer; mime: string }[]): { bytes: Buffer; mime: string } | null {
  const first = answers[0];
  if (!first || answers.some((a) => a.mime !== first.mime)) return null;
  if (answers.length === 1) return first;
  if (first.mime === 'audio/mpeg') return { bytes: Buffer.concat(answers.map((a) => a.bytes)), mime: first.mime };
  if (first.mime !== 'audio/wav') return null;
  const wavs = answers.map((a) => wavParts(a.bytes));
  const head = wavs[0];
  if (!head || wavs.some((w) => !w || !w.fmt.equals(head.fmt))) return null;
  const data = Buffer.concat(wavs.map((w) => (w as { data: Buffer }).data));
  const header = Buffer.alloc(20);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + 8 + head.fmt.length + 8 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(head.fmt.length, 16);
  const dataHeader = Buffer.alloc(8);
  dataHeader.write('data', 0, 'latin1');
  dataHeader.writeUInt32LE(data.length, 4);
  return { bytes: Buffer.concat([header, head.fmt, dataHeader, data]), mime: first.mime };
}

/** The audio of a whole article: one call per part; `partial` when only the first part's audio could be kept. */
async function speakArticle(maker: SpeechMaker, text: string): Promise<{ bytes: Buffer; mime: string; partial: boolean }> {
  const parts = speechParts(text);
  const first = await maker.make(parts[0] ?? '', 'zh-CN');
  if (parts.length === 1 || (first.mime !== 'audio/wav' && first.mime !== 'audio/mpeg')) return { ...first, partial: parts.length > 1 };
  const answers = [first];
  for (const part of parts.slice(1)) answers.push(await maker.make(part, 'zh-CN'));
  const joined = joinAudio(answers);
  return joined ? { ...joined, partial: false } : { ...first, partial: true };
}

/**
 * Makes the audio of articles marked `speech_wanted` (published without a recorded audio while a
 * provider was configured): stored like an upload (storage + stored_file), attached as the
 * article's audio, audited. An article that got an audio meanwhile, or was retired, is left alone;
 * a provider's failure (or an answer that is no audio, or too large) counts an attempt and the next
 * run tries again, up to SPEECH_ATTEMPTS.
 */
export async function makeArticleSpeech(db: Database, storage: FileStorage, maker: SpeechMaker, log?: Pick<SchedulerLog, 'error'>): Promise<number> {
  const due = await db
    .selectFrom('study_item')
    .select(['tenant_id', 'id', 'title', 'body_html', 'speech_attempts'])
    .where('speech_wanted', '=', true)
    .where('kind', '=', 'article')
    .where('audio_file_id', 'is', null)
    .where('retired_at', 'is', null)
    .where('speech_attempts', '<', SPEECH_ATTEMPTS)
    .orderBy('created_at')
    .limit(SPEECH_BATCH)
    .execute();
  let made = 0;
  for (const item of due) {
    let audio: { bytes: Buffer; mime: string; partial: boolean };
    let stored: { key: string; sizeBytes: number; sha256: string };
    try {
      audio = await speakArticle(maker, articleText(item.title, item.body_html));
      if (!EXTENSION[audio.mime] || audio.bytes.length === 0) throw new Error(`not an audio: ${audio.mime}, ${audio.bytes.length} bytes`);
      // Too large an audio is refused by the storage (TooLarge) and counts as a failed attempt too.
      stored = await storage.put(item.tenant_id, Readable.from([audio.bytes]), MAX_SPEECH_BYTES);
    } catch (err) {
      // Logged without the error's message, which may quote the article's text.
      const e = err instanceof Error ? (err as Error & { code?: unknown; status?: unknown }) : null;
      log?.error(
        { job: 'library.speech', tenantId: item.tenant_id, itemId: item.id, attempt: item.speech_attempts + 1, lastAttempt: item.speech_attempts + 1 >= SPEECH_ATTEMPTS, error: e?.name ?? typeof err, code: e?.code, status: e?.status },
        'speech synthesis failed for an article',
      );
      await db
        .updateTable('study_item')
        .set((eb) => ({ speech_attempts: eb('speech_attempts', '+', 1) }))
        .where('tenant_id', '=', item.tenant_id)
        .where('id', '=', item.id)
        .execute();
      continue;
    }
    const attached = await db.transaction().execute(async (tx) => {
      const file = await tx
        .insertInto('stored_file')
        .values({
          tenant_id: item.tenant_id,
          storage_key: stored.key,
          file_name: `${item.title.slice(0, 100)}（${audio.partial ? SPEECH_PARTIAL_MARK : '语音合成'}）.${EXTENSION[audio.mime]}`,
          mime_type: audio.mime,
          size_bytes: stored.sizeBytes,
          sha256: stored.sha256,
          created_by: null,
        })
        .returning(['id', 'file_name', 'mime_type', 'size_bytes'])
        .executeTakeFirstOrThrow();
      const updated = await tx
        .updateTable('study_item')
        .set({ audio_file_id: file.id, speech_wanted: false })
        .where('tenant_id', '=', item.tenant_id)
        .where('id', '=', item.id)
        .where('audio_file_id', 'is', null)
        .where('speech_wanted', '=', true)
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) {
        // A secretary chose an audio (or none) meanwhile: theirs stands.
        await tx.deleteFrom('stored_file').where('tenant_id', '=', item.tenant_id).where('id', '=', file.id).execute();
        return false;
      }
      await recordAudit(tx, null, {
        tenantId: item.tenant_id,
        action: 'study_item.speech',
        entity: 'study_item',
        entityId: item.id,
        after: { audioFileId: file.id, audio: storedFileView(file) },
      });
      return true;
    });
    if (attached) made += 1;
    else await storage.remove(stored.key);
  }
  return made;
}

/** The job that makes articles' audio: only when a provider is configured. */
export function speechJobs(storage: FileStorage, maker: SpeechMaker | null, log?: Pick<SchedulerLog, 'error'>): ScheduledJob[] {
  if (!maker) return [];
  return [{ name: 'library.speech', everyMs: 60 * 1000, run: (db) => makeArticleSpeech(db, storage, maker, log) }];
}
