import { Alert, App, Button, Form, Input, Modal, Select } from 'antd';
import type { ButtonProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { ApiError, endpoints } from '../../api.ts';
import { applyFormIssues, errorText, useApiMutation } from '../../hooks.ts';
import { DayPicker } from '../../components/DayPicker.tsx';
import { useI18n } from '../../i18n.tsx';
import type { CareTaskDetail, CareTaskKind, CreateCareTaskBody } from '../../types.ts';
import { CARE_KIND_KEYS } from '../../components/learning.tsx';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { MemberPicker } from '../../components/MemberPicker.tsx';
import { CREATABLE_KINDS } from './labels.tsx';
import { chinaToday } from '../../china-day.ts';

type CreatableKind = CreateCareTaskBody['kind'];

interface FormValues {
  memberId: string | null;
  kind: CreatableKind;
  reason: string;
  dueOn: Dayjs;
  assigneeMemberId: string | null;
}

export interface CareTaskPreset {
  /** a fixed member (member page, drift list); omitted: the secretary picks one */
  member?: { id: string; name: string };
  kind?: CreatableKind;
  reason?: string;
}

const FIELDS = ['memberId', 'kind', 'reason', 'dueOn', 'assigneeMemberId'] as const;

interface Props {
  open: boolean;
  preset?: CareTaskPreset;
  onClose: () => void;
  onCreated: (task: CareTaskDetail) => void;
  /** the server refused a second open task of the kind and named the open one: offer to go there */
  onOpenExisting?: (taskId: string) => void;
}

/** Opens a care task by hand (POST /api/care-tasks). A second open task of the same kind is refused by the server: its message says which. */
export function CareTaskCreateModal({ open, preset, onClose, onCreated, onOpenExisting }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(open, onClose);
  const create = useApiMutation(endpoints.careTasks.create, { changes: ['careTasks'] });
  const [failure, setFailure] = useState<string | null>(null);
  const [existing, setExisting] = useState<string | null>(null);
  const fixed = preset?.member;

  useEffect(() => {
    if (!open) return;
    setFailure(null);
    setExisting(null);
    form.resetFields();
    form.setFieldsValue({
      memberId: fixed?.id ?? null,
      kind: preset?.kind ?? 'follow_up',
      reason: preset?.reason ?? '',
      dueOn: chinaToday().add(7, 'day'),
      assigneeMemberId: null,
    });
  }, [open, fixed?.id, preset?.kind, preset?.reason, form]);

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const memberId = fixed?.id ?? v.memberId;
    if (!memberId) return;
    const body: CreateCareTaskBody = {
      memberId,
      kind: v.kind,
      reason: v.reason.trim(),
      dueOn: v.dueOn.format('YYYY-MM-DD'),
      ...(v.assigneeMemberId ? { assigneeMemberId: v.assigneeMemberId } : {}),
    };
    setFailure(null);
    setExisting(null);
    try {
      const task = await create.mutateAsync(body);
      void message.success(t('care.created'));
      onCreated(task);
    } catch (e) {
      const openTaskId = e instanceof ApiError && e.code === 'conflict' ? e.issues.find((i) => i.field === 'openTaskId')?.message : undefined;
      if (openTaskId) {
        setExisting(openTaskId);
        setFailure(errorText(e, t('error.generic'), t('error.network')));
      } else if (!applyFormIssues(form, e, FIELDS)) setFailure(errorText(e, t('error.generic'), t('error.network')));
    }
  };

  return (
    <Modal
      title={fixed ? t('care.newTitleFor', { name: fixed.name }) : t('care.newTitle')}
      open={open}
      onCancel={requestClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      okButtonProps={{ 'data-testid': 'task-new-save' } as ButtonProps}
      forceRender
    >
      {failure && (
        <Alert
          type="error"
          showIcon
          title={failure}
          style={{ marginBottom: 16 }}
          data-testid="task-new-error"
          action={
            existing && onOpenExisting ? (
              <Button size="small" onClick={() => onOpenExisting(existing)} data-testid="task-new-open-existing">
                {t('care.openExisting')}
              </Button>
            ) : undefined
          }
        />
      )}
      <Form<FormValues> form={form} layout="vertical" name="careTaskNew" onValuesChange={markChanged}>
        {!fixed && (
          <Form.Item label={t('care.member')} name="memberId" rules={[{ required: true, message: t('care.memberRequired') }]}>
            <MemberPicker aria-label={t('care.member')} />
          </Form.Item>
        )}
        <Form.Item label={t('care.kind')} name="kind" rules={[{ required: true, message: t('common.required') }]}>
          <Select<CareTaskKind> options={CREATABLE_KINDS.map((k) => ({ value: k, label: t(CARE_KIND_KEYS[k]) }))} data-testid="task-new-kind" />
        </Form.Item>
        <Form.Item label={t('care.whatToDo')} name="reason" rules={[{ required: true, whitespace: true, min: 2, message: t('care.reasonRequired') }]}>
          <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 2, maxRows: 5 }} data-testid="task-new-reason" />
        </Form.Item>
        <Form.Item label={t('care.dueOn')} name="dueOn" rules={[{ required: true, message: t('common.required') }]}>
          <DayPicker disabledDate={(d) => d.isBefore(chinaToday(), 'day')} data-testid="task-new-due" />
        </Form.Item>
        <Form.Item label={t('care.assignee')} name="assigneeMemberId" extra={t('care.assigneeDefaultHint')}>
          <MemberPicker placeholder={t('care.assigneePlaceholder')} excludeId={fixed?.id} aria-label={t('care.assignee')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
