import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, type Account, type MyProfile } from './api.ts';
import { dictionaries, I18nContext, loadLanguage, saveLanguage, useI18n, type I18n, type Language } from './i18n.ts';
import { forgetProfile, loadProfile, saveProfile } from './profile-cache.ts';
import { useRouter } from './router.ts';
import { Home } from './screens/Home.tsx';
import { Login } from './screens/Login.tsx';
import { Mobility } from './screens/Mobility.tsx';
import { Password } from './screens/Password.tsx';
import { ErrorMessage, TopBar } from './ui.tsx';

type Session =
  | { phase: 'checking' }
  | { phase: 'login' }
  | { phase: 'offline' }
  | { phase: 'ready'; account: Account | null };

type ProfileState =
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'loaded'; profile: MyProfile; stale: boolean };

export function App() {
  const [language, setLanguageState] = useState<Language>(loadLanguage);
  const i18n = useMemo<I18n>(
    () => ({
      language,
      t: dictionaries[language],
      setLanguage: (next) => {
        saveLanguage(next);
        setLanguageState(next);
      },
    }),
    [language],
  );
  const t = i18n.t;

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t.appName;
  }, [language, t]);

  const router = useRouter();
  const [session, setSession] = useState<Session>({ phase: 'checking' });
  const [profile, setProfile] = useState<ProfileState>({ kind: 'none' });
  const [notice, setNotice] = useState<string | null>(null);

  const showLogin = useCallback(() => {
    setSession({ phase: 'login' });
    setProfile({ kind: 'none' });
  }, []);

  const fetchProfile = useCallback(async () => {
    setProfile({ kind: 'loading' });
    try {
      const fresh = await api.profile();
      saveProfile(fresh);
      setProfile({ kind: 'loaded', profile: fresh, stale: false });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return showLogin();
      const saved = e instanceof ApiError && e.isOffline ? loadProfile() : null;
      if (saved) setProfile({ kind: 'loaded', profile: saved, stale: true });
      else setProfile({ kind: 'failed', message: e instanceof ApiError && e.message ? e.message : '' });
    }
  }, [showLogin]);

  const checkSession = useCallback(async () => {
    setSession({ phase: 'checking' });
    try {
      const account = await api.me();
      setSession({ phase: 'ready', account });
      void fetchProfile();
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return showLogin();
      const saved = loadProfile();
      if (saved) {
        // No signal: show what we saw last time (the contact person's number matters most).
        setSession({ phase: 'ready', account: null });
        setProfile({ kind: 'loaded', profile: saved, stale: true });
      } else {
        setSession({ phase: 'offline' });
      }
    }
  }, [fetchProfile, showLogin]);

  useEffect(() => {
    void checkSession();
  }, [checkSession]);

  // A notice belongs to the moment it was given; drop it when the member moves on.
  useEffect(() => {
    if (router.route !== 'home') setNotice(null);
  }, [router.route]);

  const onLoggedIn = (account: Account) => {
    setSession({ phase: 'ready', account });
    setNotice(null);
    void fetchProfile();
  };

  const onLogout = async () => {
    try {
      await api.logout();
    } catch {
      // Even without network the member wants to leave: forget locally, the cookie expires on its own.
    }
    forgetProfile();
    setNotice(null);
    showLogin();
    router.goHome();
  };

  let screen: ReactNode;
  if (session.phase === 'checking') {
    screen = <Loading />;
  } else if (session.phase === 'login') {
    screen = <Login onLoggedIn={onLoggedIn} />;
  } else if (session.phase === 'offline') {
    screen = <Problem message={t.networkError} onRetry={() => void checkSession()} />;
  } else if (profile.kind === 'failed') {
    // e.g. an account without a member record: let the person leave and sign in as someone else.
    screen = <Problem message={profile.message || t.networkError} onRetry={() => void fetchProfile()} onLogout={onLogout} />;
  } else if (profile.kind !== 'loaded') {
    screen = <Loading />;
  } else if (router.route === 'mobility') {
    screen = (
      <Mobility
        profile={profile.profile}
        onBack={router.goHome}
        onUnauthenticated={showLogin}
        onSaved={(fresh, kind) => {
          saveProfile(fresh);
          setProfile({ kind: 'loaded', profile: fresh, stale: false });
          router.goHome();
          setNotice(kind === 'returned' ? t.savedReturn : t.savedDestination);
        }}
      />
    );
  } else if (router.route === 'password') {
    screen = (
      <Password
        onBack={router.goHome}
        onUnauthenticated={showLogin}
        onChanged={() => {
          router.goHome();
          setNotice(t.savedPassword);
        }}
      />
    );
  } else {
    screen = (
      <Home
        profile={profile.profile}
        stale={profile.stale}
        onRetry={() => void checkSession()}
        notice={notice}
        onUpdateDestination={() => router.open('mobility')}
        onChangePassword={() => router.open('password')}
        onLogout={onLogout}
      />
    );
  }

  return <I18nContext.Provider value={i18n}>{screen}</I18nContext.Provider>;
}

function Loading() {
  const { t } = useI18n();
  return (
    <>
      <TopBar />
      <main className="screen screen-center" aria-busy="true">
        <p className="message message-info" role="status">
          <span className="spinner" aria-hidden="true" />
          {t.loading}
        </p>
      </main>
    </>
  );
}

function Problem({ message, onRetry, onLogout }: { message: string; onRetry: () => void; onLogout?: () => Promise<void> }) {
  const { t } = useI18n();
  return (
    <>
      <TopBar />
      <main className="screen screen-center">
        <ErrorMessage message={message} />
        <button type="button" className="button button-primary" onClick={onRetry}>
          {t.retry}
        </button>
        {onLogout ? (
          <button type="button" className="button button-plain" onClick={() => void onLogout()}>
            {t.logout}
          </button>
        ) : null}
      </main>
    </>
  );
}
