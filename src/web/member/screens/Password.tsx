import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, errorText } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { writes } from '../mutations.ts';
import { ErrorMessage, Field, ScreenTitle, TopBar } from '../ui.tsx';

interface PasswordProps {
  onChanged: () => void;
  onBack: () => void;
  onUnauthenticated: () => void;
}

export function Password({ onChanged, onBack, onUnauthenticated }: PasswordProps) {
  const { t } = useI18n();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeatPassword, setRepeatPassword] = useState('');
  const change = useMutation(writes.changePassword);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (newPassword.length < 8) return setError(t.passwordTooShort);
    if (newPassword !== repeatPassword) return setError(t.passwordMismatch);
    setBusy(true);
    setError(null);
    try {
      await change.mutateAsync({ currentPassword, newPassword });
      onChanged();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && e.code === 'unauthenticated') return onUnauthenticated();
      setError(errorText(e) || t.networkError);
      setBusy(false);
    }
  };

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.passwordTitle}</ScreenTitle>
        <form className="card form" onSubmit={submit} noValidate>
          <Field id="password-current" label={t.currentPassword}>
            <input
              id="password-current"
              type="password"
              autoComplete="current-password"
              maxLength={200}
              required
              value={currentPassword}
              onChange={(e) => setCurrentPassword(e.target.value)}
            />
          </Field>
          <Field id="password-new" label={t.newPassword} hint={t.newPasswordHint}>
            <input
              id="password-new"
              type="password"
              autoComplete="new-password"
              minLength={8}
              maxLength={200}
              required
              aria-describedby="password-new-hint"
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
            />
          </Field>
          <Field id="password-repeat" label={t.repeatPassword}>
            <input
              id="password-repeat"
              type="password"
              autoComplete="new-password"
              maxLength={200}
              required
              value={repeatPassword}
              onChange={(e) => setRepeatPassword(e.target.value)}
            />
          </Field>
          <ErrorMessage message={error} />
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t.saving : t.submitPassword}
          </button>
        </form>
      </main>
    </>
  );
}
