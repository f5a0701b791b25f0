import {
  ApiOutlined,
  AlertOutlined,
  AuditOutlined,
  BookOutlined,
  CalendarOutlined,
  CarOutlined,
  ClusterOutlined,
  FlagOutlined,
  GiftOutlined,
  FundOutlined,
  NotificationOutlined,
  DashboardOutlined,
  DisconnectOutlined,
  GlobalOutlined,
  KeyOutlined,
  LogoutOutlined,
  MenuOutlined,
  RadarChartOutlined,
  SettingOutlined,
  TeamOutlined,
  QrcodeOutlined,
  UploadOutlined,
  UsergroupAddOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { CommentOutlined as SharesIcon } from '@ant-design/icons';
import { App as AntApp, Badge, Button, ConfigProvider, Drawer, Grid, Layout, Menu, Result, Space, Spin, Typography, theme } from 'antd';
import type { MenuProps } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { Suspense, lazy, useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, endpoints, setCsrfToken, setUnauthenticatedHandler } from './api.ts';
import { QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { queryClient } from './query/client.ts';
import { useApi } from './hooks.ts';
import { ChangePasswordModal } from './features/session/ChangePasswordModal.tsx';
import { I18nProvider, useI18n } from './i18n.tsx';
import { LoginPage } from './features/session/LoginPage.tsx';
import { CheckSquareOutlined as EvaluationsIcon } from '@ant-design/icons';
import { Link, Redirect, matchPath, navigate, useLocation } from './router.tsx';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { ReadOutlined as NewsIcon } from '@ant-design/icons';
import { AuditOutlined as ReviewsIcon } from '@ant-design/icons';
import { FlagOutlined as PledgesIcon } from '@ant-design/icons';
import { FileSearchOutlined as DisclosureIcon } from '@ant-design/icons';
import { MoneyCollectOutlined as DonationsIcon } from '@ant-design/icons';
import { ScheduleOutlined as DutyIcon } from '@ant-design/icons';
import { ApartmentOutlined as TeamsIcon } from '@ant-design/icons';
import { HeartOutlined as ServiceIcon } from '@ant-design/icons';
import { QuestionsMenuLabel } from './features/questions/QuestionsMenuLabel.tsx';

// Pages load on first visit: the login screen and the shell come first, each page's code after.
const AuditPage = lazy(() => import('./features/audit/AuditPage.tsx').then((m) => ({ default: m.AuditPage })));
const DashboardPage = lazy(() => import('./features/dashboard/DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })));
const ImportPage = lazy(() => import('./features/import/ImportPage.tsx').then((m) => ({ default: m.ImportPage })));
const MemberPage = lazy(() => import('./features/members/MemberPage.tsx').then((m) => ({ default: m.MemberPage })));
const MembersPage = lazy(() => import('./features/members/MembersPage.tsx').then((m) => ({ default: m.MembersPage })));
const OrgsPage = lazy(() => import('./features/orgs/OrgsPage.tsx').then((m) => ({ default: m.OrgsPage })));
const StudyPage = lazy(() => import('./features/study/StudyPage.tsx').then((m) => ({ default: m.StudyPage })));
const PushesPage = lazy(() => import('./features/pushes/PushesPage.tsx').then((m) => ({ default: m.PushesPage })));
const PushPage = lazy(() => import('./features/pushes/PushPage.tsx').then((m) => ({ default: m.PushPage })));
const MeetingsPage = lazy(() => import('./features/meetings/MeetingsPage.tsx').then((m) => ({ default: m.MeetingsPage })));
const MeetingPage = lazy(() => import('./features/meetings/MeetingPage.tsx').then((m) => ({ default: m.MeetingPage })));
const CoveragePage = lazy(() => import('./features/coverage/CoveragePage.tsx').then((m) => ({ default: m.CoveragePage })));
const ReviewsPage = lazy(() => import('./features/reviews/ReviewsPage.tsx').then((m) => ({ default: m.ReviewsPage })));
const ReviewRoundPage = lazy(() => import('./features/reviews/ReviewRoundPage.tsx').then((m) => ({ default: m.ReviewRoundPage })));
const CareTasksPage = lazy(() => import('./features/care/CareTasksPage.tsx').then((m) => ({ default: m.CareTasksPage })));
const SettingsPage = lazy(() => import('./features/settings/SettingsPage.tsx').then((m) => ({ default: m.SettingsPage })));
const MentoringPage = lazy(() => import('./features/talks/MentoringPage.tsx').then((m) => ({ default: m.MentoringPage })));
const DriftPage = lazy(() => import('./features/care/DriftPage.tsx').then((m) => ({ default: m.DriftPage })));
const UnreachablePage = lazy(() => import('./features/reach/UnreachablePage.tsx').then((m) => ({ default: m.UnreachablePage })));
const DeliveriesPage = lazy(() => import('./features/deliveries/DeliveriesPage.tsx').then((m) => ({ default: m.DeliveriesPage })));
const CardsPage = lazy(() => import('./features/cards/CardsPage.tsx').then((m) => ({ default: m.CardsPage })));
const CampaignPage = lazy(() => import('./features/cards/CampaignPage.tsx').then((m) => ({ default: m.CampaignPage })));
const BirthdaysPage = lazy(() => import('./features/cards/BirthdaysPage.tsx').then((m) => ({ default: m.BirthdaysPage })));
const ChannelsPage = lazy(() => import('./features/channels/ChannelsPage.tsx').then((m) => ({ default: m.ChannelsPage })));
const EvaluationsPage = lazy(() => import('./features/evaluations/EvaluationsPage.tsx').then((m) => ({ default: m.EvaluationsPage })));
const EvaluationPage = lazy(() => import('./features/evaluations/EvaluationPage.tsx').then((m) => ({ default: m.EvaluationPage })));
const SharesPage = lazy(() => import('./features/shares/SharesPage.tsx').then((m) => ({ default: m.SharesPage })));
const ActivationPage = lazy(() => import('./features/activation/ActivationPage.tsx').then((m) => ({ default: m.ActivationPage })));
const QuestionsPage = lazy(() => import('./features/questions/QuestionsPage.tsx').then((m) => ({ default: m.QuestionsPage })));
const NewsPage = lazy(() => import('./features/news/NewsPage.tsx').then((m) => ({ default: m.NewsPage })));
const PledgesPage = lazy(() => import('./features/pledges/PledgesPage.tsx').then((m) => ({ default: m.PledgesPage })));
const DisclosurePage = lazy(() => import('./features/disclosure/DisclosurePage.tsx').then((m) => ({ default: m.DisclosurePage })));
const DonationsPage = lazy(() => import('./features/donations/DonationsPage.tsx').then((m) => ({ default: m.DonationsPage })));
const DutyPage = lazy(() => import('./features/duty/DutyPage.tsx').then((m) => ({ default: m.DutyPage })));
const TeamsPage = lazy(() => import('./features/teams/TeamsPage.tsx').then((m) => ({ default: m.TeamsPage })));
const ServicePage = lazy(() => import('./features/service/ServicePage.tsx').then((m) => ({ default: m.ServicePage })));
// print pages (/print/…) have no console chrome: the shell is skipped for them
const PrintRoutes = lazy(() => import('./features/cards/print/PrintRoutes.tsx'));
import { SessionContext, isSecretary, useSession, type Session } from './session.tsx';
import type { MeAccount } from './types.ts';

const { Header, Sider, Content } = Layout;

/**
 * Overdue follow-up tasks for the menu badge: one small request under the care-tasks key, so any write
 * that changes tasks refreshes it (see query/client.ts), and every five minutes for tasks falling due.
 */
function useOverdueCareTasks(enabled: boolean): number {
  const res = useApi(enabled ? endpoints.careTasks.list.at({ status: 'open', overdue: 'true', page: 1, pageSize: 1 }) : null, { refetchInterval: 5 * 60_000 });
  return res.data?.total ?? 0;
}

export function Root() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Themed />
      </I18nProvider>
    </QueryClientProvider>
  );
}

function Themed() {
  const { lang } = useI18n();
  return (
    <ConfigProvider
      locale={lang === 'zh-CN' ? zhCN : enUS}
      theme={{ token: { colorPrimary: '#c41d1d', borderRadius: 6 }, algorithm: theme.defaultAlgorithm }}
      // keep two-character labels like 登录 / 保存 intact (antd would render 登 录), so texts match what tests look for
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <AuthGate />
      </AntApp>
    </ConfigProvider>
  );
}

type AuthState = { status: 'loading' } | { status: 'anonymous' } | { status: 'failed'; error: string } | { status: 'signedIn'; me: MeAccount };

function AuthGate() {
  const { t } = useI18n();
  const [auth, setAuth] = useState<AuthState>({ status: 'loading' });
  const queries = useQueryClient();
  const printing = useLocation().path.startsWith('/print/');

  const refresh = useCallback(async () => {
    try {
      const me = await api.get<MeAccount>('/api/auth/me', undefined, { quiet401: true });
      setCsrfToken(me.csrfToken);
      setAuth({ status: 'signedIn', me });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setAuth({ status: 'anonymous' });
      else setAuth({ status: 'failed', error: e instanceof ApiError && e.message ? e.message : t('error.network') });
    }
  }, [t]);

  useEffect(() => {
    void refresh();
    setUnauthenticatedHandler(() => {
      setCsrfToken('');
      // what one account saw is not shown to the next one signing in
      queries.clear();
      setAuth({ status: 'anonymous' });
    });
    return () => setUnauthenticatedHandler(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- probe the session once at start
  }, []);

  const onLoggedIn = useCallback((me: MeAccount) => {
    setCsrfToken(me.csrfToken);
    setAuth({ status: 'signedIn', me });
  }, []);

  const logout = useCallback(async () => {
    try {
      await endpoints.auth.logout();
    } catch {
      // the session is dropped locally either way
    }
    setCsrfToken('');
    queries.clear();
    setAuth({ status: 'anonymous' });
    navigate('/login');
  }, [queries]);

  if (auth.status === 'loading') {
    return (
      <div style={{ height: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        <Spin size="large" description={t('common.loading')} />
      </div>
    );
  }
  if (auth.status === 'failed') {
    return (
      <Result
        status="warning"
        title={t('error.startFailed')}
        subTitle={auth.error}
        extra={
          <Button type="primary" onClick={() => void refresh()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  if (auth.status === 'anonymous') return <LoginPage onLoggedIn={onLoggedIn} />;
  const session: Session = { me: auth.me, refresh, logout };
  // The console is for secretaries, group leaders and the admin; members and mentors have the phone app.
  if (!auth.me.isTenantAdmin && auth.me.roles.length === 0) {
    return (
      <Result
        status="info"
        title={t('console.membersUseApp')}
        subTitle={t('console.membersUseAppHint')}
        extra={[
          <Button key="app" type="primary" href="/m/">
            {t('console.openMemberApp')}
          </Button>,
          <Button key="logout" onClick={() => void logout()}>
            {t('header.logout')}
          </Button>,
        ]}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      {printing ? (
        <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '80px auto' }} />}>
          <PrintRoutes />
        </Suspense>
      ) : (
        <Shell />
      )}
    </SessionContext.Provider>
  );
}

function Shell() {
  const { t, lang, setLang } = useI18n();
  const { token } = theme.useToken();
  const loc = useLocation();
  const [pwOpen, setPwOpen] = useState(false);
  const [collapsed, setCollapsed] = useState(false);
  // On a phone (a group leader marking attendance) the menu is a drawer and the header is icons only.
  const phone = Grid.useBreakpoint().md === false;
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [loc.path]);
  const { me, logout } = useSession();
  // Group leaders read their group; dashboard, import and settings are for secretaries and the admin.
  const secretary = isSecretary(me);
  const groupLeader = me.roles.some((r) => r.role === 'group_leader');
  const overdueCareTasks = useOverdueCareTasks(secretary);
  // 学习教育: secretaries plan and follow up; group leaders mark attendance in their group's sessions
  const learning: NonNullable<MenuProps['items']> =
    secretary || groupLeader
      ? [
          {
            type: 'group',
            key: 'learning',
            label: t('nav.learning'),
            children: [
              ...(secretary ? [{ key: '/study', icon: <BookOutlined aria-hidden />, label: <Link to="/study" data-testid="nav-study">{t('nav.study')}</Link> }] : []),
              ...(secretary ? [{ key: '/pushes', icon: <NotificationOutlined aria-hidden />, label: <Link to="/pushes" data-testid="nav-pushes">{t('nav.pushes')}</Link> }] : []),
              { key: '/sessions', icon: <CalendarOutlined aria-hidden />, label: <Link to="/sessions" data-testid="nav-sessions">{t('nav.sessions')}</Link> },
              ...(secretary ? [{ key: '/coverage', icon: <FundOutlined aria-hidden />, label: <Link to="/coverage" data-testid="nav-coverage">{t('nav.coverage')}</Link> }] : []),
            ],
          },
        ]
      : [];
  // 党内关怀: mentors and talks, follow-up tasks, the drift radar, delivery trips, cards, political birthdays
  const care: NonNullable<MenuProps['items']> = secretary
    ? [
        {
          type: 'group',
          key: 'care',
          label: t('nav.care'),
          children: [
            { key: '/mentoring', icon: <UsergroupAddOutlined aria-hidden />, label: <Link to="/mentoring" data-testid="nav-mentoring">{t('nav.mentoring')}</Link> },
            {
              key: '/care-tasks',
              icon: <AlertOutlined aria-hidden />,
              label: (
                <Link to="/care-tasks" data-testid="nav-care-tasks">
                  <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }} title={overdueCareTasks > 0 ? t('nav.careTasksOverdue', { n: overdueCareTasks }) : undefined}>
                    {t('nav.careTasks')}
                    <Badge count={overdueCareTasks} size="small" overflowCount={99} data-testid="care-tasks-badge" />
                  </span>
                </Link>
              ),
            },
            { key: '/drift', icon: <RadarChartOutlined aria-hidden />, label: <Link to="/drift" data-testid="nav-drift">{t('nav.drift')}</Link> },
            { key: '/unreachable', icon: <DisconnectOutlined aria-hidden />, label: <Link to="/unreachable" data-testid="nav-unreachable">{t('nav.reach')}</Link> },
            { key: '/deliveries', icon: <CarOutlined aria-hidden />, label: <Link to="/deliveries" data-testid="nav-deliveries">{t('nav.deliveries')}</Link> },
            { key: '/cards', icon: <GiftOutlined aria-hidden />, label: <Link to="/cards" data-testid="nav-cards">{t('nav.cards')}</Link> },
            { key: '/birthdays', icon: <FlagOutlined aria-hidden />, label: <Link to="/birthdays" data-testid="nav-birthdays">{t('nav.birthdays')}</Link> },
          ],
        },
      ]
    : [];
  // 互动评议, in the story's order: 每月一互动, 有问必答, 季度一评议, 民主评议, news (one line each)
  const communityItems: NonNullable<MenuProps['items']> = [
    ...(secretary ? [{ key: '/shares', icon: <SharesIcon aria-hidden />, label: <Link to="/shares" data-testid="nav-shares">{t('nav.shares')}</Link> }] : []),
    ...(secretary ? [{ key: '/questions', icon: <QuestionCircleOutlined aria-hidden />, label: <QuestionsMenuLabel /> }] : []),
    ...(secretary ? [{ key: '/reviews', icon: <ReviewsIcon aria-hidden />, label: <Link to="/reviews" data-testid="nav-reviews">{t('nav.reviews')}</Link> }] : []),
    ...(secretary ? [{ key: '/evaluations', icon: <EvaluationsIcon aria-hidden />, label: <Link to="/evaluations" data-testid="nav-evaluations">{t('nav.evaluations')}</Link> }] : []),
    ...(secretary || groupLeader ? [{ key: '/news', icon: <NewsIcon aria-hidden />, label: <Link to="/news" data-testid="nav-news">{t('nav.news')}</Link> }] : []),
  ];
  const community: NonNullable<MenuProps['items']> = communityItems.length > 0 ? [{ type: 'group', key: 'community', label: t('nav.community'), children: communityItems }] : [];
  // 网格服务, in the story's order: grids and teams, service projects, the 四个一 pledges, donations, duty, 党务公开.
  const serviceItems: NonNullable<MenuProps['items']> = [
    ...(secretary ? [{ key: '/teams', icon: <TeamsIcon aria-hidden />, label: <Link to="/teams" data-testid="nav-teams">{t('nav.teams')}</Link> }] : []),
    ...(secretary ? [{ key: '/service', icon: <ServiceIcon aria-hidden />, label: <Link to="/service" data-testid="nav-service">{t('nav.service')}</Link> }] : []),
    ...(secretary ? [{ key: '/pledges', icon: <PledgesIcon aria-hidden />, label: <Link to="/pledges" data-testid="nav-pledges">{t('nav.pledges')}</Link> }] : []),
    ...(secretary ? [{ key: '/donations', icon: <DonationsIcon aria-hidden />, label: <Link to="/donations" data-testid="nav-donations">{t('nav.donations')}</Link> }] : []),
    ...(secretary ? [{ key: '/duty', icon: <DutyIcon aria-hidden />, label: <Link to="/duty" data-testid="nav-duty">{t('nav.duty')}</Link> }] : []),
    ...(secretary ? [{ key: '/disclosure', icon: <DisclosureIcon aria-hidden />, label: <Link to="/disclosure" data-testid="nav-disclosure">{t('nav.disclosure')}</Link> }] : []),
  ];
  const service: NonNullable<MenuProps['items']> = serviceItems.length > 0 ? [{ type: 'group', key: 'service', label: t('nav.serviceGroup'), children: serviceItems }] : [];
  const items: NonNullable<MenuProps['items']> = [
    ...(secretary ? [{ key: '/dashboard', icon: <DashboardOutlined aria-hidden />, label: <Link to="/dashboard">{t('nav.dashboard')}</Link> }] : []),
    { key: '/orgs', icon: <ClusterOutlined aria-hidden />, label: <Link to="/orgs">{t('nav.orgs')}</Link> },
    { key: '/members', icon: <TeamOutlined aria-hidden />, label: <Link to="/members">{t('nav.members')}</Link> },
    { key: '/activation', icon: <QrcodeOutlined aria-hidden />, label: <Link to="/activation" data-testid="nav-activation">{t('nav.activation')}</Link> },
    ...(secretary ? [{ key: '/import', icon: <UploadOutlined aria-hidden />, label: <Link to="/import">{t('nav.import')}</Link> }] : []),
    ...learning,
    ...care,
    ...community,
    ...service,
    ...(me.isTenantAdmin ? [{ key: '/audit', icon: <AuditOutlined aria-hidden />, label: <Link to="/audit">{t('nav.audit')}</Link> }] : []),
    ...(secretary ? [{ key: '/channels', icon: <ApiOutlined aria-hidden />, label: <Link to="/channels" data-testid="nav-channels">{t('nav.channels')}</Link> }] : []),
    ...(secretary ? [{ key: '/settings', icon: <SettingOutlined aria-hidden />, label: <Link to="/settings">{t('nav.settings')}</Link> }] : []),
  ];
  const selected = '/' + (loc.path.split('/')[1] ?? '');
  const logo = (showName: boolean) => (
    <div style={{ height: 56, display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 8, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
      <span aria-hidden style={{ width: 28, height: 28, borderRadius: 6, background: token.colorPrimary, color: '#fff', display: 'inline-flex', alignItems: 'center', justifyContent: 'center', fontWeight: 700 }}>
        连
      </span>
      {showName && <Typography.Text strong style={{ fontSize: 16 }}>{t('app.name')}</Typography.Text>}
    </div>
  );
  const nav = <Menu mode="inline" selectedKeys={[selected]} items={items} aria-label={t('nav.aria')} style={{ borderInlineEnd: 'none' }} />;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      {phone ? (
        <Drawer open={menuOpen} onClose={() => setMenuOpen(false)} placement="left" size={240} title={null} closable={false} styles={{ body: { padding: 0 } }}>
          {logo(true)}
          {nav}
        </Drawer>
      ) : (
        <Sider theme="light" collapsible collapsed={collapsed} onCollapse={setCollapsed} width={208} style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}>
          {logo(!collapsed)}
          {nav}
        </Sider>
      )}
      <Layout>
        <Header style={{ background: token.colorBgContainer, padding: phone ? '0 8px' : '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 8, borderBottom: `1px solid ${token.colorBorderSecondary}`, height: 56, lineHeight: '56px' }}>
          <Space size={4} style={{ minWidth: 0 }}>
            {phone && <Button type="text" icon={<MenuOutlined aria-hidden />} aria-label={t('nav.aria')} onClick={() => setMenuOpen(true)} data-testid="open-menu" />}
            <Typography.Text strong ellipsis style={{ fontSize: 16, lineHeight: 1.5, maxWidth: phone ? 140 : undefined }} data-testid="tenant-name">
              {me.tenantName}
            </Typography.Text>
          </Space>
          <Space size={phone ? 0 : 'middle'}>
            {!phone && (
              <Space size={4}>
                <UserOutlined aria-hidden />
                <Typography.Text data-testid="user-name">{me.displayName}</Typography.Text>
              </Space>
            )}
            <Button
              type="text"
              icon={<GlobalOutlined aria-hidden />}
              title={t('header.switchLanguage')}
              onClick={() => setLang(lang === 'zh-CN' ? 'en-US' : 'zh-CN')}
            >
              {phone ? null : lang === 'zh-CN' ? 'English' : '中文'}
            </Button>
            <Button type="text" icon={<KeyOutlined aria-hidden />} title={t('header.changePassword')} onClick={() => setPwOpen(true)}>
              {phone ? null : t('header.changePassword')}
            </Button>
            <Button type="text" icon={<LogoutOutlined aria-hidden />} title={t('header.logout')} onClick={() => void logout()}>
              {phone ? null : t('header.logout')}
            </Button>
          </Space>
        </Header>
        <Content style={{ padding: phone ? 12 : 24 }}>
          <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '80px auto' }} />}>
            <Routes isTenantAdmin={me.isTenantAdmin} secretary={secretary} groupLeader={groupLeader} path={loc.path} />
          </Suspense>
        </Content>
      </Layout>
      <ChangePasswordModal open={pwOpen} onClose={() => setPwOpen(false)} />
    </Layout>
  );
}

/** Every page of the console, whoever may open it: the rest of the paths are "not found". */
const CONSOLE_PAGES = new Set(['/questions', '/dashboard', '/orgs', '/members', '/import', '/audit', '/settings', '/study', '/pushes', '/sessions', '/coverage', '/care-tasks', '/mentoring', '/drift', '/deliveries', '/cards', '/birthdays', '/channels', '/unreachable', '/activation', '/shares', '/news', '/reviews', '/pledges', '/donations', '/duty', '/disclosure', '/teams', '/service']);

function Routes({ path, isTenantAdmin, secretary, groupLeader }: { path: string; isTenantAdmin: boolean; secretary: boolean; groupLeader: boolean }) {
  const { t } = useI18n();
  const member = matchPath('/members/:id', path);
  const push = matchPath('/pushes/:id', path);
  const session = matchPath('/sessions/:id', path);
  const campaign = matchPath('/cards/:id', path);
  const page = useMemo(() => {
    if (path === '/' || path === '/login') return <Redirect to={secretary ? '/dashboard' : '/members'} />;
    if (path === '/dashboard' && secretary) return <DashboardPage />;
    if (path === '/orgs') return <OrgsPage />;
    if (path === '/members') return <MembersPage />;
    if (path === '/activation') return <ActivationPage />;
    if (member?.id) return <MemberPage key={member.id} id={member.id} />;
    if (path === '/import' && secretary) return <ImportPage />;
    if (path === '/audit' && isTenantAdmin) return <AuditPage />;
    if (path === '/settings' && secretary) return <SettingsPage />;
    if (path === '/study' && secretary) return <StudyPage />;
    if (path === '/pushes' && secretary) return <PushesPage />;
    if (push?.id && secretary) return <PushPage key={push.id} id={push.id} />;
    if (path === '/sessions' && (secretary || groupLeader)) return <MeetingsPage />;
    if (session?.id && (secretary || groupLeader)) return <MeetingPage key={session.id} id={session.id} />;
    if (path === '/coverage' && secretary) return <CoveragePage />;
    if (path === '/care-tasks' && secretary) return <CareTasksPage />;
    if (path === '/mentoring' && secretary) return <MentoringPage />;
    if (path === '/drift' && secretary) return <DriftPage />;
    if (path === '/unreachable' && secretary) return <UnreachablePage />;
    if (path === '/deliveries' && secretary) return <DeliveriesPage />;
    if (path === '/cards' && secretary) return <CardsPage />;
    if (campaign?.id && secretary) return <CampaignPage key={campaign.id} id={campaign.id} />;
    if (path === '/birthdays' && secretary) return <BirthdaysPage />;
    if (path === '/channels' && secretary) return <ChannelsPage />;
    if (path === '/questions' && secretary) return <QuestionsPage />;
    if (path === '/teams' && secretary) return <TeamsPage />;
    if (path === '/service' && secretary) return <ServicePage />;
    if (path === '/pledges' && secretary) return <PledgesPage />;
    if (path === '/donations' && secretary) return <DonationsPage />;
    if (path === '/duty' && secretary) return <DutyPage />;
    if (path === '/disclosure' && secretary) return <DisclosurePage />;
    if (path === '/shares' && secretary) return <SharesPage />;
    if (path === '/reviews' && secretary) return <ReviewsPage />;
    if (path.startsWith('/reviews/') && secretary) return <ReviewRoundPage key={path} id={path.slice('/reviews/'.length)} />;
    if (path === '/news' && (secretary || groupLeader)) return <NewsPage />;
    if (path === '/evaluations' && secretary) return <EvaluationsPage />;
    if (path.startsWith('/evaluations/') && secretary) return <EvaluationPage key={path} id={path.slice('/evaluations/'.length)} />;
    // A page that exists but is not among the caller's menu entries: say so, rather than "not found".
    if (CONSOLE_PAGES.has(path) || path.startsWith('/evaluations') || path.startsWith('/reviews/') || member?.id || push?.id || session?.id || campaign?.id) {
      return (
        <Result
          status="403"
          title={t('error.forbiddenTitle')}
          subTitle={t('error.forbiddenPage')}
          extra={
            <Button type="primary" onClick={() => navigate('/')}>
              {t('common.backHome')}
            </Button>
          }
        />
      );
    }
    return (
      <Result
        status="404"
        title={t('error.notFoundTitle')}
        subTitle={t('error.notFoundPage')}
        extra={
          <Button type="primary" onClick={() => navigate('/dashboard')}>
            {t('common.backHome')}
          </Button>
        }
      />
    );
  }, [path, member?.id, push?.id, session?.id, campaign?.id, isTenantAdmin, secretary, groupLeader, t]);
  return page;
}
