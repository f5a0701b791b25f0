import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Col, DatePicker, Drawer, Empty, Form, Input, Modal, Radio, Row, Skeleton, Space, Statistic, Table, Tag, Typography, Upload } from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { Ledger, Receipt, Spending } from '../../../../shared/api-donations.ts';
import { formatFen } from '../../../../shared/money.ts';
import { endpoints, uploadFile } from '../../api.ts';
import { MemberPicker } from '../../components/MemberPicker.tsx';
import { chinaToday } from '../../china-day.ts';
import { applyFormIssues, useApi, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';
import { yuanText } from './yuan.ts';

interface ReceiptForm {
  kind: 'money' | 'goods';
  donorMemberId?: string | null;
  donorName?: string;
  showName: boolean;
  amountYuan?: string;
  goods?: string;
  quantity?: string;
  receivedOn: Dayjs;
  receiptNo?: string;
  note?: string;
}

interface SpendingForm {
  kind: 'money' | 'goods';
  amountYuan?: string;
  goods?: string;
  quantity?: string;
  spentOn: Dayjs;
  purpose: string;
  recipient?: string;
}

/** A voided entry's text, struck through. */
const struck = (r: Receipt | Spending, text: string) => (r.voided ? <Typography.Text delete type="secondary">{text}</Typography.Text> : text);

const blank = (s: string | undefined): string | undefined => (s && s.trim() ? s.trim() : undefined);

/** A campaign's ledger: 收入 / 支出 / 结余 always on top, every entry (voided ones marked), a dialog per entry, voiding with a reason, export. */
export function LedgerDrawer({ campaignId, onClose, onChanged }: { campaignId: string | null; onClose: () => void; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const ledger = useApi(campaignId ? endpoints.donations.ledger.at({ id: campaignId }) : null);
  const [dialog, setDialog] = useState<'receipt' | 'spending' | null>(null);
  const [voiding, setVoiding] = useState<{ kind: 'receipt' | 'spending'; id: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [photo, setPhoto] = useState<string | null>(null);
  const [receiptForm] = Form.useForm<ReceiptForm>();
  const [spendingForm] = Form.useForm<SpendingForm>();
  const [voidForm] = Form.useForm<{ reason: string }>();
  const receiptKind = Form.useWatch('kind', receiptForm);
  const spendingKind = Form.useWatch('kind', spendingForm);

  const data = ledger.data;
  const campaign = data?.campaign;
  const yuan = (fen: number) => yuanText(t, fen);
  const updated = (l: Ledger) => {
    ledger.setData(l);
    onChanged();
  };

  const openReceipt = () => {
    receiptForm.resetFields();
    receiptForm.setFieldsValue({ kind: 'money', showName: false, receivedOn: chinaToday() });
    setDialog('receipt');
  };
  const openSpending = () => {
    spendingForm.resetFields();
    spendingForm.setFieldsValue({ kind: 'money', spentOn: chinaToday() });
    setPhoto(null);
    setDialog('spending');
  };

  const saveReceipt = async () => {
    if (!campaignId) return;
    const v = await receiptForm.validateFields();
    setBusy(true);
    try {
      const l = await endpoints.donations.addReceipt(
        { id: campaignId },
        {
          kind: v.kind,
          donorMemberId: v.donorMemberId ?? null,
          donorName: blank(v.donorName),
          showName: !!v.showName,
          ...(v.kind === 'money' ? { amountYuan: (v.amountYuan ?? '').trim() } : { goods: blank(v.goods), quantity: blank(v.quantity) }),
          receivedOn: v.receivedOn.format('YYYY-MM-DD'),
          receiptNo: blank(v.receiptNo),
          note: v.note ?? '',
        },
      );
      void message.success(t('donation.saved'));
      setDialog(null);
      updated(l);
    } catch (e) {
      if (!applyFormIssues(receiptForm, e, ['donorMemberId', 'donorName', 'amountYuan', 'goods', 'quantity', 'receivedOn', 'receiptNo', 'note'])) showError(e);
    } finally {
      setBusy(false);
    }
  };

  const saveSpending = async () => {
    if (!campaignId) return;
    const v = await spendingForm.validateFields();
    setBusy(true);
    try {
      const l = await endpoints.donations.addSpending(
        { id: campaignId },
        {
          kind: v.kind,
          ...(v.kind === 'money' ? { amountYuan: (v.amountYuan ?? '').trim() } : { goods: blank(v.goods), quantity: blank(v.quantity) }),
          spentOn: v.spentOn.format('YYYY-MM-DD'),
          purpose: v.purpose,
          recipient: v.recipient ?? '',
          photoFileId: photo,
        },
      );
      void message.success(t('donation.saved'));
      setDialog(null);
      updated(l);
    } catch (e) {
      if (!applyFormIssues(spendingForm, e, ['amountYuan', 'goods', 'quantity', 'spentOn', 'purpose', 'recipient', 'photoFileId'])) showError(e);
    } finally {
      setBusy(false);
    }
  };

  const saveVoid = async () => {
    if (!voiding) return;
    const v = await voidForm.validateFields();
    setBusy(true);
    try {
      const l = voiding.kind === 'receipt' ? await endpoints.donations.voidReceipt({ id: voiding.id }, { reason: v.reason }) : await endpoints.donations.voidSpending({ id: voiding.id }, { reason: v.reason });
      void message.success(t('donation.voidDone'));
      setVoiding(null);
      updated(l);
    } catch (e) {
      if (!applyFormIssues(voidForm, e, ['reason'])) showError(e);
    } finally {
      setBusy(false);
    }
  };

  const setStatus = async (status: 'open' | 'closed') => {
    if (!campaignId) return;
    try {
      await endpoints.donations.update({ id: campaignId }, { status });
      ledger.reload();
      onChanged();
    } catch (e) {
      showError(e);
    }
  };

  const voidButton = (kind: 'receipt' | 'spending', r: Receipt | Spending) =>
    r.voided ? (
      <Tag color="default">{t('donation.voided', { reason: r.voided.reason })}</Tag>
    ) : (
      <Button
        size="small"
        danger
        onClick={() => {
          voidForm.resetFields();
          setVoiding({ kind, id: r.id });
        }}
        data-testid={`donation-void-${r.id}`}
      >
        {t('donation.void')}
      </Button>
    );
  const amountOrGoods = (r: Receipt | Spending) => (r.kind === 'money' ? yuan(r.amountFen ?? 0) : `${r.goods ?? ''}${r.quantity ? ` × ${r.quantity}` : ''}`);

  const receiptColumns: TableColumnsType<Receipt> = [
    { title: t('donation.receiptNo'), dataIndex: 'receiptNo', width: 100 },
    { title: t('donation.receivedOn'), dataIndex: 'receivedOn', width: 110 },
    {
      title: t('donation.donorName'),
      key: 'donor',
      render: (_: unknown, r) => (
        <Space size={4}>
          {struck(r, r.donorName)}
          <Tag color={r.showName ? 'blue' : 'default'}>{t(r.showName ? 'donation.named' : 'donation.anonymous')}</Tag>
        </Space>
      ),
    },
    { title: t('donation.kind'), key: 'kind', width: 60, render: (_: unknown, r) => t(r.kind === 'money' ? 'donation.kind.money' : 'donation.kind.goods') },
    { title: t('donation.amountYuan'), key: 'amount', width: 160, align: 'right', render: (_: unknown, r) => struck(r, amountOrGoods(r)) },
    { title: '', key: 'actions', width: 160, render: (_: unknown, r) => voidButton('receipt', r) },
  ];
  const spendingColumns: TableColumnsType<Spending> = [
    { title: t('donation.spentOn'), dataIndex: 'spentOn', width: 110 },
    { title: t('donation.spendPurpose'), dataIndex: 'purpose', render: (_: unknown, s) => struck(s, s.purpose) },
    { title: t('donation.recipient'), dataIndex: 'recipient', width: 140 },
    { title: t('donation.amountYuan'), key: 'amount', width: 160, align: 'right', render: (_: unknown, s) => struck(s, amountOrGoods(s)) },
    { title: t('donation.photo'), key: 'photo', width: 80, render: (_: unknown, s) => (s.photo ? <a href={s.photo.url} target="_blank" rel="noreferrer">{t('donation.photo')}</a> : null) },
    { title: '', key: 'actions', width: 160, render: (_: unknown, s) => voidButton('spending', s) },
  ];

  const moneyOrGoods = (kind: 'money' | 'goods' | undefined, entry: 'receipt' | 'spending') =>
    kind === 'goods' ? (
      <>
        <Form.Item name="goods" label={t('donation.goods')} rules={[{ required: true, whitespace: true, message: t('donation.goodsRequired') }, { max: 200 }]}>
          <Input maxLength={200} data-testid={`donation-${entry}-goods`} />
        </Form.Item>
        <Form.Item name="quantity" label={t('donation.quantity')} rules={[{ max: 60 }]}>
          <Input maxLength={60} />
        </Form.Item>
      </>
    ) : (
      <Form.Item name="amountYuan" label={t('donation.amountYuan')} extra={t('donation.amountHint')} rules={[{ required: true, whitespace: true, message: t('donation.amountRequired') }]}>
        <Input inputMode="decimal" maxLength={16} data-testid={`donation-${entry}-amount`} />
      </Form.Item>
    );

  return (
    <Drawer
      open={!!campaignId}
      onClose={onClose}
      size="large"
      width={960}
      title={campaign ? `${campaign.title} · ${t('donation.ledger')}` : t('donation.ledger')}
      extra={
        campaign && (
          <Space>
            <Button icon={<DownloadOutlined aria-hidden />} href={`/api/donations/${campaign.id}/export`} data-testid="donation-export">
              {t('donation.export')}
            </Button>
            <Button onClick={() => void setStatus(campaign.status === 'open' ? 'closed' : 'open')}>{t(campaign.status === 'open' ? 'donation.close' : 'donation.reopen')}</Button>
          </Space>
        )
      }
    >
      {ledger.error && !data && <LoadFailed error={ledger.error} onReload={ledger.reload} testId="donation-ledger-failed" />}
      {campaignId && !ledger.error && !data && <Skeleton active />}
      {campaign && (
        <>
          <Row gutter={16} style={{ marginBottom: 16 }} data-testid="donation-totals">
            <Col span={8}>
              <Statistic title={t('donation.received')} value={formatFen(campaign.totals.receivedFen, { grouped: true })} suffix={t('donation.yuanUnit')} valueStyle={{ fontVariantNumeric: 'tabular-nums' }} data-testid="donation-received" />
            </Col>
            <Col span={8}>
              <Statistic title={t('donation.spent')} value={formatFen(campaign.totals.spentFen, { grouped: true })} suffix={t('donation.yuanUnit')} data-testid="donation-spent" />
            </Col>
            <Col span={8}>
              <Statistic title={t('donation.balance')} value={formatFen(campaign.totals.balanceFen, { grouped: true })} suffix={t('donation.yuanUnit')} valueStyle={{ color: '#cf1322' }} data-testid="donation-balance" />
            </Col>
          </Row>
          {campaign.purpose && <Typography.Paragraph type="secondary">{campaign.purpose}</Typography.Paragraph>}
          <Space style={{ marginBottom: 8 }}>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('donation.receipts')}
            </Typography.Title>
            <Button type="primary" size="small" onClick={openReceipt} disabled={campaign.status !== 'open'} data-testid="donation-add-receipt">
              {t('donation.addReceipt')}
            </Button>
            {campaign.totals.goodsReceived > 0 && <Tag>{t('donation.goodsCount', { n: campaign.totals.goodsReceived })}</Tag>}
          </Space>
          <Table<Receipt> rowKey="id" size="small" columns={receiptColumns} dataSource={data?.receipts ?? []} pagination={false} locale={{ emptyText: <Empty description={t('donation.noEntries')} /> }} data-testid="donation-receipts" style={{ marginBottom: 24 }} />
          <Space style={{ marginBottom: 8 }}>
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('donation.spendings')}
            </Typography.Title>
            <Button type="primary" size="small" onClick={openSpending} disabled={campaign.status !== 'open'} data-testid="donation-add-spending">
              {t('donation.addSpending')}
            </Button>
          </Space>
          <Table<Spending> rowKey="id" size="small" columns={spendingColumns} dataSource={data?.spendings ?? []} pagination={false} locale={{ emptyText: <Empty description={t('donation.noEntries')} /> }} data-testid="donation-spendings" />
        </>
      )}
      <Modal open={dialog === 'receipt'} title={t('donation.receiptTitle')} onCancel={() => setDialog(null)} onOk={() => void saveReceipt()} confirmLoading={busy} destroyOnHidden forceRender okButtonProps={{ 'data-testid': 'donation-receipt-ok' } as ButtonProps}>
        <Form form={receiptForm} layout="vertical" name="donationReceipt">
          <Form.Item name="kind" label={t('donation.kind')}>
            <Radio.Group optionType="button" options={[{ value: 'money', label: t('donation.kind.money') }, { value: 'goods', label: t('donation.kind.goods') }]} />
          </Form.Item>
          <Form.Item name="donorMemberId" label={t('donation.donorMember')} extra={t('donation.donorMemberHint')}>
            <MemberPicker orgId={campaign?.orgId} placeholder={t('donation.donorMemberPlaceholder')} aria-label={t('donation.donorMember')} />
          </Form.Item>
          <Form.Item
            name="donorName"
            label={t('donation.donorName')}
            extra={t('donation.donorHint')}
            dependencies={['donorMemberId']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_: unknown, v: string | undefined) => (getFieldValue('donorMemberId') || (v && v.trim()) ? Promise.resolve() : Promise.reject(new Error(t('donation.donorRequired')))),
              }),
              { max: 60 },
            ]}
          >
            <Input maxLength={60} data-testid="donation-donor" />
          </Form.Item>
          <Form.Item name="showName" valuePropName="checked" extra={t('donation.showNameHint')}>
            <Checkbox data-testid="donation-show-name">{t('donation.showName')}</Checkbox>
          </Form.Item>
          {moneyOrGoods(receiptKind, 'receipt')}
          <Space size="large">
            <Form.Item name="receivedOn" label={t('donation.receivedOn')} rules={[{ required: true }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="receiptNo" label={t('donation.receiptNo')} extra={t('donation.receiptNoHint')} rules={[{ max: 40 }]}>
              <Input maxLength={40} />
            </Form.Item>
          </Space>
          <Form.Item name="note" label={t('donation.note')} rules={[{ max: 500 }]}>
            <Input maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={dialog === 'spending'} title={t('donation.spendingTitle')} onCancel={() => setDialog(null)} onOk={() => void saveSpending()} confirmLoading={busy} destroyOnHidden forceRender okButtonProps={{ 'data-testid': 'donation-spending-ok' } as ButtonProps}>
        <Form form={spendingForm} layout="vertical" name="donationSpending">
          <Form.Item name="kind" label={t('donation.kind')}>
            <Radio.Group optionType="button" options={[{ value: 'money', label: t('donation.kind.money') }, { value: 'goods', label: t('donation.kind.goods') }]} />
          </Form.Item>
          {moneyOrGoods(spendingKind, 'spending')}
          <Form.Item name="spentOn" label={t('donation.spentOn')} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="purpose" label={t('donation.spendPurpose')} rules={[{ required: true, whitespace: true, message: t('donation.purposeRequired') }, { max: 500 }]}>
            <Input maxLength={500} data-testid="donation-purpose" />
          </Form.Item>
          <Form.Item name="recipient" label={t('donation.recipient')} rules={[{ max: 120 }]}>
            <Input maxLength={120} />
          </Form.Item>
          <Form.Item label={t('donation.photo')}>
            <Upload
              accept="image/*"
              maxCount={1}
              showUploadList={false}
              customRequest={({ file, onSuccess, onError }) => {
                uploadFile<{ id: string }>('/api/files?purpose=service', file as File, () => undefined)
                  .then((f) => {
                    setPhoto(f.id);
                    onSuccess?.(f);
                  })
                  .catch((e: unknown) => {
                    showError(e);
                    onError?.(e as Error);
                  });
              }}
            >
              <Button icon={<UploadOutlined aria-hidden />}>{photo ? t('donation.photoUploaded') : t('donation.photoUpload')}</Button>
            </Upload>
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={!!voiding} title={t('donation.voidTitle')} onCancel={() => setVoiding(null)} onOk={() => void saveVoid()} confirmLoading={busy} destroyOnHidden forceRender okButtonProps={{ danger: true, 'data-testid': 'donation-void-ok' } as ButtonProps}>
        <Typography.Paragraph type="secondary">{t('donation.voidHint')}</Typography.Paragraph>
        <Form form={voidForm} layout="vertical" name="donationVoid">
          <Form.Item name="reason" label={t('donation.voidReason')} rules={[{ required: true, whitespace: true, message: t('donation.voidReasonRequired') }, { max: 200 }]}>
            <Input maxLength={200} data-testid="donation-void-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </Drawer>
  );
}
