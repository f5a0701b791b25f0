import { Card, Col, Statistic, Typography } from 'antd';
import { endpoints } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';

/** The dashboard's count of 联系不上的党员 in the chosen unit, opening the list. */
export function UnreachableTile({ orgId }: { orgId: string | undefined }) {
  const { t } = useI18n();
  const res = useApi(endpoints.reach.unreachable.at({ orgId, page: 1, pageSize: 1 }));
  const n = res.data?.total ?? 0;
  return (
    <Col xs={24} sm={8}>
      <Link to={orgId ? `/unreachable?orgId=${orgId}` : '/unreachable'} aria-label={t('reach.dashTitle')} style={{ display: 'block' }}>
        <Card hoverable loading={!res.data && res.loading} data-testid="stat-unreachable" size="small" styles={{ body: { padding: '16px 20px' } }}>
          <Statistic
            title={<span title={t('reach.dashHint', { n: res.data?.unreachableDays ?? 14 })}>{t('reach.dashTitle')}</span>}
            value={n}
            styles={{ content: n ? { color: '#ad4e00' } : {} }}
            suffix={<Typography.Text type="secondary" style={{ fontSize: 14 }}>{t('dash.personUnit')}</Typography.Text>}
          />
        </Card>
      </Link>
    </Col>
  );
}
