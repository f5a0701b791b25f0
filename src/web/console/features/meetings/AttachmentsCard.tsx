import { DeleteOutlined,
  FileOutlined,
  UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Image, Input, Popconfirm, Progress, Select, Space, Tag, Typography, Upload } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { endpoints } from '../../api.ts';
import { formatBytes, uploadStoredFile } from '../../components/learning.tsx';
import { errorText, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import type { Attachment, SessionDetail } from '../../types.ts';

// ---------- attachments (minutes scans, photos, other files) ----------
const ATTACHMENT_KIND_KEYS: Record<Attachment['kind'], MsgKey> = { photo: 'attachment.kind.photo', minutes: 'attachment.kind.minutes', other: 'attachment.kind.other' };

const fileUrl = (a: Attachment) => `/api/files/${encodeURIComponent(a.file.id)}`;

export function AttachmentsCard({ session, onChanged }: { session: SessionDetail; onChanged: (s: SessionDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [kind, setKind] = useState<Attachment['kind']>('photo');
  const [caption, setCaption] = useState('');
  const [percent, setPercent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async (file: File) => {
    setError(null);
    setPercent(0);
    try {
      const stored = await uploadStoredFile('attachment', file, setPercent);
      onChanged(await endpoints.meetings.attach({ id: session.id }, { fileId: stored.id, kind, caption: caption.trim() || null }));
      setCaption('');
      void message.success(t('attachment.added'));
    } catch (e) {
      setError(errorText(e, t('upload.failed'), t('error.network')));
    } finally {
      setPercent(null);
    }
  };

  const remove = async (a: Attachment) => {
    try {
      onChanged(await endpoints.meetings.detach({ id: session.id, attachmentId: a.id }));
      void message.success(t('attachment.removed'));
    } catch (e) {
      showError(e);
    }
  };

  const photos = session.attachments.filter((a) => a.kind === 'photo' || a.file.mimeType.startsWith('image/'));
  const others = session.attachments.filter((a) => !photos.includes(a));

  return (
    <Card title={t('session.section.attachments')} style={{ height: '100%' }} data-testid="session-attachments">
      {session.canManage && (
        <div style={{ marginBottom: 16 }}>
          <Space wrap>
            <Select<Attachment['kind']>
              value={kind}
              onChange={setKind}
              style={{ width: 110 }}
              aria-label={t('attachment.kind')}
              options={(['photo', 'minutes', 'other'] as const).map((k) => ({ value: k, label: t(ATTACHMENT_KIND_KEYS[k]) }))}
              data-testid="attachment-kind"
            />
            <Input value={caption} onChange={(e) => setCaption(e.target.value)} maxLength={200} placeholder={t('attachment.caption')} style={{ width: 200 }} data-testid="attachment-caption" />
            <Upload
              accept={kind === 'photo' ? 'image/jpeg,image/png,image/webp,image/gif' : '.pdf,.docx,.xlsx,.jpg,.jpeg,.png,.webp,.gif'}
              showUploadList={false}
              disabled={percent !== null}
              beforeUpload={(f) => {
                void upload(f);
                return false;
              }}
            >
              <Button icon={<UploadOutlined aria-hidden />} loading={percent !== null} data-testid="upload-attachment">
                {t('attachment.upload')}
              </Button>
            </Upload>
          </Space>
          {percent !== null && <Progress percent={percent} size="small" status="active" aria-label={t('upload.progress')} />}
          {error && (
            <div>
              <Typography.Text type="danger">{error}</Typography.Text>
            </div>
          )}
        </div>
      )}
      {session.attachments.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('attachment.none')} />
      ) : (
        <>
          {photos.length > 0 && (
            <Image.PreviewGroup>
              <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap', marginBottom: 12 }}>
                {photos.map((a) => (
                  <div key={a.id} style={{ width: 120 }} data-testid={`attachment-${a.id}`}>
                    <Image src={fileUrl(a)} alt={a.caption ?? a.file.fileName} width={120} height={90} style={{ objectFit: 'cover', borderRadius: 4 }} />
                    <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
                      <Typography.Text ellipsis={{ tooltip: a.caption ?? a.file.fileName }} style={{ fontSize: 12, maxWidth: 90 }}>
                        {a.caption ?? a.file.fileName}
                      </Typography.Text>
                      {session.canManage && <DeleteButton onConfirm={() => remove(a)} label={t('attachment.remove')} />}
                    </div>
                  </div>
                ))}
              </div>
            </Image.PreviewGroup>
          )}
          {others.length > 0 && (
            <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {others.map((a) => (
                <li key={a.id} style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '4px 0' }} data-testid={`attachment-${a.id}`}>
                  <FileOutlined aria-hidden />
                  <Tag style={{ marginInlineEnd: 0 }}>{t(ATTACHMENT_KIND_KEYS[a.kind])}</Tag>
                  <a href={fileUrl(a)} target="_blank" rel="noreferrer">
                    {a.caption ?? a.file.fileName}
                  </a>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatBytes(a.file.sizeBytes)} · {dayjs(a.createdAt).format('MM-DD HH:mm')}
                  </Typography.Text>
                  {session.canManage && <DeleteButton onConfirm={() => remove(a)} label={t('attachment.remove')} />}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Card>
  );
}

function DeleteButton({ onConfirm, label }: { onConfirm: () => Promise<void>; label: string }) {
  const { t } = useI18n();
  return (
    <Popconfirm title={t('attachment.removeConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={onConfirm}>
      <Button size="small" type="text" danger icon={<DeleteOutlined aria-hidden />} aria-label={label} />
    </Popconfirm>
  );
}
