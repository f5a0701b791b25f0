import { useCallback, useEffect, useRef, useState, type ChangeEvent } from 'react';
import { ApiError, errorText } from './api.ts';
import { fill } from './i18n.ts';
import { isAcceptedPhoto, MAX_UPLOAD_BYTES, shrinkPhoto } from './upload.ts';
import './photo-field.css';

/**
 * Photos on a form the member writes (写分享, 记录服务): taken or chosen, checked to be pictures,
 * shrunk on the phone, then uploaded one at a time with their progress (several at once would all
 * crawl on a weak signal); a failed one can be uploaded again or removed. `usePhotoUploads` holds
 * the photos on their way; the uploaded ones (file id and address) belong to the form, which keeps
 * them in its draft. `<PhotoField>` shows both with 拍照 and 从相册选.
 */

/** An uploaded photo, as a form keeps it. */
export interface UploadedPhoto {
  fileId: string;
  url: string;
}

/** A photo on its way: shrunk on the phone, then uploaded; a failed one can be sent again or removed. */
export interface PendingPhoto {
  key: string;
  name: string;
  file: File;
  state: 'shrinking' | 'uploading' | 'failed';
  progress: number;
  error: string | null;
}

/** The words a photo field shows, from its screen's dictionary. */
export interface PhotoWords {
  /** the field's label, and its hint ({n}: how many at most) */
  label: string;
  hint: string;
  optional: string;
  takePhoto: string;
  pickPhotos: string;
  /** {n} */
  full: string;
  /** {n}, {extra} */
  tooMany: string;
  /** {name} */
  wrongType: string;
  /** {name} */
  tooBig: string;
  shrinking: string;
  /** {n}: percent */
  uploading: string;
  failed: string;
  retry: string;
  /** a photo's name for screen readers, {n} */
  done: string;
  /** the remove button's name for screen readers, {n} */
  removeLabel: string;
  /** the remove button's text */
  remove: string;
  /** uploads need a signal (said plainly) */
  needsSignal: string;
}

export interface PhotoUploadsOptions {
  /** photos the form already holds */
  count: number;
  max: number;
  words: PhotoWords;
  upload: (file: File, onProgress: (percent: number) => void) => Promise<{ id: string; url: string }>;
  /** a photo is up: the form adds it */
  onUploaded: (photo: UploadedPhoto) => void;
  /** the member picked photos: the form counts as touched (its draft is kept) */
  onPicked?: () => void;
  onUnauthenticated: () => void;
}

export interface PhotoUploads {
  pending: PendingPhoto[];
  /** what was refused of the last pick (wrong type, too many), or null */
  note: string | null;
  clearNote: () => void;
  add: (event: ChangeEvent<HTMLInputElement>) => void;
  retry: (key: string) => void;
  drop: (key: string) => void;
  /** forgets every photo on its way and the note (the form starts again) */
  reset: () => void;
}

let pendingSeq = 0;

export function usePhotoUploads(options: PhotoUploadsOptions): PhotoUploads {
  const [pending, setPending] = useState<PendingPhoto[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const latest = useRef(options);
  latest.current = options;
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const uploadOne = useCallback(async (key: string, original: File) => {
    const { words } = latest.current;
    const setOne = (patch: Partial<PendingPhoto>) => setPending((list) => list.map((p) => (p.key === key ? { ...p, ...patch } : p)));
    setOne({ state: 'shrinking', progress: 0, error: null });
    const file = await shrinkPhoto(original);
    if (file.size > MAX_UPLOAD_BYTES) {
      setOne({ state: 'failed', error: fill(words.tooBig, { name: original.name }) });
      return;
    }
    setOne({ state: 'uploading', progress: 0, file });
    try {
      const stored = await latest.current.upload(file, (progress) => mounted.current && setOne({ progress }));
      if (!mounted.current) return;
      setPending((list) => list.filter((p) => p.key !== key));
      latest.current.onUploaded({ fileId: stored.id, url: stored.url });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) latest.current.onUnauthenticated();
      if (!mounted.current) return;
      const text = e instanceof ApiError && e.isOffline ? words.needsSignal : errorText(e) || words.failed;
      setOne({ state: 'failed', error: text });
    }
  }, []);

  const add = (event: ChangeEvent<HTMLInputElement>) => {
    const { words, max, count } = latest.current;
    const picked = Array.from(event.target.files ?? []);
    event.target.value = '';
    if (picked.length === 0) return;
    const notes: string[] = [];
    const room = max - count - pending.length;
    const usable: File[] = [];
    for (const file of picked) {
      if (!isAcceptedPhoto(file)) notes.push(fill(words.wrongType, { name: file.name }));
      else usable.push(file);
    }
    if (room <= 0 && usable.length > 0) notes.push(fill(words.full, { n: max }));
    else if (usable.length > room) notes.push(fill(words.tooMany, { n: max, extra: usable.length - room }));
    setNote(notes.length > 0 ? notes.join(' ') : null);
    const taken = usable.slice(0, Math.max(0, room)).map((file) => ({ key: `p${++pendingSeq}`, name: file.name, file, state: 'shrinking' as const, progress: 0, error: null }));
    if (taken.length === 0) return;
    latest.current.onPicked?.();
    setPending((list) => [...list, ...taken]);
    void (async () => {
      for (const p of taken) await uploadOne(p.key, p.file);
    })();
  };

  const retry = (key: string) => {
    const p = pending.find((x) => x.key === key);
    if (p) void uploadOne(p.key, p.file);
  };

  return {
    pending,
    note,
    clearNote: () => setNote(null),
    add,
    retry,
    drop: (key) => setPending((list) => list.filter((x) => x.key !== key)),
    reset: () => {
      setPending([]);
      setNote(null);
    },
  };
}

