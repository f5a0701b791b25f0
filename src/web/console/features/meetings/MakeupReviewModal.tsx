import { Alert, App, Button, Form, Input, Modal, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { useDiscardGuard } from '../../components/discard-guard.ts';
import { applyFormIssues, useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { AttendanceRow, SessionDetail } from '../../types.ts';
import { MAKEUP_COLORS, MAKEUP_KEYS } from './attendance-labels.ts';

// ---------- make-up review ----------
export function MakeupReviewModal({ session, row, onClose, onReturned }: { session: SessionDetail; row: AttendanceRow | null; onClose: () => void; onReturned: (s: SessionDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [form] = Form.useForm<{ note: string }>();
  const [returning, setReturning] = useState(false);
  // the reason for sending a make-up back is the one thing typed here
  const { requestClose, onValuesChange: markChanged } = useDiscardGuard(returning ? row : null, onClose);
  const sendBack = useApiMutation(
    ({ memberId, note }: { memberId: string; note: string }) => endpoints.meetings.returnMakeup({ id: session.id, memberId }, { note }),
    { changes: ['sessions'] },
  );
  const busy = sendBack.isPending;
  const mk = row?.makeup;

  useEffect(() => {
    setReturning(false);
    form.resetFields();
  }, [row, form]);

  const submitReturn = async (v: { note: string }) => {
    if (!row) return;
    try {
      const updated = await sendBack.mutateAsync({ memberId: row.memberId, note: v.note.trim() });
      void message.success(t('makeup.returnedDone'));
      onReturned(updated);
    } catch (e) {
      if (!applyFormIssues(form, e, ['note'])) showError(e);
    }
  };

  return (
    <Modal
      open={!!row}
      title={row ? t('makeup.reviewTitle', { name: row.name }) : ''}
      onCancel={requestClose}
      width={640}
      forceRender
      footer={
        returning
          ? [
              <Button key="back" onClick={() => setReturning(false)}>
                {t('common.back')}
              </Button>,
              <Button key="ok" type="primary" danger loading={busy} onClick={() => form.submit()} data-testid="confirm-return-makeup">
                {t('makeup.return')}
              </Button>,
            ]
          : [
              ...(session.canManage && mk?.status === 'submitted'
                ? [
                    <Button key="return" danger onClick={() => setReturning(true)} data-testid="return-makeup">
                      {t('makeup.return')}
                    </Button>,
                  ]
                : []),
              <Button key="close" type="primary" onClick={onClose}>
                {t('common.close')}
              </Button>,
            ]
      }
    >
      {mk && (
        <Space orientation="vertical" style={{ width: '100%' }} size={12}>
          <Space wrap>
            <Tag color={MAKEUP_COLORS[mk.status]}>{t(MAKEUP_KEYS[mk.status])}</Tag>
            <Typography.Text type="secondary">{t('makeup.due', { date: mk.dueOn })}</Typography.Text>
            {mk.submittedAt && <Typography.Text type="secondary">{t('makeup.submittedAt', { at: dayjs(mk.submittedAt).format('YYYY-MM-DD HH:mm') })}</Typography.Text>}
          </Space>
          <div>
            <Typography.Text strong>{t('makeup.reflection')}</Typography.Text>
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 4 }} data-testid="makeup-reflection">
              {mk.reflection ?? <Typography.Text type="secondary">{t('makeup.noReflection')}</Typography.Text>}
            </Typography.Paragraph>
          </div>
          {session.makeupQuestions.length > 0 && (
            <div>
              <Typography.Text strong>{t('makeup.answers')}</Typography.Text>
              <ol style={{ paddingInlineStart: 20, marginTop: 4 }}>
                {session.makeupQuestions.map((q, i) => (
                  <li key={i} style={{ marginBottom: 8 }}>
                    <div>{q}</div>
                    <Typography.Text type="secondary" style={{ whiteSpace: 'pre-wrap' }}>
                      {mk.answers?.[i] || '—'}
                    </Typography.Text>
                  </li>
                ))}
              </ol>
            </div>
          )}
          {mk.reviewNote && <Alert type="warning" showIcon title={t('makeup.reviewNote')} description={mk.reviewNote} />}
          {returning && (
            <Form form={form} layout="vertical" name="returnMakeup" onValuesChange={markChanged} onFinish={(v) => void submitReturn(v)}>
              <Form.Item label={t('makeup.returnNote')} name="note" rules={[{ required: true, whitespace: true, message: t('makeup.returnNoteRequired') }]} extra={t('makeup.returnHint')}>
                <Input.TextArea maxLength={500} showCount autoSize={{ minRows: 3, maxRows: 6 }} data-testid="return-makeup-note" autoFocus />
              </Form.Item>
            </Form>
          )}
        </Space>
      )}
    </Modal>
  );
}
