import { useI18n } from '../i18n.ts';
import { dutyEntryWords } from '../i18n-duty-entry.ts';
import { SettingLink } from './Me.tsx';

/**
 * 我的's way into 值守, small so it loads with the first screens: its own few words
 * (i18n-duty-entry.ts), the screen and all its words load on first use.
 */
export function DutyMeLink() {
  const { language } = useI18n();
  const words = dutyEntryWords[language];
  return <SettingLink to={{ name: 'duty' }} testId="me-duty" title={words.me} hint={words.meHint} />;
}
