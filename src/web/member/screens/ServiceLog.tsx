import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { minutesText } from '../../../shared/minutes.ts';
import { ApiError, explainError } from '../api.ts';
import { chinaDate, fill } from '../i18n.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { useServiceI18n } from '../i18n-service.ts';
import { writes } from '../mutations.ts';
import { QueuedNotice, queuedText } from '../outbox-strip.tsx';
import { queries } from '../queries.ts';
import type { ServiceLog as SentLog } from '../service-api.ts';
import {
  blankServiceForm,
  datedServiceForm,
  forgetServiceDraft,
  hasServiceContent,
  loadServiceDraft,
  parseMinutes,
  saveServiceDraft,
  SERVICE_DAYS_BACK,
  SERVICE_MINUTES_MAX,
  SERVICE_PHOTOS_MAX,
  SERVICE_WHAT_MAX,
  type ServiceDraftForm,
} from '../service-draft.ts';
import { AppLink, ErrorMessage, Field, ScreenTitle, TopBar } from '../ui.tsx';
import { PhotoField, photosNotReady, usePhotoUploads, type PhotoWords } from '../photo-field.tsx';
import { uploadServicePhoto } from '../upload.ts';
import './service.css';

interface ServiceLogProps {
  /** the project the member came from (?project=), or none */
  projectId: string | null;
  onBack: () => void;
  onUnauthenticated: () => void;
}

const QUICK_MINUTES = [30, 60, 120] as const;

type FieldName = 'servedOn' | 'minutes' | 'what' | 'photos' | 'for' | 'whom';

/** Which field of the form a server problem names (the request's field → the form's). */
const ISSUE_FIELD: Partial<Record<string, FieldName>> = {
  what: 'what',
  minutes: 'minutes',
  servedOn: 'servedOn',
  photoFileIds: 'photos',
  recipientId: 'whom',
  projectId: 'for',
  taskId: 'for',
  teamId: 'for',
};
type Errors = Partial<Record<FieldName, string>>;

/** What the log is for, as the choice's value: a confirmed sign-up's task, a team, or nothing. */
type Choice = { value: string; label: string; projectId: string | null; taskId: string | null; teamId: string | null; remote: boolean };

function choiceValue(form: Pick<ServiceDraftForm, 'projectId' | 'taskId' | 'teamId'>): string {
  if (form.projectId && form.taskId) return `task:${form.projectId}:${form.taskId}`;
  if (form.teamId) return `team:${form.teamId}`;
  return '';
}

/**
 * 记录服务: what it was for (a project one signed up for, or one's team), the day (today in China
 * unless changed), how long (30 / 60 / 120 minutes or a number), whether done from afar, for whom
 * (a person the team looks after, by the label the server gives: shown, never kept), what was done
 * and up to six photos (shrunk on the phone, uploaded one by one). What is typed is kept on the phone
 * at every change (service-draft.ts); sending goes through the phone's queue with its own
 * Idempotency-Key, so without signal it waits on 待发送 and a resend never logs twice.
 */
