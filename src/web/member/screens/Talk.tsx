import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { ApiError, explainError, type Talk as TalkRecord, type TalkForm } from '../api.ts';
import { chinaDate, fill, formatDate } from '../i18n.ts';
import { useCareI18n } from '../i18n-care.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { writes } from '../mutations.ts';
import { QueuedNotice, queuedText } from '../outbox-strip.tsx';
import { queries } from '../queries.ts';
import { forgetTalkDraft, loadTalkDraft, newTalkId, saveTalkDraft, type TalkFields } from '../talk-draft.ts';
import { AppLink, ErrorMessage, Field, ScreenTitle, TopBar } from '../ui.tsx';
import './care.css';

interface TalkProps {
  memberId: string;
  onBack: () => void;
  onUnauthenticated: () => void;
}

const CHANNELS = ['phone', 'video', 'wechat', 'in_person'] as const;
const SITUATION = ['work', 'family', 'health', 'thoughts'] as const;
/** A follow-up is due in a week unless the mentor picks another day (the server's default too). */
const FOLLOW_UP_DAYS = 7;

type FieldName = keyof TalkFields;
type TextFieldName = Exclude<FieldName, 'id' | 'channel' | 'followUpNeeded'>;
type Errors = Partial<Record<FieldName, string>>;

function blank(): TalkFields {
  return {
    id: newTalkId(),
    talkedOn: chinaDate(),
    channel: 'phone',
    summary: '',
    work: '',
    family: '',
    health: '',
    thoughts: '',
    concerns: '',
    followUpNeeded: false,
    followUpNote: '',
    followUpDue: chinaDate(FOLLOW_UP_DAYS),
  };
}

function orNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function isFieldName(name: string): name is FieldName {
  return name in blank();
}

/**
 * 记录谈话: a mentor notes a heart-to-heart talk in under a minute. Phone is preselected, the date
 * is today, the member's situation is folded away; what is typed is kept on the phone until the
 * server has it, so a dropped signal loses nothing.
 */
