import { App, Space, Switch, Typography } from 'antd';
import { useState } from 'react';
import { endpoints } from '../../api.ts';
import { useShowError } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';

/**
 * 长辈模式 of the member app for this member (larger text, bigger buttons, fewer words): the member's
 * phone starts in it unless the member chose otherwise on the phone. Only secretaries above the
 * member may change it (the server refuses everyone else); others see the value.
 */
export function ElderModeSwitch({ memberId, value, canEdit, onChange }: { memberId: string; value: boolean; canEdit: boolean; onChange: (on: boolean) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const showError = useShowError();
  const [saving, setSaving] = useState(false);
  if (!canEdit) return <span data-testid="elder-mode-value">{value ? t('member.elderMode.on') : t('member.elderMode.off')}</span>;
  const change = async (on: boolean) => {
    setSaving(true);
    try {
      const r = await endpoints.elderMode.set({ id: memberId }, { elderMode: on });
      onChange(r.elderMode);
      void message.success(r.elderMode ? t('member.elderMode.turnedOn') : t('member.elderMode.turnedOff'));
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Space size={8} wrap>
      <Switch
        checked={value}
        loading={saving}
        onChange={(on) => void change(on)}
        aria-label={t('member.elderMode')}
        data-testid="elder-mode-switch"
      />
      <Typography.Text type="secondary">{t('member.elderMode.hint')}</Typography.Text>
    </Space>
  );
}
