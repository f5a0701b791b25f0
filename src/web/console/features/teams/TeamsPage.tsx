import { DownloadOutlined, EditOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Form, Input, InputNumber, Modal, Select, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { endpoints } from '../../api.ts';
import { OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { MemberPicker } from '../../components/MemberPicker.tsx';
import { applyFormIssues, useApi, useApiMutation, useOrgs, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { Grid } from '../../types.ts';
import type { CreateTeamBody, Team, TeamKind } from '../../../../shared/api-teams.ts';
import { TEAM_KINDS } from '../../../../shared/enums.ts';
import { KindTag } from './KindTag.tsx';
import { TeamDrawer } from './TeamDrawer.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';

/**
 * 网格与服务队: the grids of the secretary's units (branch, leader, households, outline; edited in a
 * dialog) and the volunteer teams per grid or unit (kind, leader, counts); a team opens in a drawer
 * with its members, its people looked after (shown on demand: each showing is an audited view) and
 * its settings. The export holds only the grid, the category and the need.
 */
export function TeamsPage() {
  const { t } = useI18n();
  const [openTeam, setOpenTeam] = useState<string | null>(null);
  return (
    <>
      <PageHeader title={t('teams.pageTitle')} sub={t('teams.pageSub')} />
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <GridsCard />
        <TeamsCard onOpen={setOpenTeam} />
      </Space>
      <TeamDrawer teamId={openTeam} onClose={() => setOpenTeam(null)} />
    </>
  );
}

function GridsCard() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const grids = useApi(endpoints.grids.list.at());
  const orgs = useOrgs();
  const orgName = new Map((orgs.data?.items ?? []).map((o) => [o.id, o.name]));
  const [editing, setEditing] = useState<Grid | null>(null);
  const [form] = Form.useForm<{ leaderMemberId: string | null; households: number | null; description: string }>();
  const save = useApiMutation(
    (v: { id: string; leaderMemberId: string | null; households: number | null; description: string }) =>
      endpoints.grids.update({ id: v.id }, { leaderMemberId: v.leaderMemberId, households: v.households, description: v.description.trim() || null }),
    { changes: ['grids', 'teams'] },
  );
  const columns: TableColumnsType<Grid> = [
    { title: t('teams.grid.name'), dataIndex: 'name' },
    { title: t('teams.grid.branch'), dataIndex: 'orgId', render: (_: unknown, g) => orgName.get(g.orgId) ?? '—' },
    { title: t('teams.grid.leader'), dataIndex: 'leaderName', render: (_: unknown, g) => g.leaderName ?? <Typography.Text type="secondary">—</Typography.Text> },
    { title: t('teams.grid.households'), dataIndex: 'households', width: 90, render: (_: unknown, g) => g.households ?? '—' },
    { title: t('teams.grid.description'), dataIndex: 'description', ellipsis: true, render: (_: unknown, g) => g.description ?? '' },
    { title: t('teams.grid.members'), dataIndex: 'memberCount', width: 90 },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_: unknown, g) => (
        <Button type="link" size="small" icon={<EditOutlined aria-hidden />} onClick={() => setEditing(g)} aria-label={`${t('teams.grid.edit')} ${g.name}`} data-testid={`grid-edit-${g.id}`}>
          {t('teams.grid.edit')}
        </Button>
      ),
    },
  ];
  return (
    <Card title={t('teams.grids')}>
      {grids.error && !grids.data ? (
        <LoadFailed error={grids.error} onReload={grids.reload} testId="grids-failed" />
      ) : (
        <Table<Grid>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={grids.data?.items ?? []}
          loading={grids.loading}
          pagination={false}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('teams.grid.none')} /> }}
        />
      )}
      <Modal
        title={t('teams.grid.editTitle', { name: editing?.name ?? '' })}
        open={!!editing}
        onCancel={() => setEditing(null)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={save.isPending}
        destroyOnHidden
        onOk={async () => {
          if (!editing) return;
          const v = await form.validateFields().catch(() => null);
          if (!v) return;
          try {
            await save.mutateAsync({ id: editing.id, leaderMemberId: v.leaderMemberId ?? null, households: v.households ?? null, description: v.description ?? '' });
            void message.success(t('common.saved'));
            setEditing(null);
          } catch (e) {
            if (!applyFormIssues(form, e, ['leaderMemberId', 'households', 'description'])) showError(e);
          }
        }}
      >
        <Form
          form={form}
          layout="vertical"
          name="gridEdit"
          initialValues={{ leaderMemberId: editing?.leaderMemberId ?? null, households: editing?.households ?? null, description: editing?.description ?? '' }}
        >
          <Form.Item label={t('teams.grid.leader')} name="leaderMemberId">
            <MemberPicker initialLabel={editing?.leaderName ?? null} {...(editing ? { orgId: editing.orgId } : {})} />
          </Form.Item>
          <Form.Item label={t('teams.grid.households')} name="households">
            <InputNumber min={0} max={1_000_000} precision={0} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label={t('teams.grid.description')} name="description">
            <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 5 }} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function TeamsCard({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const teams = useApi(endpoints.teams.list.at());
  const grids = useApi(endpoints.grids.list.at());
  const orgs = useOrgs();
  const [creating, setCreating] = useState(false);
  const [form] = Form.useForm<{ gridId?: string; orgId?: string; name: string; kind: TeamKind; leaderMemberId?: string | null; description?: string }>();
  const create = useApiMutation((body: CreateTeamBody) => endpoints.teams.create(body), { changes: ['teams'] });

  const columns: TableColumnsType<Team> = [
    {
      title: t('teams.name'),
      dataIndex: 'name',
      render: (_: unknown, team) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => onOpen(team.id)} data-testid={`team-open-${team.id}`}>
          {team.name}
        </Button>
      ),
    },
    { title: t('teams.kind'), dataIndex: 'kind', width: 110, render: (_: unknown, team) => <KindTag kind={team.kind} /> },
    { title: t('teams.belongsTo'), key: 'where', render: (_: unknown, team) => (team.gridName ? `${team.orgName} · ${team.gridName}` : team.orgName) },
    { title: t('teams.leader'), key: 'leader', render: (_: unknown, team) => team.leader?.name ?? <Typography.Text type="secondary">{t('teams.noLeader')}</Typography.Text> },
    { title: t('teams.memberCount'), dataIndex: 'memberCount', width: 80 },
    { title: t('teams.recipientCount'), dataIndex: 'recipientCount', width: 100 },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_: unknown, team) => (
        <Button type="link" size="small" onClick={() => onOpen(team.id)} aria-label={`${t('teams.manage')} ${team.name}`}>
          {t('teams.manage')}
        </Button>
      ),
    },
  ];

  return (
    <Card
      title={
        <Space>
          <TeamOutlined aria-hidden />
          {t('teams.list')}
        </Space>
      }
      extra={
        <Space>
          <Button icon={<DownloadOutlined aria-hidden />} href="/api/care-recipients/export" title={t('teams.exportHint')} data-testid="teams-export">
            {t('teams.export')}
          </Button>
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)} data-testid="team-create">
            {t('teams.create')}
          </Button>
        </Space>
      }
    >
      {teams.error && !teams.data ? (
        <LoadFailed error={teams.error} onReload={teams.reload} testId="teams-failed" />
      ) : (
        <Table<Team>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={teams.data?.items ?? []}
          loading={teams.loading}
          pagination={false}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('teams.empty')} /> }}
        />
      )}
      <Modal
        title={t('teams.createTitle')}
        open={creating}
        onCancel={() => setCreating(false)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        destroyOnHidden
        onOk={async () => {
          const v = await form.validateFields().catch(() => null);
          if (!v) return;
          if (!v.gridId === !v.orgId) {
            form.setFields([{ name: 'gridId', errors: [t('teams.gridOrOrg')] }]);
            return;
          }
          try {
            const team = await create.mutateAsync({
              ...(v.gridId ? { gridId: v.gridId } : { orgId: v.orgId as string }),
              name: v.name.trim(),
              kind: v.kind,
              leaderMemberId: v.leaderMemberId ?? null,
              description: v.description?.trim() ?? '',
            });
            void message.success(t('teams.created'));
            setCreating(false);
            onOpen(team.id);
          } catch (e) {
            if (!applyFormIssues(form, e, ['gridId', 'orgId', 'name', 'kind', 'leaderMemberId', 'description'])) showError(e);
          }
        }}
      >
        <Form form={form} layout="vertical" name="createTeam" initialValues={{ kind: 'companion' }}>
          <Form.Item label={t('teams.pickGrid')} name="gridId">
            <Select allowClear options={(grids.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))} data-testid="team-grid" />
          </Form.Item>
          <Form.Item label={t('teams.pickOrg')} name="orgId">
            <OrgTreeSelect orgs={orgs.data?.items ?? []} />
          </Form.Item>
          <Form.Item label={t('teams.name')} name="name" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={60} data-testid="team-name" />
          </Form.Item>
          <Form.Item label={t('teams.kind')} name="kind" rules={[{ required: true, message: t('common.required') }]}>
            <Select options={TEAM_KINDS.map((k) => ({ value: k, label: t(`teams.kind.${k}`) }))} />
          </Form.Item>
          <Form.Item label={t('teams.leader')} name="leaderMemberId">
            <MemberPicker />
          </Form.Item>
          <Form.Item label={t('teams.description')} name="description">
            <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
