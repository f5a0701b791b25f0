import { LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Drawer, Empty, Form, Input, InputNumber, List, Modal, Select, Skeleton, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { DutyShift, Roster } from '../../../../shared/api-duty.ts';
import { addDays, chinaDateTime, chinaDay, mondayOf } from '../../../../shared/china-time.ts';
import { endpoints } from '../../api.ts';
import { chinaToday, chinaTodayString } from '../../china-day.ts';
import { FilterBar, OrgFilter, OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { applyFormIssues, useApi, useOrgs, useShowError, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';

const FILTER_KEYS = ['orgId', 'roster', 'week'] as const;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
/** HH:mm of an instant in China. */
const time = (iso: string) => chinaDateTime(new Date(iso)).slice(11, 16);

interface RosterForm {
  orgId: string;
  title: string;
  place?: string;
  note?: string;
}
interface ShiftForm {
  day: Dayjs;
  start: string;
  end: string;
  place?: string;
  capacity: number;
}

/** 值守排班: the rosters of the secretary's units; a roster's week of shifts with names, swaps and who served. */
export function DutyPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const orgs = useOrgs();
  const { filters, setFilter, setQuery } = useUrlList('/duty', FILTER_KEYS);
  const list = useApi(endpoints.duty.rosters.at(filters.orgId ? { orgId: filters.orgId } : {}));
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<RosterForm>();

  const create = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const r = await endpoints.duty.createRoster({ orgId: v.orgId, title: v.title, place: v.place ?? '', note: v.note ?? '' });
      void message.success(t('duty.created'));
      setCreating(false);
      list.reload();
      setFilter({ roster: r.id });
    } catch (e) {
      if (!applyFormIssues(form, e, ['orgId', 'title', 'place', 'note'])) showError(e);
    } finally {
      setBusy(false);
    }
  };

  const columns: TableColumnsType<Roster> = [
    { title: t('duty.title'), dataIndex: 'title', render: (_: unknown, r) => <a onClick={() => setFilter({ roster: r.id })}>{r.title}</a> },
    { title: t('duty.org'), dataIndex: 'orgName', width: 160 },
    { title: t('duty.place'), dataIndex: 'place', width: 160 },
    { title: t('duty.upcoming'), dataIndex: 'upcomingShifts', width: 120, align: 'right' },
    {
      title: '',
      key: 'actions',
      width: 100,
      render: (_: unknown, r) => (
        <Button size="small" onClick={() => setFilter({ roster: r.id })} data-testid={`duty-open-${r.id}`}>
          {t('duty.open')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('duty.pageTitle')}
        sub={t('duty.pageSub')}
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined aria-hidden />}
            onClick={() => {
              form.setFieldsValue({ orgId: filters.orgId ?? orgs.data?.items[0]?.id, title: '', place: '', note: '' });
              setCreating(true);
            }}
            data-testid="duty-new"
          >
            {t('duty.create')}
          </Button>
        }
      />
      <FilterBar name="dutyFilters" hasFilters={!!filters.orgId} onReset={() => setQuery({})}>
        <OrgFilter id="duf-org" label={t('duty.org')} value={filters.orgId} onChange={(v) => setFilter({ orgId: v })} />
      </FilterBar>
      {list.error && !list.data ? (
        <LoadFailed error={list.error} onReload={list.reload} testId="duty-rosters-failed" />
      ) : (
        <Card styles={{ body: { padding: 0 } }}>
          <Table<Roster> rowKey="id" size="middle" columns={columns} dataSource={list.data?.items ?? []} loading={list.loading} pagination={false} locale={{ emptyText: <Empty description={t('duty.empty')} /> }} data-testid="duty-rosters" />
        </Card>
      )}
      <Modal open={creating} title={t('duty.createTitle')} onCancel={() => setCreating(false)} onOk={() => void create()} confirmLoading={busy} destroyOnHidden forceRender>
        <Form form={form} layout="vertical" name="dutyRoster">
          <Form.Item name="orgId" label={t('duty.org')} rules={[{ required: true, message: t('duty.orgRequired') }]}>
            <OrgTreeSelect orgs={orgs.data?.items} />
          </Form.Item>
          <Form.Item name="title" label={t('duty.title')} rules={[{ required: true, whitespace: true, message: t('duty.titleRequired') }, { max: 120 }]}>
            <Input maxLength={120} />
          </Form.Item>
          <Form.Item name="place" label={t('duty.place')} rules={[{ max: 120 }]}>
            <Input maxLength={120} />
          </Form.Item>
          <Form.Item name="note" label={t('duty.note')} rules={[{ max: 1000 }]}>
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
      <RosterDrawer
        rosterId={filters.roster ?? null}
        week={filters.week ?? mondayOf(chinaTodayString())}
        onWeek={(week) => setFilter({ roster: filters.roster, week }, { replace: true })}
        onClose={() => setFilter({ roster: undefined, week: undefined })}
        onChanged={() => list.reload()}
      />
    </>
  );
}

