import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { SHARE_BODY_MAX, SHARE_PHOTOS_MAX } from '../../../shared/enums.ts';
import { SHARE_KINDS } from '../../../shared/enums.ts';
import { ApiError, errorText, explainError, type SharePost } from '../api.ts';
import { fill } from '../i18n.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { useSharesI18n, type SharesDictionary } from '../i18n-shares.ts';
import { writes } from '../mutations.ts';
import { QueuedNotice, queuedText } from '../outbox-strip.tsx';
import { queries } from '../queries.ts';
import { blankShareForm, forgetShareDraft, hasContent, loadShareDraft, saveShareDraft, type KeptFile, type ShareAudience, type ShareDraftForm } from '../share-draft.ts';
import { AppLink, ErrorMessage, Field, ScreenTitle, TopBar } from '../ui.tsx';
import { PhotoField, photosNotReady, usePhotoUploads, type PhotoWords } from '../photo-field.tsx';
import { recordingName, recordingType, uploadShareFile } from '../upload.ts';
import './shares.css';

interface ShareNewProps {
  /** the month's topic the member chose to take part in (参与话题), or none */
  topicId: string | null;
  onBack: () => void;
  onUnauthenticated: () => void;
}

const AUDIENCES: readonly ShareAudience[] = ['branch', 'village'];
/** A voice recording stops by itself after this long. */
export const VOICE_MAX_SECONDS = 60;

type Voice =
  | { state: 'idle' }
  | { state: 'recording'; seconds: number }
  | { state: 'uploading'; progress: number; file: File; preview: string }
  | { state: 'failed'; file: File; preview: string; error: string }
  | { state: 'done'; preview: string };

type FieldName = 'body' | 'photos' | 'voice' | 'topic';
type Errors = Partial<Record<FieldName, string>>;

/** Why an upload failed, in the member's words: no signal is said plainly (uploads need one). */
function uploadError(e: unknown, t: SharesDictionary): string {
  if (e instanceof ApiError && e.isOffline) return t.newUploadNeedsSignal;
  return errorText(e) || t.newPhotoFailed;
}

/**
 * 写分享: the kind, the text, up to nine photos (taken or chosen; shrunk on the phone and uploaded one
 * by one with their progress), a voice recording of up to a minute (heard back before posting), and
 * who sees it. What is written and uploaded is kept on the phone at every change (share-draft.ts),
 * so a lost signal or a reload loses nothing; posting goes through the phone's queue (outbox.ts)
 * with its own Idempotency-Key, so without signal it waits and a resend never posts twice.
 */
