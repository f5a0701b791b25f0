import { ArrowLeftOutlined, CheckCircleOutlined, DeleteOutlined, EditOutlined, PrinterOutlined, RollbackOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Form, Input, Modal, Popconfirm, Radio, Result, Row, Skeleton, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState, type ReactNode } from 'react';
import { endpoints } from '../../api.ts';
import { PageHeader } from '../../components/common.tsx';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { CHANNEL_KEYS, CHANNELS, ChannelTag, OccasionTag, POST_STATUS_KEYS, PostStatusTag, isPosted, openPrint } from './labels.tsx';
import { applyFormIssues, useApi, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import { Link, navigate } from '../../router.tsx';
import type { CardChannel, CardPatch, CardPostStatus, CardRow, CardsBulkPatch } from '../../types.ts';

type Mark = 'posted' | 'delivered' | 'returned';
const MARKS: { status: Mark; key: MsgKey; icon: ReactNode }[] = [
  { status: 'posted', key: 'card.markPosted', icon: <SendOutlined aria-hidden /> },
  { status: 'delivered', key: 'card.markDelivered', icon: <CheckCircleOutlined aria-hidden /> },
  { status: 'returned', key: 'card.markReturned', icon: <RollbackOutlined aria-hidden /> },
];

/** One campaign: its counts, the greeting, every card with its channel, address and post status; prints. */
export function CampaignPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const res = useApi(endpoints.cards.campaign.at({ id }));
  const [selected, setSelected] = useState<string[]>([]);
  const [marking, setMarking] = useState<{ card: CardRow; status: Mark } | null>(null);
  const [editing, setEditing] = useState<CardRow | null>(null);
  const markCards = useApiMutation((body: CardsBulkPatch) => endpoints.cards.updateCards({ id }, body), { changes: ['cardCampaigns'] });
  const c = res.data;

  if (res.error && !c)
    return (
      <Result
        status={res.error.status === 404 ? '404' : res.error.status === 403 ? '403' : 'error'}
        title={res.error.status === 404 ? t('campaign.notFound') : res.error.message || t('error.generic')}
        extra={<Button onClick={() => navigate('/cards')}>{t('campaign.backToList')}</Button>}
      />
    );
  if (!c) return <Skeleton active />;

  const postCards = c.cards.filter((x) => isPosted(x.channel));
  const pending = postCards.filter((x) => x.postStatus === 'pending').length;

  const bulk = async (status: Mark) => {
    try {
      const r = await markCards.mutateAsync({ cardIds: selected, postStatus: status });
      void message.success(t('card.bulkDone', { n: r.updated }));
      setSelected([]);
    } catch (e) {
      showError(e);
    }
  };

  const remove = async () => {
    try {
      await endpoints.cards.removeCampaign({ id: c.id });
      void message.success(t('campaign.deleted'));
      navigate('/cards');
    } catch (e) {
      showError(e);
    }
  };

  const columns: TableColumnsType<CardRow> = [
    {
      title: t('card.member'),
      dataIndex: 'memberName',
      width: 130,
      sorter: (a, b) => a.memberName.localeCompare(b.memberName, 'zh-CN'),
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/members/${r.memberId}`}>{r.memberName}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.phone}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('card.org'), dataIndex: 'orgName', width: 130, ellipsis: true },
    {
      title: t('card.channel'),
      dataIndex: 'channel',
      width: 100,
      filters: CHANNELS.map((ch) => ({ text: t(CHANNEL_KEYS[ch]), value: ch })),
      onFilter: (v, r) => r.channel === v,
      render: (_: unknown, r) => <ChannelTag channel={r.channel} />,
    },
    {
      title: t('card.address'),
      dataIndex: 'address',
      render: (_: unknown, r) => (r.address ? r.address : isPosted(r.channel) ? <Typography.Text type="danger">{t('card.noAddress')}</Typography.Text> : <Typography.Text type="secondary">—</Typography.Text>),
    },
    {
      title: t('card.postStatus'),
      dataIndex: 'postStatus',
      width: 150,
      filters: (['pending', 'posted', 'delivered', 'returned'] as CardPostStatus[]).map((s) => ({ text: t(POST_STATUS_KEYS[s]), value: s })),
      onFilter: (v, r) => r.postStatus === v,
      render: (_: unknown, r) =>
        isPosted(r.channel) ? (
          <Space orientation="vertical" size={0}>
            <span data-testid={`card-status-${r.id}`}>
              <PostStatusTag status={r.postStatus} />
            </span>
            {r.postNote && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: r.postNote }}>
                {r.postNote}
              </Typography.Text>
            )}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: t('card.opened'),
      dataIndex: 'openedAt',
      width: 120,
      render: (_: unknown, r) =>
        r.channel === 'post' ? (
          <Typography.Text type="secondary">—</Typography.Text>
        ) : r.openedAt ? (
          <Tooltip title={dayjs(r.openedAt).format('YYYY-MM-DD HH:mm')}>
            <Tag color="green" style={{ marginInlineEnd: 0 }}>
              {t('card.openedYes')}
            </Tag>
          </Tooltip>
        ) : r.sentAt ? (
          <Tag style={{ marginInlineEnd: 0 }}>{t('card.openedNo')}</Tag>
        ) : (
          <Typography.Text type="secondary">{t('card.notSent')}</Typography.Text>
        ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 260,
      fixed: 'right',
      render: (_: unknown, r) => (
        <Space size={0} wrap>
          {(r.postStatus === 'none' || r.postStatus === 'pending') && (
            <Button size="small" type="link" icon={<EditOutlined aria-hidden />} onClick={() => setEditing(r)} data-testid={`card-edit-${r.id}`}>
              {t('card.editAddress')}
            </Button>
          )}
          {isPosted(r.channel) &&
            MARKS.filter((m) => m.status !== r.postStatus).map((m) => (
              <Button key={m.status} size="small" type="link" danger={m.status === 'returned'} icon={m.icon} onClick={() => setMarking({ card: r, status: m.status })} data-testid={`card-mark-${m.status}-${r.id}`}>
                {t(m.key)}
              </Button>
            ))}
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={
          <Space wrap>
            <Button type="text" icon={<ArrowLeftOutlined aria-hidden />} aria-label={t('campaign.backToList')} onClick={() => navigate('/cards')} />
            <span data-testid="campaign-title">{c.title}</span>
            <OccasionTag occasion={c.occasion} />
            {c.sentAt ? <Tag color="green">{t('campaign.sentAt', { at: dayjs(c.sentAt).format('YYYY-MM-DD HH:mm') })}</Tag> : <Tag color="blue">{t('campaign.plannedFor', { date: c.sendOn })}</Tag>}
          </Space>
        }
        sub={c.orgName}
        extra={
          <>
            <Button icon={<PrinterOutlined aria-hidden />} disabled={postCards.length === 0} onClick={() => openPrint(`/print/labels?campaignId=${encodeURIComponent(c.id)}`)} data-testid="print-labels">
              {t('campaign.printLabels')}
            </Button>
            <Button icon={<PrinterOutlined aria-hidden />} onClick={() => openPrint(`/print/cards?campaignId=${encodeURIComponent(c.id)}`)} data-testid="print-cards">
              {t('campaign.printCards')}
            </Button>
            {!c.sentAt && (
              <Popconfirm title={t('campaign.deleteConfirm')} okText={t('common.delete')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={remove}>
                <Button danger icon={<DeleteOutlined aria-hidden />} data-testid="campaign-delete">
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            )}
          </>
        }
      />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {(
          [
            ['recipients', c.recipients, undefined],
            ['opened', c.opened, '#389e0d'],
            ['pending', pending, '#d48806'],
            ['posted', c.posted, '#0958d9'],
            ['delivered', c.delivered, '#389e0d'],
            ['returned', c.returned, '#cf1322'],
          ] as const
        ).map(([k, v, color]) => (
          <Col key={k} xs={12} md={8} xl={4}>
            <Card size="small" data-testid={`campaign-count-${k}`}>
              <Statistic title={t(`campaign.count.${k}`)} value={v} styles={{ content: color && v ? { color } : {} }} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card title={t('campaign.greeting')} size="small" style={{ marginBottom: 16 }}>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 4 }}>{c.greeting}</Typography.Paragraph>
        <Typography.Text type="secondary">— {c.signature}</Typography.Text>
      </Card>
      <Card
        title={t('campaign.cardsN', { n: c.cards.length })}
        styles={{ body: { padding: 0 } }}
        extra={
          <Space wrap>
            <Typography.Text type="secondary">{selected.length > 0 ? t('card.selectedN', { n: selected.length }) : t('card.selectHint')}</Typography.Text>
            {MARKS.map((m) => (
              <Popconfirm
                key={m.status}
                title={t('card.bulkConfirm', { n: selected.length, status: t(POST_STATUS_KEYS[m.status]) })}
                okText={t('common.confirm')}
                cancelText={t('common.cancel')}
                onConfirm={() => bulk(m.status)}
                disabled={selected.length === 0}
              >
                <Button size="small" icon={m.icon} disabled={selected.length === 0} loading={markCards.isPending} danger={m.status === 'returned'} data-testid={`cards-bulk-${m.status}`}>
                  {t(m.key)}
                </Button>
              </Popconfirm>
            ))}
          </Space>
        }
      >
        {res.error && <Alert type="error" showIcon title={res.error.message || t('error.generic')} style={{ margin: 12 }} />}
        <div data-testid="cards-table">
          <Table<CardRow>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={c.cards}
            loading={res.loading}
            rowSelection={{
              selectedRowKeys: selected,
              onChange: (keys) => setSelected(keys.map(String)),
              // only posted cards have a post status to mark
              getCheckboxProps: (r) => ({ disabled: !isPosted(r.channel), 'aria-label': r.memberName }),
            }}
            locale={{ emptyText: <Empty description={t('campaign.noCards')} /> }}
            pagination={{ defaultPageSize: 50, showSizeChanger: true, pageSizeOptions: [50, 100, 200], showTotal: (n) => t('common.totalItems', { n }) }}
            scroll={{ x: 1100 }}
          />
        </div>
      </Card>
      <MarkModal
        target={marking}
        onClose={() => setMarking(null)}
        onDone={() => {
          setMarking(null);
          res.reload();
        }}
      />
      <EditCardModal
        card={editing}
        onClose={() => setEditing(null)}
        onDone={() => {
          setEditing(null);
          res.reload();
        }}
      />
    </>
  );
}

/** Marks one card posted, delivered or returned, with an optional note (the reason a card came back). */
function MarkModal({ target, onClose, onDone }: { target: { card: CardRow; status: Mark } | null; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [note, setNote] = useState('');
  const mark = useApiMutation(({ cardId, body }: { cardId: string; body: CardPatch }) => endpoints.cards.updateCard({ id: cardId }, body), { changes: ['cardCampaigns'] });
  const { requestClose } = useDiscardGuard(
    target,
    () => {
      setNote('');
      onClose();
    },
    () => note.trim() !== '',
  );
  const status = target?.status;
  const title = target && status ? t('card.markTitle', { name: target.card.memberName, status: t(POST_STATUS_KEYS[status]) }) : '';
  const submit = async () => {
    if (!target) return;
    try {
      await mark.mutateAsync({ cardId: target.card.id, body: { postStatus: target.status, ...(note.trim() ? { postNote: note.trim() } : {}) } });
      void message.success(t('card.marked'));
      setNote('');
      onDone();
    } catch (e) {
      showError(e);
    }
  };
  return (
    <Modal
      title={title}
      open={!!target}
      onCancel={requestClose}
      onOk={() => void submit()}
      okText={t('common.confirm')}
      okButtonProps={{ 'data-testid': 'card-mark-save' } as Record<string, string>}
      cancelText={t('common.cancel')}
      confirmLoading={mark.isPending}
      destroyOnHidden
    >
      {target && (
        <Form layout="vertical">
          <Form.Item label={t('card.address')}>
            <Typography.Text>{target.card.address ?? '—'}</Typography.Text>
          </Form.Item>
          <Form.Item label={status === 'returned' ? t('card.returnNote') : t('card.postNote')} htmlFor="card-note">
            <Input.TextArea
              id="card-note"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              maxLength={200}
              showCount
              autoSize={{ minRows: 2, maxRows: 4 }}
              placeholder={status === 'returned' ? t('card.returnNotePlaceholder') : t('card.postNotePlaceholder')}
              data-testid="card-note"
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

interface EditForm {
  channel: CardChannel;
  address: string;
}

/** Changes a card's channel and address before it is posted. */
function EditCardModal({ card, onClose, onDone }: { card: CardRow | null; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<EditForm>();
  const change = useApiMutation(({ cardId, body }: { cardId: string; body: CardPatch }) => endpoints.cards.updateCard({ id: cardId }, body), { changes: ['cardCampaigns'] });
  const channel = Form.useWatch('channel', form);
  const submit = async () => {
    if (!card) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      const address = v.address.trim();
      await change.mutateAsync({ cardId: card.id, body: { channel: v.channel, address: address ? address : null } });
      void message.success(t('common.saved'));
      onDone();
    } catch (e) {
      if (!applyFormIssues(form, e, ['channel', 'address'])) showError(e);
    }
  };
  return (
    <Modal
      title={card ? t('card.editTitle', { name: card.memberName }) : ''}
      open={!!card}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'card-edit-save' } as Record<string, string>}
      cancelText={t('common.cancel')}
      confirmLoading={change.isPending}
      destroyOnHidden
    >
      {card && (
        <Form<EditForm> form={form} layout="vertical" name="cardEdit" initialValues={{ channel: card.channel, address: card.address ?? '' }}>
          <Form.Item label={t('card.channel')} name="channel" rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={CHANNELS.map((ch) => ({ value: ch, label: t(CHANNEL_KEYS[ch]) }))} data-testid="card-edit-channel" />
          </Form.Item>
          <Form.Item
            label={t('card.address')}
            name="address"
            extra={t('card.addressHint')}
            rules={[
              { min: 4, message: t('card.addressShort') },
              { required: channel !== undefined && channel !== 'ecard', whitespace: true, message: t('card.addressRequired') },
            ]}
          >
            <Input.TextArea maxLength={200} autoSize={{ minRows: 2, maxRows: 4 }} data-testid="card-edit-address" />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
