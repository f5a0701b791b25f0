import { useDutyI18n } from '../i18n-duty.ts';
import { SettingLink } from './Me.tsx';

/** 我的's way into 值守, small so it loads with the first screens (the screen itself loads on first use). */
export function DutyMeLink() {
  const { t } = useDutyI18n();
  return <SettingLink to={{ name: 'duty' }} testId="me-duty" title={t.dtTitle} hint={t.dtMeHint} />;
}
