import { EyeInvisibleOutlined, EyeOutlined, LikeOutlined, MessageOutlined } from '@ant-design/icons';
import { Button, Card, Image, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { ConsoleSharePost } from '../../../../shared/api-shares.ts';
import { useI18n } from '../../i18n.tsx';
import { KIND_COLOR, KIND_KEY } from './labels.ts';

/** One post as the console shows it: author, unit, kind, topic, the text as plain text, photos, voice, counts and hiding. */
export function PostCard({ post, onOpen, onHide, onUnhide }: { post: ConsoleSharePost; onOpen: () => void; onHide: () => void; onUnhide: () => void }) {
  const { t } = useI18n();
  return (
    <Card
      size="small"
      data-testid={`share-post-${post.id}`}
      style={{ marginBottom: 12, opacity: post.hidden ? 0.75 : 1 }}
      title={
        <Space wrap size={6}>
          <Typography.Text strong>{post.author.name}</Typography.Text>
          <Typography.Text type="secondary">{post.orgName}</Typography.Text>
          <Tag color={KIND_COLOR[post.kind]}>{t(KIND_KEY[post.kind])}</Tag>
          <Tag>{t(post.audience === 'village' ? 'share.audience.village' : 'share.audience.branch')}</Tag>
          {post.topic && <Tag color="gold">#{post.topic.title}</Tag>}
          {post.hidden && (
            <Tag color="error" icon={<EyeInvisibleOutlined aria-hidden />}>
              {t('share.hiddenTag')}
            </Tag>
          )}
        </Space>
      }
      extra={<Typography.Text type="secondary">{dayjs(post.createdAt).format('YYYY-MM-DD HH:mm')}</Typography.Text>}
      actions={[
        <Button key="c" type="text" icon={<MessageOutlined aria-hidden />} onClick={onOpen} data-testid={`share-open-${post.id}`}>
          {t('share.comments', { n: post.commentCount })}
        </Button>,
        <Typography.Text key="l" type="secondary">
          <LikeOutlined aria-hidden /> {t('share.likes', { n: post.likeCount })}
        </Typography.Text>,
        post.hidden ? (
          <Button key="h" type="text" icon={<EyeOutlined aria-hidden />} onClick={onUnhide} data-testid={`share-unhide-${post.id}`}>
            {t('share.unhide')}
          </Button>
        ) : (
          <Button key="h" type="text" danger icon={<EyeInvisibleOutlined aria-hidden />} onClick={onHide} data-testid={`share-hide-${post.id}`}>
            {t('share.hide')}
          </Button>
        ),
      ]}
    >
      {/* plain text: React escapes it; line breaks kept */}
      <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 8 }}>{post.body}</Typography.Paragraph>
      {post.hidden && <Typography.Paragraph type="danger">{t('share.hiddenReason', { reason: post.hidden.reason })}</Typography.Paragraph>}
      {post.photos.length > 0 && (
        <Image.PreviewGroup>
          <Space wrap size={8}>
            {post.photos.map((p) => (
              <Image key={p.fileId} src={p.url} width={96} height={96} style={{ objectFit: 'cover' }} alt="" />
            ))}
          </Space>
        </Image.PreviewGroup>
      )}
      {post.voice && (
        <div style={{ marginTop: 8 }}>
          <audio controls preload="none" src={post.voice.url} aria-label={t('share.voice')} />
        </div>
      )}
    </Card>
  );
}
