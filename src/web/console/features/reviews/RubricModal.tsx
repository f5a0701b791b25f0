import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, InputNumber, Modal, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { OrgTreeSelect } from '../../components/common.tsx';
import { errorText, useApi, useApiMutation, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { ReviewEvidenceKind, RubricItem } from '../../../../shared/api-reviews.ts';

const EVIDENCE_KINDS: ReviewEvidenceKind[] = ['classes', 'pushes', 'shares', 'questions', 'talks', 'service', 'pledges'];

/** A code for a new item: unique among the items, only what the server accepts. */
function newKey(items: RubricItem[]): string {
  for (let i = items.length + 1; ; i++) {
    const key = `item_${i}`;
    if (!items.some((it) => it.key === key)) return key;
  }
}

/** The rubric of a unit (its own, a unit's above, or the default): items with points adding up to 100. */
export function RubricModal({ open, onClose, initialOrgId }: { open: boolean; onClose: () => void; initialOrgId: string | undefined }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const orgs = useOrgs();
  const [orgId, setOrgId] = useState<string | undefined>(initialOrgId);
  const rubric = useApi(open && orgId ? endpoints.reviews.rubric.at({ orgId }) : null);
  const [items, setItems] = useState<RubricItem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const save = useApiMutation((body: { orgId: string; items: RubricItem[] }) => endpoints.reviews.saveRubric({ orgId: body.orgId }, { items: body.items }), { changes: ['reviews'] });
  useEffect(() => {
    if (rubric.data) setItems(rubric.data.items);
  }, [rubric.data]);
  useEffect(() => {
    if (open) setOrgId((o) => o ?? initialOrgId ?? orgs.data?.items[0]?.id);
  }, [open, initialOrgId, orgs.data]);
  const sum = items.reduce((n, i) => n + (i.points || 0), 0);
  const patch = (index: number, p: Partial<RubricItem>) => setItems((list) => list.map((it, i) => (i === index ? { ...it, ...p } : it)));
  const submit = async () => {
    if (!orgId) return;
    setFailure(null);
    try {
      await save.mutateAsync({ orgId, items });
      void message.success(t('reviews.rubricSaved'));
      onClose();
    } catch (e) {
      setFailure(errorText(e, t('error.generic'), t('error.network')));
    }
  };
  return (
    <Modal open={open} title={t('reviews.rubricTitle')} width={760} onCancel={onClose} onOk={() => void submit()} okText={t('reviews.save')} cancelText={t('reviews.cancel')} confirmLoading={save.isPending} okButtonProps={{ disabled: !orgId, id: 'rubric-save' }}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <OrgTreeSelect orgs={orgs.data?.items} value={orgId} onChange={(v) => setOrgId(v ?? undefined)} style={{ width: 280 }} placeholder={t('reviews.rubricPickUnit')} aria-label={t('reviews.unit')} />
        <Typography.Text type="secondary">{t('reviews.rubricHint')}</Typography.Text>
        {rubric.data && <Typography.Text>{rubric.data.isDefault ? t('reviews.rubricDefault') : t('reviews.rubricOwn')}</Typography.Text>}
        {items.map((item, i) => (
          <Space key={item.key} wrap align="start" data-testid="rubric-item">
            <Input aria-label={t('reviews.rubricTitleCol')} value={item.title} maxLength={30} onChange={(e) => patch(i, { title: e.target.value })} style={{ width: 160 }} />
            <InputNumber aria-label={t('reviews.points')} min={1} max={100} precision={0} value={item.points} onChange={(v) => patch(i, { points: v ?? 0 })} style={{ width: 80 }} />
            <Select
              mode="multiple"
              aria-label={t('reviews.rubricEvidenceCol')}
              placeholder={t('reviews.rubricEvidenceCol')}
              value={item.evidence}
              onChange={(v) => patch(i, { evidence: v })}
              options={EVIDENCE_KINDS.map((k) => ({ value: k, label: t(`reviews.evKind.${k}`) }))}
              style={{ width: 320 }}
            />
            <Button icon={<DeleteOutlined aria-hidden />} aria-label={t('reviews.rubricRemove')} onClick={() => setItems((list) => list.filter((_, j) => j !== i))} />
          </Space>
        ))}
        <Button icon={<PlusOutlined aria-hidden />} onClick={() => setItems((list) => [...list, { key: newKey(list), title: '', points: 5, evidence: [] }])}>
          {t('reviews.rubricAdd')}
        </Button>
        <Typography.Text strong type={sum === 100 ? undefined : 'danger'} data-testid="rubric-sum">
          {t('reviews.rubricSum', { n: sum })}
        </Typography.Text>
        {failure && <Alert type="error" showIcon message={failure} />}
      </Space>
    </Modal>
  );
}
