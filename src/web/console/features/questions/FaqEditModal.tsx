import { Alert, App, Form, Input, Modal, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { applyFormIssues, errorText, useApiMutation } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { FaqEntry, Question } from '../../../../shared/api-questions.ts';

interface Values {
  question: string;
  answer: string;
}

/**
 * An FAQ entry's texts: a new one from an answered question (`source`, its texts to edit), or an existing
 * one (`entry`). The server refuses the asker's name or phone in either text.
 */
export function FaqEditModal({ open, source, entry, onClose }: { open: boolean; source?: Question; entry?: FaqEntry; onClose: (saved: boolean) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [failure, setFailure] = useState<string | null>(null);
  const save = useApiMutation(
    (v: Values) => (entry ? endpoints.questions.updateFaq({ id: entry.id }, v) : endpoints.questions.createFaq({ questionId: source?.id ?? '', ...v })),
    { changes: ['questions'] },
  );
  useEffect(() => {
    if (!open) return;
    setFailure(null);
    form.setFieldsValue(
      entry
        ? { question: entry.question, answer: entry.answer }
        : { question: source ? (source.title ? `${source.title}\n${source.body}` : source.body) : '', answer: source?.answers.map((a) => a.body).join('\n') ?? '' },
    );
  }, [open, entry, source, form]);

  const submit = async () => {
    const values = await form.validateFields();
    setFailure(null);
    try {
      await save.mutateAsync(values);
      void message.success(t('faq.saved'));
      onClose(true);
    } catch (e) {
      if (!applyFormIssues(form, e, ['question', 'answer'])) setFailure(errorText(e, t('error.generic'), t('error.network')));
    }
  };

  return (
    <Modal open={open} title={entry ? t('faq.editTitle') : t('faq.createTitle')} onCancel={() => onClose(false)} onOk={() => void submit()} confirmLoading={save.isPending} destroyOnHidden okButtonProps={{ id: 'faq-save' }}>
      <Typography.Paragraph type="secondary">{t('faq.editHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" name="faqEdit">
        <Form.Item name="question" label={t('faq.question')} rules={[{ required: true, whitespace: true, message: t('faq.questionRequired') }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount data-testid="faq-question" />
        </Form.Item>
        <Form.Item name="answer" label={t('faq.answer')} rules={[{ required: true, whitespace: true, message: t('faq.answerRequired') }]}>
          <Input.TextArea rows={5} maxLength={2000} showCount data-testid="faq-answer" />
        </Form.Item>
      </Form>
      {failure && <Alert type="error" showIcon title={failure} />}
    </Modal>
  );
}
