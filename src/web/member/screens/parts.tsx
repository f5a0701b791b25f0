import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { ApiError, explainError, type MySession } from '../api.ts';
import { fill, formatTime, formatTimeRange, useI18n, type Dictionary } from '../i18n.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { writes } from '../mutations.ts';
import { AppLink, ErrorMessage } from '../ui.tsx';

/** What the member's row of a session says: 已签到, 迟到, 请假待批准 … */
export function sessionStatusLabel(t: Dictionary, session: Pick<MySession, 'myStatus' | 'leaveStatus'>): string {
  if (session.myStatus === 'invited' && session.leaveStatus) return t[`leave_${session.leaveStatus}` as const];
  return t[`status_${session.myStatus}` as const];
}

function statusTone(session: Pick<MySession, 'myStatus' | 'leaveStatus'>): string {
  switch (session.myStatus) {
    case 'present':
    case 'made_up':
      return 'tag-good';
    case 'late':
    case 'excused':
      return 'tag-warn';
    case 'absent':
      return 'tag-bad';
    default:
      return session.leaveStatus === 'rejected' ? 'tag-bad' : session.leaveStatus ? 'tag-warn' : 'tag-plain';
  }
}

export function SessionStatus({ session, testId }: { session: Pick<MySession, 'myStatus' | 'leaveStatus'>; testId?: string }) {
  const { t } = useI18n();
  return (
    <span className={'tag ' + statusTone(session)} data-testid={testId} data-status={session.myStatus}>
      {sessionStatusLabel(t, session)}
    </span>
  );
}

/** Kind and time of a session in one line each, big enough to read without glasses. */
export function SessionWhen({ session }: { session: Pick<MySession, 'kind' | 'startsAt' | 'endsAt'> }) {
  const { t, language } = useI18n();
  return (
    <p className="session-when">
      <span className="session-kind">{t[`session_${session.kind}` as const]}</span>
      <span>{formatTimeRange(session.startsAt, session.endsAt, language)}</span>
    </p>
  );
}

/** Meeting link and calendar: the two things a member needs to join a class on time. */
export function SessionLinks({ session }: { session: Pick<MySession, 'meetingUrl' | 'calendarUrl'> }) {
  const { t } = useI18n();
  return (
    <div className="button-row">
      {session.meetingUrl ? (
        <a className="button button-primary" href={session.meetingUrl} target="_blank" rel="noopener noreferrer">
          {t.meetingLink}
        </a>
      ) : null}
      <a className="button button-secondary" href={session.calendarUrl}>
        {t.addToCalendar}
      </a>
    </div>
  );
}

export function MaterialLinks({ materials }: { materials: MySession['materials'] }) {
  const { t } = useI18n();
  if (materials.length === 0) return null;
  return (
    <ul className="item-list">
      {materials.map((item) => (
        <li key={item.id}>
          <AppLink to={{ name: 'read', pushId: null, itemId: item.id }} className="item-link">
            <span className="item-title">{item.title}</span>
            <span className="item-meta">{t[`kind_${item.kind}` as const]}</span>
          </AppLink>
        </li>
      ))}
    </ul>
  );
}

export interface CheckInResult {
  checkedInAt: string;
  status: MySession['myStatus'];
}

/** What a check-in came to, from the member's session as the server answers it. */
export function checkInResult(session: MySession): CheckInResult {
  return {
    checkedInAt: session.checkedInAt ?? new Date().toISOString(),
    status: session.myStatus === 'late' ? 'late' : 'present',
  };
}

interface CheckInButtonProps {
  session: MySession;
  testId: string;
  onCheckedIn: (result: CheckInResult) => void;
  onUnauthenticated: () => void;
}

/** The big 签到 button of a session whose check-in window is open. */
export function CheckInButton({ session, testId, onCheckedIn, onUnauthenticated }: CheckInButtonProps) {
  const { t } = useOutboxI18n();
  const checkInCall = useMutation(writes.checkIn);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<CheckInResult | null>(
    session.checkedInAt ? { checkedInAt: session.checkedInAt, status: session.myStatus } : null,
  );
  // A double tap lands before React re-renders the disabled button: guard synchronously.
  const inFlight = useRef(false);

  if (done) {
    return (
      <p className="message message-success" role="status" data-testid={testId} data-done="true">
        <span aria-hidden="true">✓ </span>
        {sessionStatusLabel(t, { myStatus: done.status, leaveStatus: null })} · {formatTime(done.checkedInAt)}
      </p>
    );
  }
  const checkIn = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const result = checkInResult(await checkInCall.mutateAsync({ sessionId: session.id }));
      setDone(result);
      onCheckedIn(result);
    } catch (e) {
      // Said as on the check-in screen: a check-in is never kept for later, it needs the network now.
      setError(e instanceof ApiError && e.isOffline ? t.checkinOffline : explainError(e, t.networkError, onUnauthenticated));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };
  return (
    <>
      <ErrorMessage message={error} />
      <button type="button" className="button button-primary button-huge" data-testid={testId} disabled={busy} onClick={() => void checkIn()}>
        {busy ? t.checkingIn : t.checkIn}
      </button>
    </>
  );
}

export function checkedInText(t: Dictionary, result: CheckInResult): string {
  return fill(t.checkedInAt, { time: formatTime(result.checkedInAt) });
}
