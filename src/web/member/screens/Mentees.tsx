import { useQuery } from '@tanstack/react-query';
import type { MyMentee } from '../api.ts';
import { fill, formatDate } from '../i18n.ts';
import { useCareI18n } from '../i18n-care.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { AppLink, LoadFailed, LoadingMessage, SavedCopyNotice, ScreenTitle, telHref, TopBar } from '../ui.tsx';
import './care.css';

interface MenteesProps {
  onBack: () => void;
}

/** 我的联系对象: the mentor's members, the ones due a talk first, each with a call and a "record a talk" button. */
export function Mentees({ onBack }: MenteesProps) {
  const { t } = useCareI18n();
  const query = useQuery(queries.mentees());
  const state = shown(query, t.networkError);
  const load = () => void query.refetch();

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.menteesTitle}</ScreenTitle>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' && state.message ? <LoadFailed message={state.message} onRetry={load} /> : null}
        {state.kind === 'loaded' ? (
          <>
            {state.stale ? (
              <SavedCopyNotice message={t.menteesStale} onRetry={load} />
            ) : null}
            {state.data.items.length === 0 ? (
              <p className="card muted" data-testid="mentees-empty">
                {t.menteesNone}
              </p>
            ) : (
              <p className="summary">{t.menteesIntro}</p>
            )}
            {state.data.items.map((mentee) => (
              <MenteeCard key={mentee.memberId} mentee={mentee} />
            ))}
          </>
        ) : null}
      </main>
    </>
  );
}

/** 逾期 N 天 / 从未谈话 / 请在…前谈话 / 正常, in the colour that says how urgent it is. */
function TalkState({ mentee }: { mentee: MyMentee }) {
  const { t, language } = useCareI18n();
  let tone = 'tag-good';
  let label = t.talkOk;
  if (mentee.talkDue === 'overdue') {
    tone = 'tag-bad';
    label = fill(t.talkOverdueDays, { n: mentee.overdueDays });
  } else if (mentee.talkDue === 'never') {
    tone = 'tag-bad';
    label = t.neverTalked;
  } else if (mentee.talkDue === 'due_soon' && mentee.nextTalkDue) {
    tone = 'tag-warn';
    label = fill(t.talkDueSoon, { date: formatDate(mentee.nextTalkDue, language) });
  }
  return (
    <span className={'tag ' + tone} data-testid={`mentee-state-${mentee.memberId}`} data-state={mentee.talkDue}>
      {label}
    </span>
  );
}

function MenteeCard({ mentee }: { mentee: MyMentee }) {
  const { t, language } = useCareI18n();
  const where = [mentee.placeName, mentee.workplace].filter(Boolean).join(' · ');
  const late = mentee.talkDue === 'overdue' || mentee.talkDue === 'never';
  return (
    <article className={late ? 'card card-overdue' : 'card'} data-testid={`mentee-${mentee.memberId}`} aria-labelledby={`mentee-name-${mentee.memberId}`}>
      <p className="person-name" id={`mentee-name-${mentee.memberId}`}>
        {mentee.name}
      </p>
      {where ? <p className="mentee-where">{where}</p> : null}
      <p>
        <TalkState mentee={mentee} />
        {mentee.openTasks > 0 ? (
          <AppLink to={{ name: 'tasks' }} className="tag tag-warn tag-link">
            {fill(t.menteeOpenTasks, { n: mentee.openTasks })}
          </AppLink>
        ) : null}
      </p>
      {mentee.lastTalkOn ? <p className="muted">{fill(t.lastTalk, { date: formatDate(mentee.lastTalkOn, language) })}</p> : null}
      <div className="button-row">
        <a className="button button-secondary" href={telHref(mentee.phone)} data-testid={`mentee-call-${mentee.memberId}`}>
          <span aria-hidden="true" className="call-icon">
            ☎
          </span>
          {t.callMentee}
        </a>
        <AppLink to={{ name: 'talk', memberId: mentee.memberId }} className="button button-primary" testId={`mentee-talk-${mentee.memberId}`}>
          {t.recordTalk}
        </AppLink>
      </div>
    </article>
  );
}
