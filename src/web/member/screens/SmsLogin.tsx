import { useEffect, useState, type FormEvent } from 'react';
import { api, errorText, type Account } from '../api.ts';
import { useSmsI18n } from '../i18n-sms.ts';
import { ErrorMessage, Field, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import { RememberPhone } from './Invite.tsx';

/** Seconds before another code may be asked for (the server allows one a minute per phone). */
const RESEND_SECONDS = 60;
const digitsOnly = (text: string): string => text.replace(/\D+/g, '');

/**
 * The login screen's offer of signing in by SMS code: shown only when the server says a provider
 * is set up here (GET /api/auth/methods). Nothing shows while it asks or when it cannot tell.
 */
export function SmsLoginOffer({ onChoose }: { onChoose: () => void }) {
  const { t } = useSmsI18n();
  const [offered, setOffered] = useState(false);
  useEffect(() => {
    let live = true;
    api
      .authMethods()
      .then((m) => live && setOffered(m.smsCode))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  if (!offered) return null;
  return (
    <button type="button" className="button button-plain" onClick={onChoose} data-testid="sms-login-offer">
      {t.smsLoginOffer}
    </button>
  );
}

interface SmsLoginProps {
  onLoggedIn: (account: Account) => void;
  onUsePassword: () => void;
  notice?: string | null;
}

/**
 * 短信验证码登录: phone, "get a code" (then a 60-second countdown before asking again), the
 * 6-digit code, sign in. The server answers the same whether or not the phone has an account, so
 * the screen says what the server said and waits for the SMS.
 */
export function SmsLogin({ onLoggedIn, onUsePassword, notice = null }: SmsLoginProps) {
  const { t } = useSmsI18n();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  // 记住这台手机: on by default, as on the password login (the server ignores it for secretaries)
  const [remember, setRemember] = useState(true);
  const [wait, setWait] = useState(0);
  const [sending, setSending] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait((w) => w - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  const cleanPhone = digitsOnly(phone);

  const askCode = async () => {
    if (sending || wait > 0) return;
    if (!/^1\d{10}$/.test(cleanPhone)) {
      setError(t.smsPhoneMissing);
      return;
    }
    setSending(true);
    setError(null);
    try {
      const answer = await api.requestSmsCode(cleanPhone);
      setSent(answer.message);
      setWait(answer.resendAfterSeconds || RESEND_SECONDS);
    } catch (e) {
      setError(errorText(e) || t.networkError);
    } finally {
      setSending(false);
    }
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!/^1\d{10}$/.test(cleanPhone)) {
      setError(t.smsPhoneMissing);
      return;
    }
    if (!/^\d{6}$/.test(code)) {
      setError(t.smsCodeMissing);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await api.smsLogin({ phone: cleanPhone, code, remember }));
    } catch (e) {
      setError(errorText(e) || t.networkError);
      setBusy(false);
    }
  };

  return (
    <>
      <TopBar onBack={onUsePassword} />
      <main className="screen">
        <ScreenTitle>{t.smsLoginTitle}</ScreenTitle>
        {notice ? (
          <p className="message message-warning" role="status">
            {notice}
          </p>
        ) : null}
        <form className="card form" onSubmit={submit} noValidate data-testid="sms-login">
          <p className="muted">{t.smsLoginIntro}</p>
          <Field id="sms-phone" label={t.phone}>
            <input
              id="sms-phone"
              name="phone"
              type="tel"
              inputMode="numeric"
              autoComplete="tel"
              maxLength={20}
              required
              value={phone}
              onChange={(e) => setPhone(e.target.value)}
            />
          </Field>
          <button type="button" className="button button-secondary" onClick={() => void askCode()} disabled={sending || wait > 0} data-testid="sms-get-code">
            {sending ? t.smsSending : wait > 0 ? t.smsResendIn.replace('{n}', String(wait)) : sent ? t.smsResend : t.smsGetCode}
          </button>
          <SuccessMessage message={sent} />
          <Field id="sms-code" label={t.smsCode} hint={t.smsCodeHint}>
            <input
              id="sms-code"
              name="code"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]*"
              maxLength={6}
              required
              aria-describedby="sms-code-hint"
              value={code}
              onChange={(e) => setCode(digitsOnly(e.target.value).slice(0, 6))}
            />
          </Field>
          <RememberPhone checked={remember} onChange={setRemember} />
          <ErrorMessage message={error} />
          <button type="submit" className="button button-primary" disabled={busy} data-testid="sms-sign-in">
            {busy ? t.smsSigningIn : t.smsSignIn}
          </button>
          <button type="button" className="button button-plain" onClick={onUsePassword}>
            {t.smsUsePassword}
          </button>
        </form>
      </main>
    </>
  );
}
