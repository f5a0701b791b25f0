import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Form, Tag, TreeSelect, Typography } from 'antd';
import type { TreeSelectProps } from 'antd';
import type { ReactNode } from 'react';
import { ORG_KINDS } from '../../../shared/enums.ts';
import { useOrgs } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { MsgKey } from '../messages.ts';
import type { Gender, MemberStatus, OrgKind, OrgNode } from '../types.ts';

export const KIND_KEYS: Record<OrgKind, MsgKey> = {
  committee: 'org.kind.committee',
  general_branch: 'org.kind.general_branch',
  branch: 'org.kind.branch',
  group: 'org.kind.group',
};
export const KIND_COLORS: Record<OrgKind, string> = { committee: 'red', general_branch: 'volcano', branch: 'gold', group: 'blue' };
/** The kinds from the top of the tree down (the contract's order). */
export const KIND_ORDER: OrgKind[] = [...ORG_KINDS];

export function KindTag({ kind }: { kind: OrgKind }) {
  const { t } = useI18n();
  return (
    <Tag color={KIND_COLORS[kind]} variant="outlined" style={{ marginInlineEnd: 0 }}>
      {t(KIND_KEYS[kind])}
    </Tag>
  );
}

export function StatusTag({ status }: { status: MemberStatus }) {
  const { t } = useI18n();
  return status === 'full' ? <Tag color="red">{t('member.status.full')}</Tag> : <Tag color="orange">{t('member.status.probationary')}</Tag>;
}

export function genderText(t: (k: MsgKey) => string, g: Gender): string {
  return g === 'male' ? t('member.gender.male') : t('member.gender.female');
}

export function MemberFlags({ lostContactSince, lostContactSuspected, shouldTransfer }: { lostContactSince: string | null; lostContactSuspected: boolean; shouldTransfer: boolean }) {
  const { t } = useI18n();
  const tags: ReactNode[] = [];
  if (lostContactSince)
    tags.push(
      <Tag key="lost" color="red">
        {t('flag.lostContact')}
      </Tag>,
    );
  else if (lostContactSuspected)
    tags.push(
      <Tag key="suspected" color="orange">
        {t('flag.lostContactSuspected')}
      </Tag>,
    );
  if (shouldTransfer)
    tags.push(
      <Tag key="transfer" color="purple">
        {t('flag.shouldTransfer')}
      </Tag>,
    );
  return tags.length ? <span style={{ display: 'inline-flex', gap: 4, flexWrap: 'wrap' }}>{tags}</span> : <Typography.Text type="secondary">—</Typography.Text>;
}

export interface OrgTreeNode {
  org: OrgNode;
  children: OrgTreeNode[];
}

/** The API sends the visible subtree flat; roots are nodes whose parent is not visible. */
export function buildOrgTree(orgs: OrgNode[]): OrgTreeNode[] {
  const byId = new Map<string, OrgTreeNode>();
  for (const o of orgs) byId.set(o.id, { org: o, children: [] });
  const roots: OrgTreeNode[] = [];
  for (const node of byId.values()) {
    const parent = node.org.parentId ? byId.get(node.org.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  // Siblings of one kind keep the API's order (the set sort order, then the numbers in their names:
  // 第二 before 第十); sort() is stable, so only retired units and kinds move.
  const sort = (list: OrgTreeNode[]) => {
    list.sort((a, b) => Number(a.org.retired) - Number(b.org.retired) || KIND_ORDER.indexOf(a.org.kind) - KIND_ORDER.indexOf(b.org.kind));
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

export interface OrgSelectNode {
  value: string;
  title: string;
  disabled?: boolean;
  children: OrgSelectNode[];
}

export function orgSelectTree(orgs: OrgNode[], opts: { includeRetired?: boolean; disableIds?: Set<string> } = {}): OrgSelectNode[] {
  const map = (nodes: OrgTreeNode[]): OrgSelectNode[] =>
    nodes
      .filter((n) => opts.includeRetired || !n.org.retired)
      .map((n) => ({
        value: n.org.id,
        title: n.org.name,
        disabled: opts.disableIds?.has(n.org.id) ?? false,
        children: map(n.children),
      }));
  return map(buildOrgTree(orgs));
}

/** ids of a node and all its descendants (a unit cannot move under itself). */
export function subtreeIds(orgs: OrgNode[], rootId: string): Set<string> {
  const ids = new Set<string>([rootId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const o of orgs) {
      if (o.parentId && ids.has(o.parentId) && !ids.has(o.id)) {
        ids.add(o.id);
        grew = true;
      }
    }
  }
  return ids;
}

type OrgTreeSelectProps = Omit<TreeSelectProps<string>, 'treeData'> & { orgs: OrgNode[] | undefined; disableIds?: Set<string> };

export function OrgTreeSelect({ orgs, disableIds, ...rest }: OrgTreeSelectProps) {
  const { t } = useI18n();
  return (
    <TreeSelect<string>
      showSearch={{ treeNodeFilterProp: 'title' }}
      treeDefaultExpandAll
      // org trees are small (a town has a few hundred units): render every node so all are reachable
      virtual={false}
      allowClear
      placeholder={t('org.selectPlaceholder')}
      loading={!orgs}
      treeData={orgSelectTree(orgs ?? [], disableIds ? { disableIds } : {})}
      {...rest}
    />
  );
}

export function PageHeader({ title, extra, sub }: { title: ReactNode; extra?: ReactNode; sub?: ReactNode }) {
  return (
    <div style={{ display: 'flex', alignItems: 'flex-start', justifyContent: 'space-between', gap: 16, marginBottom: 16, flexWrap: 'wrap' }}>
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {sub && <Typography.Text type="secondary">{sub}</Typography.Text>}
      </div>
      {extra && <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>{extra}</div>}
    </div>
  );
}

interface OrgFilterProps {
  /** the picker's id, which the label points at */
  id: string;
  /** 所属组织 unless the page names it otherwise */
  label?: ReactNode;
  value: string | undefined;
  onChange: (orgId: string | undefined) => void;
  width?: number;
}

/** A filter bar's unit picker: the units the user may see, 全部 when none is chosen. */
export function OrgFilter({ id, label, value, onChange, width = 200 }: OrgFilterProps) {
  const { t } = useI18n();
  const orgs = useOrgs();
  return (
    <Form.Item label={label ?? t('member.org')} htmlFor={id}>
      <OrgTreeSelect id={id} orgs={orgs.data?.items} value={value} onChange={(v) => onChange(v)} style={{ width }} placeholder={t('common.all')} />
    </Form.Item>
  );
}

/** A list page's filter card: the filters in a row (wrapping on a narrow screen) and 重置, which clears them. */
export function FilterBar({ name, hasFilters, onReset, children }: { name: string; hasFilters: boolean; onReset: () => void; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
      <Form layout="inline" style={{ rowGap: 12 }} name={name} onSubmitCapture={(e) => e.preventDefault()}>
        {children}
        <Form.Item>
          <Button icon={<ReloadOutlined aria-hidden />} disabled={!hasFilters} onClick={onReset}>
            {t('common.reset')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}
