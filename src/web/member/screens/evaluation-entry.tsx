import { useQuery } from '@tanstack/react-query';
import { fill } from '../i18n.ts';
import { useEvaluationI18n } from '../i18n-evaluation.ts';
import { queries } from '../queries.ts';
import { AppLink } from '../ui.tsx';
import { SettingLink } from './Me.tsx';

/**
 * The ways into 民主评议 from the app's first screens, small so they load with them (the screen
 * itself loads on first use): 首页's one line while a round waits for the member, 我的's entry.
 */
export function EvaluationHomeLine() {
  const { t } = useEvaluationI18n();
  const query = useQuery({ ...queries.evaluations(), retry: false });
  const waiting = query.data?.items.find((r) => r.waiting);
  if (!waiting) return null;
  return (
    <AppLink to={{ name: 'evaluation', roundId: waiting.id }} className="card home-evaluation" testId="home-evaluation">
      {fill(t.evHome, { what: waiting.phase === 'ballot' ? t.evWaitVote : t.evWaitSelf })}
    </AppLink>
  );
}

/** 我的's entry: the same line as Me.tsx's other settings links. */
export function EvaluationMeLink() {
  const { t } = useEvaluationI18n();
  return <SettingLink to={{ name: 'evaluation', roundId: null }} testId="me-evaluation" title={t.evTitle} hint={t.evMeHint} />;
}
