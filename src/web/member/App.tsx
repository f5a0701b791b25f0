import { useQuery } from '@tanstack/react-query';
import { Component, lazy, Suspense, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setUnauthenticatedHandler } from '../common/http.ts';
import { api, ApiError, type Account } from './api.ts';
import { dictionaries, I18nContext, loadLanguage, saveLanguage, useI18n, type I18n, type Language } from './i18n.ts';
import { queries } from './queries.ts';
import { forgetDrafts, forgetKept, keepFor, queryClient } from './query.ts';
import { forgetOutbox, waitingCount } from './outbox.ts';
import { NavigationContext, pathOf, useRouter } from './router.ts';
import { useNoticeOpened } from './notice-link.ts';
import { applyServerElderMode, forgetServerElderMode } from './elder.ts';
import './elder.css';
import { Home } from './screens/Home.tsx';
import { Invite } from './screens/Invite.tsx';
import { Login } from './screens/Login.tsx';
import { Me } from './screens/Me.tsx';
import { shown } from './shown.ts';
import { stopPushOnThisPhone } from './web-push.ts';
import { ErrorMessage, TabBar, TopBar, TopBarContext, type Tab, type TopBarPlace } from './ui.tsx';

// Screens most members never open load on first use (the service worker keeps them for offline).
const Tasks = lazy(() => import('./screens/Tasks.tsx').then((m) => ({ default: m.Tasks })));
const Mentees = lazy(() => import('./screens/Mentees.tsx').then((m) => ({ default: m.Mentees })));
const Talk = lazy(() => import('./screens/Talk.tsx').then((m) => ({ default: m.Talk })));
const Cards = lazy(() => import('./screens/Cards.tsx').then((m) => ({ default: m.Cards })));
const CardView = lazy(() => import('./screens/Cards.tsx').then((m) => ({ default: m.CardView })));
const Records = lazy(() => import('./screens/Records.tsx').then((m) => ({ default: m.Records })));
const Notices = lazy(() => import('./screens/Notices.tsx').then((m) => ({ default: m.Notices })));
const Devices = lazy(() => import('./screens/Devices.tsx').then((m) => ({ default: m.Devices })));
const Outbox = lazy(() => import('./screens/Outbox.tsx').then((m) => ({ default: m.Outbox })));
// Not on the first screen either: loaded when opened, and fetched by the service worker after the
// first visit's load so they open without a signal (see public/sw.js).
const Study = lazy(() => import('./screens/Study.tsx').then((m) => ({ default: m.Study })));
const Reader = lazy(() => import('./screens/Reader.tsx').then((m) => ({ default: m.Reader })));
const Sessions = lazy(() => import('./screens/Sessions.tsx').then((m) => ({ default: m.Sessions })));
const SessionDetail = lazy(() => import('./screens/Sessions.tsx').then((m) => ({ default: m.SessionDetail })));
const Makeup = lazy(() => import('./screens/Makeup.tsx').then((m) => ({ default: m.Makeup })));
const CheckIn = lazy(() => import('./screens/CheckIn.tsx').then((m) => ({ default: m.CheckIn })));
const Mobility = lazy(() => import('./screens/Mobility.tsx').then((m) => ({ default: m.Mobility })));
const Password = lazy(() => import('./screens/Password.tsx').then((m) => ({ default: m.Password })));
const Shares = lazy(() => import('./screens/Shares.tsx').then((m) => ({ default: m.Shares })));
const ShareDetail = lazy(() => import('./screens/ShareDetail.tsx').then((m) => ({ default: m.ShareDetail })));
const ShareNew = lazy(() => import('./screens/ShareNew.tsx').then((m) => ({ default: m.ShareNew })));
const Evaluation = lazy(() => import('./screens/Evaluation.tsx').then((m) => ({ default: m.Evaluation })));
const Review = lazy(() => import('./screens/Review.tsx').then((m) => ({ default: m.Review })));
const Questions = lazy(() => import('./screens/Questions.tsx').then((m) => ({ default: m.Questions })));
const QuestionDetail = lazy(() => import('./screens/Questions.tsx').then((m) => ({ default: m.QuestionDetail })));
const Service = lazy(() => import('./screens/Service.tsx').then((m) => ({ default: m.Service })));
const ServiceProject = lazy(() => import('./screens/ServiceProject.tsx').then((m) => ({ default: m.ServiceProject })));
const ServiceLog = lazy(() => import('./screens/ServiceLog.tsx').then((m) => ({ default: m.ServiceLog })));
const Team = lazy(() => import('./screens/Team.tsx').then((m) => ({ default: m.Team })));
const Pledges = lazy(() => import('./screens/Pledges.tsx').then((m) => ({ default: m.Pledges })));
const Jobs = lazy(() => import('./screens/Jobs.tsx').then((m) => ({ default: m.Jobs })));
const Duty = lazy(() => import('./screens/Duty.tsx').then((m) => ({ default: m.Duty })));

