import { App, Form, Input, Modal } from 'antd';
import { ApiError, endpoints } from '../../api.ts';
import { applyFormIssues, errorText, useApiMutation } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';

interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordForm>();
  const change = useApiMutation(endpoints.auth.changePassword, { changes: [] });

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    try {
      await change.mutateAsync({ currentPassword: values.currentPassword, newPassword: values.newPassword });
      void message.success(t('password.changed'));
      form.resetFields();
      onClose();
    } catch (e) {
      if (applyFormIssues(form, e, ['currentPassword', 'newPassword'])) return;
      // a wrong current password is a field problem, show it there
      if (e instanceof ApiError && e.status !== 0 && e.message) form.setFields([{ name: 'currentPassword', errors: [e.message] }]);
      else void message.error(errorText(e, t('error.generic'), t('error.network')));
    }
  };

  return (
    <Modal
      title={t('password.title')}
      open={open}
      onCancel={() => {
        form.resetFields();
        onClose();
      }}
      onOk={() => void submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={change.isPending}
      destroyOnHidden
    >
      <Form<PasswordForm> form={form} layout="vertical" name="changePassword">
        <Form.Item label={t('password.current')} name="currentPassword" rules={[{ required: true, message: t('password.currentRequired') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item label={t('password.new')} name="newPassword" rules={[{ required: true, message: t('password.newRequired') }, { min: 8, message: t('password.tooShort') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label={t('password.confirm')}
          name="confirmPassword"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('password.confirmRequired') },
            ({ getFieldValue }) => ({
              validator: (_, v: unknown) => (v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
