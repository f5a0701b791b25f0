import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from './i18n.ts';
import { pathOf, useNavigate, type Route } from './router.ts';

export function TopBar({ onBack }: { onBack?: () => void }) {
  const { t, language, setLanguage } = useI18n();
  return (
    <header className="topbar">
      {onBack ? (
        <button type="button" className="topbar-back" onClick={onBack}>
          <span aria-hidden="true">‹ </span>
          {t.back}
        </button>
      ) : (
        <span className="topbar-brand">{t.appName}</span>
      )}
      <button
        type="button"
        className="topbar-lang"
        lang={language === 'zh-CN' ? 'en' : 'zh-CN'}
        onClick={() => setLanguage(language === 'zh-CN' ? 'en-US' : 'zh-CN')}
      >
        {t.switchLanguage}
      </button>
    </header>
  );
}

/** The screen's title; takes focus when the screen opens so screen readers announce it. */
export function ScreenTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="screen-title">
      {children}
    </h1>
  );
}

export function ErrorMessage({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="message message-error" role="alert">
      {message}
    </p>
  );
}

export function SuccessMessage({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="message message-success" role="status">
      <span aria-hidden="true">✓ </span>
      {message}
    </p>
  );
}

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  optionalLabel?: string;
  /** why the value was refused, shown right below the control (id `<id>-error`) */
  error?: string | undefined;
  children: ReactNode;
}

/** A visible <label for> above its control, with an optional hint below the label and the reason a value was refused below the control. */
export function Field({ id, label, hint, optionalLabel, error, children }: FieldProps) {
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {optionalLabel ? <span className="field-optional">{optionalLabel}</span> : null}
      {hint ? (
        <p className="field-hint" id={id + '-hint'}>
          {hint}
        </p>
      ) : null}
      {children}
      {error ? (
        <p className="field-error" id={id + '-error'} data-testid={id + '-error'}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface AppLinkProps {
  to: Route;
  className?: string;
  testId?: string;
  children: ReactNode;
}

/** A real link (long press, screen readers) that opens the screen inside the app. */
export function AppLink({ to, className, testId, children }: AppLinkProps) {
  const navigate = useNavigate();
  return (
    <a
      href={pathOf(to)}
      className={className}
      data-testid={testId}
      onClick={(event) => {
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function LoadingMessage() {
  const { t } = useI18n();
  return (
    <p className="message message-info" role="status">
      <span className="spinner" aria-hidden="true" />
      {t.loading}
    </p>
  );
}

/** A failed load with a retry button. */
export function LoadFailed({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <div className="message message-error" role="alert">
      <p>{message}</p>
      <button type="button" className="button button-secondary" onClick={onRetry}>
        {t.retry}
      </button>
    </div>
  );
}

/** tel: links want digits only; keep a leading + for numbers written with a country code. */
export function telHref(phone: string): string {
  return 'tel:' + phone.replace(/[^\d+]/g, '');
}
