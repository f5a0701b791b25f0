import {
  ArrowLeftOutlined,
  CarOutlined,
  EditOutlined,
  EnvironmentOutlined,
  EyeInvisibleOutlined,
  EyeOutlined,
  HomeOutlined,
  PhoneOutlined,
  PrinterOutlined,
  UserSwitchOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Popconfirm, Result, Row, Skeleton, Space, Tabs, Tag, Typography } from 'antd';
import type { TabsProps } from 'antd';
import type { DescriptionsProps } from 'antd';
import dayjs from 'dayjs';
import { useState, type ReactNode } from 'react';
import { endpoints } from '../../api.ts';
import { MentorAssignModal } from '../talks/MentorAssignModal.tsx';
import { MemberDeliveriesTab, MemberEngagementTab, MemberMentorshipsTab, MemberTalksTab, MemberTasksTab, MemberTimelineTab } from '../care/MemberCareTabs.tsx';
import { KindTag, MemberFlags, StatusTag, genderText } from '../../components/common.tsx';
import { MemberFormModal } from './MemberFormModal.tsx';
import { useApi, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';
import { useIsSecretary } from '../../session.tsx';
import type { MemberDetail } from '../../types.ts';
import { DateModal } from './DateModal.tsx';
import { MobilityModal } from './MobilityModal.tsx';
import { MobilityHistoryCard } from './MobilityHistoryCard.tsx';
import { MemberChannels } from '../reach/MemberChannels.tsx';
import { InviteButton, MemberActivationTag } from '../activation/MemberActivation.tsx';
import { ElderModeSwitch } from './ElderModeSwitch.tsx';

const dash = (v: ReactNode | null | undefined): ReactNode => (v === null || v === undefined || v === '' ? <Typography.Text type="secondary">—</Typography.Text> : v);

export function MemberPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const res = useApi(endpoints.members.get.at({ id }));
  const settings = useApi(endpoints.settings.get.at());
  const [editing, setEditing] = useState(false);
  const [dialog, setDialog] = useState<null | 'mobility' | 'return' | 'contact' | 'mentor'>(null);
  const [revealed, setRevealed] = useState<string | null>(null);
  const [revealing, setRevealing] = useState(false);
  const secretary = useIsSecretary();
  const loc = useLocation();
  const m = res.data;

  if (res.loading && !m) return <Card><Skeleton active paragraph={{ rows: 10 }} /></Card>;
  if (res.error || !m) {
    const notFound = res.error?.status === 404;
    return (
      <Result
        status={notFound ? '404' : res.error?.status === 403 ? '403' : 'warning'}
        title={notFound ? t('member.notFound') : res.error?.message || t('error.generic')}
        extra={
          <Link to="/members">
            <Button type="primary">{t('member.backToList')}</Button>
          </Link>
        }
      />
    );
  }

  const update = (d: MemberDetail) => res.setData(d);
  const act = async (fn: () => Promise<MemberDetail>, done: string) => {
    try {
      update(await fn());
      void message.success(done);
      return true;
    } catch (e) {
      showError(e);
      return false;
    }
  };

  const reveal = async () => {
    if (revealed) {
      setRevealed(null);
      return;
    }
    setRevealing(true);
    try {
      const r = await endpoints.members.revealId({ id: m.id });
      setRevealed(r.idNumber ?? '');
    } catch (e) {
      showError(e);
    } finally {
      setRevealing(false);
    }
  };

  const confirmLost = () =>
    modal.confirm({
      title: t('member.lost.confirmTitle', { name: m.name }),
      content: t('member.lost.confirmBody'),
      okText: t('member.lost.confirmOk'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => act(() => endpoints.members.confirmLostContact({ id: m.id }), t('member.lost.done')),
    });

  // Opens the member app to this member (or resets the password): the one-time password is shown once.
  const issueLogin = () =>
    modal.confirm({
      title: t(m.hasLogin ? 'member.login.resetTitle' : 'member.login.openTitle', { name: m.name }),
      content: t(m.hasLogin ? 'member.login.resetBody' : 'member.login.openBody'),
      okText: t('common.confirm'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const r = await endpoints.members.issueLogin({ id: m.id });
          update({ ...m, hasLogin: true });
          modal.success({
            title: t('member.login.issuedTitle'),
            content: (
              <div data-testid="issued-login">
                <p>{t('member.login.phone')}: <Typography.Text copyable strong>{r.phone}</Typography.Text></p>
                <p>{t('member.login.password')}: <Typography.Text copyable strong code>{r.initialPassword}</Typography.Text></p>
                <Typography.Text type="secondary">{t('member.login.issuedHint')}</Typography.Text>
              </div>
            ),
            okText: t('common.close'),
          });
        } catch (e) {
          showError(e);
        }
      },
    });

  const removeMentor = () => act(() => endpoints.members.assignMentor({ id: m.id }, { mentorMemberId: null }), t('member.mentor.removed'));

  const profile: DescriptionsProps['items'] = [
    { key: 'name', label: t('member.name'), children: m.name },
    { key: 'gender', label: t('member.gender'), children: genderText(t, m.gender) },
    { key: 'birthDate', label: t('member.birthDate'), children: dash(m.birthDate) },
    { key: 'ethnicity', label: t('member.ethnicity'), children: dash(m.ethnicity) },
    { key: 'education', label: t('member.education'), children: dash(m.education) },
    { key: 'phone', label: t('member.phone'), children: <a href={`tel:${m.phone}`}>{m.phone}</a> },
    {
      key: 'idNumber',
      label: t('member.idNumber'),
      children: (
        <Space size={8}>
          <span data-testid="id-number" style={{ fontFamily: 'ui-monospace, monospace' }}>
            {revealed ?? dash(m.idNumberMasked)}
          </span>
          {m.can.revealId && m.idNumberMasked && (
            <Button size="small" type="link" loading={revealing} icon={revealed ? <EyeInvisibleOutlined aria-hidden /> : <EyeOutlined aria-hidden />} onClick={() => void reveal()}>
              {revealed ? t('member.idHide') : t('member.idReveal')}
            </Button>
          )}
        </Space>
      ),
    },
    { key: 'joinDate', label: t('member.joinDate'), children: dash(m.joinDate) },
    { key: 'status', label: t('member.status'), children: <StatusTag status={m.status} /> },
    {
      key: 'org',
      label: t('member.org'),
      span: 2,
      children: (
        <Space size={4} wrap>
          {(m.orgPath.length ? m.orgPath : [{ id: m.orgId, name: m.orgName, kind: 'branch' as const }]).map((o, i, arr) => (
            <span key={o.id}>
              {o.name}
              {i === arr.length - 1 && m.orgPath.length > 0 && (
                <span style={{ marginInlineStart: 6 }}>
                  <KindTag kind={o.kind} />
                </span>
              )}
              {i < arr.length - 1 && <Typography.Text type="secondary"> / </Typography.Text>}
            </span>
          ))}
        </Space>
      ),
    },
    { key: 'grid', label: t('member.grid'), children: dash(m.gridName) },
    { key: 'homeAddress', label: t('member.homeAddress'), span: 2, children: dash(m.homeAddress) },
    { key: 'occupation', label: t('member.occupation'), children: dash(m.occupation) },
    { key: 'hardshipNote', label: t('member.hardshipNote'), span: 3, children: dash(m.hardshipNote) },
    {
      key: 'elderMode',
      label: t('member.elderMode'),
      span: 3,
      children: <ElderModeSwitch memberId={m.id} value={m.elderMode} canEdit={m.can.edit} onChange={(on) => update({ ...m, elderMode: on })} />,
    },
  ];

  const mob = m.mobility;
  const mobilityItems: DescriptionsProps['items'] = mob
    ? [
        { key: 'place', label: t('mobility.place'), span: 2, children: <Space><EnvironmentOutlined aria-hidden />{mob.placeName}</Space> },
        { key: 'since', label: t('mobility.since'), children: mob.since },
        { key: 'workplace', label: t('mobility.workplace'), children: dash(mob.workplace) },
        { key: 'occupation', label: t('mobility.occupation'), children: dash(mob.occupation) },
        { key: 'expectedReturn', label: t('mobility.expectedReturn'), children: dash(mob.expectedReturn) },
        { key: 'contact', label: t('mobility.contact'), children: dash(mob.contact) },
        { key: 'hostOrg', label: t('mobility.hostOrg'), children: dash(mob.hostOrg) },
        { key: 'activityCardNo', label: t('mobility.activityCardNo'), children: dash(mob.activityCardNo) },
        { key: 'lastContactAt', label: t('mobility.lastContactAt'), children: dash(m.lastContactAt ? dayjs(m.lastContactAt).format('YYYY-MM-DD') : null) },
      ]
    : [];

  const canContact = m.can.editMobility || m.can.edit;

  // Care records (talks, tasks, engagement, timeline, visits) are for the mentor and the secretaries
  // above the member: the server says whether this viewer may see them.
  const careAllowed = m.can.care;
  const careTabs: NonNullable<TabsProps['items']> = careAllowed
    ? [
        { key: 'talks', label: <span data-testid="tab-talks">{t('memberTab.talks')}</span>, children: <MemberTalksTab memberId={m.id} memberName={m.name} /> },
        { key: 'tasks', label: <span data-testid="tab-tasks">{t('memberTab.tasks')}</span>, children: <MemberTasksTab memberId={m.id} memberName={m.name} /> },
        { key: 'engagement', label: <span data-testid="tab-engagement">{t('memberTab.engagement')}</span>, children: <MemberEngagementTab memberId={m.id} /> },
        { key: 'timeline', label: <span data-testid="tab-timeline">{t('memberTab.timeline')}</span>, children: <MemberTimelineTab memberId={m.id} /> },
        { key: 'deliveries', label: <span data-testid="tab-deliveries">{t('memberTab.deliveries')}</span>, children: <MemberDeliveriesTab memberId={m.id} /> },
      ]
    : [];
  const tabs: NonNullable<TabsProps['items']> = [
    ...careTabs,
    { key: 'mentorships', label: <span data-testid="tab-mentorships">{t('memberTab.mentorships')}</span>, children: <MemberMentorshipsTab memberId={m.id} /> },
  ];
  const wanted = loc.query.get('tab');
  const activeTab = wanted && tabs.some((x) => x.key === wanted) ? wanted : 'profile';
  const setTab = (key: string) => navigate(`/members/${encodeURIComponent(m.id)}${key === 'profile' ? '' : `?tab=${encodeURIComponent(key)}`}`, { replace: true });

  return (
    <>
      <div style={{ marginBottom: 12 }}>
        <Link to="/members">
          <ArrowLeftOutlined aria-hidden /> {t('member.backToList')}
        </Link>
      </div>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', flexWrap: 'wrap', gap: 12, marginBottom: 16 }}>
        <Space size={12} align="center" wrap>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {m.name}
          </Typography.Title>
          <StatusTag status={m.status} />
          {mob ? <Tag color="blue" icon={<CarOutlined aria-hidden />}>{t('member.mobileTag')}</Tag> : <Tag icon={<HomeOutlined aria-hidden />}>{t('member.localTag')}</Tag>}
          <MemberActivationTag memberId={m.id} />
          {(m.lostContactSince || m.lostContactSuspected || m.shouldTransfer) && (
            <MemberFlags lostContactSince={m.lostContactSince} lostContactSuspected={m.lostContactSuspected} shouldTransfer={m.shouldTransfer} />
          )}
        </Space>
        {(m.can.edit || secretary) && (
          <Space wrap>
            {secretary && (
              <Button icon={<PrinterOutlined aria-hidden />} href={`/print/contact-cards?memberId=${encodeURIComponent(m.id)}`} target="_blank" rel="noopener" data-testid="print-contact-card">
                {t('member.printContactCard')}
              </Button>
            )}
            {m.can.edit && <InviteButton memberId={m.id} name={m.name} unitName={m.orgName} />}
            {m.can.edit && <Button onClick={issueLogin}>{t(m.hasLogin ? 'member.login.reset' : 'member.login.open')}</Button>}
            {m.can.edit && (
              <Button icon={<EditOutlined aria-hidden />} onClick={() => setEditing(true)}>
                {t('member.edit')}
              </Button>
            )}
          </Space>
        )}
      </div>

      <Space orientation="vertical" size={12} style={{ width: '100%', marginBottom: 16 }}>
        {m.lostContactSince && <Alert type="error" showIcon title={t('member.alert.lostConfirmed', { date: m.lostContactSince })} />}
        {!m.lostContactSince && m.lostContactSuspected && (
          <Alert
            type="warning"
            showIcon
            icon={<WarningOutlined aria-hidden />}
            title={t('member.alert.lostSuspected', { n: settings.data?.lostContactDays ?? 180 })}
          />
        )}
        {m.shouldTransfer && <Alert type="info" showIcon title={t('member.alert.shouldTransfer', { n: settings.data?.shouldTransferMonths ?? 6 })} />}
      </Space>

      <Tabs
        activeKey={activeTab}
        onChange={setTab}
        tabBarExtraContent={!careAllowed ? <Typography.Text type="secondary">{t('memberTab.careHidden')}</Typography.Text> : undefined}
        items={[
          {
            key: 'profile',
            label: <span data-testid="tab-profile">{t('memberTab.profile')}</span>,
            children: (
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={t('member.section.profile')}>
            <Descriptions column={{ xs: 1, md: 2, lg: 3 }} items={profile} size="small" />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card
            title={t('member.section.mentor')}
            extra={
              m.can.edit && (
                <Button size="small" icon={<UserSwitchOutlined aria-hidden />} onClick={() => setDialog('mentor')}>
                  {m.mentor ? t('member.mentor.change') : t('member.mentor.set')}
                </Button>
              )
            }
            style={{ height: '100%' }}
          >
            {m.mentor ? (
              <Space orientation="vertical" size={4}>
                <Link to={`/members/${m.mentor.memberId}`} style={{ fontSize: 16, fontWeight: 500 }}>
                  {m.mentor.name}
                </Link>
                <Typography.Text>
                  <PhoneOutlined aria-hidden /> <a href={`tel:${m.mentor.phone}`}>{m.mentor.phone}</a>
                </Typography.Text>
                {m.can.edit && (
                  <Popconfirm title={t('member.mentor.removeConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => removeMentor()}>
                    <Button size="small" type="link" danger style={{ paddingInline: 0 }}>
                      {t('member.mentor.remove')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ) : (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={mob ? t('member.mentor.noneMobile') : t('member.mentor.none')} />
            )}
            {m.mentees.length > 0 && (
              <div style={{ marginTop: 16 }}>
                <Typography.Text type="secondary">{t('member.mentees')}</Typography.Text>
                <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap', marginTop: 6 }}>
                  {m.mentees.map((x) => (
                    <Link key={x.memberId} to={`/members/${x.memberId}`}>
                      <Tag>{x.name}</Tag>
                    </Link>
                  ))}
                </div>
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          <Card
            title={t('member.section.mobility')}
            extra={
              <Space wrap>
                {m.can.editMobility && (
                  <Button type={mob ? 'default' : 'primary'} icon={<CarOutlined aria-hidden />} onClick={() => setDialog('mobility')}>
                    {mob ? t('mobility.change') : t('mobility.register')}
                  </Button>
                )}
                {m.can.editMobility && mob && (
                  <Button icon={<HomeOutlined aria-hidden />} onClick={() => setDialog('return')}>
                    {t('mobility.return')}
                  </Button>
                )}
                {canContact && (
                  <Button icon={<PhoneOutlined aria-hidden />} onClick={() => setDialog('contact')}>
                    {t('mobility.recordContact')}
                  </Button>
                )}
                {m.can.edit && m.lostContactSuspected && !m.lostContactSince && (
                  <Button danger icon={<WarningOutlined aria-hidden />} onClick={confirmLost}>
                    {t('member.lost.confirm')}
                  </Button>
                )}
              </Space>
            }
          >
            {mob ? (
              <Descriptions column={{ xs: 1, md: 2, lg: 3 }} items={mobilityItems} size="small" />
            ) : (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={
                  <>
                    {t('mobility.none')}
                    {m.lastContactAt && (
                      <div>
                        <Typography.Text type="secondary">
                          {t('mobility.lastContactAt')}: {dayjs(m.lastContactAt).format('YYYY-MM-DD')}
                        </Typography.Text>
                      </div>
                    )}
                  </>
                }
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <MobilityHistoryCard member={m} />
        </Col>
        <Col xs={24} xl={8}>
          <MemberChannels memberId={m.id} canEdit={m.can.edit} />
        </Col>
      </Row>
            ),
          },
          ...tabs,
        ]}
      />

      <MemberFormModal
        open={editing}
        member={m}
        onClose={() => setEditing(false)}
        onSaved={(d) => {
          update(d);
          setEditing(false);
        }}
      />
      <MobilityModal open={dialog === 'mobility'} member={m} onClose={() => setDialog(null)} onSaved={(d) => { update(d); setDialog(null); }} />
      <DateModal
        open={dialog === 'return'}
        formName="returnForm"
        title={t('mobility.returnTitle', { name: m.name })}
        label={t('mobility.returnedOn')}
        onClose={() => setDialog(null)}
        onSubmit={async (date) => {
          if (await act(() => endpoints.members.recordReturn({ id: m.id }, { returnedOn: date }), t('mobility.returned'))) setDialog(null);
        }}
      />
      <DateModal
        open={dialog === 'contact'}
        formName="contactForm"
        title={t('mobility.contactTitle', { name: m.name })}
        label={t('mobility.contactedOn')}
        onClose={() => setDialog(null)}
        onSubmit={async (date) => {
          if (await act(() => endpoints.members.recordContact({ id: m.id }, { contactedOn: date }), t('mobility.contactRecorded'))) setDialog(null);
        }}
      />
      <MentorAssignModal target={dialog === 'mentor' ? { memberId: m.id, name: m.name, mentor: m.mentor } : null} onClose={() => setDialog(null)} onSaved={(d) => { update(d); setDialog(null); }} />
    </>
  );
}