export function Talk({ memberId, onBack, onUnauthenticated }: TalkProps) {
  const { t, language } = useCareI18n();
  const [draft] = useState(() => loadTalkDraft(memberId));
  const [form, setForm] = useState<TalkFields>(() => (draft ? { ...blank(), ...draft.form } : blank()));
  const [restored, setRestored] = useState(draft !== null);
  const [showSituation, setShowSituation] = useState(() => SITUATION.some((key) => form[key].trim() !== ''));
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<TalkRecord | null>(null);
  // Recorded without signal: the talk waits on the phone (outbox.ts) and goes out by itself.
  const [queued, setQueued] = useState<string | null>(null);
  const { t: q } = useOutboxI18n();
  const inFlight = useRef(false);
  const touched = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);
  // The member's name for the title: from the list in the cache (kept on the phone), else asked once.
  const mentees = useQuery({ ...queries.mentees(), staleTime: Infinity, refetchOnWindowFocus: false });
  const name = mentees.data?.items.find((m) => m.memberId === memberId)?.name ?? null;
  const recordTalk = useMutation(writes.recordTalk);

  // Every change is written to the phone at once: a talk typed on a train must survive a tunnel.
  useEffect(() => {
    if (touched.current && saved === null) saveTalkDraft(memberId, form);
  }, [form, memberId, saved]);

  const change = <K extends FieldName>(key: K, value: TalkFields[K]) => {
    touched.current = true;
    setForm((old) => ({ ...old, [key]: value }));
    if (errors[key]) setErrors((old) => ({ ...old, [key]: undefined }));
  };

  /**
   * What every text box of the form shares: its id (also its test id), value and change, and the
   * error state that points a screen reader at the field's message (or else at its hint).
   */
  const bind = (key: TextFieldName, id: string, hinted = false) => ({
    id,
    'data-testid': id,
    value: form[key],
    'aria-invalid': errors[key] ? true : undefined,
    'aria-describedby': errors[key] ? `${id}-error` : hinted ? `${id}-hint` : undefined,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => change(key, e.target.value),
  });

  const startOver = () => {
    forgetTalkDraft(memberId);
    touched.current = false;
    setForm(blank());
    setErrors({});
    setError(null);
    setRestored(false);
    setShowSituation(false);
  };

  const showErrors = (found: Errors) => {
    setErrors(found);
    setError(t.talkFixFields);
    if (SITUATION.some((key) => found[key])) setShowSituation(true);
    // After React shows the messages: take the mentor to the first field to fix.
    requestAnimationFrame(() => {
      const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
      first?.focus();
      first?.scrollIntoView({ block: 'center' });
    });
  };

  const validate = (): Errors => {
    const today = chinaDate();
    const found: Errors = {};
    if (!form.talkedOn) found.talkedOn = t.talkDateMissing;
    else if (form.talkedOn > today) found.talkedOn = t.talkDateFuture;
    if (form.summary.trim() === '') found.summary = t.talkSummaryMissing;
    if (form.followUpNeeded) {
      if (!form.followUpDue) found.followUpDue = t.chooseDate;
      else if (form.followUpDue < today) found.followUpDue = t.talkDuePast;
    }
    return found;
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (inFlight.current) return;
    const found = validate();
    if (Object.keys(found).length > 0) return showErrors(found);
    const body: TalkForm = {
      // the same id on every retry of this talk: a lost answer never records it twice
      id: form.id,
      memberId,
      talkedOn: form.talkedOn,
      channel: form.channel,
      summary: form.summary.trim(),
      work: orNull(form.work),
      family: orNull(form.family),
      health: orNull(form.health),
      thoughts: orNull(form.thoughts),
      concerns: orNull(form.concerns),
      followUpNeeded: form.followUpNeeded,
      followUpNote: form.followUpNeeded ? orNull(form.followUpNote) : null,
      ...(form.followUpNeeded && form.followUpDue ? { followUpDue: form.followUpDue } : {}),
    };
    inFlight.current = true;
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const talk = await recordTalk.mutateAsync(body);
      forgetTalkDraft(memberId);
      setSaved(talk);
      window.scrollTo(0, 0);
    } catch (e) {
      const waits = queuedText(e, q);
      if (waits?.kept) {
        forgetTalkDraft(memberId);
        setQueued(waits.text);
        window.scrollTo(0, 0);
      } else if (waits) {
        // Not kept in the queue (too many waiting, storage full): the draft stays on the phone.
        setError(waits.text);
      } else if (e instanceof ApiError && e.isOffline) {
        setError(t.talkDraftKept);
      } else {
        // The server names the fields it refused: show each message at its field.
        const atFields: Errors = {};
        for (const issue of e instanceof ApiError ? e.issues : []) {
          const field = issue.field.split('.')[0] ?? '';
          if (isFieldName(field) && !atFields[field]) atFields[field] = issue.message;
        }
        if (Object.keys(atFields).length > 0) showErrors(atFields);
        else setError(explainError(e, t.networkError, onUnauthenticated));
      }
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  if (queued !== null && saved === null) {
    return (
      <>
        <TopBar onBack={onBack} />
        <main className="screen">
          <ScreenTitle>{t.talkTitle}</ScreenTitle>
          {name ? <p className="talk-with">{fill(t.talkWith, { name })}</p> : null}
          <QueuedNotice text={queued} testId="talk-queued" />
          <button type="button" className="button button-secondary" onClick={onBack}>
            {t.backToMentees}
          </button>
        </main>
      </>
    );
  }

  if (saved) {
    return (
      <>
        <TopBar onBack={onBack} />
        <main className="screen">
          <div className="result result-ok" role="status" data-testid="talk-done" data-talk-id={saved.id} data-follow-up-task-id={saved.followUpTaskId ?? ''}>
            <p className="result-icon" aria-hidden="true">
              ✓
            </p>
            <p className="result-title">{t.talkSaved}</p>
            <p className="result-detail">{fill(t.talkSavedDetail, { date: formatDate(saved.talkedOn, language), name: saved.memberName })}</p>
          </div>
          {saved.followUpTaskId ? (
            <div className="card" data-testid="talk-done-task">
              <p className="talk-task-opened">{t.talkTaskOpened}</p>
              <AppLink to={{ name: 'tasks' }} className="button button-primary" testId="talk-done-tasks">
                {t.viewTasks}
              </AppLink>
            </div>
          ) : null}
          <button type="button" className="button button-secondary" onClick={onBack}>
            {t.backToMentees}
          </button>
        </main>
      </>
    );
  }

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.talkTitle}</ScreenTitle>
        {name ? <p className="talk-with">{fill(t.talkWith, { name })}</p> : null}
        {restored ? (
          <div className="message message-warning" role="status" data-testid="talk-draft-restored">
            <p>{t.talkDraftRestored}</p>
            <button type="button" className="button button-plain" onClick={startOver}>
              {t.talkClearDraft}
            </button>
          </div>
        ) : null}

        <form ref={formRef} className="form card" onSubmit={submit} noValidate>
          <fieldset className="chips">
            <legend className="field-label">{t.talkChannel}</legend>
            <div className="chip-row">
              {CHANNELS.map((channel) => (
                <label key={channel} className={form.channel === channel ? 'chip chip-on' : 'chip'}>
                  <input
                    type="radio"
                    name="talk-channel"
                    value={channel}
                    data-testid={`talk-channel-${channel}`}
                    checked={form.channel === channel}
                    onChange={() => change('channel', channel)}
                  />
                  {t[`channel_${channel}` as const]}
                </label>
              ))}
            </div>
          </fieldset>

          <Field id="talk-date" label={t.talkDate} error={errors.talkedOn}>
            <input type="date" max={chinaDate()} {...bind('talkedOn', 'talk-date')} />
          </Field>

          <Field id="talk-summary" label={t.talkSummary} hint={t.talkSummaryHint} error={errors.summary}>
            <textarea rows={4} maxLength={2000} {...bind('summary', 'talk-summary', true)} />
          </Field>

          <details className="fold" open={showSituation} onToggle={(e) => setShowSituation(e.currentTarget.open)}>
            <summary data-testid="talk-situation">
              <span>
                {t.talkSituation}
                <span className="field-optional">{t.optional}</span>
              </span>
            </summary>
            <p className="field-hint">{t.talkSituationHint}</p>
            {SITUATION.map((key) => (
              <Field key={key} id={`talk-${key}`} label={t[`situation_${key}` as const]} error={errors[key]}>
                <textarea rows={2} maxLength={500} {...bind(key, `talk-${key}`)} />
              </Field>
            ))}
          </details>

          <Field id="talk-concerns" label={t.talkConcerns} optionalLabel={t.optional} hint={t.talkConcernsHint} error={errors.concerns}>
            <textarea rows={2} maxLength={1000} {...bind('concerns', 'talk-concerns', true)} />
          </Field>

          <label className="switch">
            <input
              type="checkbox"
              role="switch"
              data-testid="talk-followup"
              checked={form.followUpNeeded}
              onChange={(e) => change('followUpNeeded', e.target.checked)}
            />
            <span className="switch-track" aria-hidden="true" />
            <span className="switch-label">{t.talkFollowUp}</span>
          </label>

          {form.followUpNeeded ? (
            <div className="follow-up">
              <Field id="talk-followup-note" label={t.talkFollowUpNote} optionalLabel={t.optional} error={errors.followUpNote}>
                <textarea rows={2} maxLength={500} {...bind('followUpNote', 'talk-followup-note')} />
              </Field>
              <Field id="talk-followup-due" label={t.talkFollowUpDue} error={errors.followUpDue}>
                <input type="date" min={chinaDate()} {...bind('followUpDue', 'talk-followup-due')} />
              </Field>
            </div>
          ) : null}

          <ErrorMessage message={error} />
          <button type="submit" className="button button-primary talk-save" data-testid="talk-save" disabled={busy}>
            {busy ? t.saving : t.talkSave}
          </button>
        </form>
      </main>
    </>
  );
}
