import { EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Drawer, Empty, Form, Input, Modal, Select, Skeleton, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { endpoints } from '../../api.ts';
import { MemberPicker } from '../../components/MemberPicker.tsx';
import { applyFormIssues, useApi, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { CareRecipient, CareRecipientCategory, CareRecipientInput, TeamDetail, TeamKind, TeamMember } from '../../../../shared/api-teams.ts';
import { CARE_RECIPIENT_CATEGORIES, TEAM_KINDS } from '../../../../shared/enums.ts';
import { KindTag } from './KindTag.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';

/** A team's members, people looked after and settings, in a drawer. */
export function TeamDrawer({ teamId, onClose }: { teamId: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const team = useApi(teamId ? endpoints.teams.get.at({ id: teamId }) : null);
  const [tab, setTab] = useState('members');
  const d = team.data && team.data.id === teamId ? team.data : null;
  return (
    <Drawer
      open={!!teamId}
      onClose={() => {
        setTab('members');
        onClose();
      }}
      width={760}
      destroyOnHidden
      title={d ? <Space>{t('teams.drawerTitle', { name: d.name })}<KindTag kind={d.kind} />{d.retired && <Tag>{t('teams.retired')}</Tag>}</Space> : null}
    >
      {team.error && !d && <LoadFailed error={team.error} onReload={team.reload} testId="team-failed" />}
      {!team.error && !d && teamId && <Skeleton active />}
      {d && (
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            { key: 'members', label: <span data-testid="team-tab-members">{t('teams.tab.members')}</span>, children: <MembersTab team={d} onChanged={team.setData} /> },
            // mounted only when chosen: the people are asked for (and the view audited) on the click below
            { key: 'recipients', label: <span data-testid="team-tab-recipients">{t('teams.tab.recipients')}</span>, children: tab === 'recipients' ? <RecipientsTab team={d} /> : null },
            { key: 'settings', label: <span data-testid="team-tab-settings">{t('teams.tab.settings')}</span>, children: <SettingsTab team={d} onChanged={team.setData} onRetired={onClose} /> },
          ]}
        />
      )}
    </Drawer>
  );
}

function MembersTab({ team, onChanged }: { team: TeamDetail; onChanged: (d: TeamDetail) => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const [memberId, setMemberId] = useState<string | null>(null);
  const [volunteerForm] = Form.useForm<{ name: string; phone: string }>();
  const add = useApiMutation((body: { memberId: string } | { name: string; phone: string }) => endpoints.teams.addMember({ id: team.id }, body), { changes: ['teams'] });
  const remove = useApiMutation((rowId: string) => endpoints.teams.removeMember({ id: team.id, rowId }), { changes: ['teams'] });

  const columns: TableColumnsType<TeamMember> = [
    { title: t('teams.member.name'), dataIndex: 'name' },
    { title: t('teams.member.kind'), key: 'kind', render: (_: unknown, m) => (m.partyMember ? <Tag color="red">{t('teams.member.party')}</Tag> : <Tag>{t('teams.member.volunteer')}</Tag>) },
    { title: t('teams.member.phone'), dataIndex: 'phone', render: (_: unknown, m) => m.phone ?? '' },
    { title: t('teams.member.joined'), dataIndex: 'joinedAt', render: (_: unknown, m) => m.joinedAt.slice(0, 10) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 80,
      render: (_: unknown, m) => (
        <Button
          type="link"
          size="small"
          danger
          disabled={team.retired}
          aria-label={`${t('teams.member.remove')} ${m.name}`}
          onClick={() =>
            modal.confirm({
              title: t('teams.member.removeConfirm', { name: m.name }),
              okText: t('common.confirm'),
              cancelText: t('common.cancel'),
              onOk: async () => {
                try {
                  onChanged(await remove.mutateAsync(m.id));
                  void message.success(t('teams.member.removed'));
                } catch (e) {
                  showError(e);
                }
              },
            })
          }
        >
          {t('teams.member.remove')}
        </Button>
      ),
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Table<TeamMember>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={team.members}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('teams.member.none')} /> }}
      />
      {!team.retired && (
        <>
          <Space wrap>
            <div style={{ width: 320 }}>
              <MemberPicker value={memberId} onChange={setMemberId} orgId={team.orgId} placeholder={t('teams.member.pick')} aria-label={t('teams.member.pick')} />
            </div>
            <Button
              icon={<PlusOutlined aria-hidden />}
              disabled={!memberId}
              loading={add.isPending}
              data-testid="team-add-party"
              onClick={async () => {
                if (!memberId) return;
                try {
                  onChanged(await add.mutateAsync({ memberId }));
                  setMemberId(null);
                  void message.success(t('teams.member.added'));
                } catch (e) {
                  showError(e);
                }
              }}
            >
              {t('teams.member.addParty')}
            </Button>
          </Space>
          <Form
            form={volunteerForm}
            layout="inline"
            name="addVolunteer"
            onFinish={async (v) => {
              try {
                onChanged(await add.mutateAsync({ name: v.name.trim(), phone: v.phone.trim() }));
                volunteerForm.resetFields();
                void message.success(t('teams.member.added'));
              } catch (e) {
                if (!applyFormIssues(volunteerForm, e, ['name', 'phone'])) showError(e);
              }
            }}
          >
            <Form.Item name="name" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input placeholder={t('teams.member.name')} maxLength={50} aria-label={t('teams.member.name')} data-testid="volunteer-name" />
            </Form.Item>
            <Form.Item name="phone" rules={[{ required: true, message: t('common.required') }]}>
              <Input placeholder={t('teams.member.phone')} maxLength={11} inputMode="numeric" aria-label={t('teams.member.phone')} data-testid="volunteer-phone" />
            </Form.Item>
            <Button htmlType="submit" icon={<PlusOutlined aria-hidden />} loading={add.isPending} data-testid="team-add-volunteer">
              {t('teams.member.addVolunteer')}
            </Button>
          </Form>
        </>
      )}
    </Space>
  );
}

