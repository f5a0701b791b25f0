import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n.ts';
import { questionsEntryWords } from '../i18n-questions.ts';
import { queries } from '../queries.ts';
import { AppLink } from '../ui.tsx';

/**
 * 首页's one line of 有问必答: shown only while an answer to one of the member's questions waits
 * unseen; it opens that question (or the list when several wait).
 */
export function QuestionsLine() {
  const { language } = useI18n();
  const query = useQuery(queries.questions());
  const waiting = query.data?.items.filter((q) => q.answerUnseen) ?? [];
  const first = waiting[0];
  if (!first) return null;
  return (
    <p className="message message-info" role="status">
      <AppLink to={waiting.length === 1 ? { name: 'question', questionId: first.id } : { name: 'questions' }} testId="home-question-answered">
        {questionsEntryWords[language].home}
      </AppLink>
    </p>
  );
}
