import { App, Button, Card, Col, Empty, Form, Input, Modal, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import type { JobMatch, JobMatchStatus, JobOffer, JobSeeker } from '../../../../shared/api-pledges.ts';
import { JOB_MATCH_STATUSES } from '../../../../shared/enums.ts';
import { endpoints } from '../../api.ts';
import { FilterBar, OrgFilter, OrgTreeSelect } from '../../components/common.tsx';
import { applyFormIssues, errorText, useApi, useApiMutation, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import { usePledgeFilters } from './PledgeTabs.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';

interface SeekerForm {
  orgId: string;
  name: string;
  phone: string;
  wantedWork: string;
}

/** 岗位对接: jobs the unit's members offer, villagers looking for work (recorded here), and their matches. */
export function JobsTab() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const orgs = useOrgs();
  const { filters, setFilter, setQuery, orgId } = usePledgeFilters();
  const offers = useApi(orgId ? endpoints.pledges.offers.at({ orgId }) : null);
  const seekers = useApi(orgId ? endpoints.pledges.seekers.at({ orgId }) : null);
  const matches = useApi(orgId ? endpoints.pledges.matches.at({ orgId }) : null);
  const [adding, setAdding] = useState(false);
  const [matching, setMatching] = useState<JobSeeker | null>(null);
  const [seekerForm] = Form.useForm<SeekerForm>();
  const [matchForm] = Form.useForm<{ offerId: string; note?: string }>();
  const addSeeker = useApiMutation((v: SeekerForm) => endpoints.pledges.addSeeker(v), { changes: ['jobs'] });
  const closeSeeker = useApiMutation((id: string) => endpoints.pledges.closeSeeker({ id }), { changes: ['jobs'] });
  const match = useApiMutation((v: { offerId: string; seekerId: string; note: string | null }) => endpoints.pledges.match(v), { changes: ['jobs'] });
  const update = useApiMutation((v: { id: string; status: JobMatchStatus }) => endpoints.pledges.updateMatch({ id: v.id }, { status: v.status }), { changes: ['jobs'] });
  const fail = (e: unknown) => void message.error(errorText(e, t('error.generic'), t('error.network')));

  const submitSeeker = async (v: SeekerForm) => {
    try {
      await addSeeker.mutateAsync(v);
      void message.success(t('job.seekerAdded'));
      setAdding(false);
      seekerForm.resetFields();
    } catch (e) {
      if (!applyFormIssues(seekerForm, e, ['orgId', 'name', 'phone', 'wantedWork'])) fail(e);
    }
  };
  const submitMatch = async (v: { offerId: string; note?: string }) => {
    if (!matching) return;
    try {
      await match.mutateAsync({ offerId: v.offerId, seekerId: matching.id, note: v.note?.trim() ? v.note.trim() : null });
      void message.success(t('job.matchSaved'));
      setMatching(null);
      matchForm.resetFields();
    } catch (e) {
      if (!applyFormIssues(matchForm, e, ['offerId', 'note'])) fail(e);
    }
  };

  const offerColumns: TableColumnsType<JobOffer> = [
    { title: t('job.employer'), dataIndex: 'employer', ellipsis: true },
    { title: t('job.city'), dataIndex: 'city', width: 90 },
    { title: t('job.wage'), width: 120, render: (_: unknown, o) => `${o.wageMinYuan}–${o.wageMaxYuan}` },
    { title: t('job.contact'), dataIndex: 'contact', ellipsis: true },
    { title: t('job.offeredBy'), width: 100, render: (_: unknown, o) => o.member.name },
    { title: t('job.matchCount'), dataIndex: 'matches', width: 80, align: 'right' },
    { title: '', width: 80, render: (_: unknown, o) => (o.closedAt ? <Tag>{t('job.closed')}</Tag> : <Tag color="green">{t('job.openState')}</Tag>) },
  ];
  const seekerColumns: TableColumnsType<JobSeeker> = [
    { title: t('job.seekerName'), dataIndex: 'name', width: 100 },
    { title: t('job.seekerPhone'), dataIndex: 'phone', width: 130 },
    { title: t('job.wantedWork'), dataIndex: 'wantedWork', ellipsis: true },
    { title: t('job.seekerUnit'), dataIndex: 'orgName', width: 120, ellipsis: true },
    {
      title: '',
      width: 200,
      render: (_: unknown, s) =>
        s.closedAt ? (
          <Tag>{t('job.seekerClosed')}</Tag>
        ) : (
          <Space>
            <Button size="small" type="primary" onClick={() => setMatching(s)} data-testid={`job-match-${s.id}`}>
              {t('job.match')}
            </Button>
            <Button size="small" onClick={() => closeSeeker.mutateAsync(s.id).catch(fail)}>
              {t('job.closeSeeker')}
            </Button>
          </Space>
        ),
    },
  ];
  const matchColumns: TableColumnsType<JobMatch> = [
    { title: t('job.seekerName'), render: (_: unknown, m) => `${m.seeker.name} · ${m.seeker.phone}`, width: 180 },
    { title: t('job.employer'), render: (_: unknown, m) => `${m.offer.employer}（${m.offer.city}）`, ellipsis: true },
    { title: t('job.offeredBy'), render: (_: unknown, m) => m.offer.memberName, width: 100 },
    { title: t('job.note'), dataIndex: 'note', ellipsis: true, render: (v: string | null) => v ?? '—' },
    {
      title: t('job.status'),
      width: 130,
      render: (_: unknown, m) => (
        <Select<JobMatchStatus>
          size="small"
          style={{ width: 110 }}
          value={m.status}
          onChange={(status) => update.mutateAsync({ id: m.id, status }).catch(fail)}
          options={JOB_MATCH_STATUSES.map((s) => ({ value: s, label: t(`job.status.${s}` as MsgKey) }))}
          aria-label={t('job.status')}
        />
      ),
    },
  ];

  return (
    <>
      <FilterBar name="jobFilters" hasFilters={!!filters.orgId} onReset={() => setQuery({ tab: 'jobs' })}>
        <OrgFilter id="job-org" label={t('pledge.org')} value={orgId} onChange={(v) => setFilter({ orgId: v })} />
      </FilterBar>
      {!orgId ? (
        <Empty description={t('pledge.pickOrg')} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col span={24}>
            <Card title={t('job.offers')} data-testid="jobs-offers">
              {offers.error && !offers.data ? (
                <LoadFailed error={offers.error} onReload={offers.reload} testId="jobs-offers-failed" />
              ) : (
                <Table<JobOffer> rowKey="id" size="small" loading={offers.loading} dataSource={offers.data?.items ?? []} columns={offerColumns} pagination={{ pageSize: 10 }} locale={{ emptyText: t('job.noOffers') }} scroll={{ x: 800 }} />
              )}
            </Card>
          </Col>
          <Col span={24}>
            <Card
              title={t('job.seekers')}
              extra={
                <Button
                  onClick={() => {
                    seekerForm.setFieldsValue({ orgId });
                    setAdding(true);
                  }}
                  data-testid="jobs-add-seeker"
                >
                  {t('job.addSeeker')}
                </Button>
              }
              data-testid="jobs-seekers"
            >
              {seekers.error && !seekers.data ? (
                <LoadFailed error={seekers.error} onReload={seekers.reload} testId="jobs-seekers-failed" />
              ) : (
                <Table<JobSeeker> rowKey="id" size="small" loading={seekers.loading} dataSource={seekers.data?.items ?? []} columns={seekerColumns} pagination={{ pageSize: 10 }} locale={{ emptyText: t('job.noSeekers') }} scroll={{ x: 700 }} />
              )}
            </Card>
          </Col>
          <Col span={24}>
            <Card title={t('job.matches')} data-testid="jobs-matches">
              {matches.error && !matches.data ? (
                <LoadFailed error={matches.error} onReload={matches.reload} testId="jobs-matches-failed" />
              ) : (
                <Table<JobMatch> rowKey="id" size="small" loading={matches.loading} dataSource={matches.data?.items ?? []} columns={matchColumns} pagination={{ pageSize: 10 }} locale={{ emptyText: t('job.noMatches') }} scroll={{ x: 800 }} />
              )}
            </Card>
          </Col>
        </Row>
      )}
      <Modal open={adding} title={t('job.addSeeker')} onCancel={() => setAdding(false)} onOk={() => seekerForm.submit()} confirmLoading={addSeeker.isPending} destroyOnHidden>
        <Form form={seekerForm} layout="vertical" onFinish={submitSeeker} name="jobSeeker">
          <Form.Item name="orgId" label={t('job.seekerUnit')} rules={[{ required: true }]}>
            <OrgTreeSelect orgs={orgs.data?.items} />
          </Form.Item>
          <Form.Item name="name" label={t('job.seekerName')} rules={[{ required: true }]}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="phone" label={t('job.seekerPhone')} rules={[{ required: true }]}>
            <Input maxLength={30} inputMode="tel" />
          </Form.Item>
          <Form.Item name="wantedWork" label={t('job.wantedWork')} rules={[{ required: true }]}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={!!matching} title={matching ? `${t('job.match')} · ${matching.name}` : t('job.match')} onCancel={() => setMatching(null)} onOk={() => matchForm.submit()} confirmLoading={match.isPending} destroyOnHidden>
        <Form form={matchForm} layout="vertical" onFinish={submitMatch} name="jobMatch">
          <Form.Item name="offerId" label={t('job.pickOffer')} rules={[{ required: true }]}>
            <Select
              options={(offers.data?.items ?? [])
                .filter((o) => !o.closedAt)
                .map((o) => ({ value: o.id, label: `${o.employer}（${o.city}，${o.wageMinYuan}–${o.wageMaxYuan}）` }))}
            />
          </Form.Item>
          <Form.Item name="note" label={t('job.note')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
        <Typography.Text type="secondary">{matching?.wantedWork}</Typography.Text>
      </Modal>
    </>
  );
}
