import { Card, Col, List, Statistic, Typography } from 'antd';
import dayjs from 'dayjs';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import type { OverdueQuestions } from '../../../../shared/api-questions.ts';

/** The dashboard's overdue questions (有问必答): how many, opening the list, and the oldest few, each opening its question. */
export function OverdueQuestionsCard({ data, orgId, loading }: { data: OverdueQuestions | undefined; orgId: string | undefined; loading: boolean }) {
  const { t } = useI18n();
  const n = data?.count ?? 0;
  const listLink = `/questions?status=overdue${orgId ? `&orgId=${orgId}` : ''}`;
  return (
    <Col xs={24} sm={8}>
      <Card size="small" loading={!data && loading} data-testid="stat-questions-overdue" styles={{ body: { padding: '16px 20px' } }}>
        <Link to={listLink} aria-label={t('dash.questionsOverdue')} style={{ display: 'block' }}>
          <Statistic
            title={t('dash.questionsOverdue')}
            value={n}
            styles={{ content: n ? { color: '#cf1322' } : {} }}
            suffix={<Typography.Text type="secondary" style={{ fontSize: 14 }}>{t('dash.questionUnit')}</Typography.Text>}
          />
        </Link>
        {data && data.oldest.length > 0 && (
          <List
            size="small"
            split={false}
            dataSource={data.oldest}
            renderItem={(q) => (
              <List.Item style={{ padding: '2px 0' }}>
                <Link to={`/questions?status=overdue&open=${q.id}`}>
                  <Typography.Text type="danger" ellipsis style={{ maxWidth: 260 }}>
                    {q.memberName}：{q.title}（{dayjs(q.dueOn).format('MM-DD')}）
                  </Typography.Text>
                </Link>
              </List.Item>
            )}
          />
        )}
      </Card>
    </Col>
  );
}
