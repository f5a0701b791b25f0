import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { z } from 'zod';
import type { InvitationView, RedeemInvitationBody } from '../../../shared/api-invitations.ts';
import { contract } from '../../../shared/endpoints.ts';
import { fillPath } from '../../common/endpoints.ts';
import { request } from '../../common/http.ts';
import { ApiError, errorText } from '../api.ts';
import { fill, formatTime } from '../i18n.ts';
import { useInviteI18n, type InviteDictionary } from '../i18n-invite.ts';
import { ErrorMessage, Field, LoadingMessage, ScreenTitle, telHref, TopBar } from '../ui.tsx';
import './invite.css';

/**
 * /m/invite/<token>: the member opens the link the secretary sent (WeChat, SMS, the printed sheet),
 * proves who they are with the last 4 of their ID number or their birth date, chooses a password and
 * is in. It works signed out; a link that no longer works says so in one sentence and whom to call.
 */
interface InviteProps {
  token: string;
  /** signed in: the app checks the session and opens today */
  onSignedIn: () => void;
  onLogin: () => void;
}

const { invitations } = contract;

const viewInvitation = (token: string) =>
  request<InvitationView>('GET', fillPath(invitations.view.path, { token }), { timeoutMs: 20_000, cache: 'no-store', quiet401: true });
const redeemInvitation = (token: string, body: z.input<typeof RedeemInvitationBody>) =>
  request<{ ok: true }>('POST', fillPath(invitations.redeem.path, { token }), { body, timeoutMs: 30_000, cache: 'no-store', quiet401: true });

type Loaded = { kind: 'loading' } | { kind: 'missing' } | { kind: 'offline' } | { kind: 'loaded'; view: InvitationView };

export function Invite({ token, onSignedIn, onLogin }: InviteProps) {
  const { t } = useInviteI18n();
  const [loaded, setLoaded] = useState<Loaded>({ kind: 'loading' });

  const load = useCallback(async () => {
    try {
      setLoaded({ kind: 'loaded', view: await viewInvitation(token) });
    } catch (e) {
      setLoaded(e instanceof ApiError && e.isClientError ? { kind: 'missing' } : { kind: 'offline' });
    }
  }, [token]);

  useEffect(() => {
    void load();
  }, [load]);

  let body;
  if (loaded.kind === 'loading') body = <LoadingMessage />;
  else if (loaded.kind === 'offline')
    body = (
      <>
        <ErrorMessage message={t.networkError} />
        <button type="button" className="button button-primary" onClick={() => void load()}>
          {t.retry}
        </button>
      </>
    );
  else if (loaded.kind === 'missing') body = <Closed sentence={t.inviteNotFound} contact={null} />;
  else if (loaded.view.status !== 'open') body = <Closed sentence={closedSentence(t, loaded.view)} contact={loaded.view.contact} onLogin={loaded.view.status === 'used' ? onLogin : undefined} />;
  else body = <RedeemForm token={token} view={loaded.view} onSignedIn={onSignedIn} onRefused={() => void load()} />;

  return (
    <>
      <TopBar />
      <main className="screen invite">
        <ScreenTitle>{t.inviteTitle}</ScreenTitle>
        {loaded.kind === 'loaded' ? (
          <section className="card invite-who" data-testid="invite-who">
            <p className="invite-name">{fill(t.inviteWelcome, { name: loaded.view.name })}</p>
            <p className="muted">{fill(t.inviteUnit, { unit: loaded.view.unitName })}</p>
          </section>
        ) : null}
        {body}
      </main>
    </>
  );
}

function closedSentence(t: InviteDictionary, view: InvitationView): string {
  switch (view.status) {
    case 'used':
      return t.inviteUsed;
    case 'expired':
      return t.inviteExpired;
    case 'revoked':
      return t.inviteRevoked;
    default:
      return fill(t.inviteLocked, { time: view.lockedUntil ? formatTime(view.lockedUntil) : '30' });
  }
}

