import { Readable } from 'node:stream';
import sanitizeHtml from 'sanitize-html';
import type { Database } from '../../db/database.ts';
import type { FileStorage } from '../../storage.ts';
import type { ScheduledJob } from '../../jobs/scheduler.ts';
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
/** Providers take a few thousand characters per request; longer articles are cut (the phone reads the rest aloud or not at all). */
const MAX_SPEECH_CHARS = 5000;

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

/**
 * Makes the audio of articles marked `speech_wanted` (published without a recorded audio while a
 * provider was configured): stored like an upload (storage + stored_file), attached as the
 * article's audio, audited. An article that got an audio meanwhile, or was retired, is left alone;
 * a provider's failure (or an answer that is no audio, or too large) counts an attempt and the next
 * run tries again, up to SPEECH_ATTEMPTS.
 */
export async function makeArticleSpeech(db: Database, storage: FileStorage, maker: SpeechMaker): Promise<number> {
  const due = await db
    .selectFrom('study_item')
    .select(['tenant_id', 'id', 'title', 'body_html'])
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
    let audio: { bytes: Buffer; mime: string };
    let stored: { key: string; sizeBytes: number; sha256: string };
    try {
      audio = await maker.make(articleText(item.title, item.body_html), 'zh-CN');
      if (!EXTENSION[audio.mime] || audio.bytes.length === 0) throw new Error(`not an audio: ${audio.mime}, ${audio.bytes.length} bytes`);
      // Too large an audio is refused by the storage (TooLarge) and counts as a failed attempt too.
      stored = await storage.put(item.tenant_id, Readable.from([audio.bytes]), MAX_SPEECH_BYTES);
    } catch {
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
          file_name: `${item.title.slice(0, 100)}（语音合成）.${EXTENSION[audio.mime]}`,
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
export function speechJobs(storage: FileStorage, maker: SpeechMaker | null): ScheduledJob[] {
  if (!maker) return [];
  return [{ name: 'library.speech', everyMs: 60 * 1000, run: (db) => makeArticleSpeech(db, storage, maker) }];
}
