import { Component, lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, type Account, type MyProfile } from './api.ts';
import { forgetCare } from './care-cache.ts';
import { dictionaries, I18nContext, loadLanguage, saveLanguage, useI18n, type I18n, type Language } from './i18n.ts';
import { forgetProfile, loadProfile, saveProfile } from './profile-cache.ts';
import { NavigationContext, pathOf, useRouter } from './router.ts';
import { CheckIn } from './screens/CheckIn.tsx';
import { Home } from './screens/Home.tsx';
import { Login } from './screens/Login.tsx';
import { Makeup } from './screens/Makeup.tsx';
import { Mobility } from './screens/Mobility.tsx';
import { Password } from './screens/Password.tsx';
import { Reader } from './screens/Reader.tsx';
import { SessionDetail, Sessions } from './screens/Sessions.tsx';
import { Study } from './screens/Study.tsx';
import { forgetToday } from './today-cache.ts';
import { ErrorMessage, TopBar } from './ui.tsx';

// Screens most members never open load on first use (the service worker keeps them for offline).
const Tasks = lazy(() => import('./screens/Tasks.tsx').then((m) => ({ default: m.Tasks })));
const Mentees = lazy(() => import('./screens/Mentees.tsx').then((m) => ({ default: m.Mentees })));
const Talk = lazy(() => import('./screens/Talk.tsx').then((m) => ({ default: m.Talk })));
const Cards = lazy(() => import('./screens/Cards.tsx').then((m) => ({ default: m.Cards })));
const CardView = lazy(() => import('./screens/Cards.tsx').then((m) => ({ default: m.CardView })));
const Records = lazy(() => import('./screens/Records.tsx').then((m) => ({ default: m.Records })));

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
    if (router.route.name !== 'home') setNotice(null);
  }, [router.route.name]);

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
    forgetToday();
    forgetCare();
    setNotice(null);
    showLogin();
    router.goHome();
  };

  const route = router.route;
  const account = session.phase === 'ready' ? session.account : null;
  let screen: ReactNode;
  if (session.phase === 'checking') {
    screen = <Loading />;
  } else if (session.phase === 'login') {
    // The URL stays as it is, so a scanned check-in link goes on by itself once signed in.
    screen = <Login onLoggedIn={onLoggedIn} notice={route.name === 'checkin' ? t.checkinLogin : null} />;
  } else if (session.phase === 'offline') {
    screen = <Problem message={t.networkError} onRetry={() => void checkSession()} />;
  } else if (route.name === 'checkin') {
    screen = <CheckIn key={route.sessionId + '|' + (route.code ?? '')} sessionId={route.sessionId} code={route.code} onUnauthenticated={showLogin} />;
  } else if (route.name === 'study') {
    screen = <Study onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'read') {
    screen = (
      <Reader
        key={route.pushId + '/' + route.itemId}
        pushId={route.pushId}
        itemId={route.itemId}
        onBack={() => router.back(route.pushId ? { name: 'study' } : { name: 'sessions' })}
        onUnauthenticated={showLogin}
      />
    );
  } else if (route.name === 'sessions') {
    screen = <Sessions onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'session') {
    screen = <SessionDetail key={route.sessionId} sessionId={route.sessionId} onBack={() => router.back({ name: 'sessions' })} onUnauthenticated={showLogin} />;
  } else if (route.name === 'makeup') {
    screen = <Makeup key={route.sessionId} sessionId={route.sessionId} onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'tasks') {
    screen = <Tasks myMemberId={account?.memberId ?? null} onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'mentees') {
    screen = <Mentees onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'talk') {
    screen = <Talk key={route.memberId} memberId={route.memberId} onBack={() => router.back({ name: 'mentees' })} onUnauthenticated={showLogin} />;
  } else if (route.name === 'cards') {
    screen = <Cards onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'card') {
    screen = <CardView key={route.cardId} cardId={route.cardId} onBack={() => router.back({ name: 'cards' })} onUnauthenticated={showLogin} />;
  } else if (route.name === 'records') {
    screen = <Records onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (profile.kind === 'failed') {
    // e.g. an account without a member record: let the person leave and sign in as someone else.
    screen = <Problem message={profile.message || t.networkError} onRetry={() => void fetchProfile()} onLogout={onLogout} />;
  } else if (profile.kind !== 'loaded') {
    screen = <Loading />;
  } else if (route.name === 'mobility') {
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
  } else if (route.name === 'password') {
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
        onUpdateDestination={() => router.open({ name: 'mobility' })}
        onChangePassword={() => router.open({ name: 'password' })}
        onLogout={onLogout}
        isMentor={account ? account.isMentor : null}
        onUnauthenticated={showLogin}
      />
    );
  }

  return (
    <I18nContext.Provider value={i18n}>
      <NavigationContext.Provider value={router.open}>
        <ScreenBoundary place={pathOf(route)}>
          <Suspense fallback={<Loading />}>{screen}</Suspense>
        </ScreenBoundary>
      </NavigationContext.Provider>
    </I18nContext.Provider>
  );
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

/**
 * A screen that could not load its code (no signal before the service worker kept it) or broke:
 * say so and offer a reload instead of a blank page. Going to another screen clears it.
 */
class ScreenBoundary extends Component<{ place: string; children: ReactNode }, { failed: boolean; place: string }> {
  override state = { failed: false, place: this.props.place };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  static getDerivedStateFromProps(props: { place: string }, state: { place: string }): { failed: boolean; place: string } | null {
    return props.place === state.place ? null : { failed: false, place: props.place };
  }

  override render() {
    return this.state.failed ? <Problem message="" onRetry={() => location.reload()} /> : this.props.children;
  }
}

function Problem({ message, onRetry, onLogout }: { message: string; onRetry: () => void; onLogout?: () => Promise<void> }) {
  const { t } = useI18n();
  return (
    <>
      <TopBar />
      <main className="screen screen-center">
        <ErrorMessage message={message || t.networkError} />
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