export function ServiceLog({ projectId, onBack, onUnauthenticated }: ServiceLogProps) {
  const { t, language } = useServiceI18n();
  const { t: o } = useOutboxI18n();
  const [draft] = useState(() => loadServiceDraft());
  // A kept draft for another project (or for a team) than the one the member came from is never
  // overwritten without a word: the member chooses to go on with it or to start again.
  const draftFits = draft !== null && (!projectId || draft.form.projectId === projectId);
  const [form, setForm] = useState<ServiceDraftForm>(() => (draft && draftFits ? draft.form : blankServiceForm(projectId)));
  const [restored, setRestored] = useState(draftFits);
  const [otherDraft, setOtherDraft] = useState(draft !== null && !draftFits ? draft : null);
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<SentLog | null>(null);
  const [queued, setQueued] = useState<string | null>(null);
  const touched = useRef(false);
  const inFlight = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);
  const logWrite = useMutation(writes.serviceLog);

  const service = useQuery(queries.service());
  const myTeams = useQuery(queries.myTeams());
  const today = chinaDate();
  const earliest = chinaDate(-SERVICE_DAYS_BACK);

  // The choices: each confirmed sign-up's task, then each team.
  const teamIds = new Set((myTeams.data?.teams ?? []).map((team) => team.id));
  const projectTeam = new Map((service.data?.projects ?? []).map((p) => [p.id, p.team?.id ?? null]));
  const choices: Choice[] = [
    ...(service.data?.signups ?? [])
      .filter((s) => s.status === 'confirmed')
      .map((s) => {
        const team = projectTeam.get(s.project.id) ?? null;
        return {
          value: `task:${s.project.id}:${s.task.id}`,
          label: fill(t.slForTask, { project: s.project.title, task: s.task.title }),
          projectId: s.project.id,
          taskId: s.task.id,
          teamId: team && teamIds.has(team) ? team : null,
          remote: s.task.remote,
        };
      }),
    ...(myTeams.data?.teams ?? []).map((team) => ({
      value: `team:${team.id}`,
      label: fill(t.slForTeam, { name: team.name }),
      projectId: null,
      taskId: null,
      teamId: team.id,
      remote: false,
    })),
  ];

  // Came from a project: its confirmed sign-up is chosen once the list is fresh (remote when the task is).
  const preset = useRef(false);
  useEffect(() => {
    if (preset.current || !projectId || form.taskId || !service.data || service.isFetching) return;
    preset.current = true;
    const first = choices.find((c) => c.projectId === projectId);
    if (first) setForm((old) => ({ ...old, projectId: first.projectId, taskId: first.taskId, teamId: first.teamId, remote: old.remote || first.remote }));
  });

  // The team whose people may be chosen: the chosen team, or the chosen project's team when the member is in it.
  const chosen = choices.find((c) => c.value === choiceValue(form)) ?? null;
  const whomTeam = chosen?.teamId ?? null;
  const team = useQuery({ ...queries.team(whomTeam ?? ''), enabled: whomTeam !== null });

  useEffect(() => {
    if (touched.current && sent === null && queued === null && otherDraft === null) saveServiceDraft(form, chinaDate());
  }, [form, sent, queued, otherDraft]);

  // Once touched, the form carries its day ('' would mean "today" whenever it is reopened).
  const change = useCallback((update: (old: ServiceDraftForm) => ServiceDraftForm) => {
    touched.current = true;
    setForm((old) => datedServiceForm(update(old), chinaDate()));
  }, []);

  // ---------- photos ----------

  const photoWords: PhotoWords = {
    label: t.slPhotos,
    hint: t.slPhotosHint,
    optional: t.optional,
    takePhoto: t.slTakePhoto,
    pickPhotos: t.slPickPhotos,
    full: t.slPhotosFull,
    tooMany: t.slPhotosTooMany,
    wrongType: t.slPhotoWrongType,
    tooBig: t.slPhotoTooBig,
    shrinking: t.slPhotoShrinking,
    uploading: t.slPhotoUploading,
    failed: t.slPhotoFailed,
    retry: t.slPhotoRetry,
    done: t.slPhotoDone,
    removeLabel: t.slPhotoRemove,
    remove: t.slRemovePhoto,
    needsSignal: t.slUploadNeedsSignal,
  };
  const photos = usePhotoUploads({
    count: form.photos.length,
    max: SERVICE_PHOTOS_MAX,
    words: photoWords,
    upload: uploadServicePhoto,
    onUploaded: (photo) => {
      change((old) => ({ ...old, photos: [...old.photos, photo].slice(0, SERVICE_PHOTOS_MAX) }));
      setErrors((old) => ({ ...old, photos: undefined }));
    },
    onPicked: () => {
      touched.current = true;
    },
    onUnauthenticated,
  });

  // ---------- sending ----------

  const startOver = () => {
    forgetServiceDraft();
    touched.current = false;
    setForm(blankServiceForm(projectId));
    preset.current = false;
    photos.reset();
    setErrors({});
    setError(null);
    setRestored(false);
  };

  const showErrors = (found: Errors) => {
    setErrors(found);
    setError(t.slFixFields);
    requestAnimationFrame(() => {
      const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .field-invalid button, .field-invalid input');
      first?.focus();
      first?.scrollIntoView({ block: 'center' });
    });
  };

  const servedOn = form.servedOn || today;

  const validate = (): Errors => {
    const found: Errors = {};
    if (!/^\d{4}-\d{2}-\d{2}$/.test(servedOn)) found.servedOn = t.slDateMissing;
    else if (servedOn > today) found.servedOn = t.slDateFuture;
    else if (servedOn < earliest) found.servedOn = fill(t.slDateTooOld, { n: SERVICE_DAYS_BACK });
    if (form.minutes.trim() === '') found.minutes = t.slMinutesMissing;
    else if (parseMinutes(form.minutes) === null) found.minutes = fill(t.slMinutesBad, { max: SERVICE_MINUTES_MAX });
    const what = form.what.trim();
    if (what === '') found.what = t.slWhatMissing;
    else if (what.length > SERVICE_WHAT_MAX) found.what = fill(t.slWhatTooLong, { n: SERVICE_WHAT_MAX });
    const notReady = photosNotReady(photos, { uploadsFailed: t.slUploadsFailed, uploadsBusy: t.slUploadsBusy });
    if (notReady) found.photos = notReady;
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
    // A person is sent only with the team that looks after them. Without signal the team's people
    // are not on the phone, yet the kept id still goes: the server checks it when the log arrives.
    const recipientId = whomTeam && form.recipientId ? form.recipientId : null;
    try {
      const log = await logWrite.mutateAsync({
        projectId: form.projectId && form.taskId ? form.projectId : null,
        taskId: form.projectId && form.taskId ? form.taskId : null,
        teamId: chosen?.teamId ?? null,
        recipientId,
        servedOn,
        minutes: parseMinutes(form.minutes) ?? 0,
        remote: form.remote,
        what: form.what.trim(),
        photoFileIds: form.photos.map((p) => p.fileId),
      });
      forgetServiceDraft();
      setSent(log);
      window.scrollTo(0, 0);
    } catch (e) {
      const waits = queuedText(e, o);
      if (waits?.kept) {
        forgetServiceDraft();
        setQueued(t.slQueued);
        window.scrollTo(0, 0);
      } else if (waits) {
        setError(waits.text);
      } else if (e instanceof ApiError && e.isOffline) {
        setError(t.slDraftKept);
      } else {
        const atFields: Errors = {};
        for (const issue of e instanceof ApiError ? e.issues : []) {
          const field = issue.field.split('.')[0] ?? '';
          const name: FieldName | null = ISSUE_FIELD[field] ?? null;
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

  const goOnWithDraft = () => {
    if (!otherDraft) return;
    preset.current = true;
    setForm(otherDraft.form);
    setRestored(true);
    setOtherDraft(null);
  };

  const startAfresh = () => {
    forgetServiceDraft();
    setOtherDraft(null);
  };

  const again = () => {
    setSent(null);
    setQueued(null);
    touched.current = false;
    preset.current = true;
    setForm(blankServiceForm(null));
    photos.reset();
    setRestored(false);
  };

  if (queued !== null || sent !== null) {
    return (
      <>
        <TopBar onBack={onBack} />
        <main className="screen service">
          {queued !== null ? (
            <>
              <ScreenTitle>{t.slTitle}</ScreenTitle>
              <QueuedNotice text={queued} testId="service-log-queued" />
            </>
          ) : (
            <div className="result result-ok" role="status" data-testid="service-log-sent" data-log-id={sent?.id}>
              <p className="result-icon" aria-hidden="true">
                ✓
              </p>
              <ScreenTitle>{t.slSent}</ScreenTitle>
              <p className="result-detail">{fill(t.slSentDetail, { minutes: minutesText(sent?.minutes ?? 0, language) })}</p>
            </div>
          )}
          <AppLink to={{ name: 'service' }} className="button button-primary" testId="service-log-back">
            {t.slBackToService}
          </AppLink>
          <button type="button" className="button button-secondary" onClick={again}>
            {t.slAnother}
          </button>
        </main>
      </>
    );
  }

  if (otherDraft !== null) {
    const what = otherDraft.form.what.trim();
    return (
      <>
        <TopBar onBack={onBack} />
        <main className="screen service">
          <ScreenTitle>{t.slTitle}</ScreenTitle>
          <div className="card" role="group" aria-labelledby="sl-other-draft" data-testid="service-other-draft">
            <p id="sl-other-draft">{t.slOtherDraft}</p>
            {what ? <p className="pre-wrap muted">{fill(t.slOtherDraftWhat, { what: what.length > 40 ? `${what.slice(0, 40)}…` : what })}</p> : null}
            <button type="button" className="button button-primary" onClick={goOnWithDraft} data-testid="service-other-draft-continue">
              {t.slOtherDraftGoOn}
            </button>
            <button type="button" className="button button-secondary" onClick={startAfresh} data-testid="service-other-draft-restart">
              {t.slOtherDraftRestart}
            </button>
          </div>
        </main>
      </>
    );
  }

  const quick = QUICK_MINUTES.find((m) => String(m) === form.minutes.trim()) ?? null;
  const recipients = team.data?.recipients ?? [];

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen service">
        <ScreenTitle>{t.slTitle}</ScreenTitle>
        {restored && hasServiceContent(form) ? (
          <div className="message message-warning" role="status" data-testid="service-draft-restored">
            <p>{t.slDraftRestored}</p>
            <button type="button" className="button button-plain" onClick={startOver}>
              {t.slClearDraft}
            </button>
          </div>
        ) : null}

        <form ref={formRef} className="form card" onSubmit={(e) => void submit(e)} noValidate data-testid="service-log-form">
          {choices.length > 0 ? (
            <Field id="sl-for" label={t.slFor} hint={t.slForHint} error={errors.for}>
              <select
                id="sl-for"
                data-testid="service-log-for"
                value={choiceValue(form)}
                aria-invalid={errors.for ? true : undefined}
                onChange={(e) => {
                  const next = choices.find((c) => c.value === e.target.value);
                  change((old) => ({
                    ...old,
                    projectId: next?.projectId ?? null,
                    taskId: next?.taskId ?? null,
                    teamId: next?.teamId ?? null,
                    recipientId: null,
                    remote: next ? next.remote || old.remote : old.remote,
                  }));
                  setErrors((old) => ({ ...old, for: undefined, whom: undefined }));
                }}
              >
                <option value="">{t.slForNone}</option>
                {choices.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}

          <Field id="sl-date" label={t.slDate} hint={fill(t.slDateHint, { n: SERVICE_DAYS_BACK })} error={errors.servedOn}>
            <input
              id="sl-date"
              type="date"
              data-testid="service-log-date"
              value={servedOn}
              min={earliest}
              max={today}
              aria-invalid={errors.servedOn ? true : undefined}
              onChange={(e) => {
                const value = e.target.value;
                change((old) => ({ ...old, servedOn: value }));
                setErrors((old) => ({ ...old, servedOn: undefined }));
              }}
            />
          </Field>

          <fieldset className={errors.minutes ? 'sv-chips field-invalid' : 'sv-chips'}>
            <legend className="field-label">{t.slMinutes}</legend>
            <div className="sv-chip-row">
              {QUICK_MINUTES.map((m) => (
                <label key={m} className={quick === m ? 'sv-chip sv-chip-on' : 'sv-chip'}>
                  <input
                    type="radio"
                    name="sl-minutes"
                    value={m}
                    data-testid={`service-log-minutes-${m}`}
                    checked={quick === m}
                    onChange={() => {
                      change((old) => ({ ...old, minutes: String(m) }));
                      setErrors((old) => ({ ...old, minutes: undefined }));
                    }}
                  />
                  {minutesText(m, language)}
                </label>
              ))}
            </div>
            <div className="field sv-other">
              <label htmlFor="sl-minutes-other" className="field-hint sv-other-label">
                {t.slMinutesCustom}
              </label>
              <input
                id="sl-minutes-other"
                type="text"
                inputMode="numeric"
                autoComplete="off"
                data-testid="service-log-minutes"
                value={quick === null ? form.minutes : ''}
                maxLength={10}
                aria-invalid={errors.minutes ? true : undefined}
                aria-describedby={errors.minutes ? 'sl-minutes-error' : undefined}
                onChange={(e) => {
                  const minutes = e.target.value;
                  change((old) => ({ ...old, minutes }));
                  setErrors((old) => ({ ...old, minutes: undefined }));
                }}
              />
            </div>
            {errors.minutes ? (
              <p className="field-error" id="sl-minutes-error" data-testid="sl-minutes-error">
                {errors.minutes}
              </p>
            ) : null}
          </fieldset>

          <div className="field">
            <label className="sv-switch">
              <input type="checkbox" role="switch" data-testid="service-log-remote" checked={form.remote} onChange={() => change((old) => ({ ...old, remote: !old.remote }))} />
              <span>{t.slRemote}</span>
            </label>
          </div>

          {whomTeam ? (
            <Field id="sl-whom" label={t.slWhom} hint={t.slWhomHint} optionalLabel={t.optional} error={errors.whom}>
              {(team.isPending || team.isError) && form.recipientId ? (
                <p className="muted" role="status" data-testid="service-log-whom-kept">
                  {t.slWhomKept}
                </p>
              ) : team.isPending ? (
                <p className="muted" role="status">
                  {t.slWhomLoading}
                </p>
              ) : team.isError ? (
                <p className="muted">{t.slWhomFailed}</p>
              ) : (
                <select
                  id="sl-whom"
                  data-testid="service-log-whom"
                  value={form.recipientId ?? ''}
                  aria-invalid={errors.whom ? true : undefined}
                  onChange={(e) => {
                    const recipientId = e.target.value || null;
                    change((old) => ({ ...old, recipientId }));
                    setErrors((old) => ({ ...old, whom: undefined }));
                  }}
                >
                  <option value="">{t.slWhomNone}</option>
                  {recipients.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : null}

          <Field id="sl-what" label={t.slWhat} hint={t.slWhatHint} error={errors.what}>
            <textarea
              id="sl-what"
              data-testid="service-log-what"
              rows={4}
              maxLength={SERVICE_WHAT_MAX}
              value={form.what}
              aria-invalid={errors.what ? true : undefined}
              aria-describedby={errors.what ? 'sl-what-error' : 'sl-what-hint sl-what-count'}
              onChange={(e) => {
                const what = e.target.value;
                change((old) => ({ ...old, what }));
                setErrors((old) => ({ ...old, what: undefined }));
              }}
            />
            <p id="sl-what-count" className="counter muted">
              {fill(t.slCount, { n: form.what.trim().length, max: SERVICE_WHAT_MAX })}
            </p>
          </Field>

          <PhotoField
            id="sl"
            testId="service"
            photos={form.photos}
            max={SERVICE_PHOTOS_MAX}
            uploads={photos}
            words={photoWords}
            error={errors.photos}
            onRemove={(fileId) => change((old) => ({ ...old, photos: old.photos.filter((p) => p.fileId !== fileId) }))}
          />

          <ErrorMessage message={error} />
          <button type="submit" className="button button-primary button-huge" data-testid="service-log-send" disabled={busy}>
            {busy ? t.slSending : t.slSend}
          </button>
        </form>
      </main>
    </>
  );
}
