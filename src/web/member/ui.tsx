import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from './i18n.ts';
import { pathOf, useNavigate, type Route } from './router.ts';
import './tabbar.css';

/**
 * Where the top bar is shown. Signed out (login, invitation), the language switch stays in the top
 * bar: there is no 我的 to reach yet. Signed in, it lives in 我的 only, so nobody taps it by mistake.
 * On the five tab screens (首页, 学习, 课程, 互动, 我的) the tab bar takes the member around: no 返回.
 */
export interface TopBarPlace {
  languageSwitch: boolean;
  tabScreen: boolean;
}
export const TopBarContext = createContext<TopBarPlace>({ languageSwitch: true, tabScreen: false });

export function TopBar({ onBack }: { onBack?: () => void }) {
  const { t, language, setLanguage } = useI18n();
  const place = useContext(TopBarContext);
  const back = place.tabScreen ? undefined : onBack;
  return (
    <header className="topbar">
      {back ? (
        <button type="button" className="topbar-back" onClick={back}>
          <span aria-hidden="true">‹ </span>
          {t.back}
        </button>
      ) : (
        <span className="topbar-brand">{t.appName}</span>
      )}
      {place.languageSwitch ? (
        <button
          type="button"
          className="topbar-lang"
          lang={language === 'zh-CN' ? 'en' : 'zh-CN'}
          onClick={() => setLanguage(language === 'zh-CN' ? 'en-US' : 'zh-CN')}
        >
          {t.switchLanguage}
        </button>
      ) : null}
    </header>
  );
}

/** The tabs by their route's name; 互动 (每月一互动) is the `shares` route. */
export type Tab = 'home' | 'study' | 'sessions' | 'shares' | 'me';
export const TABS: readonly Tab[] = ['home', 'study', 'sessions', 'shares', 'me'];

/** Simple line icons drawn inline (no icon font to download). */
const TAB_ICONS: Record<Tab, ReactNode> = {
  home: <path d="M3 11.5 12 4l9 7.5M5.5 9.5V20h5v-6h3v6h5V9.5" />,
  study: <path d="M4 5.5C6.5 4.5 9.5 4.5 12 6c2.5-1.5 5.5-1.5 8-.5V19c-2.5-1-5.5-1-8 .5-2.5-1.5-5.5-1.5-8-.5zM12 6v13.5" />,
  sessions: <path d="M4 6.5h16V20H4zM4 10.5h16M8.5 3.5v5M15.5 3.5v5M8 14h3M13 14h3M8 17h3" />,
  // two speech bubbles: members speak back
  shares: <path d="M3.5 5.5h11v7.5H8.5l-3.5 3v-3H3.5zM17.5 9.5h3v7.5H19v3l-3.5-3h-5.5v-2" />,
  me: <path d="M12 12.5a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4.5 20.5c.8-3.8 3.8-6 7.5-6s6.7 2.2 7.5 6" />,
};

/** 首页 / 学习 / 课程 / 互动 / 我的, fixed at the bottom of the five top screens. */
export function TabBar({ current }: { current: Tab }) {
  const { t } = useI18n();
  const labels: Record<Tab, string> = { home: t.tabHome, study: t.tabStudy, sessions: t.tabSessions, shares: t.tabShares, me: t.tabMe };
  const navigate = useNavigate();
  return (
    <nav className="tabbar" aria-label={t.tabBar}>
      {TABS.map((tab) => {
        const to: Route = { name: tab };
        const active = tab === current;
        return (
          <a
            key={tab}
            href={pathOf(to)}
            className={active ? 'tabbar-tab tabbar-tab-current' : 'tabbar-tab'}
            aria-current={active ? 'page' : undefined}
            data-testid={'tab-' + tab}
            onClick={(event) => {
              if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
              event.preventDefault();
              if (active) window.scrollTo(0, 0);
              else navigate(to);
            }}
          >
            <svg className="tabbar-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              {TAB_ICONS[tab]}
            </svg>
            <span className="tabbar-label">{labels[tab]}</span>
          </a>
        );
      })}
    </nav>
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

/** A screen showing what the phone kept because the server could not be reached: says so, with 重试. */
export function SavedCopyNotice({ message, onRetry }: { message: string; onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <div className="message message-warning" role="status">
      <p>{message}</p>
      <button type="button" className="button button-secondary" onClick={onRetry}>
        {t.retry}
      </button>
    </div>
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