/** One plain sentence, and whom to call about it. */
function Closed({ sentence, contact, onLogin }: { sentence: string; contact: InvitationView['contact']; onLogin?: (() => void) | undefined }) {
  const { t } = useInviteI18n();
  return (
    <>
      <p className="message message-warning" role="status" data-testid="invite-closed">
        {sentence}
      </p>
      {contact ? (
        <section className="card card-contact">
          <p className="invite-contact">{fill(t.inviteAskWhom, { name: contact.name })}</p>
          <a className="button button-primary button-call" href={telHref(contact.phone)} data-testid="invite-call">
            <span aria-hidden="true" className="call-icon">
              ☎
            </span>
            {t.call} {contact.phone}
          </a>
        </section>
      ) : null}
      {onLogin ? (
        <button type="button" className="button button-secondary" onClick={onLogin}>
          {t.inviteGoLogin}
        </button>
      ) : null}
    </>
  );
}

function RedeemForm({ token, view, onSignedIn, onRefused }: { token: string; view: InvitationView; onSignedIn: () => void; onRefused: () => void }) {
  const { t } = useInviteI18n();
  const [answer, setAnswer] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [remember, setRemember] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [answerError, setAnswerError] = useState<string | undefined>(undefined);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setAnswerError(undefined);
    if (!answer.trim()) return setAnswerError(t.inviteMissingAnswer);
    if (password.length < 8) return setError(t.passwordTooShort);
    if (password !== repeat) return setError(t.passwordMismatch);
    setBusy(true);
    setError(null);
    try {
      await redeemInvitation(token, { answer: answer.trim(), password, remember });
      onSignedIn();
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.issues.some((i) => i.field === 'answer')) {
        setAnswerError(e.issues.find((i) => i.field === 'answer')?.message ?? errorText(e));
        return;
      }
      // locked, used meanwhile, revoked: the page says so with whom to call
      if (e instanceof ApiError && (e.status === 429 || e.status === 409)) return onRefused();
      setError(errorText(e) || t.networkError);
    }
  };

  const askId = view.ask === 'id_last4';
  return (
    <form className="card form" onSubmit={submit} noValidate>
      <p className="muted">{t.inviteIntro}</p>
      {askId ? (
        <Field id="invite-answer" label={t.inviteAskIdLast4} hint={t.inviteAskIdLast4Hint} error={answerError}>
          <input
            id="invite-answer"
            name="answer"
            type="text"
            inputMode="text"
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            maxLength={4}
            className="invite-last4"
            aria-describedby="invite-answer-hint"
            value={answer}
            onChange={(e) => setAnswer(e.target.value.replace(/\s+/g, '').toUpperCase())}
          />
        </Field>
      ) : (
        <Field id="invite-answer" label={t.inviteAskBirthDate} error={answerError}>
          <input id="invite-answer" name="answer" type="date" min="1900-01-01" max="2100-12-31" value={answer} onChange={(e) => setAnswer(e.target.value)} />
        </Field>
      )}
      <Field id="invite-password" label={t.inviteSetPassword} hint={t.newPasswordHint}>
        <input
          id="invite-password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={200}
          aria-describedby="invite-password-hint"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <Field id="invite-repeat" label={t.inviteRepeatPassword}>
        <input id="invite-repeat" name="repeat" type="password" autoComplete="new-password" maxLength={200} value={repeat} onChange={(e) => setRepeat(e.target.value)} />
      </Field>
      <RememberPhone checked={remember} onChange={setRemember} />
      <ErrorMessage message={error} />
      <button type="submit" className="button button-primary" disabled={busy} data-testid="invite-submit">
        {busy ? t.inviteSubmitting : t.inviteSubmit}
      </button>
    </form>
  );
}

/** 记住这台手机: a big tap target with one plain sentence (also on the login screen). */
export function RememberPhone({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  const { t } = useInviteI18n();
  // The hint sits outside the label: the box is named 记住这台手机 alone.
  return (
    <div className="remember-phone">
      <input
        id="remember-phone"
        type="checkbox"
        name="remember"
        data-testid="remember-phone"
        aria-describedby="remember-phone-hint"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      <div>
        <label htmlFor="remember-phone" className="remember-phone-label">
          {t.rememberPhone}
        </label>
        <p id="remember-phone-hint" className="remember-phone-hint">
          {t.rememberPhoneHint}
        </p>
      </div>
    </div>
  );
}