type Session =
  | { phase: 'checking' }
  | { phase: 'login' }
  | { phase: 'offline' }
  | { phase: 'ready'; account: Account | null };

export function App() {
  const [language, setLanguageState] = useState<Language>(loadLanguage);
  const i18n = useMemo<I18n>(
    () => ({
      language,
      t: dictionaries[language],
      setLanguage: (next) => {
        saveLanguage(next);
        setLanguageState(next);
        // answers the server worded follow the language (the request core sends <html lang>): read them again
        document.documentElement.lang = next;
        void queryClient.invalidateQueries();
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
  const [notice, setNotice] = useState<string | null>(null);
  const profile = useQuery({ ...queries.profile(), enabled: session.phase === 'ready' });
  // 长辈模式 as the secretary set it: the phone starts in it unless the member chose on this phone.
  const serverElderMode = profile.data?.elderMode;
  useEffect(() => {
    if (serverElderMode !== undefined) applyServerElderMode(serverElderMode);
  }, [serverElderMode]);

  const showLogin = useCallback(() => setSession({ phase: 'login' }), []);
  // A notice's link (?n=<id>) counts as opened once the member is signed in.
  useNoticeOpened(session.phase === 'ready' && session.account !== null);

  // Any call answered 401 (the session expired) brings the login back.
  useEffect(() => {
    setUnauthenticatedHandler(showLogin);
    return () => setUnauthenticatedHandler(null);
  }, [showLogin]);

  const checkSession = useCallback(async () => {
    setSession({ phase: 'checking' });
    try {
      const account = await api.me();
      keepFor(account.accountId);
      setSession({ phase: 'ready', account });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return showLogin();
      // No signal: show what we saw last time (the contact person's number matters most).
      if (queryClient.getQueryData(queries.profile().queryKey)) setSession({ phase: 'ready', account: null });
      else setSession({ phase: 'offline' });
    }
  }, [showLogin]);

  useEffect(() => {
    void checkSession();
  }, [checkSession]);

  // A notice belongs to the moment it was given (on 我的); drop it when the member moves on.
  useEffect(() => {
    if (router.route.name !== 'me') setNotice(null);
  }, [router.route.name]);

  const onLoggedIn = (account: Account) => {
    // Before any screen of this account: whatever another member left on the phone goes.
    keepFor(account.accountId);
    setSession({ phase: 'ready', account });
    setNotice(null);
  };

  const onLogout = async () => {
    // while still signed in: the server forgets this phone's subscription with the browser
    await stopPushOnThisPhone(api.removePushSubscription);
    try {
      await api.logout();
    } catch {
      // Even without network the member wants to leave: forget locally, the cookie expires on its own.
    }
    setNotice(null);
    showLogin();
    router.goHome();
    forgetOutbox();
    forgetKept();
    forgetDrafts();
    forgetServerElderMode();
  };

  const route = router.route;
  const account = session.phase === 'ready' ? session.account : null;
  const shownProfile = shown(profile, t.networkError);
  let screen: ReactNode;
  /** The tab bar's current tab on the five top screens; null on every other screen. */
  let tab: Tab | null = null;
  if (route.name === 'invite') {
    // An invitation link works signed out (and replaces whoever was signed in on this phone).
    screen = (
      <Invite
        key={route.token}
        token={route.token}
        onSignedIn={() => {
          router.goHome();
          void checkSession();
        }}
        onLogin={() => {
          router.goHome();
          void checkSession();
        }}
      />
    );
  } else if (session.phase === 'checking') {
    screen = <Loading />;
  } else if (session.phase === 'login') {
    // The URL stays as it is, so a scanned check-in link goes on by itself once signed in.
    screen = <Login onLoggedIn={onLoggedIn} notice={route.name === 'checkin' ? t.checkinLogin : null} />;
  } else if (session.phase === 'offline') {
    screen = <Problem message={t.networkError} onRetry={() => void checkSession()} />;
  } else if (route.name === 'checkin') {
    screen = <CheckIn key={route.sessionId + '|' + (route.code ?? '')} sessionId={route.sessionId} code={route.code} onUnauthenticated={showLogin} />;
  } else if (route.name === 'study') {
    screen = <Study onBack={() => router.back()} />;
    tab = 'study';
  } else if (route.name === 'read') {
    screen = (
      <Reader
        key={route.pushId + '/' + route.itemId}
        pushId={route.pushId}
        itemId={route.itemId}
        onBack={() => router.back(route.pushId ? { name: 'study' } : { name: 'sessions' })}
      />
    );
  } else if (route.name === 'sessions') {
    screen = <Sessions onBack={() => router.back()} />;
    tab = 'sessions';
  } else if (route.name === 'session') {
    screen = <SessionDetail key={route.sessionId} sessionId={route.sessionId} onBack={() => router.back({ name: 'sessions' })} onUnauthenticated={showLogin} />;
  } else if (route.name === 'makeup') {
    screen = <Makeup key={route.sessionId} sessionId={route.sessionId} onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'tasks') {
    screen = <Tasks myMemberId={account?.memberId ?? null} onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'mentees') {
    screen = <Mentees onBack={() => router.back()} />;
  } else if (route.name === 'talk') {
    screen = <Talk key={route.memberId} memberId={route.memberId} onBack={() => router.back({ name: 'mentees' })} onUnauthenticated={showLogin} />;
  } else if (route.name === 'cards') {
    screen = <Cards onBack={() => router.back()} />;
  } else if (route.name === 'card') {
    screen = <CardView key={route.cardId} cardId={route.cardId} onBack={() => router.back({ name: 'cards' })} />;
  } else if (route.name === 'records') {
    screen = <Records onBack={() => router.back()} />;
  } else if (route.name === 'notices') {
    screen = <Notices onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'devices') {
    screen = <Devices onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'shares') {
    screen = <Shares />;
    tab = 'shares';
  } else if (route.name === 'share') {
    screen = (
      <ShareDetail
        key={route.shareId}
        shareId={route.shareId}
        onBack={() => router.back({ name: 'shares' })}
        onDeleted={() => router.backTo({ name: 'shares' })}
        onUnauthenticated={showLogin}
      />
    );
  } else if (route.name === 'share-new') {
    screen = <ShareNew key={route.topicId ?? ''} topicId={route.topicId} onBack={() => router.back({ name: 'shares' })} onUnauthenticated={showLogin} />;
  } else if (route.name === 'questions') {
    screen = <Questions isMentor={account?.isMentor ?? false} onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'question') {
    screen = <QuestionDetail key={route.questionId} questionId={route.questionId} onBack={() => router.back({ name: 'questions' })} />;
  } else if (route.name === 'review') {
    screen = <Review onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'evaluation') {
    screen = <Evaluation key={route.roundId ?? ''} roundId={route.roundId} onBack={() => router.back(route.roundId ? { name: 'evaluation', roundId: null } : undefined)} onUnauthenticated={showLogin} />;
  } else if (route.name === 'service') {
    screen = <Service onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'service-project') {
    screen = <ServiceProject key={route.projectId} projectId={route.projectId} onBack={() => router.back({ name: 'service' })} onUnauthenticated={showLogin} />;
  } else if (route.name === 'service-log') {
    screen = <ServiceLog key={route.projectId ?? ''} projectId={route.projectId} onBack={() => router.back({ name: 'service' })} onUnauthenticated={showLogin} />;
  } else if (route.name === 'team') {
    screen = <Team key={route.teamId ?? ''} teamId={route.teamId} onBack={() => router.back({ name: 'service' })} />;
  } else if (route.name === 'pledges') {
    screen = <Pledges onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (route.name === 'jobs') {
    screen = <Jobs onBack={() => router.back({ name: 'pledges' })} onUnauthenticated={showLogin} />;
  } else if (route.name === 'duty') {
    screen = <Duty onBack={() => router.back()} onUnauthenticated={showLogin} />;
  } else if (shownProfile.kind === 'failed') {
    // e.g. an account without a member record: let the person leave and sign in as someone else.
    screen = <Problem message={shownProfile.message} onRetry={() => void profile.refetch()} onLogout={onLogout} />;
  } else if (shownProfile.kind !== 'loaded') {
    screen = <Loading />;
  } else if (route.name === 'mobility') {
    screen = (
      <Mobility
        profile={shownProfile.data}
        onBack={() => router.backTo({ name: 'me' })}
        onUnauthenticated={showLogin}
        onSaved={(kind) => {
          router.backTo({ name: 'me' });
          setNotice(kind === 'returned' ? t.savedReturn : t.savedDestination);
        }}
      />
    );
  } else if (route.name === 'password') {
    screen = (
      <Password
        onBack={() => router.backTo({ name: 'me' })}
        onUnauthenticated={showLogin}
        onChanged={() => {
          router.backTo({ name: 'me' });
          setNotice(t.savedPassword);
        }}
      />
    );
  } else if (route.name === 'outbox') {
    screen = <Outbox onBack={() => router.back()} />;
  } else if (route.name === 'me') {
    screen = (
      <Me
        profile={shownProfile.data}
        stale={shownProfile.stale}
        onRetry={() => void checkSession()}
        notice={notice}
        onUpdateDestination={() => router.open({ name: 'mobility' })}
        onChangePassword={() => router.open({ name: 'password' })}
        onLogout={onLogout}
        waitingCount={waitingCount}
      />
    );
    tab = 'me';
  } else {
    screen = <Home profile={shownProfile.data} stale={shownProfile.stale} onRetry={() => void checkSession()} isMentor={account ? account.isMentor : null} onUnauthenticated={showLogin} />;
    tab = 'home';
  }
  // Signed in, the language switch lives in 我的; before that (login, invitation, no signal) it stays on top.
  const topBar: TopBarPlace = {
    languageSwitch: route.name === 'invite' || session.phase === 'login' || session.phase === 'offline',
    tabScreen: tab !== null,
  };

  return (
    <I18nContext.Provider value={i18n}>
      <NavigationContext.Provider value={router.open}>
        <TopBarContext.Provider value={topBar}>
          <div className={tab ? 'has-tabbar' : undefined}>
            <ScreenBoundary place={pathOf(route)}>
              <Suspense fallback={<Loading />}>{screen}</Suspense>
            </ScreenBoundary>
          </div>
          {tab ? <TabBar current={tab} /> : null}
        </TopBarContext.Provider>
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
        <h1 className="visually-hidden">{t.appName}</h1>
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
