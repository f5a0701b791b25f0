import { useQuery } from '@tanstack/react-query';
import type { InboxEntry, MySession, Today as TodayData } from '../api.ts';
import { chinaDate, fill, formatDate, formatDay, useI18n } from '../i18n.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { AppLink, LoadFailed, LoadingMessage, SavedCopyNotice } from '../ui.tsx';
import { CheckInButton, SessionWhen } from './parts.tsx';

interface TodayProps {
  /** Mentors see their follow-up tasks; null when unknown (offline start). */
  isMentor: boolean | null;
  onUnauthenticated: () => void;
  /** The home screen already says the network is down (its retry reloads this too). */
  offlineNoticeShown: boolean;
}

/** At most this many pushes on 首页; the rest are one tap away in 学习. */
const PUSHES_ON_HOME = 2;

/**
 * One entry per push (a push delivered meanwhile or a kept copy merged with a fresh one never
 * shows twice), unread first, otherwise the server's order (most recent first).
 */
export function pushesForToday(pushes: InboxEntry[]): InboxEntry[] {
  const seen = new Set<string>();
  const unique = pushes.filter((p) => (seen.has(p.pushId) ? false : (seen.add(p.pushId), true)));
  return unique.filter((p) => !p.readAt).concat(unique.filter((p) => p.readAt));
}

/**
 * The classes open for check-in. A fresh answer is the server's word (a phone whose clock runs
 * fast must not hide a window the server says is open); a kept copy may be hours old, so there
 * only windows still open by the phone's clock are offered.
 */
export function openCheckins(sessions: MySession[], stale: boolean, now: number): MySession[] {
  return stale ? sessions.filter((s) => Date.parse(s.checkinClosesAt) > now) : sessions;
}

