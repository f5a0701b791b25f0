import { App, Button, Descriptions, Divider, Drawer, Form, Grid, Input, Select, Skeleton, Space, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useEffect } from 'react';
import type { Pledge, PledgeOutcome } from '../../../../shared/api-pledges.ts';
import { chinaDateTime } from '../../../../shared/china-time.ts';
import { endpoints } from '../../api.ts';
import { DayPicker } from '../../components/DayPicker.tsx';
import { MemberPicker } from '../../components/MemberPicker.tsx';
import { applyFormIssues, errorText, useApi, useApiMutation } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MsgKey } from '../../messages.ts';
import { Link } from '../../router.tsx';
import { OUTCOME_COLORS } from './PledgeTabs.tsx';
import { LoadFailed } from '../../components/LoadFailed.tsx';

const OUTCOMES: Exclude<PledgeOutcome, 'pending'>[] = ['in_progress', 'adopted', 'done', 'not_feasible'];

/** One pledge: the member, the text, and the two forms — assign follow-up (who, by when), record the outcome. */
export function PledgeDrawer({ pledgeId, onClose }: { pledgeId: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const phone = Grid.useBreakpoint().md === false;
  const res = useApi(pledgeId ? endpoints.pledges.get.at({ id: pledgeId }) : null);
  const p: Pledge | undefined = res.data?.id === pledgeId ? res.data : undefined;
  const [followForm] = Form.useForm<{ memberId: string; dueOn: Dayjs | null }>();
  const [outcomeForm] = Form.useForm<{ outcome: Exclude<PledgeOutcome, 'pending'>; note?: string }>();
  const follow = useApiMutation((v: { id: string; memberId: string; dueOn: string | null }) => endpoints.pledges.followUp({ id: v.id }, { memberId: v.memberId, dueOn: v.dueOn }), { changes: ['pledges'] });
  const record = useApiMutation((v: { id: string; outcome: Exclude<PledgeOutcome, 'pending'>; note: string | null }) => endpoints.pledges.outcome({ id: v.id }, { outcome: v.outcome, note: v.note }), {
    changes: ['pledges'],
  });
  useEffect(() => {
    followForm.resetFields();
    outcomeForm.resetFields();
    if (p) {
      followForm.setFieldsValue({ memberId: p.followUp?.memberId, dueOn: p.followUp?.dueOn ? dayjs(p.followUp.dueOn) : null });
      outcomeForm.setFieldsValue({ outcome: p.outcome === 'pending' ? undefined : p.outcome, note: p.outcomeNote ?? undefined });
    }
  }, [p?.id, p?.followUp?.memberId, p?.outcome]); // eslint-disable-line react-hooks/exhaustive-deps -- refill when the pledge changes

  const assign = async (v: { memberId: string; dueOn: Dayjs | null }) => {
    if (!p) return;
    try {
      res.setData(await follow.mutateAsync({ id: p.id, memberId: v.memberId, dueOn: v.dueOn ? v.dueOn.format('YYYY-MM-DD') : null }));
      void message.success(t('pledge.assigned'));
    } catch (e) {
      if (!applyFormIssues(followForm, e, ['memberId', 'dueOn'])) void message.error(errorText(e, t('error.generic'), t('error.network')));
    }
  };
  const save = async (v: { outcome: Exclude<PledgeOutcome, 'pending'>; note?: string }) => {
    if (!p) return;
    try {
      res.setData(await record.mutateAsync({ id: p.id, outcome: v.outcome, note: v.note?.trim() ? v.note.trim() : null }));
      void message.success(t('pledge.recorded'));
    } catch (e) {
      if (!applyFormIssues(outcomeForm, e, ['outcome', 'note'])) void message.error(errorText(e, t('error.generic'), t('error.network')));
    }
  };

  return (
    <Drawer open={!!pledgeId} size={phone ? '100%' : 560} title={p ? t('pledge.drawerTitle', { name: p.member.name }) : t('pledge.pageTitle')} onClose={onClose} destroyOnHidden>
      <div data-testid="pledge-drawer">
        {res.error && !p ? (
          <LoadFailed error={res.error} onReload={res.reload} testId="pledge-drawer-failed" />
        ) : !p ? (
          <Skeleton active paragraph={{ rows: 8 }} />
        ) : (
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <Descriptions
              column={1}
              size="small"
              items={[
                {
                  key: 'member',
                  label: t('pledge.member'),
                  children: (
                    <Space size={8} wrap>
                      <Link to={`/members/${p.member.id}`}>{p.member.name}</Link>
                      {p.member.mobile && <Tag color="blue">{t('pledge.mobile')}</Tag>}
                    </Space>
                  ),
                },
                { key: 'unit', label: t('pledge.unit'), children: p.member.orgName },
                { key: 'kind', label: t('pledge.kind'), children: t(`pledge.kind.${p.kind}` as MsgKey) },
                { key: 'at', label: t('pledge.createdAt'), children: chinaDateTime(new Date(p.createdAt)) },
                { key: 'outcome', label: t('pledge.outcome'), children: <Tag color={OUTCOME_COLORS[p.outcome]} data-testid="pledge-outcome">{t(`pledge.outcome.${p.outcome}` as MsgKey)}</Tag> },
              ]}
            />
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="pledge-body">
              {p.body}
            </Typography.Paragraph>
            <Divider titlePlacement="start">{t('pledge.assign')}</Divider>
            <Typography.Text type="secondary">{t('pledge.assignHint')}</Typography.Text>
            <Form form={followForm} layout="vertical" onFinish={assign} name="pledgeFollowUp">
              <Form.Item name="memberId" label={t('pledge.followUp')} rules={[{ required: true, message: t('pledge.pickFollowUp') }]}>
                <MemberPicker id="pledge-follow-member" initialLabel={p.followUp?.name ?? null} placeholder={t('pledge.pickFollowUp')} aria-label={t('pledge.followUp')} />
              </Form.Item>
              <Form.Item name="dueOn" label={t('pledge.dueOn')}>
                <DayPicker data-testid="pledge-follow-due" />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={follow.isPending} data-testid="pledge-assign">
                {t('pledge.assign')}
              </Button>
            </Form>
            <Divider titlePlacement="start">{t('pledge.record')}</Divider>
            <Form form={outcomeForm} layout="vertical" onFinish={save} name="pledgeOutcome">
              <Form.Item name="outcome" label={t('pledge.outcome')} rules={[{ required: true }]}>
                <Select options={OUTCOMES.map((o) => ({ value: o, label: t(`pledge.outcome.${o}` as MsgKey) }))} data-testid="pledge-outcome-select" />
              </Form.Item>
              <Form.Item name="note" label={t('pledge.outcomeNote')}>
                <Input.TextArea rows={3} maxLength={500} showCount placeholder={t('pledge.notePlaceholder')} data-testid="pledge-outcome-note" />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="pledge-record">
                {t('pledge.record')}
              </Button>
            </Form>
          </Space>
        )}
      </div>
    </Drawer>
  );
}