function RosterDrawer({ rosterId, week, onWeek, onClose, onChanged }: { rosterId: string | null; week: string; onWeek: (w: string) => void; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const data = useApi(rosterId ? endpoints.duty.week.at({ id: rosterId }, { week }) : null);
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<ShiftForm>();
  const nowIso = new Date().toISOString();

  const addShift = async () => {
    if (!rosterId) return;
    const v = await form.validateFields();
    setBusy(true);
    try {
      await endpoints.duty.addShift({ id: rosterId }, { day: v.day.format('YYYY-MM-DD'), start: v.start, end: v.end, place: v.place ?? '', capacity: v.capacity });
      void message.success(t('duty.shiftAdded'));
      setAdding(false);
      data.reload();
      onChanged();
    } catch (e) {
      if (!applyFormIssues(form, e, ['day', 'start', 'end', 'place', 'capacity'])) showError(e);
    } finally {
      setBusy(false);
    }
  };
  const mark = async (assignmentId: string, served: 'served' | 'absent' | null) => {
    try {
      await endpoints.duty.markServed({ id: assignmentId }, { served });
      void message.success(t('duty.marked'));
      data.reload();
    } catch (e) {
      showError(e);
    }
  };

  const byDay = new Map<string, DutyShift[]>();
  for (const s of data.data?.shifts ?? []) {
    const day = chinaDay(new Date(s.startsAt));
    byDay.set(day, [...(byDay.get(day) ?? []), s]);
  }
  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));

  return (
    <Drawer
      open={!!rosterId}
      onClose={onClose}
      width={900}
      title={data.data ? `${data.data.roster.title}${data.data.roster.place ? ` · ${data.data.roster.place}` : ''}` : t('duty.open')}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined aria-hidden />}
          onClick={() => {
            form.setFieldsValue({ day: chinaToday().add(1, 'day'), start: '08:00', end: '12:00', place: '', capacity: 2 });
            setAdding(true);
          }}
          data-testid="duty-add-shift"
        >
          {t('duty.addShift')}
        </Button>
      }
    >
      <Space style={{ marginBottom: 16 }}>
        <Button icon={<LeftOutlined aria-hidden />} onClick={() => onWeek(addDays(week, -7))}>
          {t('duty.prevWeek')}
        </Button>
        <Typography.Text strong>{t('duty.week', { from: week, to: addDays(week, 6) })}</Typography.Text>
        <Button onClick={() => onWeek(addDays(week, 7))}>
          {t('duty.nextWeek')} <RightOutlined aria-hidden />
        </Button>
        <Button onClick={() => onWeek(mondayOf(chinaTodayString()))}>{t('duty.thisWeek')}</Button>
      </Space>
      {data.error && !data.data ? (
        <LoadFailed error={data.error} onReload={data.reload} testId="duty-week-failed" />
      ) : !data.data ? (
        <Skeleton active />
      ) : (
        data.data.shifts.length === 0 && <Empty description={t('duty.noShifts')} />
      )}
      {days
        .filter((d) => byDay.has(d))
        .map((d) => (
          <Card key={d} size="small" title={d} style={{ marginBottom: 12 }} data-testid={`duty-day-${d}`}>
            <List
              dataSource={byDay.get(d) ?? []}
              renderItem={(s) => (
                <List.Item>
                  <div style={{ width: '100%' }}>
                    <Space style={{ marginBottom: 4 }}>
                      <Typography.Text strong>
                        {time(s.startsAt)}–{time(s.endsAt)}
                      </Typography.Text>
                      {s.place && <Typography.Text type="secondary">{s.place}</Typography.Text>}
                      <Tag color={s.assignments.length >= s.capacity ? 'green' : 'orange'}>{t('duty.taken', { n: s.assignments.length, capacity: s.capacity })}</Tag>
                    </Space>
                    {s.assignments.length === 0 && <div><Typography.Text type="secondary">{t('duty.nobody')}</Typography.Text></div>}
                    {s.assignments.map((a) => (
                      <Space key={a.id} style={{ display: 'flex', marginTop: 4 }} wrap>
                        <span>{a.name}</span>
                        {a.swap && <Tag color="purple">{`${t('duty.swapAsked')} · ${a.swap.toName ? t('duty.swapTo', { name: a.swap.toName }) : t('duty.swapAnyone')}`}</Tag>}
                        {s.startsAt <= nowIso && (
                          <Select
                            size="small"
                            style={{ width: 110 }}
                            value={a.served ?? 'none'}
                            onChange={(v: string) => void mark(a.id, v === 'none' ? null : (v as 'served' | 'absent'))}
                            options={[
                              { value: 'none', label: t('duty.unmarked') },
                              { value: 'served', label: t('duty.served') },
                              { value: 'absent', label: t('duty.absent') },
                            ]}
                          />
                        )}
                      </Space>
                    ))}
                  </div>
                </List.Item>
              )}
            />
          </Card>
        ))}
      <Modal open={adding} title={t('duty.shiftTitle')} onCancel={() => setAdding(false)} onOk={() => void addShift()} confirmLoading={busy} destroyOnHidden forceRender>
        <Form form={form} layout="vertical" name="dutyShift">
          <Form.Item name="day" label={t('duty.day')} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Space size="large">
            <Form.Item name="start" label={t('duty.start')} rules={[{ required: true, pattern: TIME, message: t('duty.timeRequired') }]}>
              <Input placeholder="08:00" maxLength={5} style={{ width: 100 }} />
            </Form.Item>
            <Form.Item name="end" label={t('duty.end')} rules={[{ required: true, pattern: TIME, message: t('duty.timeRequired') }]}>
              <Input placeholder="12:00" maxLength={5} style={{ width: 100 }} />
            </Form.Item>
            <Form.Item name="capacity" label={t('duty.capacity')} rules={[{ required: true }]}>
              <InputNumber min={1} max={100} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item name="place" label={t('duty.place')} rules={[{ max: 120 }]}>
            <Input maxLength={120} />
          </Form.Item>
        </Form>
      </Modal>
    </Drawer>
  );
}
