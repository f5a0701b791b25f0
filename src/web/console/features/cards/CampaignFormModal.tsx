import { Alert, App, Button, Col, DatePicker, Form, Input, Modal, Radio, Row, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { applyFormIssues, errorText, useApiMutation, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import type { CampaignDetail, CampaignInput, CardChannel, CardOccasion } from '../../types.ts';
import { OrgTreeSelect } from '../../components/common.tsx';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { MembersPicker } from '../../components/learning.tsx';
import { CHANNEL_KEYS, CHANNELS, OCCASION_KEYS, OCCASION_PRESETS, OCCASIONS, suggestedSendDay } from './labels.tsx';
import { chinaToday, chinaTodayString } from '../../china-day.ts';

type Audience = 'mobile' | 'all' | 'list';

interface FormValues {
  orgId: string;
  occasion: CardOccasion;
  title: string;
  greeting: string;
  signature: string;
  sendOn: Dayjs;
  audience: Audience;
  memberIds: string[];
  channel: CardChannel;
}

/** What a caller may fill in before the modal opens (the birthdays page: a custom card for chosen members). */
export interface CampaignPrefill {
  orgId?: string | undefined;
  occasion?: CardOccasion;
  title?: string;
  greeting?: string;
  audience?: Audience;
  members?: { id: string; name: string }[];
}

const FIELDS = ['orgId', 'occasion', 'title', 'greeting', 'signature', 'sendOn', 'audience', 'memberIds', 'channel'] as const;
const AUDIENCE_KEYS: Record<Audience, MsgKey> = { mobile: 'campaign.audience.mobile', all: 'campaign.audience.all', list: 'campaign.audience.list' };

interface Props {
  open: boolean;
  prefill?: CampaignPrefill | null;
  onClose: () => void;
  onCreated: (c: CampaignDetail) => void;
}

/** A new card campaign: occasion presets fill title and greeting (editable), then recipients, channel and the day. */
export function CampaignFormModal({ open, prefill, onClose, onCreated }: Props) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const orgs = useOrgs();
  const [form] = Form.useForm<FormValues>();
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(open, onClose);
  const create = useApiMutation(endpoints.cards.createCampaign, { changes: ['cardCampaigns'] });
  const [failure, setFailure] = useState<string | null>(null);
  const orgId = Form.useWatch('orgId', form);
  const audience = Form.useWatch('audience', form);
  const channel = Form.useWatch('channel', form);
  const greeting = Form.useWatch('greeting', form);
  const signature = Form.useWatch('signature', form);
  const sendOn = Form.useWatch('sendOn', form);
  const orgName = orgs.data?.items.find((o) => o.id === orgId)?.name ?? '';

  const presetTexts = (o: CardOccasion) => ({ title: t(OCCASION_PRESETS[o].title), greeting: t(OCCASION_PRESETS[o].greeting) });

  useEffect(() => {
    if (!open) return;
    setFailure(null);
    form.resetFields();
    const occasion = prefill?.occasion ?? 'spring_festival';
    const texts = presetTexts(occasion);
    const first = prefill?.orgId ?? orgs.data?.items[0]?.id;
    form.setFieldsValue({
      ...(first ? { orgId: first } : {}),
      occasion,
      title: prefill?.title ?? texts.title,
      greeting: prefill?.greeting ?? texts.greeting,
      signature: '',
      sendOn: dayjs(suggestedSendDay(occasion)),
      audience: prefill?.audience ?? 'mobile',
      memberIds: prefill?.members?.map((m) => m.id) ?? [],
      channel: 'ecard',
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- fill the form each time it opens (with the prefill of that moment)
  }, [open]);

  useEffect(() => {
    const first = orgs.data?.items[0]?.id;
    if (open && first && !form.getFieldValue('orgId')) form.setFieldValue('orgId', prefill?.orgId ?? first);
  }, [orgs.data, open, prefill, form]);

  /** A new occasion brings its title, greeting and day; texts the secretary wrote are kept unless they agree to replace them. */
  const changeOccasion = (o: CardOccasion) => {
    const current = { title: (form.getFieldValue('title') as string | undefined) ?? '', greeting: (form.getFieldValue('greeting') as string | undefined) ?? '' };
    const untouched = (field: 'title' | 'greeting') => current[field].trim() === '' || OCCASIONS.some((x) => presetTexts(x)[field] === current[field]);
    const apply = () => form.setFieldsValue({ ...presetTexts(o), sendOn: dayjs(suggestedSendDay(o)) });
    if (untouched('title') && untouched('greeting')) apply();
    else
      modal.confirm({
        title: t('campaign.replaceTextTitle'),
        content: t('campaign.replaceTextBody'),
        okText: t('campaign.replaceText'),
        cancelText: t('campaign.keepText'),
        onOk: apply,
        onCancel: () => form.setFieldValue('sendOn', dayjs(suggestedSendDay(o))),
      });
  };

  const save = async (v: FormValues) => {
    const body: CampaignInput = {
      orgId: v.orgId,
      occasion: v.occasion,
      title: v.title.trim(),
      greeting: v.greeting.trim(),
      ...(v.signature.trim() ? { signature: v.signature.trim() } : {}),
      sendOn: v.sendOn.format('YYYY-MM-DD'),
      audience: v.audience,
      ...(v.audience === 'list' ? { memberIds: v.memberIds ?? [] } : {}),
      channel: v.channel,
    };
    setFailure(null);
    try {
      // withoutAddress: recipients of a posted campaign without an address (they get an e-card only)
      const created: CampaignDetail & { withoutAddress?: number } = await create.mutateAsync(body);
      void message.success(created.sentAt ? t('campaign.createdSent', { n: created.recipients }) : t('campaign.createdPlanned', { n: created.recipients, date: created.sendOn }));
      if (created.withoutAddress) void message.warning(t('campaign.withoutAddress', { n: created.withoutAddress }), 8);
      onCreated(created);
    } catch (e) {
      if (!applyFormIssues(form, e, FIELDS)) setFailure(errorText(e, t('error.generic'), t('error.network')));
    }
  };

  const today = chinaTodayString();
  const sendsNow = sendOn ? sendOn.format('YYYY-MM-DD') <= today : true;
  return (
    <Modal
      title={t('campaign.createTitle')}
      open={open}
      onCancel={requestClose}
      onOk={() => form.submit()}
      okText={sendsNow ? t('campaign.createAndSend') : t('campaign.createPlanned')}
      okButtonProps={{ 'data-testid': 'campaign-save' } as Record<string, string>}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      width={820}
      forceRender
    >
      <Form<FormValues> form={form} layout="vertical" name="campaign" onValuesChange={markChanged} onFinish={(v) => void save(v)} data-testid="campaign-form">
        {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item label={t('campaign.org')} name="orgId" rules={[{ required: true, message: t('common.required') }]} extra={t('campaign.orgHint')}>
              <OrgTreeSelect orgs={orgs.data?.items} allowClear={false} data-testid="campaign-org" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('campaign.occasion')} name="occasion" rules={[{ required: true }]}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                onChange={(e) => changeOccasion(e.target.value as CardOccasion)}
                options={OCCASIONS.map((o) => ({ value: o, label: t(OCCASION_KEYS[o]) }))}
                data-testid="campaign-occasion"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('campaign.title')} name="title" rules={[{ required: true, whitespace: true, message: t('campaign.titleRequired') }]}>
              <Input maxLength={60} showCount data-testid="campaign-title" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('campaign.sendOn')} name="sendOn" rules={[{ required: true, message: t('common.required') }]} extra={sendsNow ? t('campaign.sendNowHint') : t('campaign.sendLaterHint')}>
              <DatePicker style={{ width: '100%' }} allowClear={false} disabledDate={(d) => d.isBefore(chinaToday(), 'day')} data-testid="campaign-send-on" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              label={
                <Space>
                  {t('campaign.greeting')}
                  <Button
                    size="small"
                    type="link"
                    onClick={() => {
                      const o = (form.getFieldValue('occasion') as CardOccasion | undefined) ?? 'custom';
                      form.setFieldsValue(presetTexts(o));
                    }}
                    data-testid="campaign-preset"
                  >
                    {t('campaign.usePreset')}
                  </Button>
                </Space>
              }
              name="greeting"
              rules={[{ required: true, whitespace: true, message: t('campaign.greetingRequired') }]}
            >
              <Input.TextArea maxLength={1000} showCount autoSize={{ minRows: 4, maxRows: 10 }} data-testid="campaign-greeting" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('campaign.signature')} name="signature" extra={t('campaign.signatureHint')}>
              <Input maxLength={60} placeholder={orgName} data-testid="campaign-signature" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('campaign.channel')} name="channel" rules={[{ required: true }]} extra={channel && channel !== 'ecard' ? t('campaign.channelPostHint') : t('campaign.channelEcardHint')}>
              <Radio.Group optionType="button" options={CHANNELS.map((c) => ({ value: c, label: t(CHANNEL_KEYS[c]) }))} data-testid="campaign-channel" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item label={t('campaign.audience')} name="audience" rules={[{ required: true }]}>
              <Radio.Group options={(['mobile', 'all', 'list'] as const).map((a) => ({ value: a, label: t(AUDIENCE_KEYS[a]) }))} data-testid="campaign-audience" />
            </Form.Item>
          </Col>
          {audience === 'list' && (
            <Col span={24}>
              <Form.Item label={t('campaign.members')} name="memberIds" rules={[{ required: true, type: 'array', min: 1, message: t('campaign.membersRequired') }]}>
                <MembersPicker orgId={orgId} initial={prefill?.members} testId="campaign-members" />
              </Form.Item>
            </Col>
          )}
        </Row>
        <Typography.Text type="secondary">{t('campaign.preview')}</Typography.Text>
        <div
          data-testid="campaign-preview"
          style={{ marginTop: 6, padding: '16px 20px', border: '1px solid #f0d5a8', borderRadius: 8, background: 'linear-gradient(180deg,#fff8ee,#fff)', fontFamily: '"Noto Serif CJK SC","Source Han Serif SC","Songti SC","SimSun",serif' }}
        >
          <div style={{ fontWeight: 600, marginBottom: 6 }}>{t('campaign.previewSalutation')}</div>
          {(greeting ?? '')
            .split(/\n+/)
            .filter((p) => p.trim())
            .map((p, i) => (
              <p key={i} style={{ textIndent: '2em', lineHeight: 1.8, margin: 0 }}>
                {p}
              </p>
            ))}
          <div style={{ textAlign: 'end', marginTop: 10 }}>{signature?.trim() || orgName}</div>
          <div style={{ textAlign: 'end', color: '#8c8c8c' }}>{sendOn ? sendOn.format(t('campaign.dateFormat')) : ''}</div>
        </div>
      </Form>
    </Modal>
  );
}
