import { useQuery } from '@tanstack/react-query';
import type { InboxEntry, Today as TodayData } from '../api.ts';
import { chinaDate, fill, formatDate, formatDay, useI18n } from '../i18n.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { AppLink, LoadFailed, LoadingMessage } from '../ui.tsx';
import { CheckInButton, SessionLinks, SessionWhen } from './parts.tsx';

interface TodayProps {
  /** Mentors see their follow-up tasks; null when unknown (offline start). */
  isMentor: boolean | null;
  onUnauthenticated: () => void;
  /** The home screen already says the network is down (its retry reloads this too). */
  offlineNoticeShown: boolean;
}

/** Unread pushes first; otherwise the server's order (most recent first). */
function unreadFirst(pushes: InboxEntry[]): InboxEntry[] {
  return pushes.filter((p) => !p.readAt).concat(pushes.filter((p) => p.readAt));
}

/** 今日学习: what is due today, on top of the home screen. */
export function TodaySection({ isMentor, onUnauthenticated, offlineNoticeShown }: TodayProps) {
  const { t, language } = useI18n();
  const query = useQuery(queries.today());
  const state = shown(query, t.networkError);
  const load = () => void query.refetch();

  if (state.kind === 'loading') {
    return (
      <section className="today" aria-label={t.todayTitle}>
        <LoadingMessage />
      </section>
    );
  }
  if (state.kind === 'failed') {
    return (
      <section className="today" aria-label={t.todayTitle}>
        {state.message ? <LoadFailed message={state.message} onRetry={load} /> : null}
      </section>
    );
  }

  const { data: today, stale } = state;
  const now = Date.now();
  // A saved copy may be hours old: only windows still open are offered.
  const checkinOpen = today.checkinOpen.filter((s) => Date.parse(s.checkinClosesAt) > now);
  const pushes = unreadFirst(today.pushes);
  // Handed in and waiting for review, or expired: nothing left for the member to do today.
  const makeups = today.makeups.filter((m) => m.status === 'open' || m.status === 'returned');
  // The next class may be the one open for check-in right now: its card above says it all.
  const next = today.nextSession && !checkinOpen.some((s) => s.id === today.nextSession?.id) ? today.nextSession : null;
  const showCare = today.careTasks > 0 || today.talksOverdue > 0 || isMentor === true;
  const careUrgent = today.talksOverdue > 0 || today.careTasksOverdue > 0;
  // A copy saved on another day must not wish a happy birthday today.
  const birthday = !stale || today.date === chinaDate() ? today.politicalBirthday : null;

  return (
    <section className="today" aria-labelledby="today-title">
      <h2 id="today-title" className="section-title">
        {t.todayTitle}
        <span className="section-date">{formatDate(today.date, language)}</span>
      </h2>
      {stale && !offlineNoticeShown ? (
        <div className="message message-warning" role="status">
          <p>{t.todayStale}</p>
          <button type="button" className="button button-secondary" onClick={load}>
            {t.retry}
          </button>
        </div>
      ) : null}

      {checkinOpen.map((session) => (
        <article key={session.id} className="card card-urgent" aria-labelledby={`checkin-${session.id}`}>
          <h3 className="card-kicker">{t.checkinOpenTitle}</h3>
          <p className="card-title" id={`checkin-${session.id}`}>
            {session.title}
          </p>
          <SessionWhen session={session} />
          <CheckInButton session={session} testId={`today-checkin-${session.id}`} onCheckedIn={() => undefined} onUnauthenticated={onUnauthenticated} />
          {session.meetingUrl ? (
            <a className="button button-secondary" href={session.meetingUrl} target="_blank" rel="noopener noreferrer">
              {t.meetingLink}
            </a>
          ) : null}
        </article>
      ))}

      {birthday ? (
        <article className="card card-birthday" data-testid="today-birthday" data-years={birthday.years} aria-labelledby="birthday-title">
          <p className="birthday-star" aria-hidden="true">
            ★
          </p>
          <h3 id="birthday-title">{t.birthdayTitle}</h3>
          <p className="birthday-text">{fill(t.birthdayGreeting, { n: birthday.years })}</p>
          <p className="birthday-joined">{fill(t.birthdayJoined, { date: formatDate(birthday.joinDate, language) })}</p>
        </article>
      ) : null}

      {today.unopenedCards > 0 ? (
        <AppLink to={{ name: 'cards' }} className="card cards-banner" testId="today-cards">
          <span className="cards-banner-seal" aria-hidden="true">
            <span>福</span>
          </span>
          <span className="cards-banner-text">
            {fill(t.cardsBanner, { n: today.unopenedCards })}
            <span className="cards-banner-open">{t.cardsBannerOpen} ›</span>
          </span>
        </AppLink>
      ) : null}

      {/* Overdue talks and tasks come before the day's study; otherwise they wait below it. */}
      {showCare && careUrgent ? <CareCard today={today} isMentor={isMentor === true} /> : null}

      <article className="card" aria-labelledby="pushes-title">
        <h3 id="pushes-title">{t.pushesTitle}</h3>
        {pushes.length === 0 ? <p className="muted">{t.noStudyToday}</p> : null}
        {pushes.map((push) => (
          <PushEntry key={push.pushId} push={push} />
        ))}
        <AppLink to={{ name: 'study' }} className="button button-plain">
          {t.allStudy}
        </AppLink>
      </article>

      {makeups.length > 0 ? (
        <article className="card" aria-labelledby="makeups-title">
          <h3 id="makeups-title">{t.makeupsTitle}</h3>
          <ul className="plain-list">
            {makeups.map((makeup) => (
              <li key={makeup.sessionId} className="row-block">
                <p className="card-title">{makeup.sessionTitle}</p>
                <p className="muted">
                  {t[`session_${makeup.sessionKind}` as const]} · {formatDay(makeup.sessionStartsAt, language)}
                </p>
                <p className="due">{fill(t.makeupDue, { date: formatDate(makeup.dueOn, language) })}</p>
                {makeup.status === 'returned' ? <p className="tag tag-bad">{t.makeupSentBack}</p> : null}
                <AppLink to={{ name: 'makeup', sessionId: makeup.sessionId }} className="button button-primary">
                  {t.doMakeup}
                </AppLink>
              </li>
            ))}
          </ul>
        </article>
      ) : null}

      {next ? (
        <article className="card" aria-labelledby="next-title">
          <h3 id="next-title">{t.nextSessionTitle}</h3>
          <p className="card-title">{next.title}</p>
          <SessionWhen session={next} />
          {next.location ? <p className="muted">{next.location}</p> : null}
          <SessionLinks session={next} />
          <AppLink to={{ name: 'session', sessionId: next.id }} className="button button-plain">
            {t.details}
          </AppLink>
        </article>
      ) : null}

      {showCare && !careUrgent ? <CareCard today={today} isMentor={isMentor === true} /> : null}

      <nav className="button-row" aria-label={t.todayTitle}>
        <AppLink to={{ name: 'sessions' }} className="button button-secondary">
          {t.mySessions}
        </AppLink>
      </nav>
    </section>
  );
}

