import { CopyOutlined, DownloadOutlined, PictureOutlined, WechatOutlined } from '@ant-design/icons';
import { Alert, App, Button, Col, Input, Modal, Row, Select, Skeleton, Space, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import type { KitSourceKind } from '../../../../shared/api-notify-kit.ts';
import { endpoints } from '../../api.ts';
import { useApi, useApiMutation, useOrgs, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { subtreeIds } from '../../components/common.tsx';
import type { OrgNode } from '../../types.ts';
import { canCopyImage, drawPoster, posterBlob, posterText } from './poster.ts';

interface Source {
  sourceKind: KitSourceKind;
  sourceId: string;
  /** the unit that holds the push or the class */
  orgId: string;
}

/** The source's unit and the units under it the caller sees; the caller's own units when it sees none of them. */
function unitChoices(orgs: OrgNode[], rootId: string): OrgNode[] {
  const live = orgs.filter((o) => !o.retired);
  if (!live.some((o) => o.id === rootId)) return live;
  const inside = subtreeIds(live, rootId);
  return live.filter((o) => inside.has(o.id));
}

/** "发到微信群": the button on the push and class pages, and the kit it opens. */
export function GroupKitButton(props: Source) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<WechatOutlined aria-hidden />} onClick={() => setOpen(true)} data-testid="open-group-kit">
        {t('kit.open')}
      </Button>
      {open && <GroupKitDialog {...props} onClose={() => setOpen(false)} />}
    </>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function GroupKitDialog({ sourceKind, sourceId, orgId, onClose }: Source & { onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const orgs = useOrgs();
  const units = useMemo(() => unitChoices(orgs.data?.items ?? [], orgId), [orgs.data, orgId]);
  const [unit, setUnit] = useState(orgId);
  useEffect(() => {
    // a caller who sees only units under the source (a group leader at a village class) starts with their own
    if (units.length > 0 && !units.some((u) => u.id === unit)) setUnit(units[0]?.id ?? orgId);
  }, [units, unit, orgId]);
  const kit = useApi(endpoints.notifyKit.kit.at({ sourceKind, sourceId, orgId: unit }));
  const k = kit.data;
  const mark = useApiMutation(() => endpoints.notifyKit.mark({ sourceKind, sourceId, orgId: unit }), { changes: ['notify'] });

  const [poster, setPoster] = useState<{ url: string; canvas: HTMLCanvasElement } | null>(null);
  useEffect(() => {
    if (!k) return;
    const canvas = drawPoster(document.createElement('canvas'), posterText(sourceKind, k), k.link);
    let url = '';
    let alive = true;
    void posterBlob(canvas).then((blob) => {
      if (!alive) return;
      url = URL.createObjectURL(blob);
      setPoster({ url, canvas });
    });
    return () => {
      alive = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [k, sourceKind]);

  const fileName = k ? `${k.title.replace(/[\\/:*?"<>|]/g, '')}.png` : 'poster.png';
  const copyPoster = async () => {
    if (!poster) return;
    try {
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': posterBlob(poster.canvas) })]);
      void message.success(t('kit.posterCopied'));
    } catch {
      void message.warning(t('kit.copyPosterUnsupported'));
    }
  };
  const markSent = async () => {
    try {
      await mark.mutateAsync();
      void message.success(t('kit.marked'));
      kit.reload();
    } catch (e) {
      showError(e);
    }
  };
  const imageCopy = canCopyImage();

  return (
    <Modal
      open
      title={t('kit.title')}
      onCancel={onClose}
      width={820}
      footer={
        k?.mark ? (
          <Typography.Text type="success" data-testid="group-kit-marked">
            {t('kit.markedBy', { name: k.mark.markedBy ?? t('kit.someone'), time: dayjs(k.mark.markedAt).format('YYYY-MM-DD HH:mm') })}
          </Typography.Text>
        ) : (
          <Button type="primary" onClick={() => void markSent()} loading={mark.isPending} disabled={!k} data-testid="group-kit-mark">
            {t('kit.markSent')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('kit.intro')}</Typography.Paragraph>
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Text>{t('kit.unit')}</Typography.Text>
        <Select
          style={{ minWidth: 240 }}
          value={unit}
          onChange={setUnit}
          loading={orgs.loading}
          options={(units.length ? units : [{ id: orgId, name: k?.orgName ?? '' }]).map((u) => ({ value: u.id, label: u.name }))}
          data-testid="group-kit-unit"
          aria-label={t('kit.unit')}
        />
      </Space>
      {kit.error && <Alert type="error" showIcon title={kit.error.message} style={{ marginBottom: 12 }} />}
      {!k && !kit.error ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : k ? (
        <Row gutter={16}>
          <Col xs={24} md={13}>
            <Typography.Title level={5}>{t('kit.text')}</Typography.Title>
            <Input.TextArea value={k.text} readOnly autoSize={{ minRows: 4, maxRows: 8 }} data-testid="group-kit-text" onFocus={(e) => e.currentTarget.select()} />
            <Button
              style={{ marginTop: 8 }}
              icon={<CopyOutlined aria-hidden />}
              onClick={() => void copyText(k.text).then((ok) => (ok ? message.success(t('kit.textCopied')) : message.warning(t('kit.copyFailed'))))}
              data-testid="group-kit-copy-text"
            >
              {t('kit.copyText')}
            </Button>
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>
              {t('kit.linkNote')}
            </Typography.Paragraph>
          </Col>
          <Col xs={24} md={11}>
            <Typography.Title level={5}>{t('kit.poster')}</Typography.Title>
            {poster ? (
              <img src={poster.url} alt={t('kit.posterAlt', { title: k.title })} style={{ width: '100%', maxWidth: 300, border: '1px solid #f0f0f0', display: 'block' }} data-testid="group-kit-poster" />
            ) : (
              <Skeleton.Image active style={{ width: 240, height: 420 }} />
            )}
            <Space style={{ marginTop: 8 }} wrap>
              <Button icon={<DownloadOutlined aria-hidden />} href={poster?.url} download={fileName} disabled={!poster} data-testid="group-kit-save-poster">
                {t('kit.savePoster')}
              </Button>
              <Tooltip title={imageCopy ? undefined : t('kit.copyPosterUnsupported')}>
                <Button icon={<PictureOutlined aria-hidden />} onClick={() => void copyPoster()} disabled={!poster || !imageCopy}>
                  {t('kit.copyPoster')}
                </Button>
              </Tooltip>
            </Space>
          </Col>
        </Row>
      ) : null}
    </Modal>
  );
}
