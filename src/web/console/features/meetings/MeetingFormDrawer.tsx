import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Divider, Drawer, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { applyFormIssues, errorText, useApi, useOrgs } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { SessionDetail, SessionInput, SessionKind, SessionPatch } from '../../types.ts';
import { OrgTreeSelect } from '../../components/common.tsx';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { AddUnitMobileMembers, mobileMembersOf, useMobileMemberCount, type PickedMember } from './mobile-invitees.tsx';
import { MembersPicker, SESSION_KINDS, SESSION_KIND_KEYS, SESSION_MODE_KEYS, StudyItemPicker } from '../../components/learning.tsx';

interface FormValues {
  kind: SessionKind;
  orgId: string;
  title: string;
  startsAt: Dayjs;
  endsAt: Dayjs;
  mode: 'online' | 'on_site' | 'both';
  meetingUrl?: string;
  location?: string;
  agenda?: string;
  replayUrl?: string;
  materialIds: string[];
  /** 'mobile': the unit's mobile members, sent to the API as a list */
  audience: 'subtree' | 'mobile' | 'list';
  memberIds: string[];
  makeupDays?: number | null;
  makeupQuestions: string[];
  checkinOpensBefore: number;
  checkinClosesAfter: number;
  repeatMonths: number;
}

const FIELDS = [
  'kind',
  'orgId',
  'title',
  'startsAt',
  'endsAt',
  'mode',
  'meetingUrl',
  'location',
  'agenda',
  'replayUrl',
  'materialIds',
  'audience',
  'memberIds',
  'makeupDays',
  'makeupQuestions',
  'checkinOpensBefore',
  'checkinClosesAfter',
  'repeatMonths',
] as const;

const blank = (v: string | null | undefined): string | null => (v && v.trim() ? v.trim() : null);
const URL_RE = /^https?:\/\/\S+$/i;

interface Props {
  open: boolean;
  /** editing a planned session; otherwise a new one (or a monthly series) */
  session?: SessionDetail | null;
  defaultOrgId?: string | undefined;
  onClose: () => void;
  onSaved: (result: { ids: string[] }) => void;
}

