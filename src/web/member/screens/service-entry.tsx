import { useQuery } from '@tanstack/react-query';
import { chinaDate, fill, useI18n } from '../i18n.ts';
import { useServiceI18n, serviceEntryWords } from '../i18n-service.ts';
import { queries } from '../queries.ts';
import type { MySignup } from '../service-api.ts';
import { AppLink } from '../ui.tsx';
import { SettingLink } from './Me.tsx';

/**
 * The ways into 志愿服务 from the app's first screens, small so they load with them (the screens
 * themselves load on first use): 我的's entry, and 首页's one line while a confirmed sign-up's project
 * runs today or tomorrow (from the same answer 志愿服务 shows, revalidated by its ETag).
 */
export function ServiceMeLink() {
  const { language } = useI18n();
  const words = serviceEntryWords[language];
  return <SettingLink to={{ name: 'service' }} testId="me-service" title={words.me} hint={words.meHint} />;
}

/** The first confirmed sign-up whose project runs on `day` (China days 'YYYY-MM-DD'). */
export function signupOn(signups: readonly MySignup[], day: string): MySignup | null {
  return signups.find((s) => s.status === 'confirmed' && s.project.startsOn <= day && s.project.endsOn >= day) ?? null;
}

export function ServiceHomeLine() {
  const { t } = useServiceI18n();
  const query = useQuery({ ...queries.service(), retry: false });
  const signups = query.data?.signups ?? [];
  const today = signupOn(signups, chinaDate());
  const tomorrow = today ? null : signupOn(signups, chinaDate(1));
  const soon = today ?? tomorrow;
  if (!soon) return null;
  return (
    <AppLink to={{ name: 'service-project', projectId: soon.project.id }} className="card card-link home-service" testId="home-service">
      {fill(t.svHomeSoon, { when: today ? t.svHomeToday : t.svHomeTomorrow, title: `${soon.project.title} · ${soon.task.title}` })}
    </AppLink>
  );
}
