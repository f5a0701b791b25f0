import { SearchOutlined } from '@ant-design/icons';
import { Card, Col, Empty, Form, Input, Row, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { PageHeader } from '../components/common.tsx';
import { useApi, useDebounced } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { AuditEntry, AuditPage as AuditPageData } from '../types.ts';

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
  const [entity, setEntity] = useState('');
  const [entityId, setEntityId] = useState('');
  const e1 = useDebounced(entity.trim(), 400);
  const e2 = useDebounced(entityId.trim(), 400);
  const res = useApi<AuditPageData>('/api/audit', { page, pageSize, entity: e1 || undefined, entityId: e2 || undefined });

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.at'), dataIndex: 'at', width: 180, render: (_: unknown, a) => dayjs(a.at).format('YYYY-MM-DD HH:mm:ss') },
    { title: t('audit.actor'), dataIndex: 'actorName', width: 120, render: (_: unknown, a) => a.actorName ?? <Typography.Text type="secondary">{t('audit.system')}</Typography.Text> },
    { title: t('audit.action'), dataIndex: 'action', render: (_: unknown, a) => <Tag color={/reveal/i.test(a.action) ? 'orange' : 'default'}>{a.action}</Tag> },
    { title: t('audit.entity'), dataIndex: 'entity', width: 120 },
    { title: t('audit.entityId'), dataIndex: 'entityId', ellipsis: true, render: (_: unknown, a) => <Typography.Text copyable={a.entityId ? { text: a.entityId } : false} style={{ fontFamily: 'ui-monospace, monospace', fontSize: 12 }}>{a.entityId ?? '—'}</Typography.Text> },
    { title: t('audit.ip'), dataIndex: 'ip', width: 140, render: (_: unknown, a) => a.ip ?? '—' },
  ];

  return (
    <>
      <PageHeader title={t('audit.title')} sub={t('audit.sub')} />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form layout="inline" style={{ rowGap: 12 }} onSubmitCapture={(e) => e.preventDefault()}>
          <Form.Item label={t('audit.entity')} htmlFor="audit-entity">
            <Input id="audit-entity" allowClear prefix={<SearchOutlined aria-hidden />} placeholder={t('audit.entityPlaceholder')} value={entity} onChange={(e) => { setEntity(e.target.value); setPage(1); }} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label={t('audit.entityId')} htmlFor="audit-entity-id">
            <Input id="audit-entity-id" allowClear value={entityId} onChange={(e) => { setEntityId(e.target.value); setPage(1); }} style={{ width: 280 }} />
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
                <Row gutter={16}>
                  <Col xs={24} md={12}>
                    <Json label={t('audit.before')} value={a.before} />
                  </Col>
                  <Col xs={24} md={12}>
                    <Json label={t('audit.after')} value={a.after} />
                  </Col>
                </Row>
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
            scroll={{ x: 900 }}
          />
        </div>
      </Card>
    </>
  );
}
