import { useQuery } from '@tanstack/react-query';
import { useI18n } from '../i18n.ts';
import { questionsEntryWords } from '../i18n-questions.ts';
import { queries } from '../queries.ts';
import { AppLink } from '../ui.tsx';

/**
 * 首页's one line of 有问必答: shown only while an answer to one of the member's questions waits
 * unseen; it opens that question (or the list when several wait). The whole card is the link (a
 * big tap target, like 季度评议's and 民主评议's lines).
 */
export function QuestionsLine() {
  const { language } = useI18n();
  const query = useQuery(queries.questions());
  const waiting = query.data?.items.filter((q) => q.answerUnseen) ?? [];
  const first = waiting[0];
  if (!first) return null;
  return (
    <AppLink to={waiting.length === 1 ? { name: 'question', questionId: first.id } : { name: 'questions' }} className="card card-link home-question" testId="home-question-answered">
      {questionsEntryWords[language].home}
    </AppLink>
  );
}