export function MeetingFormDrawer({ open, session, defaultOrgId, onClose, onSaved }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const orgs = useOrgs();
  const settings = useApi(open ? endpoints.settings.get.at() : null);
  const [form] = Form.useForm<FormValues>();
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(open, onClose);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const editing = !!session;
  const audience = Form.useWatch('audience', form);
  const orgId = Form.useWatch('orgId', form);
  const mode = Form.useWatch('mode', form);
  const repeat = Form.useWatch('repeatMonths', form) ?? 1;
  const startsAt = Form.useWatch('startsAt', form);
  const mobileCount = useMobileMemberCount(open && audience === 'mobile' ? orgId : undefined);
  // names of members added a unit at a time, for the picker to show
  const [added, setAdded] = useState<PickedMember[]>([]);

  useEffect(() => {
    if (!open) return;
    setFailure(null);
    form.resetFields();
    if (session) {
      const start = dayjs(session.startsAt);
      const end = dayjs(session.endsAt);
      form.setFieldsValue({
        kind: session.kind,
        orgId: session.orgId,
        title: session.title,
        startsAt: start,
        endsAt: end,
        mode: session.mode,
        meetingUrl: session.meetingUrl ?? '',
        location: session.location ?? '',
        agenda: session.agenda ?? '',
        replayUrl: session.replayUrl ?? '',
        materialIds: session.materials.map((m) => m.id),
        audience: 'subtree',
        memberIds: [],
        makeupDays: session.makeupDays,
        makeupQuestions: session.makeupQuestions,
        checkinOpensBefore: Math.max(0, start.diff(dayjs(session.checkinOpensAt), 'minute')),
        checkinClosesAfter: Math.max(0, dayjs(session.checkinClosesAt).diff(end, 'minute')),
        repeatMonths: 1,
      });
    } else {
      const start = dayjs().add(1, 'day').hour(19).minute(30).second(0).millisecond(0);
      const orgValue = defaultOrgId ?? orgs.data?.items[0]?.id;
      form.setFieldsValue({
        kind: 'online_class',
        ...(orgValue ? { orgId: orgValue } : {}),
        startsAt: start,
        endsAt: start.add(90, 'minute'),
        mode: 'online',
        materialIds: [],
        audience: 'subtree',
        memberIds: [],
        makeupQuestions: [],
        checkinOpensBefore: 30,
        checkinClosesAfter: 0,
        repeatMonths: 1,
      });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- fill the form each time it opens
  }, [open, session]);

  useEffect(() => {
    const first = orgs.data?.items[0]?.id;
    if (open && !session && first && !form.getFieldValue('orgId')) form.setFieldValue('orgId', defaultOrgId ?? first);
  }, [orgs.data, open, session, defaultOrgId, form]);

  const save = async (v: FormValues) => {
    setBusy(true);
    setFailure(null);
    const common = {
      kind: v.kind,
      title: v.title,
      startsAt: v.startsAt.second(0).millisecond(0).format(),
      endsAt: v.endsAt.second(0).millisecond(0).format(),
      mode: v.mode,
      meetingUrl: blank(v.meetingUrl),
      location: blank(v.location),
      agenda: blank(v.agenda),
      replayUrl: blank(v.replayUrl),
      materialIds: v.materialIds ?? [],
      makeupQuestions: (v.makeupQuestions ?? []).map((q) => q.trim()).filter(Boolean),
      checkinOpensBefore: v.checkinOpensBefore,
      checkinClosesAfter: v.checkinClosesAfter,
      ...(v.makeupDays ? { makeupDays: v.makeupDays } : {}),
    };
    try {
      if (session) {
        await endpoints.meetings.update({ id: session.id }, common satisfies SessionPatch);
        void message.success(t('common.saved'));
        onSaved({ ids: [session.id] });
      } else {
        // the meeting API takes explicit invitees: only mobile members is the unit's mobile members as a list
        const memberIds = v.audience === 'mobile' ? (await mobileMembersOf(v.orgId)).map((m) => m.id) : v.audience === 'list' ? (v.memberIds ?? []) : [];
        if (v.audience === 'mobile' && memberIds.length === 0) {
          setFailure(t('session.noMobileMembers'));
          return;
        }
        const body: SessionInput = { ...common, orgId: v.orgId, audience: v.audience === 'subtree' ? 'subtree' : 'list', memberIds, repeatMonths: v.repeatMonths };
        const created = await endpoints.meetings.plan(body);
        void message.success(created.ids.length > 1 ? t('session.createdSeries', { n: created.ids.length }) : t('session.created'));
        onSaved({ ids: created.ids });
      }
    } catch (e) {
      if (!applyFormIssues(form, e, FIELDS)) setFailure(errorText(e, t('error.generic'), t('error.network')));
    } finally {
      setBusy(false);
    }
  };

  const defaultMakeupDays = settings.data?.makeupDays ?? 30;
  return (
    <Drawer
      open={open}
      size={760}
      title={editing ? t('session.editTitle') : t('session.create')}
      onClose={requestClose}
      forceRender
      extra={
        <Space>
          <Button onClick={requestClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="save-session">
            {!editing && repeat > 1 ? t('session.createSeries', { n: repeat }) : t('common.save')}
          </Button>
        </Space>
      }
    >
      <Form<FormValues> form={form} layout="vertical" name="session" onValuesChange={markChanged} onFinish={(v) => void save(v)}>
        {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
        <Space size={16} wrap align="start" style={{ width: '100%' }}>
          <Form.Item label={t('session.kind')} name="kind" rules={[{ required: true, message: t('common.required') }]}>
            <Select style={{ width: 170 }} data-testid="session-kind" options={SESSION_KINDS.map((k) => ({ value: k, label: t(SESSION_KIND_KEYS[k]) }))} />
          </Form.Item>
          <Form.Item label={t('session.org')} name="orgId" rules={[{ required: true, message: t('common.required') }]} style={{ minWidth: 260 }}>
            <OrgTreeSelect orgs={orgs.data?.items} disabled={editing} allowClear={false} data-testid="session-org" />
          </Form.Item>
        </Space>
        <Form.Item label={t('session.title')} name="title" rules={[{ required: true, whitespace: true, message: t('session.titleRequired') }, { max: 200 }]}>
          <Input maxLength={200} placeholder={t('session.titlePlaceholder')} data-testid="session-title" />
        </Form.Item>
        <Space size={16} wrap align="start">
          <Form.Item label={t('session.startsAt')} name="startsAt" rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker
              showTime={{ format: 'HH:mm', minuteStep: 5 }}
              format="YYYY-MM-DD HH:mm"
              allowClear={false}
              data-testid="session-start"
              onChange={(d: Dayjs | null) => {
                const end = form.getFieldValue('endsAt') as Dayjs | undefined;
                const prev = startsAt as Dayjs | undefined;
                // keep the length when the start moves
                if (d && prev && end) form.setFieldValue('endsAt', d.add(Math.max(30, end.diff(prev, 'minute')), 'minute'));
              }}
            />
          </Form.Item>
          <Form.Item
            label={t('session.endsAt')}
            name="endsAt"
            dependencies={['startsAt']}
            rules={[
              { required: true, message: t('common.required') },
              ({ getFieldValue }) => ({
                validator: (_, value: Dayjs | undefined) => {
                  const start = getFieldValue('startsAt') as Dayjs | undefined;
                  return !value || !start || value.isAfter(start) ? Promise.resolve() : Promise.reject(new Error(t('session.endBeforeStart')));
                },
              }),
            ]}
          >
            <DatePicker showTime={{ format: 'HH:mm', minuteStep: 5 }} format="YYYY-MM-DD HH:mm" allowClear={false} data-testid="session-end" />
          </Form.Item>
        </Space>
        <Form.Item label={t('session.mode')} name="mode" rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            data-testid="session-mode"
            options={(['online', 'on_site', 'both'] as const).map((m) => ({ value: m, label: t(SESSION_MODE_KEYS[m]) }))}
          />
        </Form.Item>
        {mode !== 'on_site' && (
          <Form.Item label={t('session.meetingUrl')} name="meetingUrl" rules={[{ pattern: URL_RE, message: t('common.urlInvalid') }]} extra={t('session.meetingUrlHint')}>
            <Input placeholder="https://meeting.tencent.com/…" data-testid="session-meeting-url" />
          </Form.Item>
        )}
        {mode !== 'online' && (
          <Form.Item label={t('session.location')} name="location">
            <Input maxLength={200} data-testid="session-location" />
          </Form.Item>
        )}
        <Form.Item label={t('session.agenda')} name="agenda">
          <Input.TextArea maxLength={5000} autoSize={{ minRows: 3, maxRows: 8 }} data-testid="session-agenda" />
        </Form.Item>
        <Form.Item label={t('session.replayUrl')} name="replayUrl" rules={[{ pattern: URL_RE, message: t('common.urlInvalid') }]} extra={t('session.replayUrlHint')}>
          <Input placeholder="https://" data-testid="session-replay-url" />
        </Form.Item>
        <Form.Item label={t('session.materials')} name="materialIds">
          <StudyItemPicker initial={session?.materials} testId="session-materials" />
        </Form.Item>
        {!editing && (
          <>
            <Form.Item
              label={t('session.invitees')}
              name="audience"
              extra={audience === 'mobile' && mobileCount !== null ? <span data-testid="session-mobile-count">{t('session.audience.mobileCount', { n: mobileCount })}</span> : undefined}
            >
              <Radio.Group
                data-testid="session-audience"
                options={[
                  { value: 'subtree', label: t('session.audience.subtree') },
                  { value: 'mobile', label: t('session.audience.mobile') },
                  { value: 'list', label: t('session.audience.list') },
                ]}
              />
            </Form.Item>
            {audience === 'list' && (
              <>
                <Form.Item style={{ marginBottom: 8 }}>
                  <AddUnitMobileMembers
                    orgId={orgId}
                    testId="session-mobile"
                    onAdd={(found) => {
                      setAdded((prev) => [...prev, ...found]);
                      const chosen = (form.getFieldValue('memberIds') as string[] | undefined) ?? [];
                      form.setFieldValue('memberIds', [...new Set([...chosen, ...found.map((m) => m.id)])]);
                      markChanged();
                      void form.validateFields(['memberIds']).catch(() => {});
                    }}
                  />
                </Form.Item>
                <Form.Item label={t('session.members')} name="memberIds" rules={[{ required: true, type: 'array', min: 1, message: t('session.membersRequired') }]}>
                  <MembersPicker orgId={orgId} initial={added} testId="session-members" />
                </Form.Item>
              </>
            )}
          </>
        )}
        {editing && <Typography.Paragraph type="secondary">{t('session.inviteesFixed')}</Typography.Paragraph>}
        <Divider titlePlacement="start" plain>
          {t('session.checkinSection')}
        </Divider>
        <Space size={16} wrap align="start">
          <Form.Item label={t('session.checkinOpensBefore')} name="checkinOpensBefore" rules={[{ required: true, message: t('common.required') }]}>
            <InputNumber min={0} max={1440} precision={0} suffix={t('session.minuteUnit')} style={{ width: 150 }} data-testid="session-checkin-before" />
          </Form.Item>
          <Form.Item label={t('session.checkinClosesAfter')} name="checkinClosesAfter" rules={[{ required: true, message: t('common.required') }]}>
            <InputNumber min={0} max={1440} precision={0} suffix={t('session.minuteUnit')} style={{ width: 150 }} data-testid="session-checkin-after" />
          </Form.Item>
        </Space>
        <Divider titlePlacement="start" plain>
          {t('session.makeupSection')}
        </Divider>
        <Form.Item label={t('session.makeupDays')} name="makeupDays" extra={t('session.makeupDaysHint', { n: defaultMakeupDays })}>
          <InputNumber min={1} max={365} precision={0} placeholder={String(defaultMakeupDays)} suffix={t('settings.days')} style={{ width: 150 }} data-testid="session-makeup-days" />
        </Form.Item>
        <Form.Item label={t('session.makeupQuestions')} extra={t('session.makeupQuestionsHint')}>
          <Form.List name="makeupQuestions">
            {(fields, { add, remove }) => (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {fields.map((field, i) => (
                  <Space key={field.key} align="baseline" style={{ width: '100%' }}>
                    <Typography.Text type="secondary">{i + 1}.</Typography.Text>
                    <Form.Item name={field.name} noStyle rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
                      <Input maxLength={300} style={{ width: 560 }} data-testid={`session-question-${i}`} />
                    </Form.Item>
                    <Button type="text" danger icon={<DeleteOutlined aria-hidden />} aria-label={t('common.delete')} onClick={() => remove(field.name)} />
                  </Space>
                ))}
                {fields.length < 10 && (
                  <Button type="dashed" icon={<PlusOutlined aria-hidden />} onClick={() => add('')} data-testid="add-question">
                    {t('session.addQuestion')}
                  </Button>
                )}
              </Space>
            )}
          </Form.List>
        </Form.Item>
        {!editing && (
          <>
            <Divider titlePlacement="start" plain>
              {t('session.repeatSection')}
            </Divider>
            <Form.Item label={t('session.repeatMonths')} name="repeatMonths" extra={t('session.repeatHint')} rules={[{ required: true, message: t('common.required') }]}>
              <InputNumber min={1} max={12} precision={0} suffix={t('session.times')} style={{ width: 150 }} data-testid="session-repeat" />
            </Form.Item>
            {repeat > 1 && startsAt && (
              <Typography.Paragraph type="secondary" data-testid="session-repeat-preview">
                {t('session.repeatPreview', {
                  dates: Array.from({ length: Math.min(12, repeat) }, (_, i) => (startsAt as Dayjs).add(i, 'month').format('M/D')).join('、'),
                })}
              </Typography.Paragraph>
            )}
          </>
        )}
      </Form>
    </Drawer>
  );
}
