import { PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Form, InputNumber, Modal, Progress, Space, Table, Tag, Typography } from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import type { EvaluationRoundSummary } from '../../../../shared/api-evaluations.ts';
import { endpoints } from '../../api.ts';
import { FilterBar, OrgFilter, OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { useApi, useOrgs, useShowError, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate } from '../../router.tsx';
import { PhaseTag } from './labels.tsx';

const FILTER_KEYS = ['orgId'] as const;

/** 民主评议党员: the rounds of the secretary's branches, newest year first; start one; the cap on 优秀. */
export function EvaluationsPage() {
  const { t } = useI18n();
  const { filters, hasFilters, setFilter, setQuery } = useUrlList('/evaluations', FILTER_KEYS);
  const list = useApi(endpoints.evaluations.list.at(filters));
  const [creating, setCreating] = useState(false);
  const [capOrg, setCapOrg] = useState<string | null>(null);

  const columns: TableColumnsType<EvaluationRoundSummary> = [
    {
      title: t('evaluation.org'),
      dataIndex: 'orgName',
      render: (_: unknown, r) => (
        <Link to={`/evaluations/${r.id}`} data-testid={`evaluation-row-${r.id}`} style={{ fontWeight: 500 }}>
          {r.orgName}
        </Link>
      ),
    },
    { title: t('evaluation.year'), dataIndex: 'year', width: 90 },
    { title: t('evaluation.phase'), dataIndex: 'phase', width: 120, render: (_: unknown, r) => <PhaseTag phase={r.phase} /> },
    {
      title: t('evaluation.members'),
      key: 'members',
      width: 160,
      render: (_: unknown, r) => (
        <Typography.Text type="secondary">
          {r.subjects} · {t('evaluation.graded', { n: r.graded })}
        </Typography.Text>
      ),
    },
    {
      title: t('evaluation.votedTitle'),
      key: 'voted',
      width: 200,
      render: (_: unknown, r) => (
        <Space>
          <Progress percent={r.voters ? Math.round((r.voted / r.voters) * 100) : 0} size="small" style={{ width: 90 }} showInfo={false} />
          <span>{t('evaluation.votedOf', { voted: r.voted, voters: r.voters })}</span>
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('evaluation.pageTitle')}
        sub={t('evaluation.pageSub')}
        extra={
          <Space>
            <Button icon={<SettingOutlined aria-hidden />} onClick={() => setCapOrg(filters.orgId ?? '')} data-testid="evaluation-cap">
              {t('evaluation.cap')}
            </Button>
            <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)} data-testid="evaluation-create">
              {t('evaluation.create')}
            </Button>
          </Space>
        }
      />
      <FilterBar name="evaluation-filters" hasFilters={hasFilters} onReset={() => setQuery({})}>
        <OrgFilter id="evaluation-org" value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} />
      </FilterBar>
      <Card>
        <Table<EvaluationRoundSummary>
          rowKey="id"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          columns={columns}
          pagination={false}
          locale={{ emptyText: <Empty description={t('evaluation.empty')} /> }}
          scroll={{ x: 700 }}
        />
      </Card>
      {creating && <CreateModal onClose={() => setCreating(false)} />}
      {capOrg !== null && <CapModal initialOrgId={capOrg || undefined} onClose={() => setCapOrg(null)} />}
    </>
  );
}

function CreateModal({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const orgs = useOrgs();
  const [form] = Form.useForm<{ orgId: string; year: number }>();
  const [saving, setSaving] = useState(false);
  const notBranches = useMemo(() => new Set((orgs.data?.items ?? []).filter((o) => o.kind !== 'branch').map((o) => o.id)), [orgs.data]);
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      const round = await endpoints.evaluations.create({ orgId: v.orgId, year: v.year });
      void message.success(t('evaluation.created'));
      navigate(`/evaluations/${round.id}`);
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open title={t('evaluation.createTitle')} onCancel={onClose} onOk={() => void submit()} confirmLoading={saving} okButtonProps={{ 'data-testid': 'evaluation-create-ok' } as ButtonProps}>
      <Form form={form} layout="vertical" initialValues={{ year: new Date().getFullYear() }}>
        <Form.Item name="orgId" label={t('evaluation.org')} rules={[{ required: true, message: t('evaluation.orgRequired') }]}>
          <OrgTreeSelect orgs={orgs.data?.items} disableIds={notBranches} id="evaluation-create-org" />
        </Form.Item>
        <Form.Item name="year" label={t('evaluation.year')} rules={[{ required: true }]}>
          <InputNumber min={2000} max={2100} precision={0} id="evaluation-create-year" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CapModal({ initialOrgId, onClose }: { initialOrgId?: string; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const orgs = useOrgs();
  const [orgId, setOrgId] = useState<string | undefined>(initialOrgId);
  const cap = useApi(orgId ? endpoints.evaluations.cap.at({ orgId }) : null);
  const [num, setNum] = useState<number | null>(null);
  const [den, setDen] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const shown = cap.data;
  const from = !shown ? '' : shown.fromOrgId === null ? t('evaluation.capDefault') : shown.fromOrgId === orgId ? t('evaluation.capOwn') : t('evaluation.capInherited');
  const submit = async () => {
    if (!orgId || !shown) return;
    setSaving(true);
    try {
      await endpoints.evaluations.setCap({ orgId, cap: { num: num ?? shown.cap.num, den: den ?? shown.cap.den } });
      void message.success(t('common.saved'));
      onClose();
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open title={t('evaluation.capTitle')} onCancel={onClose} onOk={() => void submit()} confirmLoading={saving} okButtonProps={{ disabled: !shown }}>
      <Typography.Paragraph type="secondary">{t('evaluation.capHint')}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t('evaluation.org')}>
          <OrgTreeSelect orgs={orgs.data?.items} value={orgId} onChange={(v) => setOrgId(v)} id="evaluation-cap-org" />
        </Form.Item>
        {shown && (
          <>
            <Tag>{t('evaluation.capFrom', { num: shown.cap.num, den: shown.cap.den, from })}</Tag>
            <Space style={{ marginTop: 12 }}>
              <InputNumber aria-label={t('evaluation.capNum')} min={0} max={100} precision={0} value={num ?? shown.cap.num} onChange={(v) => setNum(v)} />
              <span>/</span>
              <InputNumber aria-label={t('evaluation.capDen')} min={1} max={100} precision={0} value={den ?? shown.cap.den} onChange={(v) => setDen(v)} />
            </Space>
          </>
        )}
      </Form>
    </Modal>
  );
}
