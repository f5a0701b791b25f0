import { Alert, Modal, Skeleton, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { endpoints } from '../../api.ts';
import { errorText } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { CheckinCode, SessionDetail } from '../../types.ts';

// ---------- the rotating check-in QR (full screen, for a projector or a phone held up) ----------
export function CheckinQrModal({ session, onClose, onTick }: { session: SessionDetail; onClose: () => void; onTick: () => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState<CheckinCode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const timer = useRef<number | undefined>(undefined);
  const alive = useRef(true);
  // server and browser clocks differ: count down by the code's lifetime as the server sees it
  const skew = useRef(0);

  const fetchCode = useCallback(async () => {
    window.clearTimeout(timer.current);
    try {
      const c = await endpoints.meetings.checkinCode({ id: session.id });
      if (!alive.current) return;
      setCode(c);
      setError(null);
      const expires = dayjs(c.expiresAt).valueOf();
      const lifetime = expires - Date.now();
      // an expiry in the past or absurdly far means the clocks disagree: trust a 30 s lifetime
      skew.current = lifetime <= 0 || lifetime > 5 * 60_000 ? Date.now() + 30_000 - expires : 0;
      const wait = Math.min(Math.max(expires + skew.current - Date.now(), 1000), 5 * 60_000);
      timer.current = window.setTimeout(() => void fetchCode(), wait);
    } catch (e) {
      if (!alive.current) return;
      setError(errorText(e, t('error.generic'), t('error.network')));
      timer.current = window.setTimeout(() => void fetchCode(), 5000);
    }
  }, [session.id, t]);

  useEffect(() => {
    alive.current = true;
    void fetchCode();
    // the count of check-ins is fresh when the code appears, then followed every 10 s
    onTick();
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    // the host sees check-ins arrive
    const refresh = window.setInterval(onTick, 10_000);
    return () => {
      alive.current = false;
      window.clearTimeout(timer.current);
      window.clearInterval(tick);
      window.clearInterval(refresh);
    };
  }, [fetchCode, onTick]);

  const left = code ? Math.max(0, Math.ceil((dayjs(code.expiresAt).valueOf() + skew.current - now) / 1000)) : 0;
  const checkedIn = session.counts.present + session.counts.late;
  return (
    <Modal
      open
      onCancel={onClose}
      footer={null}
      width="100vw"
      centered
      title={null}
      styles={{ body: { minHeight: 'calc(100vh - 48px)', display: 'flex', alignItems: 'center', justifyContent: 'center' }, container: { padding: 24, borderRadius: 0 } }}
      style={{ top: 0, maxWidth: '100vw', margin: 0, paddingBottom: 0 }}
      data-testid="checkin-modal"
    >
      <div style={{ textAlign: 'center' }}>
        <Typography.Title level={2} style={{ marginBottom: 4 }}>
          {session.title}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ fontSize: 18 }}>
          {t('checkin.scanHint')}
        </Typography.Paragraph>
        {code ? (
          <img
            src={`data:image/svg+xml;utf8,${encodeURIComponent(code.svg)}`}
            alt={t('checkin.qrAlt')}
            data-testid="checkin-qr"
            data-checkin-url={code.url}
            data-code={code.code}
            style={{ display: 'block', margin: '0 auto', width: 'min(70vh, 80vw)', height: 'min(70vh, 80vw)', imageRendering: 'pixelated', background: '#fff' }}
          />
        ) : error ? (
          <Alert type="error" showIcon title={error} />
        ) : (
          <Skeleton.Image active style={{ width: 320, height: 320 }} />
        )}
        {code && (
          <Space orientation="vertical" size={4} style={{ marginTop: 12 }}>
            <Typography.Text style={{ fontSize: 18 }} data-testid="checkin-countdown">
              {t('checkin.refreshIn', { n: left })}
            </Typography.Text>
            <Typography.Text type="secondary">{t('checkin.codeText', { code: code.code })}</Typography.Text>
          </Space>
        )}
        <div style={{ marginTop: 16 }}>
          <Typography.Text style={{ fontSize: 20 }} data-testid="checkin-count">
            {t('checkin.count', { n: checkedIn, total: session.counts.invited })}
          </Typography.Text>
        </div>
        {error && code && <Typography.Text type="danger">{error}</Typography.Text>}
      </div>
    </Modal>
  );
}