export function ShareNew({ topicId, onBack, onUnauthenticated }: ShareNewProps) {
  const { t } = useSharesI18n();
  const { t: q } = useOutboxI18n();
  const [draft] = useState(() => loadShareDraft());
  const [form, setForm] = useState<ShareDraftForm>(() => {
    const start = draft ? draft.form : blankShareForm();
    return topicId ? { ...start, topicId } : start;
  });
  const [restored, setRestored] = useState(draft !== null);
  // The month's topic offered on this form: the switch turns taking part off and on again.
  const [offeredTopic] = useState<string | null>(() => topicId ?? draft?.form.topicId ?? null);
  const [voice, setVoice] = useState<Voice>(() => (draft?.form.voice ? { state: 'done', preview: draft.form.voice.url } : { state: 'idle' }));
  const [errors, setErrors] = useState<Errors>({});
  const [voiceNote, setVoiceNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<SharePost | null>(null);
  const [queued, setQueued] = useState<string | null>(null);
  const touched = useRef(false);
  const inFlight = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);
  const recorder = useRef<{ rec: MediaRecorder; timer: number } | null>(null);
  const previews = useRef<string[]>([]);
  const mounted = useRef(true);
  const sharePost = useMutation(writes.sharePost);

  // The month's topic, from the feed's answer (in the cache when the member came from 互动).
  const feed = useInfiniteQuery({ ...queries.shareFeed('branch'), enabled: offeredTopic !== null, staleTime: 60_000 });
  const feedTopic = feed.data?.pages[0]?.topic ?? null;
  const topic = offeredTopic && feedTopic?.id === offeredTopic ? feedTopic : null;

  // Kept on the phone at every change: a post written on a train must survive a tunnel and a reload.
  useEffect(() => {
    if (touched.current && sent === null && queued === null) saveShareDraft(form);
  }, [form, sent, queued]);

  useEffect(() => {
    mounted.current = true;
    const urls = previews.current;
    return () => {
      mounted.current = false;
      if (recorder.current) {
        window.clearInterval(recorder.current.timer);
        if (recorder.current.rec.state !== 'inactive') recorder.current.rec.stop();
      }
      for (const url of urls) URL.revokeObjectURL(url);
    };
  }, []);

  const change = useCallback((update: (old: ShareDraftForm) => ShareDraftForm) => {
    touched.current = true;
    setForm(update);
  }, []);

  // ---------- photos ----------

  const photoWords: PhotoWords = {
    label: t.newPhotos,
    hint: t.newPhotosHint,
    optional: t.optional,
    takePhoto: t.newTakePhoto,
    pickPhotos: t.newPickPhotos,
    full: t.newPhotosFull,
    tooMany: t.newPhotosTooMany,
    wrongType: t.newPhotoWrongType,
    tooBig: t.newPhotoTooBig,
    shrinking: t.newPhotoShrinking,
    uploading: t.newPhotoUploading,
    failed: t.newPhotoFailed,
    retry: t.newPhotoRetry,
    done: t.newPhotoDone,
    removeLabel: t.newPhotoRemove,
    remove: t.commentDelete,
    needsSignal: t.newUploadNeedsSignal,
  };
  const photos = usePhotoUploads({
    count: form.photos.length,
    max: SHARE_PHOTOS_MAX,
    words: photoWords,
    upload: uploadShareFile,
    onUploaded: (photo) => {
      change((old) => ({ ...old, photos: [...old.photos, photo].slice(0, SHARE_PHOTOS_MAX) }));
      setErrors((old) => ({ ...old, photos: undefined }));
    },
    onPicked: () => {
      touched.current = true;
    },
    onUnauthenticated,
  });

  const removePhoto = (fileId: string) => change((old) => ({ ...old, photos: old.photos.filter((p) => p.fileId !== fileId) }));

  // ---------- voice ----------

  const uploadVoice = useCallback(
    async (file: File, preview: string) => {
      setVoice({ state: 'uploading', progress: 0, file, preview });
      try {
        const stored = await uploadShareFile(file, (progress) => mounted.current && setVoice({ state: 'uploading', progress, file, preview }));
        if (!mounted.current) return;
        change((old) => ({ ...old, voice: { fileId: stored.id, url: stored.url } satisfies KeptFile }));
        setVoice({ state: 'done', preview });
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) onUnauthenticated();
        if (mounted.current) setVoice({ state: 'failed', file, preview, error: uploadError(e, t) });
      }
    },
    [change, onUnauthenticated, t],
  );

  const startRecording = async () => {
    setVoiceNote(null);
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      setVoiceNote(t.newVoiceUnsupported);
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      // Refused, or no microphone at all: the member hears the same plain words.
      const name = e instanceof Error ? e.name : '';
      setVoiceNote(name === 'NotAllowedError' || name === 'SecurityError' || name === 'NotFoundError' ? t.newVoiceNoMic : t.newVoiceUnsupported);
      return;
    }
    if (!mounted.current) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    const type = recordingType((x) => MediaRecorder.isTypeSupported(x));
    const rec = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    rec.onstop = () => {
      for (const track of stream.getTracks()) track.stop();
      if (recorder.current) window.clearInterval(recorder.current.timer);
      recorder.current = null;
      if (!mounted.current) return;
      const mimeType = (rec.mimeType || type || 'audio/webm').split(';')[0] ?? 'audio/webm';
      const blob = new Blob(chunks, { type: mimeType });
      if (blob.size === 0) {
        setVoice({ state: 'idle' });
        return;
      }
      const preview = URL.createObjectURL(blob);
      previews.current.push(preview);
      touched.current = true;
      void uploadVoice(new File([blob], recordingName(mimeType), { type: mimeType }), preview);
    };
    const startedAt = Date.now();
    const timer = window.setInterval(() => {
      const seconds = Math.min(VOICE_MAX_SECONDS, Math.floor((Date.now() - startedAt) / 1000));
      setVoice({ state: 'recording', seconds });
      if (seconds >= VOICE_MAX_SECONDS && rec.state === 'recording') rec.stop();
    }, 250);
    recorder.current = { rec, timer };
    rec.start(1000);
    setVoice({ state: 'recording', seconds: 0 });
  };

  const stopRecording = () => {
    const current = recorder.current;
    if (current && current.rec.state === 'recording') current.rec.stop();
  };

  const removeVoice = () => {
    change((old) => ({ ...old, voice: null }));
    setVoice({ state: 'idle' });
    setVoiceNote(null);
  };

  // ---------- posting ----------

  const startOver = () => {
    forgetShareDraft();
    touched.current = false;
    setForm(blankShareForm(topicId));
    photos.reset();
    setVoice({ state: 'idle' });
    setErrors({});
    setError(null);
    setVoiceNote(null);
    setRestored(false);
  };

  const showErrors = (found: Errors) => {
    setErrors(found);
    setError(t.newFixFields);
    requestAnimationFrame(() => {
      const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .field-invalid button');
      first?.focus();
      first?.scrollIntoView({ block: 'center' });
    });
  };

  const validate = (): Errors => {
    const found: Errors = {};
    const body = form.body.trim();
    if (body === '') found.body = t.newBodyMissing;
    else if (body.length > SHARE_BODY_MAX) found.body = fill(t.newBodyTooLong, { n: SHARE_BODY_MAX });
    const notReady = photosNotReady(photos, { uploadsFailed: t.newUploadsFailed, uploadsBusy: t.newUploadsBusy });
    if (notReady) found.photos = notReady;
    if (voice.state === 'failed') found.voice = t.newUploadsFailed;
    else if (voice.state === 'uploading' || voice.state === 'recording') found.voice = t.newUploadsBusy;
    return found;
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (inFlight.current) return;
    const found = validate();
    if (Object.keys(found).length > 0) return showErrors(found);
    inFlight.current = true;
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const post = await sharePost.mutateAsync({
        kind: form.kind,
        topicId: form.topicId,
        body: form.body.trim(),
        photoFileIds: form.photos.map((p) => p.fileId),
        voiceFileId: form.voice?.fileId ?? null,
        audience: form.audience,
      });
      forgetShareDraft();
      setSent(post);
      window.scrollTo(0, 0);
    } catch (e) {
      const waits = queuedText(e, q);
      if (waits?.kept) {
        forgetShareDraft();
        setQueued(waits.text);
        window.scrollTo(0, 0);
      } else if (waits) {
        // Not kept in the queue (too many waiting, storage full): the draft stays on the phone.
        setError(waits.text);
      } else if (e instanceof ApiError && e.isOffline) {
        setError(t.newDraftKept);
      } else {
        const atFields: Errors = {};
        for (const issue of e instanceof ApiError ? e.issues : []) {
          const field = issue.field.split('.')[0] ?? '';
          const name: FieldName | null = field === 'body' ? 'body' : field === 'photoFileIds' ? 'photos' : field === 'voiceFileId' ? 'voice' : field === 'topicId' ? 'topic' : null;
          if (name && !atFields[name]) atFields[name] = issue.message;
        }
        if (Object.keys(atFields).length > 0) showErrors(atFields);
        else setError(explainError(e, t.networkError, onUnauthenticated));
      }
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  if (queued !== null) {
    return (
      <>
        <TopBar onBack={onBack} />
        <main className="screen shares">
          <ScreenTitle>{t.newTitle}</ScreenTitle>
          <QueuedNotice text={queued} testId="share-queued" />
          <AppLink to={{ name: 'shares' }} className="button button-secondary">
            {t.newBackToFeed}
          </AppLink>
        </main>
      </>
    );
  }

  if (sent) {
    return (
      <>
        <TopBar onBack={onBack} />
        <main className="screen shares">
          <div className="result result-ok" role="status" data-testid="share-sent" data-share-id={sent.id}>
            <p className="result-icon" aria-hidden="true">
              ✓
            </p>
            <h1 className="result-title">{t.newSent}</h1>
            <p className="result-detail">{sent.audience === 'village' ? t.newSentDetailVillage : t.newSentDetailBranch}</p>
          </div>
          <AppLink to={{ name: 'share', shareId: sent.id }} className="button button-primary" testId="share-sent-open">
            {t.newSeePost}
          </AppLink>
          <AppLink to={{ name: 'shares' }} className="button button-secondary">
            {t.newBackToFeed}
          </AppLink>
        </main>
      </>
    );
  }

  const bodyLength = form.body.trim().length;

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen shares">
        <ScreenTitle>{t.newTitle}</ScreenTitle>
        {restored && hasContent(form) ? (
          <div className="message message-warning" role="status" data-testid="share-draft-restored">
            <p>{t.newDraftRestored}</p>
            <button type="button" className="button button-plain" onClick={startOver}>
              {t.newClearDraft}
            </button>
          </div>
        ) : null}

        <form ref={formRef} className="form card" onSubmit={submit} noValidate>
          {offeredTopic ? (
            <div className={errors.topic ? 'field field-invalid' : 'field'}>
              <label className="share-switch">
                <input
                  type="checkbox"
                  role="switch"
                  data-testid="share-topic-on"
                  checked={form.topicId !== null}
                  onChange={() => change((old) => ({ ...old, topicId: old.topicId ? null : offeredTopic }))}
                />
                <span>{topic ? fill(t.newTopic, { title: topic.title }) : t.topicTitle}</span>
              </label>
              {errors.topic ? <p className="field-error">{errors.topic}</p> : null}
            </div>
          ) : null}

          <fieldset className="share-chips">
            <legend className="field-label">{t.newKind}</legend>
            <div className="share-chip-row share-chip-row-kinds">
              {SHARE_KINDS.map((kind) => (
                <label key={kind} className={form.kind === kind ? 'share-chip share-chip-on' : 'share-chip'}>
                  <input
                    type="radio"
                    name="share-kind"
                    value={kind}
                    data-testid={`share-kind-${kind}`}
                    checked={form.kind === kind}
                    onChange={() => change((old) => ({ ...old, kind }))}
                  />
                  {t[`kind_${kind}` as const]}
                </label>
              ))}
            </div>
          </fieldset>

          <Field id="share-body" label={t.newBody} hint={t.newBodyHint} error={errors.body}>
            <textarea
              id="share-body"
              data-testid="share-body"
              rows={6}
              maxLength={SHARE_BODY_MAX}
              value={form.body}
              aria-invalid={errors.body ? true : undefined}
              aria-describedby={errors.body ? 'share-body-error' : 'share-body-hint share-body-count'}
              onChange={(e) => {
                const body = e.target.value;
                change((old) => ({ ...old, body }));
                if (errors.body) setErrors((old) => ({ ...old, body: undefined }));
              }}
            />
            <p id="share-body-count" className="counter muted">
              {fill(t.newCount, { n: bodyLength, max: SHARE_BODY_MAX })}
            </p>
          </Field>

          <PhotoField id="share" testId="share" photos={form.photos} max={SHARE_PHOTOS_MAX} uploads={photos} words={photoWords} error={errors.photos} onRemove={removePhoto} />

          <div className={errors.voice ? 'field field-invalid' : 'field'}>
            <p className="field-label">
              {t.newVoice}
              <span className="field-optional">{t.optional}</span>
            </p>
            <p className="field-hint elder-hide">{fill(t.newVoiceHint, { n: VOICE_MAX_SECONDS })}</p>
            {voice.state === 'idle' ? (
              <button type="button" className="button button-secondary" data-testid="share-voice-start" onClick={() => void startRecording()}>
                <span aria-hidden="true">● </span>
                {t.newVoiceStart}
              </button>
            ) : null}
            {voice.state === 'recording' ? (
              <>
                <p role="status" className="share-recording" data-testid="share-voice-recording">
                  {fill(t.newVoiceRecording, { s: voice.seconds })}
                </p>
                <button type="button" className="button button-primary" data-testid="share-voice-stop" onClick={stopRecording}>
                  <span aria-hidden="true">■ </span>
                  {t.newVoiceStop}
                </button>
              </>
            ) : null}
            {voice.state === 'uploading' || voice.state === 'failed' || voice.state === 'done' ? (
              <div className="share-voice">
                <span className="share-voice-label">{t.newVoiceReady}</span>
                <audio controls preload="metadata" src={voice.preview} aria-label={t.newVoiceReady} />
              </div>
            ) : null}
            {voice.state === 'uploading' ? (
              <p role="status">
                {fill(t.newVoiceUploading, { n: voice.progress })} <progress max={100} value={voice.progress} aria-label={t.newVoice} />
              </p>
            ) : null}
            {voice.state === 'failed' ? (
              <>
                <p className="field-error">{voice.error}</p>
                <button type="button" className="button button-secondary" onClick={() => void uploadVoice(voice.file, voice.preview)}>
                  {t.newVoiceRetry}
                </button>
              </>
            ) : null}
            {voice.state === 'done' || voice.state === 'failed' ? (
              <button type="button" className="button button-plain" data-testid="share-voice-remove" onClick={removeVoice}>
                {t.newVoiceRemove}
              </button>
            ) : null}
            {voiceNote ? (
              <p className="field-error" role="alert" data-testid="share-voice-note">
                {voiceNote}
              </p>
            ) : null}
            {errors.voice ? <p className="field-error">{errors.voice}</p> : null}
          </div>

          <fieldset className="share-chips">
            <legend className="field-label">{t.newAudience}</legend>
            <div className="share-chip-row">
              {AUDIENCES.map((audience) => (
                <label key={audience} className={form.audience === audience ? 'share-chip share-chip-on' : 'share-chip'}>
                  <input
                    type="radio"
                    name="share-audience"
                    value={audience}
                    data-testid={`share-audience-${audience}`}
                    checked={form.audience === audience}
                    onChange={() => change((old) => ({ ...old, audience }))}
                  />
                  {t[`scope_${audience}` as const]}
                </label>
              ))}
            </div>
          </fieldset>

          <ErrorMessage message={error} />
          <button type="submit" className="button button-primary" data-testid="share-send" disabled={busy}>
            {busy ? t.newSending : t.newSend}
          </button>
        </form>
      </main>
    </>
  );
}
