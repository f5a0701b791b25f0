import { Card, Empty, Tag, Timeline, Typography } from 'antd';
import { useI18n } from '../../i18n.tsx';
import type { MemberDetail, Mobility } from '../../types.ts';

/** Where the member has been, newest first: the current destination, then the closed ones with how they ended. */
export function MobilityHistoryCard({ member }: { member: MemberDetail }) {
  const { t } = useI18n();
  const mob = member.mobility;
  const history: Mobility[] = [...(mob ? [mob] : []), ...member.mobilityHistory.filter((h) => h.id !== mob?.id)];
  return (
    <Card title={t('member.section.history')} style={{ height: '100%' }}>
      {history.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('mobility.historyEmpty')} />
      ) : (
        <Timeline
          items={history.map((h) => ({
            key: h.id,
            color: h.endedOn ? 'gray' : 'blue',
            content: (
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {h.since} ~ {h.endedOn ?? t('mobility.untilNow')}
                </Typography.Text>
                <div style={{ fontWeight: 500 }}>
                  {h.placeName}
                  {!h.endedOn && (
                    <Tag color="blue" style={{ marginInlineStart: 6 }}>
                      {t('mobility.current')}
                    </Tag>
                  )}
                  {h.endReason === 'returned' && (
                    <Tag color="green" style={{ marginInlineStart: 6 }}>
                      {t('mobility.endReturned')}
                    </Tag>
                  )}
                  {h.endReason === 'moved' && <Tag style={{ marginInlineStart: 6 }}>{t('mobility.endMoved')}</Tag>}
                </div>
                {(h.workplace || h.occupation) && <Typography.Text type="secondary">{[h.workplace, h.occupation].filter(Boolean).join(' · ')}</Typography.Text>}
              </div>
            ),
          }))}
        />
      )}
    </Card>
  );
}
