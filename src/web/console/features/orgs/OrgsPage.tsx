import {
  ApartmentOutlined,
  DragOutlined,
  EditOutlined,
  PlusOutlined,
  StopOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { App, Button, Card, Col, Descriptions, Empty, Form, Input, Modal, Row, Select, Skeleton, Space, Table, Tag, Tree, Typography } from 'antd';
import type { TableColumnsType, TreeDataNode } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, endpoints } from '../../api.ts';
import { KIND_KEYS, KIND_ORDER, KindTag, OrgTreeSelect, PageHeader, buildOrgTree, subtreeIds, type OrgTreeNode } from '../../components/common.tsx';
import { MemberPicker } from '../../components/MemberPicker.tsx';
import { applyFormIssues, useApi, useApiMutation, useOrgs, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import { useIsSecretary } from '../../session.tsx';
import type { CreateGridBody, Grid, OrgKind, OrgNode, UnitLeader } from '../../types.ts';

type OrgDialog = null | 'add' | 'rename' | 'move';
type GridDialog = null | { kind: 'create' } | { kind: 'rename'; grid: Grid } | { kind: 'leader'; grid: Grid };

function nextKind(kind: OrgKind): OrgKind {
  const i = KIND_ORDER.indexOf(kind);
  return KIND_ORDER[Math.min(i + 1, KIND_ORDER.length - 1)] ?? 'group';
}

export function OrgsPage() {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const orgs = useOrgs();
  const secretary = useIsSecretary();
  const items = useMemo(() => orgs.data?.items ?? [], [orgs.data]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<OrgDialog>(null);
  const [expanded, setExpanded] = useState<string[] | null>(null);
  const tree = useMemo(() => buildOrgTree(items), [items]);
  const selected = items.find((o) => o.id === selectedId) ?? null;

  useEffect(() => {
    if (!selectedId && tree[0]) setSelectedId(tree[0].org.id);
  }, [tree, selectedId]);

  const treeData = useMemo(() => {
    const map = (nodes: OrgTreeNode[]): TreeDataNode[] =>
      nodes.map((n) => ({
        key: n.org.id,
        title: (
          <span style={{ display: 'inline-flex', alignItems: 'center', gap: 6, opacity: n.org.retired ? 0.45 : 1 }} data-testid={`org-node-${n.org.id}`}>
            <span style={n.org.retired ? { textDecoration: 'line-through' } : undefined}>{n.org.name}</span>
            <KindTag kind={n.org.kind} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('org.memberCount', { n: n.org.memberCount })}
            </Typography.Text>
            {n.org.retired && <Tag>{t('org.retired')}</Tag>}
          </span>
        ),
        children: map(n.children),
      }));
    return map(tree);
  }, [tree, t]);

  const allKeys = useMemo(() => items.map((o) => o.id), [items]);

  const retire = (org: OrgNode) =>
    modal.confirm({
      title: t('org.retireConfirmTitle', { name: org.name }),
      content: t('org.retireConfirmBody'),
      okText: t('org.retire'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await endpoints.orgs.retire({ id: org.id });
          void message.success(t('org.retiredDone', { name: org.name }));
          orgs.reload();
        } catch (e) {
          if (e instanceof ApiError && (e.code === 'org_has_members' || e.code === 'org_has_children' || e.status === 409)) {
            modal.error({
              title: t('org.retireRefused'),
              content: e.message || (e.code === 'org_has_children' ? t('org.hasChildren') : t('org.hasMembers')),
              okText: t('common.ok'),
            });
          } else showError(e);
        }
      },
    });

  return (
    <>
      <PageHeader title={t('orgs.title')} sub={t('orgs.sub')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card
            title={
              <Space>
                <ApartmentOutlined aria-hidden />
                {t('orgs.treeTitle')}
              </Space>
            }
            extra={
              <Space>
                <Button size="small" type="link" onClick={() => setExpanded(allKeys)}>
                  {t('orgs.expandAll')}
                </Button>
                <Button size="small" type="link" onClick={() => setExpanded([])}>
                  {t('orgs.collapseAll')}
                </Button>
              </Space>
            }
          >
            {orgs.loading && !orgs.data ? (
              <Skeleton active />
            ) : tree.length === 0 ? (
              <Empty description={orgs.error?.message || t('orgs.empty')} />
            ) : (
              <Tree
                aria-label={t('orgs.treeTitle')}
                blockNode
                showLine
                treeData={treeData}
                selectedKeys={selectedId ? [selectedId] : []}
                expandedKeys={expanded ?? allKeys}
                onExpand={(keys) => setExpanded(keys.map(String))}
                onSelect={(keys) => keys[0] !== undefined && setSelectedId(String(keys[0]))}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('orgs.detailTitle')}>
            {!selected ? (
              <Empty description={t('orgs.pickOne')} />
            ) : (
              <>
                <Descriptions
                  column={1}
                  size="small"
                  items={[
                    { key: 'name', label: t('org.name'), children: selected.name },
                    { key: 'kind', label: t('org.kind'), children: <KindTag kind={selected.kind} /> },
                    { key: 'parent', label: t('org.parent'), children: items.find((o) => o.id === selected.parentId)?.name ?? '—' },
                    { key: 'count', label: t('org.members'), children: <Link to={`/members?orgId=${selected.id}`}>{t('org.memberCount', { n: selected.memberCount })}</Link> },
                    { key: 'state', label: t('org.state'), children: selected.retired ? <Tag>{t('org.retired')}</Tag> : <Tag color="green">{t('org.active')}</Tag> },
                  ]}
                />
                {secretary && (
                <Space wrap style={{ marginTop: 16 }}>
                  <Button type="primary" icon={<PlusOutlined aria-hidden />} disabled={selected.retired || selected.kind === 'group'} onClick={() => setDialog('add')}>
                    {t('org.addChild')}
                  </Button>
                  <Button icon={<EditOutlined aria-hidden />} disabled={selected.retired} onClick={() => setDialog('rename')}>
                    {t('org.rename')}
                  </Button>
                  <Button icon={<DragOutlined aria-hidden />} disabled={selected.retired || !selected.parentId} onClick={() => setDialog('move')}>
                    {t('org.move')}
                  </Button>
                  <Button danger icon={<StopOutlined aria-hidden />} disabled={selected.retired || !selected.parentId} onClick={() => retire(selected)}>
                    {t('org.retire')}
                  </Button>
                </Space>
                )}
                <LeadersPanel key={selected.id} org={selected} />
              </>
            )}
          </Card>
        </Col>
        <Col span={24}>
          <GridsPanel orgs={items} selectedOrgId={selectedId} />
        </Col>
      </Row>
      {selected && (
        <>
          <AddOrgModal
            open={dialog === 'add'}
            parent={selected}
            onClose={() => setDialog(null)}
            onSaved={(o) => {
              setDialog(null);
              orgs.reload();
              setSelectedId(o.id);
            }}
          />
          <NameModal
            open={dialog === 'rename'}
            formName="renameOrg"
            title={t('org.renameTitle', { name: selected.name })}
            label={t('org.name')}
            initial={selected.name}
            onClose={() => setDialog(null)}
            onSubmit={async (name) => {
              await endpoints.orgs.rename({ id: selected.id }, { name });
              void message.success(t('common.saved'));
              setDialog(null);
              orgs.reload();
            }}
          />
          <MoveOrgModal
            open={dialog === 'move'}
            org={selected}
            orgs={items}
            onClose={() => setDialog(null)}
            onSaved={() => {
              setDialog(null);
              orgs.reload();
            }}
          />
        </>
      )}
    </>
  );
}

function AddOrgModal({ open, parent, onClose, onSaved }: { open: boolean; parent: OrgNode; onClose: () => void; onSaved: (o: OrgNode) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<{ kind: OrgKind; name: string }>();
  const create = useApiMutation(endpoints.orgs.create, { changes: ['orgs'] });
  const kinds = KIND_ORDER.slice(KIND_ORDER.indexOf(parent.kind) + 1);
  return (
    <Modal
      title={t('org.addChildTitle', { name: parent.name })}
      open={open}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      destroyOnHidden
      onOk={async () => {
        const v = await form.validateFields().catch(() => null);
        if (!v) return;
        try {
          const o = await create.mutateAsync({ parentId: parent.id, kind: v.kind, name: v.name.trim() });
          void message.success(t('org.created', { name: o.name }));
          onSaved(o);
        } catch (e) {
          if (!applyFormIssues(form, e, ['kind', 'name'])) showError(e);
        }
      }}
    >
      <Form form={form} layout="vertical" name="addOrg" initialValues={{ kind: nextKind(parent.kind) }}>
        <Form.Item label={t('org.kind')} name="kind" rules={[{ required: true, message: t('common.required') }]}>
          <Select options={(kinds.length ? kinds : KIND_ORDER).map((k) => ({ value: k, label: t(KIND_KEYS[k]) }))} />
        </Form.Item>
        <Form.Item label={t('org.name')} name="name" rules={[{ required: true, whitespace: true, message: t('org.nameRequired') }]}>
          <Input maxLength={100} placeholder={t('org.namePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function MoveOrgModal({ open, org, orgs, onClose, onSaved }: { open: boolean; org: OrgNode; orgs: OrgNode[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<{ newParentId: string }>();
  const move = useApiMutation((newParentId: string) => endpoints.orgs.move({ id: org.id }, { newParentId }), { changes: ['orgs'] });
  const disabled = useMemo(() => subtreeIds(orgs, org.id), [orgs, org.id]);
  return (
    <Modal
      title={t('org.moveTitle', { name: org.name })}
      open={open}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={move.isPending}
      destroyOnHidden
      onOk={async () => {
        const v = await form.validateFields().catch(() => null);
        if (!v) return;
        try {
          await move.mutateAsync(v.newParentId);
          void message.success(t('org.moved'));
          onSaved();
        } catch (e) {
          if (!applyFormIssues(form, e, ['newParentId'])) showError(e);
        }
      }}
    >
      <Form form={form} layout="vertical" name="moveOrg" initialValues={{ newParentId: org.parentId ?? undefined }}>
        <Form.Item label={t('org.newParent')} name="newParentId" rules={[{ required: true, message: t('common.required') }]}>
          <OrgTreeSelect orgs={orgs} disableIds={disabled} allowClear={false} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function NameModal({ open, formName, title, label, initial, onClose, onSubmit }: { open: boolean; formName: string; title: string; label: string; initial: string; onClose: () => void; onSubmit: (name: string) => Promise<void> }) {
  const { t } = useI18n();
  const showError = useShowError();
  const [form] = Form.useForm<{ name: string }>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      title={title}
      open={open}
      onCancel={onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      onOk={async () => {
        const v = await form.validateFields().catch(() => null);
        if (!v) return;
        setBusy(true);
        try {
          await onSubmit(v.name.trim());
        } catch (e) {
          if (!applyFormIssues(form, e, ['name'])) showError(e);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form form={form} layout="vertical" name={formName} initialValues={{ name: initial }}>
        <Form.Item label={label} name="name" rules={[{ required: true, whitespace: true, message: t('org.nameRequired') }]}>
          <Input maxLength={100} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function GridsPanel({ orgs, selectedOrgId }: { orgs: OrgNode[]; selectedOrgId: string | null }) {
  const secretary = useIsSecretary();
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const grids = useApi(endpoints.grids.list.at());
  const [dialog, setDialog] = useState<GridDialog>(null);
  const [createForm] = Form.useForm<{ orgId: string; name: string; leaderMemberId: string | null }>();
  const [leaderForm] = Form.useForm<{ leaderMemberId: string | null }>();
  const [busy, setBusy] = useState(false);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));

  const columns: TableColumnsType<Grid> = [
    { title: t('grid.name'), dataIndex: 'name' },
    { title: t('grid.org'), dataIndex: 'orgId', render: (_: unknown, g) => orgName.get(g.orgId) ?? '—' },
    {
      title: t('grid.leader'),
      dataIndex: 'leaderName',
      render: (_: unknown, g) =>
        g.leaderMemberId && g.leaderName ? (
          <Link to={`/members/${g.leaderMemberId}`}>
            <UserOutlined aria-hidden /> {g.leaderName}
          </Link>
        ) : (
          <Typography.Text type="secondary">{t('grid.noLeader')}</Typography.Text>
        ),
    },
    { title: t('grid.memberCount'), dataIndex: 'memberCount', width: 100 },
    ...(!secretary ? [] : [{
      title: t('common.actions'),
      key: 'actions',
      width: 290,
      render: (_: unknown, g: Grid) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setDialog({ kind: 'rename', grid: g })} aria-label={`${t('grid.rename')} ${g.name}`}>
            {t('grid.rename')}
          </Button>
          <Button type="link" size="small" onClick={() => setDialog({ kind: 'leader', grid: g })} aria-label={`${t('grid.setLeader')} ${g.name}`}>
            {t('grid.setLeader')}
          </Button>
          {/* the grid's 网格连心卡 open in a new tab, ready to print */}
          <Button type="link" size="small" href={`/print/contact-cards?gridId=${encodeURIComponent(g.id)}`} target="_blank" rel="noopener" aria-label={`${t('grid.printContactCards')} ${g.name}`} data-testid={`grid-print-cards-${g.id}`}>
            {t('grid.printContactCards')}
          </Button>
        </Space>
      ),
    }]),
  ];

  const leaderGrid = dialog?.kind === 'leader' ? dialog.grid : null;
  const renameGrid = dialog?.kind === 'rename' ? dialog.grid : null;

  return (
    <Card
      title={
        <Space>
          <TeamOutlined aria-hidden />
          {t('grids.title')}
        </Space>
      }
      extra={
        secretary && (
          <Button icon={<PlusOutlined aria-hidden />} onClick={() => setDialog({ kind: 'create' })}>
            {t('grids.create')}
          </Button>
        )
      }
    >
      <Table<Grid>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={grids.data?.items ?? []}
        loading={grids.loading}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={grids.error?.message || t('grids.empty')} /> }}
      />

      <Modal
        title={t('grids.createTitle')}
        open={dialog?.kind === 'create'}
        onCancel={() => setDialog(null)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
        onOk={async () => {
          const v = await createForm.validateFields().catch(() => null);
          if (!v) return;
          setBusy(true);
          try {
            const body: CreateGridBody = { orgId: v.orgId, name: v.name.trim(), leaderMemberId: v.leaderMemberId ?? null };
            await endpoints.grids.create(body);
            void message.success(t('grids.created'));
            setDialog(null);
            grids.reload();
          } catch (e) {
            if (!applyFormIssues(createForm, e, ['orgId', 'name', 'leaderMemberId'])) showError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form form={createForm} layout="vertical" name="createGrid" initialValues={{ orgId: selectedOrgId ?? undefined }}>
          <Form.Item label={t('grid.org')} name="orgId" rules={[{ required: true, message: t('common.required') }]}>
            <OrgTreeSelect orgs={orgs} />
          </Form.Item>
          <Form.Item label={t('grid.name')} name="name" rules={[{ required: true, whitespace: true, message: t('grid.nameRequired') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={t('grid.leader')} name="leaderMemberId">
            <MemberPicker placeholder={t('member.pickPlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>

      <NameModal
        open={!!renameGrid}
        formName="renameGrid"
        title={t('grid.renameTitle', { name: renameGrid?.name ?? '' })}
        label={t('grid.name')}
        initial={renameGrid?.name ?? ''}
        onClose={() => setDialog(null)}
        onSubmit={async (name) => {
          if (!renameGrid) return;
          await endpoints.grids.update({ id: renameGrid.id }, { name });
          void message.success(t('common.saved'));
          setDialog(null);
          grids.reload();
        }}
      />

      <Modal
        title={t('grid.leaderTitle', { name: leaderGrid?.name ?? '' })}
        open={!!leaderGrid}
        onCancel={() => setDialog(null)}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
        onOk={async () => {
          if (!leaderGrid) return;
          const v = await leaderForm.validateFields().catch(() => null);
          if (!v) return;
          setBusy(true);
          try {
            await endpoints.grids.update({ id: leaderGrid.id }, { leaderMemberId: v.leaderMemberId ?? null });
            void message.success(t('common.saved'));
            setDialog(null);
            grids.reload();
          } catch (e) {
            if (!applyFormIssues(leaderForm, e, ['leaderMemberId'])) showError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Form form={leaderForm} layout="vertical" name="gridLeader" initialValues={{ leaderMemberId: leaderGrid?.leaderMemberId ?? null }}>
          <Form.Item label={t('grid.leader')} name="leaderMemberId" extra={t('grid.leaderHint')}>
            <MemberPicker initialLabel={leaderGrid?.leaderName ?? null} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

/** Who leads the selected unit: its secretaries, or a party group's leader; appoint and dismiss. */
function LeadersPanel({ org }: { org: OrgNode }) {
  const secretary = useIsSecretary();
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const leaders = useApi(endpoints.orgs.leaders.at({ id: org.id }));
  const [appointing, setAppointing] = useState(false);
  const [memberId, setMemberId] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const role = org.kind === 'group' ? 'group_leader' : 'secretary';
  const roleLabel = t(role === 'group_leader' ? 'leaders.groupLeader' : 'leaders.secretary');

  const appoint = async () => {
    if (!memberId) return;
    setSaving(true);
    try {
      leaders.setData(await endpoints.orgs.appoint({ id: org.id }, { memberId, role }));
      void message.success(t('leaders.appointed'));
      setAppointing(false);
      setMemberId(null);
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };

  const dismiss = (leader: UnitLeader) =>
    modal.confirm({
      title: t('leaders.dismissTitle', { name: leader.name, role: roleLabel }),
      okText: t('leaders.dismiss'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          leaders.setData(await endpoints.orgs.dismiss({ id: org.id, assignmentId: leader.id }));
          void message.success(t('leaders.dismissed'));
        } catch (e) {
          showError(e);
        }
      },
    });

  return (
    <div style={{ marginTop: 24 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('leaders.title')}
        </Typography.Title>
        {secretary && (
          <Button size="small" icon={<UserOutlined aria-hidden />} disabled={org.retired} onClick={() => setAppointing(true)}>
            {t('leaders.appoint', { role: roleLabel })}
          </Button>
        )}
      </Space>
      <Table<UnitLeader>
        style={{ marginTop: 8 }}
        size="small"
        rowKey="id"
        loading={leaders.loading}
        pagination={false}
        dataSource={leaders.data?.items ?? []}
        locale={{ emptyText: t('leaders.none') }}
        columns={[
          { title: t('leaders.role'), dataIndex: 'role', render: (r: UnitLeader['role']) => t(r === 'group_leader' ? 'leaders.groupLeader' : 'leaders.secretary') },
          { title: t('member.name'), dataIndex: 'name', render: (name: string, l) => (l.memberId ? <Link to={`/members/${l.memberId}`}>{name}</Link> : name) },
          { title: t('member.phone'), dataIndex: 'phone' },
          ...(secretary ? [{ title: '', key: 'actions', render: (_: unknown, l: UnitLeader) => <Button size="small" type="link" danger onClick={() => dismiss(l)}>{t('leaders.dismiss')}</Button> }] : []),
        ]}
      />
      <Modal
        open={appointing}
        title={t('leaders.appoint', { role: roleLabel })}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={saving}
        okButtonProps={{ disabled: !memberId }}
        onOk={appoint}
        onCancel={() => setAppointing(false)}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('leaders.hint')}</Typography.Paragraph>
        <MemberPicker value={memberId} onChange={setMemberId} aria-label={t('leaders.pick')} placeholder={t('leaders.pick')} />
      </Modal>
    </div>
  );
}