/** Why the form cannot go yet because of its photos: one failed, or one still on its way; else null. */
export function photosNotReady(uploads: Pick<PhotoUploads, 'pending'>, words: { uploadsFailed: string; uploadsBusy: string }): string | null {
  if (uploads.pending.some((p) => p.state === 'failed')) return words.uploadsFailed;
  if (uploads.pending.length > 0) return words.uploadsBusy;
  return null;
}

interface PhotoFieldProps {
  /** the start of the field's element ids (`${id}-photos-label`) */
  id: string;
  /** the start of its test ids (`${testId}-photo-list`, -done, -pending, -note, -input, -camera) */
  testId: string;
  photos: UploadedPhoto[];
  max: number;
  uploads: PhotoUploads;
  words: PhotoWords;
  error?: string | undefined;
  onRemove: (fileId: string) => void;
}

export function PhotoField({ id, testId, photos, max, uploads, words, error, onRemove }: PhotoFieldProps) {
  const takeRef = useRef<HTMLInputElement>(null);
  const pickRef = useRef<HTMLInputElement>(null);
  const { pending } = uploads;
  const count = photos.length + pending.length;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <p className="field-label" id={`${id}-photos-label`}>
        {words.label}
        <span className="field-optional">{words.optional}</span>
      </p>
      <p className="field-hint elder-hide">{fill(words.hint, { n: max })}</p>
      {count > 0 ? (
        <ul className="photo-upload-list" aria-labelledby={`${id}-photos-label`} data-testid={`${testId}-photo-list`}>
          {photos.map((photo, i) => (
            <li key={photo.fileId} className="photo-upload photo-upload-done" data-testid={`${testId}-photo-done`}>
              <img src={photo.url} alt={fill(words.done, { n: i + 1 })} />
              <button
                type="button"
                className="button button-plain photo-upload-remove"
                aria-label={fill(words.removeLabel, { n: i + 1 })}
                onClick={() => {
                  onRemove(photo.fileId);
                  uploads.clearNote();
                }}
              >
                {words.remove}
              </button>
            </li>
          ))}
          {pending.map((p) => (
            <li key={p.key} className="photo-upload" data-testid={`${testId}-photo-pending`} data-state={p.state}>
              <span className="photo-upload-name">{p.name}</span>
              {p.state === 'failed' ? (
                <>
                  <span className="field-error">{p.error ?? words.failed}</span>
                  <button type="button" className="button button-secondary" onClick={() => uploads.retry(p.key)}>
                    {words.retry}
                  </button>
                  <button type="button" className="button button-plain" onClick={() => uploads.drop(p.key)}>
                    {words.remove}
                  </button>
                </>
              ) : (
                <>
                  <span>{p.state === 'shrinking' ? words.shrinking : fill(words.uploading, { n: p.progress })}</span>
                  <progress max={100} value={p.state === 'shrinking' ? undefined : p.progress} aria-label={p.name} />
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {uploads.note ? (
        <p className="field-error" role="alert" data-testid={`${testId}-photo-note`}>
          {uploads.note}
        </p>
      ) : null}
      {error ? <p className="field-error">{error}</p> : null}
      <div className="photo-buttons">
        <button type="button" className="button button-secondary" disabled={count >= max} onClick={() => takeRef.current?.click()}>
          {words.takePhoto}
        </button>
        <button type="button" className="button button-secondary" disabled={count >= max} onClick={() => pickRef.current?.click()}>
          {words.pickPhotos}
        </button>
      </div>
      <input ref={takeRef} type="file" accept="image/*" capture="environment" hidden className="photo-file-input" data-testid={`${testId}-photo-camera`} aria-label={words.takePhoto} onChange={uploads.add} />
      <input ref={pickRef} type="file" accept="image/*" multiple hidden className="photo-file-input" data-testid={`${testId}-photo-input`} aria-label={words.pickPhotos} onChange={uploads.add} />
    </div>
  );
}