type RecipientForm = { label: string; category: CareRecipientCategory; need: string; contactName?: string; contactPhone?: string };

function RecipientsTab({ team }: { team: TeamDetail }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  // Asked for only once the secretary clicks: that click is the audited view.
  const [shown, setShown] = useState(false);
  const recipients = useApi(shown ? endpoints.teams.recipients.at({ id: team.id }) : null);
  const [editing, setEditing] = useState<CareRecipient | 'new' | null>(null);
  const [form] = Form.useForm<RecipientForm>();
  const save = useApiMutation(
    (v: { id: string | null; body: CareRecipientInput }) => (v.id ? endpoints.teams.updateRecipient({ id: v.id }, v.body) : endpoints.teams.addRecipient({ id: team.id }, v.body)),
    { changes: ['teams'] },
  );
  const retire = useApiMutation((id: string) => endpoints.teams.retireRecipient({ id }), { changes: ['teams'] });

  const columns: TableColumnsType<CareRecipient> = [
    { title: t('teams.recipients.label'), dataIndex: 'label' },
    { title: t('teams.recipients.category'), dataIndex: 'category', render: (_: unknown, r) => t(`teams.category.${r.category}`) },
    { title: t('teams.recipients.need'), dataIndex: 'need', ellipsis: true },
    { title: t('teams.recipients.contact'), key: 'contact', render: (_: unknown, r) => [r.contactName, r.contactPhone].filter(Boolean).join(' · ') },
    { title: t('teams.recipients.grid'), dataIndex: 'gridName', render: (_: unknown, r) => r.gridName ?? '' },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_: unknown, r) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setEditing(r)} aria-label={`${t('common.edit')} ${r.label}`}>
            {t('common.edit')}
          </Button>
          <Button
            type="link"
            size="small"
            danger
            aria-label={`${t('teams.recipients.retire')} ${r.label}`}
            onClick={() =>
              modal.confirm({
                title: t('teams.recipients.retireConfirm', { label: r.label }),
                okText: t('common.confirm'),
                cancelText: t('common.cancel'),
                onOk: async () => {
                  try {
                    await retire.mutateAsync(r.id);
                    void message.success(t('common.saved'));
                  } catch (e) {
                    showError(e);
                  }
                },
              })
            }
          >
            {t('teams.recipients.retire')}
          </Button>
        </Space>
      ),
    },
  ];

  const current = editing && editing !== 'new' ? editing : null;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Alert type="info" showIcon message={t('teams.recipients.audited')} />
      {!shown ? (
        <Button type="primary" icon={<EyeOutlined aria-hidden />} onClick={() => setShown(true)} data-testid="team-show-recipients">
          {t('teams.recipients.show')}
        </Button>
      ) : (
        <>
          {recipients.error && !recipients.data ? (
            <LoadFailed error={recipients.error} onReload={recipients.reload} testId="team-recipients-failed" />
          ) : (
            <Table<CareRecipient>
              rowKey="id"
              size="small"
              columns={columns}
              dataSource={recipients.data?.items ?? []}
              loading={recipients.loading}
              pagination={false}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('teams.recipients.none')} /> }}
            />
          )}
          {!team.retired && (
            <div>
              <Button icon={<PlusOutlined aria-hidden />} onClick={() => setEditing('new')} data-testid="recipient-add">
                {t('teams.recipients.add')}
              </Button>
            </div>
          )}
        </>
      )}
      <Modal
        title={current ? t('teams.recipients.editTitle') : t('teams.recipients.add')}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={save.isPending}
        destroyOnHidden
        onOk={async () => {
          const v = await form.validateFields().catch(() => null);
          if (!v) return;
          const body: CareRecipientInput = {
            label: v.label.trim(),
            category: v.category,
            need: v.need.trim(),
            contactName: v.contactName?.trim() || null,
            contactPhone: v.contactPhone?.trim() || null,
          };
          try {
            await save.mutateAsync({ id: current?.id ?? null, body });
            void message.success(t('common.saved'));
            setEditing(null);
          } catch (e) {
            if (!applyFormIssues(form, e, ['label', 'category', 'need', 'contactName', 'contactPhone'])) showError(e);
          }
        }}
      >
        <Form
          form={form}
          layout="vertical"
          name="recipient"
          initialValues={current ? { label: current.label, category: current.category, need: current.need, contactName: current.contactName ?? '', contactPhone: current.contactPhone ?? '' } : { category: 'elderly_alone' }}
        >
          <Form.Item label={t('teams.recipients.label')} name="label" extra={t('teams.recipients.labelHint')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={30} data-testid="recipient-label" />
          </Form.Item>
          <Form.Item label={t('teams.recipients.category')} name="category" rules={[{ required: true, message: t('common.required') }]}>
            <Select options={CARE_RECIPIENT_CATEGORIES.map((c) => ({ value: c, label: t(`teams.category.${c}`) }))} />
          </Form.Item>
          <Form.Item label={t('teams.recipients.need')} name="need" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input.TextArea maxLength={300} showCount autoSize={{ minRows: 2, maxRows: 4 }} data-testid="recipient-need" />
          </Form.Item>
          <Form.Item label={t('teams.recipients.contactName')} name="contactName">
            <Input maxLength={30} />
          </Form.Item>
          <Form.Item label={t('teams.recipients.contactPhone')} name="contactPhone">
            <Input maxLength={11} inputMode="numeric" />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

function SettingsTab({ team, onChanged, onRetired }: { team: TeamDetail; onChanged: (d: TeamDetail) => void; onRetired: () => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<{ name: string; kind: TeamKind; leaderMemberId: string | null; description: string }>();
  const update = useApiMutation((body: { name: string; kind: TeamKind; leaderMemberId: string | null; description: string }) => endpoints.teams.update({ id: team.id }, body), { changes: ['teams'] });
  const retire = useApiMutation(() => endpoints.teams.retire({ id: team.id }), { changes: ['teams'] });
  return (
    <Form
      form={form}
      layout="vertical"
      name="teamSettings"
      disabled={team.retired}
      initialValues={{ name: team.name, kind: team.kind, leaderMemberId: team.leader?.memberId ?? null, description: team.description }}
      onFinish={async (v) => {
        try {
          onChanged(await update.mutateAsync({ name: v.name.trim(), kind: v.kind, leaderMemberId: v.leaderMemberId ?? null, description: v.description?.trim() ?? '' }));
          void message.success(t('common.saved'));
        } catch (e) {
          if (!applyFormIssues(form, e, ['name', 'kind', 'leaderMemberId', 'description'])) showError(e);
        }
      }}
    >
      <Form.Item label={t('teams.name')} name="name" rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
        <Input maxLength={60} />
      </Form.Item>
      <Form.Item label={t('teams.kind')} name="kind">
        <Select options={TEAM_KINDS.map((k) => ({ value: k, label: t(`teams.kind.${k}`) }))} />
      </Form.Item>
      <Form.Item label={t('teams.leader')} name="leaderMemberId">
        <MemberPicker initialLabel={team.leader?.name ?? null} orgId={team.orgId} />
      </Form.Item>
      <Form.Item label={t('teams.description')} name="description">
        <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 4 }} />
      </Form.Item>
      <Space>
        <Button type="primary" htmlType="submit" loading={update.isPending}>
          {t('common.save')}
        </Button>
        <Button
          danger
          onClick={() =>
            modal.confirm({
              title: t('teams.retireConfirm', { name: team.name }),
              okText: t('common.confirm'),
              cancelText: t('common.cancel'),
              onOk: async () => {
                try {
                  await retire.mutateAsync();
                  void message.success(t('teams.retired'));
                  onRetired();
                } catch (e) {
                  showError(e);
                }
              },
            })
          }
        >
          {t('teams.retire')}
        </Button>
      </Space>
      {team.retired && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {t('teams.retired')}
        </Typography.Paragraph>
      )}
    </Form>
  );
}
