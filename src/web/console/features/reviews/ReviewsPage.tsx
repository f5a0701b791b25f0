import { PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Form, Modal, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { endpoints, toSearch } from '../../api.ts';
import { OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { applyFormIssues, errorText, useApi, useApiMutation, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';
import { chinaTodayString } from '../../china-day.ts';
import type { ReviewRoundStatus, ReviewRoundSummary } from '../../../../shared/api-reviews.ts';
import { RubricModal } from './RubricModal.tsx';

const STATUS_COLOR: Record<ReviewRoundStatus, string> = { open: 'blue', scoring: 'orange', published: 'green', closed: 'default' };

/** This quarter and the three before it, newest first ('2026-Q3', '2026-Q2', …). */
function recentQuarters(today: string): string[] {
  let year = Number(today.slice(0, 4));
  let q = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  const out: string[] = [];
  for (let i = 0; i < 4; i++) {
    out.push(`${year}-Q${q}`);
    q -= 1;
    if (q === 0) {
      q = 4;
      year -= 1;
    }
  }
  return out;
}

export function StatusTag({ status }: { status: ReviewRoundStatus }) {
  const { t } = useI18n();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="review-status" data-status={status}>
      {t(`reviews.status.${status}`)}
    </Tag>
  );
}

function OpenRoundModal({ open, onClose, orgId }: { open: boolean; onClose: () => void; orgId: string | undefined }) {
  const { t } = useI18n();
  const orgs = useOrgs();
  const [form] = Form.useForm<{ orgId: string; quarter: string }>();
  const [failure, setFailure] = useState<string | null>(null);
  const create = useApiMutation(endpoints.reviews.open, { changes: ['reviews'] });
  const quarters = recentQuarters(chinaTodayString());
  const submit = async () => {
    const values = await form.validateFields();
    setFailure(null);
    try {
      const round = await create.mutateAsync(values);
      onClose();
      navigate(`/reviews/${round.id}`);
    } catch (e) {
      if (!applyFormIssues(form, e, ['orgId', 'quarter'])) setFailure(errorText(e, t('error.generic'), t('error.network')));
    }
  };
  return (
    <Modal open={open} title={t('reviews.openTitle')} onCancel={onClose} onOk={() => void submit()} okText={t('reviews.open')} cancelText={t('reviews.cancel')} confirmLoading={create.isPending} destroyOnHidden okButtonProps={{ id: 'review-open-submit' }}>
      <Typography.Paragraph type="secondary">{t('reviews.openHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" name="openReview" initialValues={{ orgId, quarter: quarters[0] }}>
        <Form.Item name="orgId" label={t('reviews.unit')} rules={[{ required: true, message: t('reviews.unitRequired') }]}>
          <OrgTreeSelect orgs={orgs.data?.items} data-testid="review-open-org" />
        </Form.Item>
        <Form.Item name="quarter" label={t('reviews.quarter')} rules={[{ required: true, message: t('reviews.quarterRequired') }]}>
          <Select options={quarters.map((q) => ({ value: q, label: q }))} data-testid="review-open-quarter" />
        </Form.Item>
      </Form>
      {failure && <Typography.Text type="danger">{failure}</Typography.Text>}
    </Modal>
  );
}

export function ReviewsPage() {
  const { t } = useI18n();
  const loc = useLocation();
  const orgs = useOrgs();
  const orgId = loc.query.get('orgId') ?? undefined;
  const res = useApi(endpoints.reviews.rounds.at({ orgId }));
  const [opening, setOpening] = useState(false);
  const [rubricOpen, setRubricOpen] = useState(false);
  const columns: TableColumnsType<ReviewRoundSummary> = [
    { title: t('reviews.quarter'), dataIndex: 'quarter', render: (q: string, r) => <Link to={`/reviews/${r.id}`}>{q}</Link> },
    { title: t('reviews.unit'), dataIndex: 'orgName' },
    { title: t('reviews.status'), dataIndex: 'status', render: (s: ReviewRoundStatus) => <StatusTag status={s} /> },
    { title: t('reviews.members'), dataIndex: 'members', align: 'right' },
    { title: t('reviews.submitted'), dataIndex: 'submitted', align: 'right' },
    { title: t('reviews.scored'), dataIndex: 'scored', align: 'right' },
    { title: '', key: 'go', render: (_, r) => <Link to={`/reviews/${r.id}`}>{t('reviews.view')}</Link> },
  ];
  return (
    <>
      <PageHeader
        title={t('reviews.pageTitle')}
        sub={t('reviews.pageSub')}
        extra={
          <>
            <Button icon={<SettingOutlined aria-hidden />} onClick={() => setRubricOpen(true)} data-testid="review-rubric" style={{ marginRight: 8 }}>
              {t('reviews.rubric')}
            </Button>
            <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setOpening(true)} data-testid="review-open">
              {t('reviews.open')}
            </Button>
          </>
        }
      />
      <Card style={{ marginBottom: 16 }}>
        <Form layout="inline" name="reviewFilters" onSubmitCapture={(e) => e.preventDefault()}>
          <Form.Item label={t('reviews.unit')} htmlFor="rv-org">
            <OrgTreeSelect id="rv-org" orgs={orgs.data?.items} value={orgId} allowClear onChange={(v) => navigate('/reviews' + toSearch({ orgId: v ?? undefined }), { replace: true })} style={{ width: 240 }} placeholder={t('reviews.unitPlaceholder')} />
          </Form.Item>
        </Form>
      </Card>
      <Table<ReviewRoundSummary>
        rowKey="id"
        data-testid="review-rounds"
        loading={res.loading && !res.data}
        dataSource={res.data?.items ?? []}
        columns={columns}
        pagination={false}
        locale={{ emptyText: <Empty description={t('reviews.empty')} /> }}
      />
      <OpenRoundModal open={opening} onClose={() => setOpening(false)} orgId={orgId} />
      <RubricModal open={rubricOpen} onClose={() => setRubricOpen(false)} initialOrgId={orgId} />
    </>
  );
}
