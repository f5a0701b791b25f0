import { useState, type FormEvent } from 'react';
import { api, errorText, type Account } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { ErrorMessage, Field, ScreenTitle, TopBar } from '../ui.tsx';
import { RememberPhone } from './Invite.tsx';
import { SmsLogin, SmsLoginOffer } from './SmsLogin.tsx';

interface LoginProps {
  onLoggedIn: (account: Account) => void;
  /** Why the member is asked to sign in here (e.g. a scanned check-in code waits). */
  notice?: string | null;
}

export function Login({ onLoggedIn, notice = null }: LoginProps) {
  const { t } = useI18n();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // 记住这台手机: on by default (most members use their own phone); the server ignores it for secretaries
  const [remember, setRemember] = useState(true);
  const [bySms, setBySms] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!phone.trim() || !password) {
      setError(t.loginMissing);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // Signing in is not a write to queue: it only makes sense with signal, so it is a plain call.
      const account = await api.login({ phone: phone.replace(/\s+/g, ''), password, remember });
      onLoggedIn(account);
    } catch (e) {
      setError(errorText(e) || t.networkError);
      setBusy(false);
    }
  };

  if (bySms) return <SmsLogin onLoggedIn={onLoggedIn} onUsePassword={() => setBySms(false)} notice={notice} />;

  return (
    <>
      <TopBar />
      <main className="screen">
        <div className="login-brand">
          <p className="login-app-name">{t.appName}</p>
          <p className="login-slogan">{t.slogan}</p>
        </div>
        <ScreenTitle>{t.loginTitle}</ScreenTitle>
        {notice ? (
          <p className="message message-warning" role="status">
            {notice}
          </p>
        ) : null}
        <form className="card form" onSubmit={submit} noValidate>
          <Field id="login-phone" label={t.phone}>
            <input
              id="login-phone"
              name="phone"
              type="tel"
              inputMode="numeric"
              autoComplete="username"
              maxLength={20}
              required
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
            />
          </Field>
          <Field id="login-password" label={t.password}>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              maxLength={200}
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <RememberPhone checked={remember} onChange={setRemember} />
          <ErrorMessage message={error} />
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t.loggingIn : t.login}
          </button>
          <SmsLoginOffer onChoose={() => setBySms(true)} />
          <p className="muted">{t.loginHelp}</p>
        </form>
      </main>
    </>
  );
}
