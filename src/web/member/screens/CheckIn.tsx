import { useMutation } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, errorText, type MySession } from '../api.ts';
import { formatTime } from '../i18n.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { keep, recall } from '../kept.ts';
import { writes } from '../mutations.ts';
import { useNavigate } from '../router.ts';
import { ScreenTitle, TopBar } from '../ui.tsx';
import { checkInResult, sessionStatusLabel, type CheckInResult } from './parts.tsx';

type Outcome =
  | { ok: true; result: CheckInResult; title: string | null }
  | { ok: false; message: string | null; unauthenticated: boolean; offline: boolean };

/**
 * One request per scanned code for the life of the page: React's development double effects, a
 * remount or a second tap all wait for the same answer. A success is also kept for the browser
 * tab, so reloading the page shows it again instead of checking in a second time.
 */
const pending = new Map<string, Promise<Outcome>>();
const STORE_PREFIX = 'lx_checkin:';

// Unreadable or disabled storage: check in again (the server is idempotent, and answers the same).
function storedSuccess(key: string): Outcome | null {
  const value = recall(STORE_PREFIX + key, 'ok', 'sessionStorage');
  return value?.ok === true ? (value as unknown as Outcome) : null;
}

function storeSuccess(key: string, outcome: Outcome): void {
  keep(STORE_PREFIX + key, outcome, 'sessionStorage');
}

type Send = (vars: { sessionId: string; code?: string }) => Promise<MySession>;

function checkInOnce(sessionId: string, code: string | null, send: Send): Promise<Outcome> {
  const key = sessionId + '|' + (code ?? '');
  const saved = storedSuccess(key);
  if (saved) return Promise.resolve(saved);
  let request = pending.get(key);
  if (!request) {
    request = send(code ? { sessionId, code } : { sessionId }).then(
      (answer): Outcome => {
        const outcome: Outcome = { ok: true, result: checkInResult(answer), title: answer.title };
        storeSuccess(key, outcome);
        return outcome;
      },
      (e: unknown): Outcome => {
        // A failure may be retried on purpose (the 再试一次 button), never by itself.
        pending.delete(key);
        const unauthenticated = e instanceof ApiError && e.status === 401;
        const message = errorText(e) || null;
        // No answer at all: a check-in cannot wait on the phone (the window and the code need the server).
        const offline = e instanceof ApiError && e.isOffline;
        return { ok: false, message, unauthenticated, offline };
      },
    );
    pending.set(key, request);
  }
  return request;
}

interface CheckInProps {
  sessionId: string;
  code: string | null;
  onUnauthenticated: () => void;
}

/**
 * /m/checkin?s=…&c=…: the page a phone opens after scanning the host's QR code. Without signal a
 * check-in cannot be made (nor queued: the window and the code need the server): the page says so
 * plainly and keeps the button ready; when the phone says the signal is back, the button says so.
 */
export function CheckIn({ sessionId, code, onUnauthenticated }: CheckInProps) {
  const { t } = useOutboxI18n();
  const navigate = useNavigate();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [backOnline, setBackOnline] = useState(false);
  const { mutateAsync: send } = useMutation(writes.checkIn);
  const offline = outcome !== null && !outcome.ok && outcome.offline;

  useEffect(() => {
    if (!offline) return;
    setBackOnline(false);
    const online = () => setBackOnline(true);
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [offline]);

  useEffect(() => {
    let live = true;
    setOutcome(null);
    void checkInOnce(sessionId, code, send).then((result) => {
      if (!live) return;
      if (!result.ok && result.unauthenticated) onUnauthenticated();
      else setOutcome(result);
    });
    return () => {
      live = false;
    };
  }, [sessionId, code, attempt, onUnauthenticated, send]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);

  return (
    <>
      <TopBar />
      <main className="screen">
        <ScreenTitle>{t.checkinTitle}</ScreenTitle>
        {outcome === null ? (
          <p className="message message-info" role="status">
            <span className="spinner" aria-hidden="true" />
            {t.checkinWorking}
          </p>
        ) : outcome.ok ? (
          <section className="result result-ok" data-testid="checkin-result" data-ok="true" role="status">
            <p className="result-icon" aria-hidden="true">
              ✓
            </p>
            <p className="result-title">{t.checkinSuccess}</p>
            {outcome.title ? <p className="result-detail">{outcome.title}</p> : null}
            <p className="result-time">
              {sessionStatusLabel(t, { myStatus: outcome.result.status, leaveStatus: null })} · {formatTime(outcome.result.checkedInAt)}
            </p>
          </section>
        ) : (
          <section className="result result-failed" data-testid="checkin-result" data-ok="false" role="alert">
            <p className="result-icon" aria-hidden="true">
              !
            </p>
            <p className="result-title">{t.checkinFailed}</p>
            {outcome.offline ? (
              <p className="result-detail" data-testid="checkin-offline">
                {backOnline ? t.checkinOnlineAgain : t.checkinOffline}
              </p>
            ) : (
              <p className="result-detail">{outcome.message ?? t.networkError}</p>
            )}
            <button type="button" className="button button-primary" onClick={retry} data-testid="checkin-retry">
              {outcome.offline && backOnline ? t.checkinTryAgain : t.tryAgain}
            </button>
          </section>
        )}
        <div className="actions">
          <button type="button" className="button button-secondary" onClick={() => navigate({ name: 'session', sessionId })}>
            {t.details}
          </button>
          <button type="button" className="button button-plain" onClick={() => navigate({ name: 'home' })}>
            {t.goHome}
          </button>
        </div>
      </main>
    </>
  );
}
