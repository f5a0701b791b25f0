import { SearchOutlined } from '@ant-design/icons';
import { Card, Col, Empty, Form, Input, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { AUDIT_HIDDEN } from '../../../../shared/audit.ts';
import { PageHeader } from '../../components/common.tsx';
import { endpoints } from '../../api.ts';
import { useApi, useDebounced } from '../../hooks.ts';
import { useI18n, type Translate } from '../../i18n.tsx';
import { messages, type MsgKey } from '../../messages.ts';
import type { AuditEntry } from '../../types.ts';

function isMsgKey(key: string): key is MsgKey {
  return Object.hasOwn(messages['zh-CN'], key);
}

/** A code's words when the dictionary has them; the code itself otherwise (a new action still shows). */
function labelOf(t: Translate, prefix: string, code: string): string {
  const key = `${prefix}${code}`;
  return isMsgKey(key) ? t(key) : code;
}

/** Every action code the dictionary knows, for the filter. */
const ACTION_CODES = Object.keys(messages['zh-CN'])
  .filter((k) => k.startsWith('audit.action.'))
  .map((k) => k.slice('audit.action.'.length));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A value as a person reads it: short text and numbers as they are; ids, lists and objects are not worth reading. */
function shown(t: Translate, value: unknown): string | null {
  if (value === AUDIT_HIDDEN) return t('audit.hidden');
  if (value === null || value === undefined || value === '') return t('audit.none');
  if (typeof value === 'boolean') return value ? '✓' : '✗';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' && !UUID.test(value) && value.length <= 40) return value;
  return null;
}

const SHOWN_PARTS = 4;

/**
 * One line saying what changed: for an update the fields whose value differs (before → after where
 * both read well), for a creation or a view the few facts recorded with it. A hidden value always
 * counts as changed: the entry was written because something changed and the text is not ours to show.
 */
function summary(t: Translate, a: AuditEntry): string {
  const before = asRecord(a.before);
  const after = asRecord(a.after);
  const parts: string[] = [];
  if (before && after) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const b = before[k];
      const n = after[k];
      if (JSON.stringify(b) === JSON.stringify(n) && b !== AUDIT_HIDDEN) continue;
      const sb = shown(t, b);
      const sn = shown(t, n);
      const field = labelOf(t, 'audit.field.', k);
      parts.push(sb !== null && sn !== null && b !== AUDIT_HIDDEN && n !== AUDIT_HIDDEN ? `${field}：${sb} → ${sn}` : `${field}${t('audit.changed')}`);
    }
  } else {
    const only = after ?? before;
    if (!only) return '';
    for (const [k, v] of Object.entries(only)) {
      const s = shown(t, v);
      if (s !== null && v !== null && v !== '') parts.push(`${labelOf(t, 'audit.field.', k)}：${s}`);
    }
  }
  const head = parts.slice(0, SHOWN_PARTS).join('；');
  return parts.length > SHOWN_PARTS ? `${head} ${t('audit.more', { n: parts.length - SHOWN_PARTS })}` : head;
}

