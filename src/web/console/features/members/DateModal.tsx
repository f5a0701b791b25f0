import { DatePicker, Form, Modal } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useI18n } from '../../i18n.tsx';
import { chinaToday } from '../../china-day.ts';

const today = chinaToday;

/** Asks for one day (a return home, a contact) and hands it to `onSubmit`. */
export function DateModal({ open, formName, title, label, onClose, onSubmit }: { open: boolean; formName: string; title: string; label: string; onClose: () => void; onSubmit: (date: string) => Promise<void> }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ date: Dayjs }>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      title={title}
      open={open}
      onCancel={onClose}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      onOk={async () => {
        const v = await form.validateFields().catch(() => null);
        if (!v) return;
        setBusy(true);
        try {
          await onSubmit(v.date.format('YYYY-MM-DD'));
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form form={form} layout="vertical" name={formName} initialValues={{ date: today() }}>
        <Form.Item label={label} name="date" rules={[{ required: true, message: t('common.required') }]}>
          <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(today(), 'day')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
