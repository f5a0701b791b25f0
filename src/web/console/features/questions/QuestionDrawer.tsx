import { Alert, App, Button, Descriptions, Drawer, Empty, Form, Grid, Input, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { chinaDateTime } from '../../../../shared/china-time.ts';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { applyFormIssues, errorText, useApi, useApiMutation } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';
import type { Question } from '../../../../shared/api-questions.ts';
import { FaqEditModal } from './FaqEditModal.tsx';

/** One question with the member's context (unit, mobile or not), its answers and the answer form; from there, the FAQ. */
export function QuestionDrawer({ questionId, onClose }: { questionId: string | null; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const phone = Grid.useBreakpoint().md === false;
  const res = useApi(questionId ? endpoints.questions.get.at({ id: questionId }) : null);
  const q: Question | undefined = res.data?.id === questionId ? res.data : undefined;
  const [form] = Form.useForm<{ body: string }>();
  const [failure, setFailure] = useState<string | null>(null);
  const [faqOpen, setFaqOpen] = useState(false);
  const send = useApiMutation((v: { id: string; body: string }) => endpoints.questions.answer({ id: v.id }, { body: v.body }), { changes: ['questions', 'dashboard'] });
  useEffect(() => {
    form.resetFields();
    setFailure(null);
  }, [questionId, form]);

  const submit = async (values: { body: string }) => {
    if (!q) return;
    setFailure(null);
    try {
      const answered = await send.mutateAsync({ id: q.id, body: values.body });
      res.setData(answered);
      form.resetFields();
      void message.success(t('questions.sent'));
    } catch (e) {
      if (!applyFormIssues(form, e, ['body'])) setFailure(errorText(e, t('error.generic'), t('error.network')));
    }
  };

  return (
    <Drawer open={!!questionId} size={phone ? '100%' : 560} title={q ? t('questions.drawerTitle', { name: q.member.name }) : t('questions.pageTitle')} onClose={onClose} destroyOnHidden>
      <div data-testid="question-drawer">
        {res.error ? (
          <Alert type="error" showIcon title={res.error.message || t('error.generic')} />
        ) : !q ? (
          <Skeleton active paragraph={{ rows: 8 }} />
        ) : (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Descriptions
              column={1}
              size="small"
              items={[
                {
                  key: 'member',
                  label: t('questions.member'),
                  children: (
                    <Space size={8} wrap>
                      <Link to={`/members/${q.member.id}`}>{q.member.name}</Link>
                      <Tag color={q.member.mobile ? 'blue' : 'default'}>{q.member.mobile ? t('questions.mobile') : t('questions.local')}</Tag>
                    </Space>
                  ),
                },
                { key: 'unit', label: t('questions.unit'), children: q.member.orgName },
                { key: 'branch', label: t('questions.branch'), children: q.branchName },
                { key: 'mentor', label: t('questions.mentor'), children: q.mentorName ?? t('questions.noMentor') },
                { key: 'asked', label: t('questions.askedAt'), children: chinaDateTime(new Date(q.askedAt)) },
                {
                  key: 'due',
                  label: t('questions.dueOn'),
                  children: <Typography.Text type={q.overdue ? 'danger' : undefined}>{q.dueOn}</Typography.Text>,
                },
                { key: 'public', label: t('questions.publishable'), children: q.publishable ? t('questions.publishable.true') : t('questions.publishable.false') },
              ]}
            />
            <div>
              {q.title && <Typography.Title level={5}>{q.title}</Typography.Title>}
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="question-body">
                {q.body}
              </Typography.Paragraph>
            </div>
            <div>
              <Typography.Title level={5}>{t('questions.answers')}</Typography.Title>
              {q.answers.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('questions.noAnswers')} />
              ) : (
                <Timeline
                  items={q.answers.map((a) => ({
                    key: a.id,
                    content: (
                      <div data-testid="question-answer">
                        <Typography.Text type="secondary">
                          {a.answererName}（{t(a.answererRole === 'secretary' ? 'questions.role.secretary' : 'questions.role.mentor')}） · {chinaDateTime(new Date(a.answeredAt))}
                        </Typography.Text>
                        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{a.body}</Typography.Paragraph>
                      </div>
                    ),
                  }))}
                />
              )}
            </div>
            <Form form={form} layout="vertical" name="questionAnswer" onFinish={(v) => void submit(v)}>
              <Form.Item name="body" label={t('questions.answerLabel')} rules={[{ required: true, whitespace: true, message: t('questions.answerRequired') }]}>
                <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('questions.answerPlaceholder')} data-testid="question-answer-input" />
              </Form.Item>
              {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 12 }} />}
              <Space wrap>
                <Button type="primary" htmlType="submit" loading={send.isPending} data-testid="question-answer-send">
                  {q.answers.length ? t('questions.sendMore') : t('questions.send')}
                </Button>
                {q.status === 'answered' && q.publishable && !q.faqEntryId && (
                  <Button onClick={() => setFaqOpen(true)} data-testid="question-to-faq">
                    {t('questions.toFaq')}
                  </Button>
                )}
                {q.faqEntryId && <Tag color="green">{t('questions.inFaq')}</Tag>}
              </Space>
              {!q.publishable && q.status === 'answered' && (
                <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                  {t('questions.privateHint')}
                </Typography.Paragraph>
              )}
            </Form>
            <FaqEditModal
              open={faqOpen}
              source={q}
              onClose={(saved) => {
                setFaqOpen(false);
                if (saved) res.reload();
              }}
            />
          </Space>
        )}
      </div>
    </Drawer>
  );
}