function Json({ value, label }: { value: unknown; label: string }) {
  const { t } = useI18n();
  return (
    <div>
      <Typography.Text type="secondary">{label}</Typography.Text>
      {value === null || value === undefined ? (
        <div style={{ padding: '8px 0' }}>
          <Typography.Text type="secondary">{t('audit.none')}</Typography.Text>
        </div>
      ) : (
        <pre style={{ margin: '6px 0 0', padding: 12, background: '#fafafa', border: '1px solid #f0f0f0', borderRadius: 6, fontSize: 12, maxHeight: 320, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {JSON.stringify(value, null, 2)}
        </pre>
      )}
    </div>
  );
}

export function AuditPage() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const [action, setAction] = useState<string | undefined>(undefined);
  const [actor, setActor] = useState('');
  const who = useDebounced(actor.trim(), 400);
  const res = useApi(endpoints.audit.list.at({ page, pageSize, action, actor: who || undefined }));
  const actionOptions = useMemo(
    () => ACTION_CODES.map((code) => ({ value: code, label: labelOf(t, 'audit.action.', code) })).sort((x, y) => x.value.localeCompare(y.value)),
    [t],
  );

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: (_: unknown, a) => dayjs(a.at).format('YYYY-MM-DD HH:mm:ss') },
    {
      title: t('audit.actor'),
      dataIndex: 'actorName',
      width: 140,
      render: (_: unknown, a) =>
        a.actorName === null ? (
          <Typography.Text type="secondary">{t('audit.system')}</Typography.Text>
        ) : (
          <Space direction="vertical" size={0}>
            <span>{a.actorName}</span>
            {a.actorPhone && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.actorPhone}</Typography.Text>}
          </Space>
        ),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 160,
      render: (_: unknown, a) => (
        <Tag color={/reveal|sensitive/i.test(a.action) ? 'orange' : 'default'} title={a.action} data-testid="audit-action">
          {labelOf(t, 'audit.action.', a.action)}
        </Tag>
      ),
    },
    {
      title: t('audit.object'),
      dataIndex: 'entityName',
      width: 200,
      render: (_: unknown, a) => (
        <Space direction="vertical" size={0}>
          {a.entityName ? (
            <span data-testid="audit-object">{a.entityName}</span>
          ) : a.entityId ? (
            <Typography.Text copyable={{ text: a.entityId }} style={{ fontFamily: 'ui-monospace, monospace', fontSize: 12 }}>{a.entityId.slice(0, 8)}</Typography.Text>
          ) : null}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{labelOf(t, 'audit.kind.', a.entity)}</Typography.Text>
        </Space>
      ),
    },
    { title: t('audit.change'), key: 'change', render: (_: unknown, a) => summary(t, a) || <Typography.Text type="secondary">—</Typography.Text> },
    { title: t('audit.ip'), dataIndex: 'ip', width: 130, render: (_: unknown, a) => a.ip ?? '—' },
  ];

  return (
    <>
      <PageHeader title={t('audit.title')} sub={t('audit.sub')} />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form layout="inline" style={{ rowGap: 12 }} onSubmitCapture={(e) => e.preventDefault()}>
          <Form.Item label={t('audit.filterAction')} htmlFor="audit-action">
            <Select
              id="audit-action"
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('audit.filterActionPlaceholder')}
              options={actionOptions}
              value={action}
              onChange={(v: string | undefined) => { setAction(v); setPage(1); }}
              style={{ width: 220 }}
            />
          </Form.Item>
          <Form.Item label={t('audit.filterActor')} htmlFor="audit-actor">
            <Input id="audit-actor" allowClear prefix={<SearchOutlined aria-hidden />} placeholder={t('audit.filterActorPlaceholder')} value={actor} onChange={(e) => { setActor(e.target.value); setPage(1); }} style={{ width: 200 }} />
          </Form.Item>
        </Form>
      </Card>
      <Card styles={{ body: { padding: 0 } }}>
        <div data-testid="audit-table">
          <Table<AuditEntry>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={res.data?.items ?? []}
            loading={res.loading}
            locale={{ emptyText: <Empty description={res.error?.message || t('audit.empty')} /> }}
            expandable={{
              expandedRowRender: (a) => (
                <>
                  <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                    {t('audit.details')}：{a.action} · {a.entity} {a.entityId ?? ''}
                  </Typography.Paragraph>
                  <Row gutter={16}>
                    <Col xs={24} md={12}>
                      <Json label={t('audit.before')} value={a.before} />
                    </Col>
                    <Col xs={24} md={12}>
                      <Json label={t('audit.after')} value={a.after} />
                    </Col>
                  </Row>
                </>
              ),
            }}
            pagination={{
              current: page,
              pageSize,
              total: res.data?.total ?? 0,
              showSizeChanger: true,
              pageSizeOptions: [20, 50, 100],
              showTotal: (n) => t('common.totalItems', { n }),
              onChange: (p, ps) => {
                setPage(ps !== pageSize ? 1 : p);
                setPageSize(ps);
              },
            }}
            scroll={{ x: 1000 }}
          />
        </div>
      </Card>
    </>
  );
}
