import { GiftOutlined } from '@ant-design/icons';
import { Card, Empty, List, Skeleton, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { endpoints } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { chinaTodayString } from '../../china-day.ts';

const SHOWN = 6;

/** The dashboard's 本周政治生日: who has a political birthday this week, linking to the birthdays page. */
export function BirthdaysThisWeek({ orgId }: { orgId: string | undefined }) {
  const { t } = useI18n();
  const res = useApi(endpoints.cards.birthdays.at({ orgId }));
  const items = res.data?.items ?? [];
  const today = chinaTodayString();
  const link = orgId ? `/birthdays?orgId=${encodeURIComponent(orgId)}` : '/birthdays';
  return (
    <Card
      size="small"
      title={
        <span>
          <GiftOutlined aria-hidden style={{ color: '#c41d1d', marginInlineEnd: 8 }} />
          {t('birthday.thisWeekTitle')}
          {res.data && (
            <Typography.Text type="secondary" style={{ fontWeight: 400, marginInlineStart: 8 }}>
              {t('birthday.thisWeekCount', { n: items.length })}
            </Typography.Text>
          )}
        </span>
      }
      extra={
        <Link to={link} data-testid="dash-birthdays-link">
          {t('birthday.viewAll')}
        </Link>
      }
      style={{ height: '100%' }}
      data-testid="dash-birthdays"
    >
      {!res.data && res.loading ? (
        <Skeleton active paragraph={{ rows: 2 }} />
      ) : res.error ? (
        <Typography.Text type="secondary">{res.error.message || t('error.generic')}</Typography.Text>
      ) : items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('birthday.noneThisWeek')} style={{ margin: '8px 0' }} />
      ) : (
        <List
          size="small"
          split={false}
          dataSource={items.slice(0, SHOWN)}
          rowKey="memberId"
          renderItem={(b) => (
            <List.Item style={{ paddingInline: 0 }}>
              <span style={{ display: 'flex', gap: 8, alignItems: 'center', width: '100%' }}>
                <Typography.Text type="secondary" style={{ width: 72, flex: 'none' }}>
                  {dayjs(b.day).format('MM-DD ddd')}
                </Typography.Text>
                <Link to={`/members/${b.memberId}`}>{b.name}</Link>
                <Typography.Text type="secondary">{t('birthday.yearsText', { n: b.years })}</Typography.Text>
                {b.mobile && <Tag color="blue">{t('birthday.mobileTag')}</Tag>}
                {b.day === today && <Tag color="red">{t('birthday.today')}</Tag>}
              </span>
            </List.Item>
          )}
          footer={
            items.length > SHOWN ? (
              <Link to={link}>{t('birthday.andMore', { n: items.length - SHOWN })}</Link>
            ) : undefined
          }
        />
      )}
    </Card>
  );
}
