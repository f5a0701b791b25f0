import { GiftOutlined, LeftOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Empty, Form, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { buildOrgTree, OrgTreeSelect, PageHeader } from '../../components/common.tsx';
import { mondayOf, thisMonday } from './birthdays.ts';
import { CampaignFormModal, type CampaignPrefill } from './CampaignFormModal.tsx';
import { BIRTHDAY_PRESET } from './labels.tsx';
import { endpoints } from '../../api.ts';
import { useApi, useOrgs, useUrlList } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link, navigate } from '../../router.tsx';
import type { Birthday } from '../../types.ts';
import { chinaTodayString } from '../../china-day.ts';

const FILTER_KEYS = ['orgId', 'from'] as const;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** 政治生日: members whose anniversary of joining the party falls in the chosen week; send them a greeting card. */
export function BirthdaysPage() {
  const { t } = useI18n();
  const orgs = useOrgs();
  const { filters, setFilter } = useUrlList('/birthdays', FILTER_KEYS);
  const from = filters.from && DAY_RE.test(filters.from) ? mondayOf(dayjs(filters.from)).format('YYYY-MM-DD') : thisMonday();
  const list = useApi(endpoints.cards.birthdays.at({ orgId: filters.orgId, from, days: 7 }));
  const [selected, setSelected] = useState<string[]>([]);
  const [prefill, setPrefill] = useState<CampaignPrefill | null>(null);
  const today = chinaTodayString();
  const isThisWeek = from === thisMonday();

  const setWeek = (monday: string) => {
    setSelected([]);
    setFilter({ from: monday === thisMonday() ? null : monday });
  };

  // the campaign's unit: the one filtered on, else the top unit the secretary sees (every listed member is inside it)
  const rootOrgId = useMemo(() => buildOrgTree(orgs.data?.items ?? []).find((n) => !n.org.retired)?.org.id, [orgs.data]);
  const greet = (members: Birthday[]) =>
    setPrefill({
      orgId: filters.orgId ?? rootOrgId,
      occasion: 'custom',
      title: t(BIRTHDAY_PRESET.title),
      greeting: t(BIRTHDAY_PRESET.greeting),
      audience: 'list',
      members: members.map((m) => ({ id: m.memberId, name: m.name })),
    });

  const items = list.data?.items ?? [];
  const columns: TableColumnsType<Birthday> = [
    {
      title: t('birthday.day'),
      dataIndex: 'day',
      width: 130,
      render: (_: unknown, b) => (
        <Space size={6}>
          <span>{dayjs(b.day).format('MM-DD ddd')}</span>
          {b.day === today && <Tag color="red">{t('birthday.today')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('birthday.member'),
      dataIndex: 'name',
      width: 120,
      render: (_: unknown, b) => (
        <Link to={`/members/${b.memberId}`} data-testid={`birthday-row-${b.memberId}`}>
          {b.name}
        </Link>
      ),
    },
    {
      title: t('birthday.years'),
      dataIndex: 'years',
      width: 130,
      render: (_: unknown, b) => (
        <Typography.Text strong style={{ color: b.years % 10 === 0 ? '#cf1322' : undefined }}>
          {t('birthday.yearsText', { n: b.years })}
        </Typography.Text>
      ),
    },
    { title: t('birthday.joinDate'), dataIndex: 'joinDate', width: 110 },
    { title: t('birthday.org'), dataIndex: 'orgName', ellipsis: true },
    { title: t('birthday.mobile'), dataIndex: 'mobile', width: 90, render: (_: unknown, b) => (b.mobile ? <Tag color="blue">{t('birthday.mobileTag')}</Tag> : null) },
    { title: t('birthday.phone'), dataIndex: 'phone', width: 130 },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_: unknown, b) => (
        <Button size="small" type="link" icon={<GiftOutlined aria-hidden />} onClick={() => greet([b])} data-testid={`birthday-greet-${b.memberId}`}>
          {t('birthday.sendCard')}
        </Button>
      ),
    },
  ];

  const monday = dayjs(from);
  const sunday = monday.add(6, 'day');
  return (
    <>
      <PageHeader
        title={t('birthday.pageTitle')}
        sub={t('birthday.pageSub')}
        extra={
          <Button
            type="primary"
            icon={<GiftOutlined aria-hidden />}
            disabled={selected.length === 0}
            onClick={() => greet(items.filter((b) => selected.includes(b.memberId)))}
            data-testid="birthday-greet-selected"
          >
            {selected.length > 0 ? t('birthday.sendCardSelectedN', { n: selected.length }) : t('birthday.sendCardSelected')}
          </Button>
        }
      />
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 0 } }}>
        <Form layout="inline" style={{ rowGap: 12 }} name="birthdayFilters" onSubmitCapture={(e) => e.preventDefault()}>
          <Form.Item label={t('birthday.org')} htmlFor="bf-org">
            <OrgTreeSelect
              id="bf-org"
              orgs={orgs.data?.items}
              value={filters.orgId}
              onChange={(v) => {
                setSelected([]);
                setFilter({ orgId: v ?? '' });
              }}
              style={{ width: 200 }}
              placeholder={t('common.all')}
            />
          </Form.Item>
          <Form.Item label={t('birthday.week')}>
            <Space.Compact>
              <Button icon={<LeftOutlined aria-hidden />} aria-label={t('birthday.prevWeek')} onClick={() => setWeek(monday.subtract(7, 'day').format('YYYY-MM-DD'))} data-testid="birthday-prev-week" />
              <DatePicker picker="week" allowClear={false} value={monday} onChange={(d) => d && setWeek(mondayOf(d).format('YYYY-MM-DD'))} format={() => `${monday.format('YYYY-MM-DD')} ~ ${sunday.format('MM-DD')}`} style={{ width: 200 }} data-testid="birthday-week" />
              <Button icon={<RightOutlined aria-hidden />} aria-label={t('birthday.nextWeek')} onClick={() => setWeek(monday.add(7, 'day').format('YYYY-MM-DD'))} data-testid="birthday-next-week" />
            </Space.Compact>
          </Form.Item>
          <Form.Item>
            <Button disabled={isThisWeek} onClick={() => setWeek(thisMonday())}>
              {t('birthday.thisWeek')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      <Card
        styles={{ body: { padding: 0 } }}
        title={list.data ? t('birthday.listTitle', { from: list.data.from, to: list.data.to, n: items.length }) : t('birthday.pageTitle')}
      >
        <div data-testid="birthdays-table">
          <Table<Birthday>
            rowKey="memberId"
            size="middle"
            columns={columns}
            dataSource={items}
            loading={list.loading}
            rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)), getCheckboxProps: (b) => ({ 'aria-label': b.name }) }}
            locale={{ emptyText: <Empty description={list.error ? list.error.message || t('error.generic') : t('birthday.empty')} /> }}
            pagination={false}
            scroll={{ x: 900 }}
          />
        </div>
      </Card>
      <CampaignFormModal
        open={!!prefill}
        prefill={prefill}
        onClose={() => setPrefill(null)}
        onCreated={(c) => {
          setPrefill(null);
          navigate(`/cards/${c.id}`);
        }}
      />
    </>
  );
}
