import { chinaDay } from '../../../../shared/china-time.ts';
import { App, Alert, Card, Descriptions, Skeleton, Space, Switch, Tag, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import type { MemberReach } from '../../../../shared/api-reach.ts';
import { endpoints } from '../../api.ts';
import { useApi, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';

const ROBOT_KIND_KEYS: Record<MemberReach['robots'][number]['kind'], MsgKey> = {
  wecom: 'reach.robotKind.wecom',
  dingtalk: 'reach.robotKind.dingtalk',
  feishu: 'reach.robotKind.feishu',
};

/**
 * 通知渠道 on the member page: which channels reach this member now (the app, the group robots over
 * their units, phone notifications, SMS), and — for who may change the member — the switch that
 * records the member's SMS consent.
 */
export function MemberChannels({ memberId, canEdit }: { memberId: string; canEdit: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const res = useApi(endpoints.reach.member.at({ id: memberId }));
  const setSms = useApiMutation((sms: boolean) => endpoints.noticeChannels.setMemberSms({ id: memberId }, { sms }), { changes: ['members'] });
  const r = res.data;

  const onSms = async (sms: boolean) => {
    try {
      await setSms.mutateAsync(sms);
      void message.success(t('reach.panel.smsSaved'));
      res.reload();
    } catch (e) {
      showError(e);
    }
  };

  const items: DescriptionsProps['items'] = r
    ? [
        {
          key: 'app',
          label: t('reach.panel.app'),
          children: r.app.activated ? (
            <Tag color="green">{r.app.lastSeenAt ? t('reach.panel.appActive', { date: chinaDay(new Date(r.app.lastSeenAt)) }) : t('reach.panel.appActiveNever')}</Tag>
          ) : r.app.invitationOpen ? (
            <Tag color="processing">{t('reach.panel.appInvited')}</Tag>
          ) : (
            <Tag color="red">{t('reach.panel.appNone')}</Tag>
          ),
        },
        {
          key: 'robots',
          label: t('reach.panel.robots'),
          children:
            r.robots.length === 0 ? (
              <Typography.Text type="secondary">{t('reach.panel.robotsNone')}</Typography.Text>
            ) : (
              <Space orientation="vertical" size={2}>
                {r.robots.map((x) => (
                  <span key={`${x.kind}-${x.unitName}-${x.name}`}>
                    <Tag color={r.robotsOff ? 'default' : 'green'}>{t(ROBOT_KIND_KEYS[x.kind])}</Tag>
                    {x.name} · {x.unitName}
                  </span>
                ))}
                {r.robotsOff && <Typography.Text type="warning">{t('reach.panel.robotsOff')}</Typography.Text>}
              </Space>
            ),
        },
        {
          key: 'webpush',
          label: t('reach.panel.webpush'),
          children: r.webpush.off ? (
            <Typography.Text type="warning">{t('reach.panel.webpushOff')}</Typography.Text>
          ) : r.webpush.subscriptions > 0 ? (
            <Tag color="green">{t('reach.panel.webpushOn', { n: r.webpush.subscriptions })}</Tag>
          ) : (
            <Typography.Text type="secondary">{t('reach.panel.webpushNone')}</Typography.Text>
          ),
        },
        {
          key: 'sms',
          label: t('reach.panel.sms'),
          children: (
            <Space orientation="vertical" size={2}>
              <Space>
                <Switch
                  checked={r.sms.consent}
                  disabled={!canEdit}
                  loading={setSms.isPending}
                  onChange={(v) => void onSms(v)}
                  aria-label={t('reach.panel.smsConsent')}
                  data-testid="member-sms-consent"
                />
                <span>{t('reach.panel.smsConsent')}</span>
              </Space>
              {canEdit && !r.sms.consent && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('reach.panel.smsConsentHint')}</Typography.Text>}
              {!r.sms.available && <Typography.Text type="warning" style={{ fontSize: 12 }}>{t('reach.panel.smsUnavailable')}</Typography.Text>}
            </Space>
          ),
        },
      ]
    : [];

  return (
    <Card
      title={t('reach.panel.title')}
      extra={r && <Tag color={r.reachable ? 'green' : 'red'} data-testid="member-reach-state">{r.reachable ? t('reach.panel.reachable') : t('reach.panel.unreachable')}</Tag>}
      style={{ height: '100%' }}
      data-testid="member-channels"
    >
      {res.error ? (
        <Typography.Text type="danger">{res.error.message || t('error.generic')}</Typography.Text>
      ) : !r ? (
        <Skeleton active paragraph={{ rows: 4 }} />
      ) : (
        <>
          {!r.reachable && (
            <Alert
              type="warning"
              showIcon
              title={r.app.lastSeenAt ? t('reach.panel.unreachableHint', { n: r.unreachableDays }) : t('reach.panel.unreachableNever')}
              style={{ marginBottom: 12 }}
            />
          )}
          <Descriptions column={1} size="small" items={items} />
        </>
      )}
    </Card>
  );
}
