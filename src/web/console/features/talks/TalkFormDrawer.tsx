import { Alert, App, Button, Col, Divider, Drawer, Form, Input, Radio, Row, Space, Switch, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { applyFormIssues, errorText, useApiMutation } from '../../hooks.ts';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { DayPicker } from '../../components/DayPicker.tsx';
import { useI18n } from '../../i18n.tsx';
import type { Talk, TalkChannel, TalkInput } from '../../types.ts';
import { TALK_CHANNELS, TALK_CHANNEL_KEYS, useIsPhone } from '../care/labels.tsx';
import { chinaToday } from '../../china-day.ts';

interface FormValues {
  talkedOn: Dayjs;
  channel: TalkChannel;
  summary: string;
  work?: string;
  family?: string;
  health?: string;
  thoughts?: string;
  concerns?: string;
  followUpNeeded: boolean;
  followUpNote?: string;
  followUpDue?: Dayjs;
}

const FIELDS = ['talkedOn', 'channel', 'summary', 'work', 'family', 'health', 'thoughts', 'concerns', 'followUpNeeded', 'followUpNote', 'followUpDue'] as const;
const SITUATION = ['work', 'family', 'health', 'thoughts'] as const;
const blank = (v: string | undefined): string | null => (v && v.trim() ? v.trim() : null);

interface Props {
  open: boolean;
  /** the member talked with */
  member: { id: string; name: string } | null;
  onClose: () => void;
  onSaved: (talk: Talk) => void;
}

/** Records a heart-to-heart talk (谈心谈话): when, how, what was said, the member's situation, and whether someone must follow up. */
export function TalkFormDrawer({ open, member, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const phone = useIsPhone();
  const [form] = Form.useForm<FormValues>();
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(open, onClose);
  // a talk may open a follow-up task and moves the mentoring overview: the talks area says so (query/keys.ts)
  const record = useApiMutation(endpoints.talks.record, { changes: ['talks'] });
  const [failure, setFailure] = useState<string | null>(null);
  const followUp = Form.useWatch('followUpNeeded', form);

  useEffect(() => {
    if (!open) return;
    setFailure(null);
    form.resetFields();
    form.setFieldsValue({ talkedOn: chinaToday(), channel: 'phone', followUpNeeded: false, followUpDue: chinaToday().add(7, 'day') });
  }, [open, member?.id, form]);

  const save = async (v: FormValues) => {
    if (!member) return;
    const body: TalkInput = {
      memberId: member.id,
      talkedOn: v.talkedOn.format('YYYY-MM-DD'),
      channel: v.channel,
      summary: v.summary.trim(),
      work: blank(v.work),
      family: blank(v.family),
      health: blank(v.health),
      thoughts: blank(v.thoughts),
      concerns: blank(v.concerns),
      followUpNeeded: !!v.followUpNeeded,
      ...(v.followUpNeeded ? { followUpNote: blank(v.followUpNote), ...(v.followUpDue ? { followUpDue: v.followUpDue.format('YYYY-MM-DD') } : {}) } : {}),
    };
    setFailure(null);
    try {
      const talk = await record.mutateAsync(body);
      void message.success(talk.followUpTaskId ? t('talk.savedWithTask') : t('talk.saved'));
      onSaved(talk);
    } catch (e) {
      if (!applyFormIssues(form, e, FIELDS)) setFailure(errorText(e, t('error.generic'), t('error.network')));
    }
  };

  return (
    <Drawer
      open={open}
      size={phone ? '100%' : 600}
      title={member ? t('talk.formTitle', { name: member.name }) : t('talk.record')}
      onClose={requestClose}
      forceRender
      extra={
        <Space>
          {!phone && <Button onClick={requestClose}>{t('common.cancel')}</Button>}
          <Button type="primary" loading={record.isPending} onClick={() => form.submit()} data-testid="talk-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <div data-testid="talk-form">
        <Form<FormValues> form={form} layout="vertical" name="talk" onValuesChange={markChanged} onFinish={(v) => void save(v)}>
          {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
          <Row gutter={16}>
            <Col xs={24} sm={10}>
              <Form.Item label={t('talk.talkedOn')} name="talkedOn" rules={[{ required: true, message: t('common.required') }]}>
                <DayPicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(chinaToday(), 'day')} data-testid="talk-date" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={14}>
              <Form.Item label={t('talk.channel')} name="channel" rules={[{ required: true, message: t('common.required') }]}>
                <Radio.Group optionType="button" data-testid="talk-channel">
                  {TALK_CHANNELS.map((c) => (
                    <Radio.Button key={c} value={c}>
                      <span data-testid={`talk-channel-${c}`}>{t(TALK_CHANNEL_KEYS[c])}</span>
                    </Radio.Button>
                  ))}
                </Radio.Group>
              </Form.Item>
            </Col>
          </Row>
          <Form.Item label={t('talk.summary')} name="summary" rules={[{ required: true, whitespace: true, message: t('talk.summaryRequired') }]}>
            <Input.TextArea maxLength={2000} showCount autoSize={{ minRows: 3, maxRows: 8 }} placeholder={t('talk.summaryPlaceholder')} data-testid="talk-summary" />
          </Form.Item>
          <Divider titlePlacement="start" plain>
            {t('talk.situation')}
          </Divider>
          <Row gutter={16}>
            {SITUATION.map((f) => (
              <Col xs={24} md={12} key={f}>
                <Form.Item label={t(`talk.${f}`)} name={f}>
                  <Input.TextArea maxLength={500} autoSize={{ minRows: 1, maxRows: 4 }} placeholder={t(`talk.${f}Placeholder`)} data-testid={`talk-${f}`} />
                </Form.Item>
              </Col>
            ))}
          </Row>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: -8 }}>
            {t('talk.sensitiveHint')}
          </Typography.Paragraph>
          <Form.Item label={t('talk.concerns')} name="concerns">
            <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 5 }} placeholder={t('talk.concernsPlaceholder')} data-testid="talk-concerns" />
          </Form.Item>
          <Form.Item label={t('talk.followUpNeeded')} name="followUpNeeded" valuePropName="checked" extra={t('talk.followUpHint')}>
            <Switch data-testid="talk-follow-up" />
          </Form.Item>
          {followUp && (
            <Row gutter={16}>
              <Col xs={24} md={15}>
                <Form.Item label={t('talk.followUpNote')} name="followUpNote">
                  <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} placeholder={t('talk.followUpNotePlaceholder')} data-testid="talk-follow-up-note" />
                </Form.Item>
              </Col>
              <Col xs={24} md={9}>
                <Form.Item label={t('talk.followUpDue')} name="followUpDue" rules={[{ required: true, message: t('common.required') }]}>
                  <DayPicker style={{ width: '100%' }} disabledDate={(d) => d.isBefore(chinaToday(), 'day')} data-testid="talk-follow-up-due" />
                </Form.Item>
              </Col>
            </Row>
          )}
        </Form>
      </div>
    </Drawer>
  );
}