/** 传帮带 on the mentor's home: talks that are due and follow-up tasks, the overdue ones in red. */
function CareCard({ today, isMentor }: { today: TodayData; isMentor: boolean }) {
  const { t } = useI18n();
  const urgent = today.talksOverdue > 0 || today.careTasksOverdue > 0;
  return (
    <article className={urgent ? 'card card-urgent' : 'card'} aria-labelledby="care-title" data-testid="today-care">
      <h3 id="care-title">{isMentor ? t.careTitle : t.tasksTitle}</h3>
      {isMentor || today.talksOverdue > 0 ? (
        <AppLink
          to={{ name: 'mentees' }}
          className={today.talksOverdue > 0 ? 'button button-primary' : 'button button-secondary'}
          testId="today-mentees"
        >
          {today.talksOverdue > 0 ? (
            <span data-testid="today-talks-overdue" data-count={today.talksOverdue}>
              {fill(t.talksOverdueLink, { n: today.talksOverdue })}
            </span>
          ) : (
            t.myMentees
          )}
        </AppLink>
      ) : null}
      <AppLink to={{ name: 'tasks' }} className="button button-secondary button-split" testId="today-tasks">
        <span>{fill(t.careTasksLink, { n: today.careTasks })}</span>
        {today.careTasksOverdue > 0 ? (
          <span className="tag tag-bad" data-testid="today-tasks-overdue" data-count={today.careTasksOverdue}>
            {fill(t.careTasksOverdue, { n: today.careTasksOverdue })}
          </span>
        ) : null}
      </AppLink>
    </article>
  );
}

/** One push with its items; shared by the home screen and the study list. */
export function PushEntry({ push, testIdPrefix = 'today-push-' }: { push: InboxEntry; testIdPrefix?: string }) {
  const { t, language } = useI18n();
  const unread = !push.readAt;
  return (
    <div className={unread ? 'push push-unread' : 'push'} data-testid={testIdPrefix + push.pushId} data-read={unread ? 'false' : 'true'}>
      <p className="push-title">
        {push.title}
        {unread && push.reminded ? <span className="tag tag-bad push-reminder">{t.reminder}</span> : null}
        {unread ? null : <span className="tag tag-good">{t.readMark}</span>}
      </p>
      <p className="muted push-date">{formatDay(push.deliveredAt, language)}</p>
      {unread && push.reminded ? <p className="push-reminder-hint">{t.reminderHint}</p> : null}
      <ul className="item-list">
        {push.items.map((item) => (
          <li key={item.id}>
            <AppLink to={{ name: 'read', pushId: push.pushId, itemId: item.id }} className="item-link">
              <span className="item-title">{item.title}</span>
              <span className="item-meta">
                {t[`kind_${item.kind}` as const]} · {fill(t.aboutMinutes, { n: item.minutes })}
                {item.read ? <span className="tag tag-good">{t.readMark}</span> : <span className="tag tag-plain">{t.unread}</span>}
              </span>
            </AppLink>
          </li>
        ))}
      </ul>
    </div>
  );
}
