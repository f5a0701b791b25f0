import { CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Image, Progress, Typography, Upload } from 'antd';
import { useRef, useState } from 'react';
import { errorText } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { uploadStoredFile } from '../../components/learning.tsx';

export interface PhotoValue {
  fileId: string;
  url: string;
  caption?: string | null;
}

interface Uploading {
  uid: string;
  name: string;
  percent: number;
}

const MAX_PHOTOS = 30;
const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif';

interface Props {
  id?: string;
  value?: PhotoValue[];
  onChange?: (photos: PhotoValue[]) => void;
  /** tells the form an upload is still running (saving then would lose it) */
  onBusyChange?: (busy: boolean) => void;
}

/** Photos of a trip: each file goes to POST /api/files (purpose 'attachment') with its progress; thumbnails with remove. */
export function PhotosField({ id, value, onChange, onBusyChange }: Props) {
  const { t } = useI18n();
  const [uploading, setUploading] = useState<Uploading[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  // uploads finish one by one: the latest list is read from here, not from a stale render's value
  const current = useRef<PhotoValue[]>(value ?? []);
  current.current = value ?? [];
  const running = useRef(0);

  const start = async (file: File) => {
    if (current.current.length + running.current >= MAX_PHOTOS) {
      setErrors((e) => [...e, t('delivery.photosTooMany', { n: MAX_PHOTOS })]);
      return;
    }
    if (!file.type.startsWith('image/')) {
      setErrors((e) => [...e, t('delivery.photoNotImage', { name: file.name })]);
      return;
    }
    const uid = `${Date.now()}-${Math.random()}`;
    running.current += 1;
    onBusyChange?.(true);
    setUploading((u) => [...u, { uid, name: file.name, percent: 0 }]);
    try {
      const stored = await uploadStoredFile('attachment', file, (percent) => setUploading((u) => u.map((x) => (x.uid === uid ? { ...x, percent } : x))));
      const next = [...current.current, { fileId: stored.id, url: stored.url || `/api/files/${encodeURIComponent(stored.id)}`, caption: null }];
      current.current = next;
      onChange?.(next);
    } catch (e) {
      setErrors((list) => [...list, `${file.name}: ${errorText(e, t('upload.failed'), t('error.network'))}`]);
    } finally {
      running.current -= 1;
      setUploading((u) => u.filter((x) => x.uid !== uid));
      if (running.current === 0) onBusyChange?.(false);
    }
  };

  const remove = (fileId: string) => {
    const next = current.current.filter((p) => p.fileId !== fileId);
    current.current = next;
    onChange?.(next);
  };

  const photos = value ?? [];
  return (
    <div id={id} data-testid="delivery-photos">
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <Image.PreviewGroup>
          {photos.map((p, i) => (
            <div key={p.fileId} style={{ position: 'relative', width: 104, height: 104 }} data-testid="delivery-photo">
              <Image src={p.url} alt={p.caption ?? t('delivery.photoAlt', { n: i + 1 })} width={104} height={104} style={{ objectFit: 'cover', borderRadius: 6 }} />
              <Button
                size="small"
                shape="circle"
                danger
                icon={<CloseOutlined aria-hidden />}
                aria-label={t('delivery.photoRemove', { n: i + 1 })}
                onClick={() => remove(p.fileId)}
                style={{ position: 'absolute', top: 4, right: 4 }}
                data-testid="delivery-photo-remove"
              />
            </div>
          ))}
        </Image.PreviewGroup>
        {uploading.map((u) => (
          <div key={u.uid} style={{ width: 104, height: 104, border: '1px dashed #d9d9d9', borderRadius: 6, display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: 4, padding: 6 }}>
            <Progress type="circle" percent={u.percent} size={48} aria-label={t('upload.progress')} />
            <Typography.Text ellipsis style={{ fontSize: 12, maxWidth: 92 }}>
              {u.name}
            </Typography.Text>
          </div>
        ))}
        {photos.length + uploading.length < MAX_PHOTOS && (
          <Upload
            accept={ACCEPT}
            multiple
            showUploadList={false}
            beforeUpload={(f) => {
              void start(f);
              return false;
            }}
          >
            <button
              type="button"
              data-testid="delivery-photo-upload"
              style={{ width: 104, height: 104, border: '1px dashed #d9d9d9', borderRadius: 6, background: '#fafafa', cursor: 'pointer', display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: 6 }}
            >
              <PlusOutlined aria-hidden />
              <span style={{ fontSize: 12 }}>{t('delivery.photoAdd')}</span>
            </button>
          </Upload>
        )}
      </div>
      {errors.length > 0 && (
        <div style={{ marginTop: 8 }}>
          {errors.map((e, i) => (
            <div key={i}>
              <Typography.Text type="danger">{e}</Typography.Text>
            </div>
          ))}
          <Button size="small" type="link" onClick={() => setErrors([])} style={{ paddingInline: 0 }}>
            {t('delivery.photoErrorsClear')}
          </Button>
        </div>
      )}
    </div>
  );
}
