import { App, Button, Card, Col, Empty, Form, Modal, Row, Select, Skeleton, Space, Statistic, Table, Tag, Typography, theme } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { EChartsCoreOption } from 'echarts/core';
import { Suspense, lazy, useMemo, useState, type HTMLAttributes } from 'react';
import type { NotPledgedList, Pledge, PledgeKind, PledgeOutcome } from '../../../../shared/api-pledges.ts';
import { PLEDGE_KINDS } from '../../../../shared/enums.ts';
import { endpoints } from '../../api.ts';
import { chinaTodayString } from '../../china-day.ts';
import { FilterBar, OrgFilter } from '../../components/common.tsx';
import { DayPicker } from '../../components/DayPicker.tsx';
import { applyFormIssues, errorText, useApi, useApiMutation, useOrgs, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import { Link } from '../../router.tsx';
import { PledgeDrawer } from './PledgeDrawer.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';

const Chart = lazy(() => import('../../components/Chart.tsx'));
const FILTER_KEYS = ['tab', 'orgId', 'year', 'kind', 'state'] as const;
const STATES = ['waiting', 'following', 'real', 'not_feasible'] as const;
export const OUTCOME_COLORS: Record<PledgeOutcome, string> = { pending: 'default', in_progress: 'processing', adopted: 'green', done: 'success', not_feasible: 'red' };

/** The unit chosen in the address, else the widest the secretary sees; the year chosen, else this year (China time). */
export function usePledgeFilters() {
  const orgs = useOrgs();
  const list = useUrlList('/pledges', FILTER_KEYS);
  const fallbackOrg = orgs.data?.items.find((o) => !o.retired && !orgs.data?.items.some((p) => p.id === o.parentId))?.id;
  const thisYear = Number(chinaTodayString().slice(0, 4));
  const year = Number(list.filters.year) || thisYear;
  return { ...list, orgId: list.filters.orgId ?? fallbackOrg, year, thisYear };
}

function UnitYearFilters({ name, extra }: { name: string; extra?: React.ReactNode }) {
  const { t } = useI18n();
  const { filters, setFilter, setQuery, orgId, year, thisYear } = usePledgeFilters();
  return (
    <FilterBar name={name} hasFilters={!!(filters.orgId || filters.year || filters.kind || filters.state)} onReset={() => setQuery(filters.tab ? { tab: filters.tab } : {})}>
      <OrgFilter id={`${name}-org`} label={t('pledge.org')} value={orgId} onChange={(v) => setFilter({ orgId: v })} />
      <Form.Item label={t('pledge.year')}>
        <Select
          style={{ width: 110 }}
          value={year}
          onChange={(v: number) => setFilter({ year: v === thisYear ? undefined : String(v) })}
          options={[thisYear, thisYear - 1, thisYear - 2].map((y) => ({ value: y, label: String(y) }))}
          data-testid="pledges-year"
        />
      </Form.Item>
      {extra}
    </FilterBar>
  );
}

/** The period of the unit and year, with 设置承诺期. */
function PeriodLine({ orgId, year }: { orgId: string; year: number }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const period = useApi(endpoints.pledges.period.at({ orgId, year }));
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ opensOn: Dayjs; closesOn: Dayjs }>();
  const save = useApiMutation((v: { opensOn: string; closesOn: string }) => endpoints.pledges.setPeriod({ orgId, year, ...v }), { changes: ['pledges'] });
  const p = period.data;
  const submit = async (v: { opensOn: Dayjs; closesOn: Dayjs }) => {
    try {
      await save.mutateAsync({ opensOn: v.opensOn.format('YYYY-MM-DD'), closesOn: v.closesOn.format('YYYY-MM-DD') });
      void message.success(t('pledge.periodSaved'));
      setOpen(false);
    } catch (e) {
      if (!applyFormIssues(form, e, ['opensOn', 'closesOn'])) void message.error(errorText(e, t('error.generic'), t('error.network')));
    }
  };
  if (period.error && !p) return <LoadFailed error={period.error} onReload={period.reload} testId="pledges-period-failed" />;
  if (!p) return null;
  return (
    <Space wrap style={{ marginBottom: 12 }} data-testid="pledges-period">
      <Typography.Text>
        {t('pledge.period')}：{p.opensOn} ~ {p.closesOn}
      </Typography.Text>
      <Tag color={p.open ? 'green' : 'default'}>{p.open ? t('pledge.periodOpen') : t('pledge.periodClosed')}</Tag>
      <Typography.Text type="secondary">{p.setBy ? t('pledge.periodFrom', { name: p.setBy.orgName }) : t('pledge.periodDefault')}</Typography.Text>
      <Button
        size="small"
        onClick={() => {
          form.setFieldsValue({ opensOn: dayjs(p.opensOn), closesOn: dayjs(p.closesOn) });
          setOpen(true);
        }}
        data-testid="pledges-set-period"
      >
        {t('pledge.setPeriod')}
      </Button>
      <Modal open={open} title={t('pledge.setPeriod')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={save.isPending} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={submit}>
          <Form.Item name="opensOn" label={t('pledge.opensOn')} rules={[{ required: true }]}>
            <DayPicker />
          </Form.Item>
          <Form.Item name="closesOn" label={t('pledge.closesOn')} rules={[{ required: true }]}>
            <DayPicker />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}

const rowProps = (r: Pledge) => ({ 'data-testid': `pledge-row-${r.id}` }) as HTMLAttributes<HTMLElement>;

/** 承诺: the unit's pledges of the year, by kind and state; a row opens the follow-up drawer. */
export function PledgeListTab() {
  const { t } = useI18n();
  const { filters, setFilter, orgId, year, page, pageSize, pagination } = usePledgeFilters();
  const kind = filters.kind as PledgeKind | undefined;
  const state = filters.state as (typeof STATES)[number] | undefined;
  const data = useApi(orgId ? endpoints.pledges.list.at({ orgId, year, page, pageSize, ...(kind ? { kind } : {}), ...(state ? { state } : {}) }) : null);
  const [openId, setOpenId] = useState<string | null>(null);
  const columns: TableColumnsType<Pledge> = [
    {
      title: t('pledge.member'),
      render: (_: unknown, r) => (
        <span>
          <Link to={`/members/${r.member.id}`}>{r.member.name}</Link> {r.member.mobile && <Tag color="blue">{t('pledge.mobile')}</Tag>}
        </span>
      ),
      width: 150,
    },
    { title: t('pledge.unit'), render: (_: unknown, r) => r.member.orgName, ellipsis: true, width: 140 },
    { title: t('pledge.kind'), render: (_: unknown, r) => t(`pledge.kind.${r.kind}` as MsgKey), width: 130 },
    { title: t('pledge.body'), dataIndex: 'body', ellipsis: true },
    {
      title: t('pledge.followUp'),
      width: 160,
      render: (_: unknown, r) =>
        r.followUp ? (
          <span>
            {r.followUp.name}
            {r.followUp.dueOn && <Typography.Text type={r.overdue ? 'danger' : 'secondary'}> · {r.followUp.dueOn}</Typography.Text>}
          </span>
        ) : (
          t('pledge.none')
        ),
    },
    { title: t('pledge.outcome'), width: 100, render: (_: unknown, r) => <Tag color={OUTCOME_COLORS[r.outcome]}>{t(`pledge.outcome.${r.outcome}` as MsgKey)}</Tag> },
    {
      title: '',
      width: 80,
      render: (_: unknown, r) => (
        <Button size="small" onClick={() => setOpenId(r.id)} data-testid={`pledge-open-${r.id}`}>
          {t('pledge.open')}
        </Button>
      ),
    },
  ];
  return (
    <>
      <UnitYearFilters
        name="pledgeFilters"
        extra={
          <>
            <Form.Item label={t('pledge.kind')}>
              <Select allowClear style={{ width: 150 }} placeholder={t('common.all')} value={kind} onChange={(v?: string) => setFilter({ kind: v })} options={PLEDGE_KINDS.map((k) => ({ value: k, label: t(`pledge.kind.${k}` as MsgKey) }))} data-testid="pledges-kind" />
            </Form.Item>
            <Form.Item label={t('pledge.state')}>
              <Select allowClear style={{ width: 140 }} placeholder={t('common.all')} value={state} onChange={(v?: string) => setFilter({ state: v })} options={STATES.map((s) => ({ value: s, label: t(`pledge.state.${s}` as MsgKey) }))} data-testid="pledges-state" />
            </Form.Item>
          </>
        }
      />
      {!orgId ? (
        <Empty description={t('pledge.pickOrg')} />
      ) : (
        <>
          <PeriodLine orgId={orgId} year={year} />
          {data.error && !data.data ? (
            <LoadFailed error={data.error} onReload={data.reload} testId="pledges-failed" />
          ) : (
            <Table<Pledge>
              rowKey="id"
              size="middle"
              loading={data.loading}
              dataSource={data.data?.items ?? []}
              columns={columns}
              onRow={rowProps}
              pagination={{ ...pagination(data.data?.total), showTotal: (n) => t('pledge.total', { n }) }}
              scroll={{ x: 900 }}
              data-testid="pledges-table"
            />
          )}
        </>
      )}
      <PledgeDrawer pledgeId={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

/** 未承诺: members without all four pledges of the year, mobile members flagged. */
export function MissingTab() {
  const { t } = useI18n();
  const { orgId, year } = usePledgeFilters();
  const data = useApi(orgId ? endpoints.pledges.notPledged.at({ orgId, year }) : null);
  type Row = NotPledgedList['items'][number];
  const columns: TableColumnsType<Row> = [
    {
      title: t('pledge.member'),
      render: (_: unknown, r) => (
        <span>
          <Link to={`/members/${r.memberId}`}>{r.name}</Link> {r.mobile && <Tag color="blue">{t('pledge.mobile')}</Tag>}
        </span>
      ),
    },
    { title: t('pledge.unit'), dataIndex: 'orgName', ellipsis: true },
    { title: t('pledge.made'), dataIndex: 'made', width: 120, render: (n: number) => t('pledge.missing.made', { n }) },
  ];
  return (
    <>
      <UnitYearFilters name="pledgeMissingFilters" />
      {!orgId ? (
        <Empty description={t('pledge.pickOrg')} />
      ) : data.error && !data.data ? (
        <LoadFailed error={data.error} onReload={data.reload} testId="pledges-missing-failed" />
      ) : (
        <Table<Row>
          rowKey="memberId"
          size="middle"
          loading={data.loading}
          dataSource={data.data?.items ?? []}
          columns={columns}
          onRow={(r) => ({ 'data-testid': `pledge-missing-${r.memberId}` }) as HTMLAttributes<HTMLElement>}
          locale={{ emptyText: t('pledge.missing.empty') }}
          pagination={{ pageSize: 50 }}
          data-testid="pledges-missing-table"
        />
      )}
    </>
  );
}

/** 统计: members, who made all four, waiting for follow-up, became real; per kind made vs became real (ECharts). */
export function StatsTab() {
  const { t } = useI18n();
  const { token } = theme.useToken();
  const { orgId, year } = usePledgeFilters();
  const data = useApi(orgId ? endpoints.pledges.summary.at({ orgId, year }) : null);
  const s = data.data;
  const chartTitle = t('pledge.chartTitle');
  const option = useMemo<EChartsCoreOption | null>(() => {
    if (!s) return null;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: s.byKind.map((k) => t(`pledge.kind.${k.kind}` as MsgKey)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', name: t('pledge.chartMade'), data: s.byKind.map((k) => k.made), itemStyle: { color: token.colorPrimary }, barMaxWidth: 36 },
        { type: 'bar', name: t('pledge.chartReal'), data: s.byKind.map((k) => k.real), itemStyle: { color: token.colorSuccess }, barMaxWidth: 36 },
      ],
    };
  }, [s, t, token.colorPrimary, token.colorSuccess]);
  return (
    <>
      <UnitYearFilters name="pledgeStatsFilters" />
      {!orgId ? (
        <Empty description={t('pledge.pickOrg')} />
      ) : data.error && !s ? (
        <LoadFailed error={data.error} onReload={data.reload} testId="pledges-stats-failed" />
      ) : !s ? (
        <Skeleton active />
      ) : (
        <Row gutter={[16, 16]}>
          <Col span={24}>
            <PeriodLine orgId={orgId} year={year} />
          </Col>
          {(
            [
              ['members', s.members, undefined],
              ['pledged', s.pledged, token.colorSuccess],
              ['notPledged', s.notPledged, token.colorError],
              ['waiting', s.waitingFollowUp, token.colorWarning],
              ['real', s.becameReal, token.colorSuccess],
            ] as const
          ).map(([key, value, color]) => (
            <Col xs={12} md={8} lg={4} key={key}>
              <Card>
                <Statistic title={t(`pledge.stat.${key}` as MsgKey)} value={value} styles={color ? { content: { color } } : {}} data-testid={`pledges-stat-${key}`} />
              </Card>
            </Col>
          ))}
          <Col span={24}>
            <Card title={chartTitle} data-testid="pledges-chart">
              {option && (
                <Suspense fallback={<Skeleton active />}>
                  <Chart option={option} ariaLabel={chartTitle} height={260} />
                </Suspense>
              )}
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
