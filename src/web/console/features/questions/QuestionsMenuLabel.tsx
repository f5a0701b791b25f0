import { Badge } from 'antd';
import { endpoints } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import { Link } from '../../router.tsx';

/** The menu entry 有问必答 with the number of overdue questions of the caller's units (like 跟进任务's). */
export function QuestionsMenuLabel() {
  const { t } = useI18n();
  const res = useApi(endpoints.questions.list.at({ status: 'overdue', page: 1, pageSize: 1 }), { refetchInterval: 5 * 60_000 });
  const n = res.data?.total ?? 0;
  return (
    <Link to="/questions" data-testid="nav-questions">
      <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }} title={n > 0 ? t('nav.questionsOverdue', { n }) : undefined}>
        {t('nav.questions')}
        <Badge count={n} size="small" overflowCount={99} data-testid="questions-badge" />
      </span>
    </Link>
  );
}
