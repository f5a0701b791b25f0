import { DeleteOutlined, EditOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Drawer, Empty, Grid, Image, List, Popconfirm, Skeleton, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import type { ApiError } from '../../api.ts';
import type { Delivery } from '../../types.ts';
import { ItemTags } from '../cards/labels.tsx';

interface Props {
  open: boolean;
  delivery: Delivery | undefined;
  loading: boolean;
  error: ApiError | null;
  onClose: () => void;
  onEdit: (d: Delivery) => void;
  onDelete: (d: Delivery) => Promise<void>;
}

const dash = (v: string | null | undefined) => (v ? v : <Typography.Text type="secondary">—</Typography.Text>);

/** One trip as recorded: where and when, who went, each member met with what they received and said, photos. */
export function DeliveryDetailDrawer({ open, delivery: d, loading, error, onClose, onEdit, onDelete }: Props) {
  const { t } = useI18n();
  const phone = Grid.useBreakpoint().md === false;
  return (
    <Drawer
      open={open}
      size={phone ? '100%' : 720}
      onClose={onClose}
      title={d ? t('delivery.detailTitle', { place: d.placeName, date: d.tripOn }) : t('delivery.detail')}
      extra={
        d && (
          <Space>
            <Button icon={<EditOutlined aria-hidden />} onClick={() => onEdit(d)} data-testid="delivery-edit">
              {t('common.edit')}
            </Button>
            <Popconfirm title={t('delivery.deleteConfirm')} description={t('delivery.deleteHint')} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => onDelete(d)}>
              <Button danger icon={<DeleteOutlined aria-hidden />} data-testid="delivery-delete">
                {t('common.delete')}
              </Button>
            </Popconfirm>
          </Space>
        )
      }
    >
      {error && <Alert type="error" showIcon title={error.message || t('error.generic')} />}
      {!d && !error && loading && <Skeleton active />}
      {d && (
        <div data-testid="delivery-detail">
          <Descriptions
            column={{ xs: 1, md: 2 }}
            size="small"
            items={[
              { key: 'tripOn', label: t('delivery.tripOn'), children: `${d.tripOn} ${dayjs(d.tripOn).format('ddd')}` },
              { key: 'place', label: t('delivery.place'), children: <Space size={4}><EnvironmentOutlined aria-hidden />{d.placeName}</Space> },
              { key: 'org', label: t('delivery.org'), children: d.orgName },
              { key: 'travellers', label: t('delivery.travellers'), children: d.travellers.join('、') },
              { key: 'notes', label: t('delivery.notes'), span: 2, children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{dash(d.notes)}</Typography.Paragraph> },
              { key: 'followUp', label: t('delivery.followUp'), span: 2, children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{dash(d.followUp)}</Typography.Paragraph> },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('delivery.membersMetN', { n: d.members.length })}
          </Typography.Title>
          <List
            dataSource={d.members}
            rowKey="memberId"
            renderItem={(m) => (
              <List.Item data-testid={`delivery-met-${m.memberId}`}>
                <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                  <Space wrap size={8}>
                    <Link to={`/members/${m.memberId}`} style={{ fontWeight: 500 }}>
                      {m.name}
                    </Link>
                    {m.items.length > 0 ? <ItemTags items={m.items} /> : <Typography.Text type="secondary">{t('delivery.nothingHanded')}</Typography.Text>}
                    {m.handedTo && <Typography.Text type="secondary">{t('delivery.handedToText', { who: m.handedTo })}</Typography.Text>}
                  </Space>
                  {m.words && (
                    <blockquote style={{ margin: 0, padding: '4px 12px', borderInlineStart: '3px solid #f0c8c8', color: '#595959', whiteSpace: 'pre-wrap' }}>{m.words}</blockquote>
                  )}
                </Space>
              </List.Item>
            )}
          />
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('delivery.photosN', { n: d.photos.length })}
          </Typography.Title>
          {d.photos.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('delivery.noPhotos')} />
          ) : (
            <Image.PreviewGroup>
              <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }} data-testid="delivery-detail-photos">
                {d.photos.map((p, i) => (
                  <Image key={p.fileId} src={p.url} alt={p.caption ?? t('delivery.photoAlt', { n: i + 1 })} width={150} height={112} style={{ objectFit: 'cover', borderRadius: 6 }} />
                ))}
              </div>
            </Image.PreviewGroup>
          )}
          <Typography.Paragraph type="secondary" style={{ marginTop: 24, fontSize: 12 }}>
            {t('delivery.recordedAt', { at: dayjs(d.createdAt).format('YYYY-MM-DD HH:mm') })}
          </Typography.Paragraph>
        </div>
      )}
    </Drawer>
  );
}