/**
 * 首页's content, in the order a member acts on it: today's study (one entry per push with its
 * items), the class (check-in when its window is open), open make-ups, then the rest behind links.
 */
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
  const checkinOpen = openCheckins(today.checkinOpen, stale, Date.now());
  const pushes = pushesForToday(today.pushes);
  // Today's pushes (and any a reminder was sent for); on a day without one, the latest unread.
  // Older unread ones are counted in one line that opens 学习, so the screen stays short.
  const due = pushes.filter((p) => formatDay(p.deliveredAt, 'en-US') === formatDate(today.date, 'en-US') || (!p.readAt && p.reminded));
  const shownPushes = (due.length > 0 ? due : pushes.slice(0, 1)).slice(0, PUSHES_ON_HOME);
  // Handed in and waiting for review, or expired: nothing left for the member to do today.
  const makeups = today.makeups.filter((m) => m.status === 'open' || m.status === 'returned');
  // The next class may be the one open for check-in right now: its card says it all.
  const next = today.nextSession && !checkinOpen.some((s) => s.id === today.nextSession?.id) ? today.nextSession : null;
  // A copy saved on another day must not wish a happy birthday today.
  const birthday = !stale || today.date === chinaDate() ? today.politicalBirthday : null;

  return (
    <div className="today">
      {stale && !offlineNoticeShown ? (
        <SavedCopyNotice message={t.todayStale} onRetry={load} />
      ) : null}

      {birthday ? (
        <p className="home-birthday" data-testid="today-birthday" data-years={birthday.years} title={fill(t.birthdayGreeting, { n: birthday.years })}>
          <span aria-hidden="true">★ </span>
          {t.birthdayTitle}
          <span className="home-birthday-joined">{fill(t.birthdayJoined, { date: formatDate(birthday.joinDate, language) })}</span>
        </p>
      ) : null}

      <section className="card home-study" aria-labelledby="today-title">
        <h2 id="today-title" className="home-section-title">
          {t.todayTitle}
          <span className="section-date elder-hide">{formatDate(today.date, language)}</span>
        </h2>
        {pushes.length === 0 ? <p className="muted">{t.noStudyToday}</p> : null}
        {shownPushes.map((push) => (
          <PushEntry key={push.pushId} push={push} compact />
        ))}
        {pushes.length > shownPushes.length ? (
          <AppLink to={{ name: 'study' }} className="home-more-link" testId="today-more-study">
            {fill(t.moreStudy, { n: pushes.length - shownPushes.length })} ›
          </AppLink>
        ) : null}
      </section>

      {checkinOpen.map((session) => (
        <ClassCard key={session.id} session={session} checkIn day={today.date} onUnauthenticated={onUnauthenticated} />
      ))}
      {next ? <ClassCard session={next} checkIn={false} day={today.date} onUnauthenticated={onUnauthenticated} /> : null}

      {makeups.length > 0 ? (
        <section className="card" aria-labelledby="makeups-title">
          <h2 id="makeups-title" className="home-section-title">
            {t.makeupsTitle}
          </h2>
          <ul className="plain-list">
            {makeups.map((makeup) => (
              <li key={makeup.sessionId}>
                <AppLink to={{ name: 'makeup', sessionId: makeup.sessionId }} className="home-link">
                  <span className="home-link-text">
                    {makeup.sessionTitle}
                    <span className="due">{fill(t.makeupDue, { date: formatDate(makeup.dueOn, language) })}</span>
                    {makeup.status === 'returned' ? <span className="tag tag-bad">{t.makeupSentBack}</span> : null}
                  </span>
                  <span className="home-link-action">{t.doMakeup} ›</span>
                </AppLink>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <MoreLinks today={today} isMentor={isMentor} />
    </div>
  );
}

/** The class open for check-in right now, or the next one: when, where, and the one thing to do. */
function ClassCard({ session, checkIn, day, onUnauthenticated }: { session: MySession; checkIn: boolean; day: string; onUnauthenticated: () => void }) {
  const { t } = useI18n();
  const startsToday = formatDay(session.startsAt, 'en-US') === formatDate(day, 'en-US');
  const titleId = (checkIn ? 'checkin-' : 'next-') + session.id;
  return (
    <section className={checkIn ? 'card card-urgent' : 'card'} aria-labelledby={titleId} data-testid={checkIn ? undefined : 'today-next'}>
      <h2 className="home-section-title">{checkIn ? t.checkinOpenTitle : t.nextSessionTitle}</h2>
      <p className="card-title" id={titleId}>
        {session.title}
      </p>
      <SessionWhen session={session} />
      {session.location ? <p className="muted elder-hide">{session.location}</p> : null}
      {checkIn ? (
        <>
          <CheckInButton session={session} testId={`today-checkin-${session.id}`} onCheckedIn={() => undefined} onUnauthenticated={onUnauthenticated} />
          {session.meetingUrl ? (
            <a className="button button-secondary" href={session.meetingUrl} target="_blank" rel="noopener noreferrer">
              {t.meetingLink}
            </a>
          ) : null}
        </>
      ) : session.meetingUrl && startsToday ? (
        // The meeting link when the class is today; the calendar and the rest are on its page.
        <>
          <a className="button button-primary" href={session.meetingUrl} target="_blank" rel="noopener noreferrer">
            {t.meetingLink}
          </a>
          <AppLink to={{ name: 'session', sessionId: session.id }} className="button button-plain">
            {t.details}
          </AppLink>
        </>
      ) : (
        <AppLink to={{ name: 'session', sessionId: session.id }} className="home-more-link" testId="today-next-details">
          {t.details} ›
        </AppLink>
      )}
    </section>
  );
}

/** The rest of the day behind one line each: holiday cards, 传帮带 and tasks for mentors, the records. */
function MoreLinks({ today, isMentor }: { today: TodayData; isMentor: boolean | null }) {
  const { t } = useI18n();
  const showCare = today.careTasks > 0 || today.talksOverdue > 0 || isMentor === true;
  return (
    <nav className="card home-links" aria-labelledby="more-title">
      <h2 id="more-title" className="home-section-title">
        {t.moreTitle}
      </h2>
      <ul className="plain-list">
        {today.unopenedCards > 0 ? (
          <li>
            <AppLink to={{ name: 'cards' }} className="home-link" testId="today-cards">
              <span className="home-link-seal" aria-hidden="true">
                福
              </span>
              <span className="home-link-text">{fill(t.cardsBanner, { n: today.unopenedCards })}</span>
              <span className="home-link-arrow" aria-hidden="true">
                ›
              </span>
            </AppLink>
          </li>
        ) : null}
        {showCare ? <CareLinks today={today} isMentor={isMentor === true} /> : null}
        <li>
          <AppLink to={{ name: 'records' }} className="home-link" testId="today-records">
            <span className="home-link-text">{t.recordsTitle}</span>
            <span className="home-link-arrow" aria-hidden="true">
              ›
            </span>
          </AppLink>
        </li>
      </ul>
    </nav>
  );
}

/** 传帮带 on the mentor's home: talks that are due and follow-up tasks, the overdue ones marked red. */
function CareLinks({ today, isMentor }: { today: TodayData; isMentor: boolean }) {
  const { t } = useI18n();
  return (
    <li data-testid="today-care" className="home-care">
      {isMentor || today.talksOverdue > 0 ? (
        <AppLink to={{ name: 'mentees' }} className={today.talksOverdue > 0 ? 'home-link home-link-urgent' : 'home-link'} testId="today-mentees">
          {today.talksOverdue > 0 ? (
            <span className="home-link-text" data-testid="today-talks-overdue" data-count={today.talksOverdue}>
              {fill(t.talksOverdueLink, { n: today.talksOverdue })}
            </span>
          ) : (
            <span className="home-link-text">{t.myMentees}</span>
          )}
          <span className="home-link-arrow" aria-hidden="true">
            ›
          </span>
        </AppLink>
      ) : null}
      <AppLink to={{ name: 'tasks' }} className={today.careTasksOverdue > 0 ? 'home-link home-link-urgent' : 'home-link'} testId="today-tasks">
        <span className="home-link-text">{fill(t.careTasksLink, { n: today.careTasks })}</span>
        {today.careTasksOverdue > 0 ? (
          <span className="tag tag-bad" data-testid="today-tasks-overdue" data-count={today.careTasksOverdue}>
            {fill(t.careTasksOverdue, { n: today.careTasksOverdue })}
          </span>
        ) : null}
        <span className="home-link-arrow" aria-hidden="true">
          ›
        </span>
      </AppLink>
    </li>
  );
}

/** One push with its items; shared by the home screen (compact: without the date and the reminder's hint) and the study list. */
export function PushEntry({ push, testIdPrefix = 'today-push-', compact = false }: { push: InboxEntry; testIdPrefix?: string; compact?: boolean }) {
  const { t, language } = useI18n();
  const unread = !push.readAt;
  return (
    <div className={unread ? 'push push-unread' : 'push'} data-testid={testIdPrefix + push.pushId} data-read={unread ? 'false' : 'true'}>
      <p className="push-title">
        {push.title}
        {unread && push.reminded ? <span className="tag tag-bad push-reminder">{t.reminder}</span> : null}
        {unread ? null : <span className="tag tag-good">{t.readMark}</span>}
      </p>
      {/* 首页 says the day once, above its pushes; 学习 dates each one and says why a reminder came. */}
      {compact ? null : <p className="muted push-date elder-hide">{formatDay(push.deliveredAt, language)}</p>}
      {unread && push.reminded && !compact ? <p className="push-reminder-hint elder-hide">{t.reminderHint}</p> : null}
      <ul className="item-list">
        {push.items.map((item) => (
          <li key={item.id}>
            <AppLink to={{ name: 'read', pushId: push.pushId, itemId: item.id }} className="item-link">
              <span className="item-title">{item.title}</span>
              <span className="item-meta">
                <span className="elder-hide">
                  {t[`kind_${item.kind}` as const]} · {fill(t.aboutMinutes, { n: item.minutes })}
                </span>
                {item.read ? <span className="tag tag-good">{t.readMark}</span> : <span className="tag tag-plain">{t.unread}</span>}
              </span>
            </AppLink>
          </li>
        ))}
      </ul>
    </div>
  );
}
