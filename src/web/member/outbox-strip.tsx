import { fill } from './i18n.ts';
import { useOutboxI18n, type OutboxDictionary } from './i18n-outbox.ts';
import { isQueued, MAX_UNSENT, OutboxFullError, useOutbox } from './outbox.ts';
import { useNavigate } from './router.ts';
import './screens/outbox.css';

/**
 * One line at the top of 首页 and 我的 when writes wait on the phone: "2 条待发送 · 查看" (and how
 * many the server did not accept), opening 待发送. Nothing when nothing waits.
 */
export function OutboxStrip() {
  const { t } = useOutboxI18n();
  const { waiting, failed } = useOutbox();
  const navigate = useNavigate();
  if (waiting === 0 && failed === 0) return null;
  const parts = [waiting > 0 ? fill(t.outboxStripWaiting, { n: waiting }) : null, failed > 0 ? fill(t.outboxStripFailed, { n: failed }) : null].filter(Boolean);
  return (
    <p className={failed > 0 ? 'outbox-strip outbox-strip-failed' : 'outbox-strip'} role="status" data-testid="outbox-strip">
      <button type="button" className="outbox-strip-button" onClick={() => navigate({ name: 'outbox' })}>
        {parts.join(' · ')} · <span className="outbox-strip-open">{t.outboxStripOpen}</span>
      </button>
    </p>
  );
}

/**
 * What a screen says after a write instead of an error, or null when the error is something else:
 * kept on the phone (QueuedError), or not kept (too many waiting, storage full).
 */
export function queuedText(e: unknown, t: OutboxDictionary): { text: string; kept: boolean } | null {
  if (isQueued(e)) return { text: e.needsLogin ? t.queuedLogin : t.queuedSaved, kept: true };
  if (e instanceof OutboxFullError) return { text: e.reason === 'too-many' ? fill(t.queueTooMany, { n: MAX_UNSENT }) : t.queueStorageFull, kept: false };
  return null;
}

/** "已保存，有信号时自动发送" with the way to 待发送. */
export function QueuedNotice({ text, testId = 'queued-notice' }: { text: string; testId?: string }) {
  const { t } = useOutboxI18n();
  const navigate = useNavigate();
  return (
    <div className="message message-info outbox-notice" role="status" data-testid={testId}>
      <p>{text}</p>
      <button type="button" className="button button-secondary" onClick={() => navigate({ name: 'outbox' })}>
        {t.queuedView}
      </button>
    </div>
  );
}
