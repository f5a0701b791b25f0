import { useQuery } from '@tanstack/react-query';
import { chinaDate, fill, useI18n } from '../i18n.ts';
import { serviceEntryWords } from '../i18n-service-entry.ts';
import { queries } from '../queries.ts';
import { soonSignup } from '../service-soon.ts';
import { AppLink } from '../ui.tsx';
import { SettingLink } from './Me.tsx';

/**
 * The ways into 志愿服务 from the app's first screens, small so they load with them (the screens
 * themselves load on first use): 我的's entry, and 首页's one line while a confirmed sign-up's project
 * is on today or tomorrow (service-soon.ts; from the same answer 志愿服务 shows, revalidated by its ETag).
 */
export function ServiceMeLink() {
  const { language } = useI18n();
  const words = serviceEntryWords[language];
  return <SettingLink to={{ name: 'service' }} testId="me-service" title={words.me} hint={words.meHint} />;
}

export function ServiceHomeLine() {
  const { language } = useI18n();
  const words = serviceEntryWords[language];
  const query = useQuery({ ...queries.service(), retry: false });
  const soon = soonSignup(query.data?.signups ?? [], chinaDate());
  if (!soon) return null;
  const { project, task } = soon.signup;
  return (
    <AppLink to={{ name: 'service-project', projectId: project.id }} className="card card-link home-service" testId="home-service">
      {fill(words.homeSoon, { when: soon.when === 'today' ? words.homeToday : words.homeTomorrow, title: `${project.title} · ${task.title}` })}
    </AppLink>
  );
}
