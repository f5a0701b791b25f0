import { DeleteOutlined, EditOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Form, Popconfirm, Space, Switch, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { endpoints } from '../../api.ts';
import { OrgFilter, PageHeader } from '../../components/common.tsx';
import { useApi, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { navigate, useLocation } from '../../router.tsx';
import type { Robot, RobotTestResult } from '../../../../shared/api-robots.ts';
import { RobotFormModal } from './RobotFormModal.tsx';
import { HealthPanel } from './HealthPanel.tsx';
import { SmsSettings } from '../notify-sms/SmsSettings.tsx';
import { useSession } from '../../session.tsx';
import { KIND_COLOR, at } from './labels.ts';

/**
 * 通知渠道: the group robots (企业微信 / 钉钉 / 飞书) of the secretary's units, each with a test
 * button that shows what the service answered, and the health of every channel the outbox uses.
 */
export function ChannelsPage() {
  const { t } = useI18n();
  const loc = useLocation();
  const orgId = loc.query.get('orgId') ?? undefined;
  // The SMS provider is the whole organization's: its tab is the administrator's (settings.write).
  const mayEditSms = useSession().me.canEditSettings;
  const asked = loc.query.get('tab');
  const tab = asked === 'health' ? 'health' : asked === 'sms' && mayEditSms ? 'sms' : 'robots';
  const go = (next: { orgId?: string | undefined; tab?: string }) => {
    const q = new URLSearchParams();
    const o = 'orgId' in next ? next.orgId : orgId;
    const tb = next.tab ?? tab;
    if (o) q.set('orgId', o);
    if (tb !== 'robots') q.set('tab', tb);
    const s = q.toString();
    navigate(`/channels${s ? `?${s}` : ''}`, { replace: true });
  };

  return (
    <div>
      <PageHeader title={t('channels.pageTitle')} sub={t('channels.pageSub')} />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form layout="inline" name="channels-filter" onSubmitCapture={(e) => e.preventDefault()}>
          <OrgFilter id="channels-org" label={t('channels.unit')} value={orgId} onChange={(v) => go({ orgId: v })} width={240} />
        </Form>
      </Card>
      <Tabs
        activeKey={tab}
        onChange={(k) => go({ tab: k })}
        items={[
          { key: 'robots', label: <span data-testid="tab-robots">{t('channels.tab.robots')}</span>, children: <RobotsPanel orgId={orgId} /> },
          { key: 'health', label: <span data-testid="tab-health">{t('channels.tab.health')}</span>, children: tab === 'health' ? <HealthPanel orgId={orgId} /> : null },
          ...(mayEditSms ? [{ key: 'sms', label: <span data-testid="tab-sms">{t('sms.tab')}</span>, children: tab === 'sms' ? <SmsSettings /> : null }] : []),
        ]}
      />
    </div>
  );
}

function RobotsPanel({ orgId }: { orgId: string | undefined }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const list = useApi(endpoints.robots.list.at(orgId ? { orgId } : {}));
  const [form, setForm] = useState<{ robot: Robot | null } | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const test = useApiMutation((id: string) => endpoints.robots.test({ id }), { changes: ['notify'] });
  const toggle = useApiMutation(({ id, enabled }: { id: string; enabled: boolean }) => endpoints.robots.update({ id }, { enabled }), { changes: ['notify'] });
  const remove = useApiMutation((id: string) => endpoints.robots.remove({ id }), { changes: ['notify'] });

  const showAnswer = (r: Robot, a: RobotTestResult) => {
    const detail = a.httpStatus === 0 ? t('robots.testNoAnswer', { message: a.message }) : t('robots.testAnswer', { status: a.httpStatus, code: a.code ?? '—', message: a.message || '—' });
    const content = (
      <div data-testid="robot-test-answer">
        {a.error && (
          <Typography.Paragraph type="danger" strong>
            {a.error}
          </Typography.Paragraph>
        )}
        <Typography.Text type="secondary">{detail}</Typography.Text>
      </div>
    );
    if (a.ok) modal.success({ title: `${r.name} · ${t('robots.testOk')}`, content });
    else modal.error({ title: `${r.name} · ${t('robots.testFailed')}`, content });
  };

  const runTest = async (r: Robot) => {
    setTesting(r.id);
    try {
      showAnswer(r, await test.mutateAsync(r.id));
    } catch (e) {
      showError(e);
    } finally {
      setTesting(null);
    }
  };

  const columns: TableColumnsType<Robot> = [
    { title: t('robots.col.unit'), dataIndex: 'orgName', width: 160, ellipsis: true },
    {
      title: t('robots.col.name'),
      dataIndex: 'name',
      render: (_: unknown, r) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{r.name}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.webhookMasked} · {r.kind === 'wecom' ? '' : r.secretSet ? t('robots.secretSet') : t('robots.noSecret')}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('robots.col.kind'), dataIndex: 'kind', width: 100, render: (_: unknown, r) => <Tag color={KIND_COLOR[r.kind]}>{t(`robots.kind.${r.kind}`)}</Tag> },
    {
      title: t('robots.col.state'),
      key: 'enabled',
      width: 110,
      render: (_: unknown, r) => (
        <Switch
          checked={r.enabled}
          checkedChildren={t('robots.enabled')}
          unCheckedChildren={t('robots.disabled')}
          loading={toggle.isPending && toggle.variables?.id === r.id}
          onChange={async (enabled) => {
            try {
              await toggle.mutateAsync({ id: r.id, enabled });
              void message.success(enabled ? t('robots.switchOn') : t('robots.switchOff'));
            } catch (e) {
              showError(e);
            }
          }}
          data-testid={`robot-enabled-${r.id}`}
        />
      ),
    },
    {
      title: t('robots.col.last'),
      key: 'last',
      width: 300,
      render: (_: unknown, r) => {
        const errorIsLatest = r.lastErrorAt && (!r.lastSuccessAt || r.lastErrorAt > r.lastSuccessAt);
        return (
          <Space direction="vertical" size={0} style={{ maxWidth: 300 }}>
            {r.blockedUntil && <Tag color="orange">{t('robots.blockedUntil', { time: at(r.blockedUntil) })}</Tag>}
            {r.lastSuccessAt && <Typography.Text type="success">{t('robots.lastSuccess', { time: at(r.lastSuccessAt) })}</Typography.Text>}
            {errorIsLatest && (
              <Typography.Text type="danger" ellipsis={{ tooltip: r.lastError }} style={{ maxWidth: 300 }}>
                {t('robots.lastError', { time: at(r.lastErrorAt) })}：{r.lastError}
              </Typography.Text>
            )}
            {!r.lastSuccessAt && !r.lastErrorAt && <Typography.Text type="secondary">{t('robots.never')}</Typography.Text>}
          </Space>
        );
      },
    },
    {
      title: t('robots.col.actions'),
      key: 'actions',
      width: 250,
      render: (_: unknown, r) => (
        <Space wrap>
          <Button size="small" icon={<SendOutlined aria-hidden />} loading={testing === r.id} onClick={() => void runTest(r)} data-testid={`robot-test-${r.id}`}>
            {t('robots.test')}
          </Button>
          <Tooltip title={t('robots.edit')}>
            <Button size="small" icon={<EditOutlined aria-hidden />} aria-label={t('robots.edit')} onClick={() => setForm({ robot: r })} data-testid={`robot-edit-${r.id}`} />
          </Tooltip>
          <Popconfirm
            title={t('robots.removeConfirm', { name: r.name })}
            description={t('robots.removeHint')}
            okButtonProps={{ danger: true }}
            onConfirm={async () => {
              try {
                await remove.mutateAsync(r.id);
                void message.success(t('robots.removed'));
              } catch (e) {
                showError(e);
              }
            }}
          >
            <Button size="small" danger icon={<DeleteOutlined aria-hidden />} aria-label={t('robots.remove')} data-testid={`robot-remove-${r.id}`} />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  const items = list.data?.items ?? [];
  return (
    <>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 12, marginBottom: 12, flexWrap: 'wrap' }}>
        <Alert type="warning" showIcon message={t('robots.wechatNote')} style={{ flex: 1, minWidth: 280 }} />
        <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setForm({ robot: null })} data-testid="robot-add">
          {t('robots.add')}
        </Button>
      </div>
      <Table<Robot>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={items}
        loading={list.loading}
        pagination={false}
        scroll={{ x: 1000 }}
        locale={{ emptyText: <Empty description={t('robots.empty')} /> }}
        data-testid="robots-table"
      />
      <RobotFormModal open={form !== null} robot={form?.robot ?? null} defaultOrgId={orgId} onClose={() => setForm(null)} />
    </>
  );
}
