import { Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n.tsx';
import { applyFormIssues, useShowError } from '../../hooks.ts';

/** Asks for the reason a post or a comment is hidden (required; the author will read it). */
export function HideDialog({ open, onClose, onHide }: { open: boolean; onClose: () => void; onHide: (reason: string) => Promise<void> }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const showError = useShowError();
  const submit = async () => {
    const { reason } = await form.validateFields();
    setBusy(true);
    try {
      await onHide(reason.trim());
      form.resetFields();
      onClose();
    } catch (e) {
      if (!applyFormIssues(form, e, ['reason'])) showError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={t('share.hideTitle')} onCancel={onClose} onOk={() => void submit()} confirmLoading={busy} okText={t('share.hide')} okButtonProps={{ danger: true, ...({ 'data-testid': 'share-hide-confirm' } as Record<string, string>) }} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('share.hideHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" name="shareHide">
        <Form.Item name="reason" label={t('share.reason')} rules={[{ required: true, whitespace: true, message: t('share.reasonRequired') }, { max: 500 }]}>
          <Input.TextArea rows={3} maxLength={500} showCount data-testid="share-hide-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
