import { App, Button, Card, Empty, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { endpoints } from '../../api.ts';
import { useApiMutation, useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { SessionDetail } from '../../types.ts';

// ---------- minutes ----------
export function MinutesCard({ session, onSaved }: { session: SessionDetail; onSaved: (s: SessionDetail) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [text, setText] = useState(session.minutes ?? '');
  const saveMinutes = useApiMutation((minutes: string) => endpoints.meetings.saveMinutes({ id: session.id }, { minutes }), { changes: ['sessions'] });
  useEffect(() => setText(session.minutes ?? ''), [session.minutes]);
  const dirty = text !== (session.minutes ?? '');

  const save = async () => {
    try {
      onSaved(await saveMinutes.mutateAsync(text));
      void message.success(t('common.saved'));
    } catch (e) {
      showError(e);
    }
  };

  return (
    <Card
      title={t('session.section.minutes')}
      style={{ height: '100%' }}
      extra={
        session.canManage && (
          <Button type="primary" size="small" disabled={!dirty} loading={saveMinutes.isPending} onClick={() => void save()} data-testid="save-minutes">
            {t('common.save')}
          </Button>
        )
      }
    >
      {session.canManage ? (
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={50_000}
          autoSize={{ minRows: 6, maxRows: 20 }}
          placeholder={t('session.minutesPlaceholder')}
          aria-label={t('session.section.minutes')}
          data-testid="session-minutes"
        />
      ) : session.minutes ? (
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{session.minutes}</Typography.Paragraph>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('session.noMinutes')} />
      )}
    </Card>
  );
}
