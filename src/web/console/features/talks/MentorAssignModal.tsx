import { Alert, App, Form, Modal, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { endpoints } from '../../api.ts';
import { applyFormIssues, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MemberDetail } from '../../types.ts';
import { MemberPicker } from '../../components/MemberPicker.tsx';

export interface MentorTarget {
  memberId: string;
  name: string;
  mentor: { memberId: string; name: string; phone: string } | null;
}

/**
 * Pairs a member with a mentor (传帮带联系人) or changes the mentor. Changing asks once more and says
 * that the earlier pairing stays in the member's mentor history (the server closes it, never deletes it).
 */
export function MentorAssignModal({ target, onClose, onSaved }: { target: MentorTarget | null; onClose: () => void; onSaved: (d: MemberDetail) => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<{ mentorMemberId: string | null }>();
  const assign = useApiMutation(({ memberId, mentorMemberId }: { memberId: string; mentorMemberId: string }) => endpoints.members.assignMentor({ id: memberId }, { mentorMemberId }), {
    changes: ['mentoring'],
  });

  const put = async (mentorMemberId: string) => {
    if (!target) return;
    try {
      const d = await assign.mutateAsync({ memberId: target.memberId, mentorMemberId });
      void message.success(target.mentor ? t('mentoring.changed', { name: d.mentor?.name ?? '' }) : t('mentoring.assigned', { name: d.mentor?.name ?? '' }));
      onSaved(d);
    } catch (e) {
      if (!applyFormIssues(form, e, ['mentorMemberId'])) showError(e);
    }
  };

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v?.mentorMemberId || !target) return;
    const chosen = v.mentorMemberId;
    if (target.mentor && target.mentor.memberId === chosen) {
      onClose();
      return;
    }
    if (target.mentor) {
      modal.confirm({
        title: t('mentoring.changeConfirmTitle', { name: target.name }),
        content: t('mentoring.changeConfirmBody', { old: target.mentor.name }),
        okText: t('mentoring.changeConfirmOk'),
        cancelText: t('common.cancel'),
        okButtonProps: { 'data-testid': 'mentor-change-confirm' } as ButtonProps,
        onOk: () => put(chosen),
      });
      return;
    }
    await put(chosen);
  };

  return (
    <Modal
      title={target ? t(target.mentor ? 'mentoring.changeTitle' : 'mentoring.assignTitle', { name: target.name }) : ''}
      open={!!target}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={assign.isPending}
      okButtonProps={{ 'data-testid': 'mentor-save' } as ButtonProps}
      destroyOnHidden
    >
      {target?.mentor && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('mentoring.historyKept', { old: target.mentor.name })} />
      )}
      <Typography.Paragraph type="secondary">{t('member.mentor.hint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" name="mentorAssign" initialValues={{ mentorMemberId: target?.mentor?.memberId ?? null }}>
        <Form.Item label={t('member.mentor.field')} name="mentorMemberId" rules={[{ required: true, message: t('member.mentor.required') }]}>
          <MemberPicker
            excludeId={target?.memberId}
            initialLabel={target?.mentor ? `${target.mentor.name} · ${target.mentor.phone}` : null}
            placeholder={t('member.mentor.searchPlaceholder')}
            aria-label={t('member.mentor.field')}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
