import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, explainError, type NoticeChannels, type NoticeChannelsChange } from '../api.ts';
import { fill, formatDate } from '../i18n.ts';
import { useNoticesI18n, type NoticesDictionary } from '../i18n-notices.ts';
import { writes } from '../mutations.ts';
import { queries } from '../queries.ts';
import { shown } from '../shown.ts';
import { ErrorMessage, LoadFailed, LoadingMessage, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import { currentSubscription, pushSupport, subscribeThisPhone, unsubscribeThisPhone, type PushSupport } from '../web-push.ts';
import { chinaDay } from '../../../shared/china-time.ts';
import './care.css';

interface NoticesProps {
  onBack: () => void;
  onUnauthenticated: () => void;
}

type Busy = null | 'sms' | 'push' | 'robot';

/**
 * 通知方式: what tells the member of something new (the app itself, SMS with their consent, this
 * phone's notifications where the browser can show them, their groups' robots) and their switches.
 */
export function Notices({ onBack, onUnauthenticated }: NoticesProps) {
  const { t, language } = useNoticesI18n();
  const query = useQuery(queries.noticeChannels());
  const state = shown(query, t.networkError);
  const save = useMutation(writes.setNoticeChannels);
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [support, setSupport] = useState<PushSupport>(pushSupport);
  /** this phone's own subscription: null while asked */
  const [subscribed, setSubscribed] = useState<boolean | null>(null);

  useEffect(() => {
    let live = true;
    void currentSubscription()
      .catch(() => null)
      .then((s) => {
        if (live) setSubscribed(s !== null);
      });
    return () => {
      live = false;
    };
  }, []);

  // This phone has a subscription the server does not know (it was dropped after the push service
  // said it was gone, or another login on this phone took it): tell the server again, quietly.
  const loaded = state.kind === 'loaded' ? state.data : null;
  const unknownHere = loaded !== null && subscribed === true && loaded.webpush.on && loaded.webpush.devices === 0;
  const reposted = useRef(false);
  const refetch = query.refetch;
  useEffect(() => {
    if (!unknownHere || reposted.current) return;
    reposted.current = true;
    void (async () => {
      const subscription = (await currentSubscription().catch(() => null))?.toJSON();
      const keys = subscription?.keys;
      if (!subscription?.endpoint || !keys?.p256dh || !keys.auth) return;
      await api.savePushSubscription({ endpoint: subscription.endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } });
      await refetch();
    })().catch(() => undefined);
  }, [unknownHere, refetch]);

  const failed = (e: unknown) => setError(explainError(e, t.networkError, onUnauthenticated) || null);

  const change = async (body: NoticeChannelsChange) => {
    await save.mutateAsync(body);
    setSaved(true);
  };

  const run = async (which: Exclude<Busy, null>, action: () => Promise<void>) => {
    if (busy) return;
    setBusy(which);
    setError(null);
    setSaved(false);
    try {
      await action();
    } catch (e) {
      failed(e);
    } finally {
      setBusy(null);
    }
  };

  const toggleSms = (on: boolean) => run('sms', () => change({ sms: on }));
  const toggleRobot = (on: boolean) => run('robot', () => change({ robot: on }));

  const togglePush = (on: boolean, channels: NoticeChannels) =>
    run('push', async () => {
      if (on) {
        const { publicKey } = await api.pushKey();
        const result = await subscribeThisPhone(publicKey);
        if (!result.ok) {
          setSupport(pushSupport());
          setError(result.reason === 'denied' ? t.pushDenied : result.reason === 'unsupported' ? t.pushUnsupported : t.pushFailed);
          return;
        }
        const { endpoint, keys } = result.subscription;
        if (!endpoint || !keys?.p256dh || !keys.auth) {
          setError(t.pushFailed);
          return;
        }
        await api.savePushSubscription({ endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } });
        setSubscribed(true);
        if (!channels.webpush.on) await change({ webpush: true });
        else {
          await query.refetch();
          setSaved(true);
        }
      } else {
        const endpoint = await unsubscribeThisPhone();
        if (endpoint) await api.removePushSubscription(endpoint);
        setSubscribed(false);
        await change({ webpush: false });
      }
    });

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.noticesTitle}</ScreenTitle>
        <p className="records-intro">{t.noticesIntro}</p>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' && state.message ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null}
        {state.kind === 'loaded' ? (
          <>
            <div aria-live="polite">
              <ErrorMessage message={error} />
              {busy ? <p className="message message-info">{t.channelsSaving}</p> : <SuccessMessage message={saved ? t.channelsSaved : null} />}
            </div>

            <section className="card" aria-labelledby="notices-app">
              <h2 id="notices-app">{t.inAppTitle}</h2>
              <p>{t.inAppText}</p>
            </section>

            <section className="card" aria-labelledby="notices-sms" data-testid="notices-sms">
              <h2 id="notices-sms">{t.smsTitle}</h2>
              <Switch
                testId="notices-sms-switch"
                label={fill(t.smsSwitch, { n: state.data.sms.dailyCap })}
                checked={state.data.sms.on}
                disabled={busy !== null}
                onChange={(on) => void toggleSms(on)}
              />
              <p className="muted">{fill(t.smsQuiet, { start: state.data.sms.quietHoursStart, end: state.data.sms.quietHoursEnd })}</p>
              {state.data.sms.on && state.data.sms.consentAt ? (
                <p className="muted">{fill(t.smsConsentAt, { date: formatDate(chinaDay(new Date(state.data.sms.consentAt)), language) })}</p>
              ) : null}
              {!state.data.sms.available ? <p className="muted">{t.smsNotAvailable}</p> : null}
            </section>

            <section className="card" aria-labelledby="notices-push" data-testid="notices-push">
              <h2 id="notices-push">{t.pushTitle}</h2>
              <PushPart t={t} support={support} channels={state.data} subscribed={subscribed} busy={busy} onToggle={(on) => void togglePush(on, state.data)} />
            </section>

            <section className="card" aria-labelledby="notices-robot" data-testid="notices-robot">
              <h2 id="notices-robot">{t.robotTitle}</h2>
              {state.data.robots.length === 0 ? (
                <p className="muted">{t.robotNone}</p>
              ) : (
                <>
                  <p>{t.robotGroups}</p>
                  <ul className="plain-list">
                    {state.data.robots.map((robot, i) => (
                      <li key={`${robot.unitName}-${robot.name}-${i}`}>
                        {robot.unitName} · {robot.name}（{t[`robot_${robot.kind}` as const]}）
                      </li>
                    ))}
                  </ul>
                  <Switch
                    testId="notices-robot-switch"
                    label={t.robotSwitch}
                    checked={state.data.robot.on}
                    disabled={busy !== null}
                    onChange={(on) => void toggleRobot(on)}
                  />
                  <p className="muted">{t.robotHint}</p>
                </>
              )}
            </section>
          </>
        ) : null}
      </main>
    </>
  );
}

interface PushPartProps {
  t: NoticesDictionary;
  support: PushSupport;
  channels: NoticeChannels;
  subscribed: boolean | null;
  busy: Busy;
  onToggle: (on: boolean) => void;
}

/** 本机通知: the switch where this browser can show notifications, else one plain sentence why not. */
function PushPart({ t, support, channels, subscribed, busy, onToggle }: PushPartProps) {
  if (support === 'wechat') return <p data-testid="notices-push-why">{t.pushWeChat}</p>;
  if (support === 'unsupported') return <p data-testid="notices-push-why">{t.pushUnsupported}</p>;
  if (support === 'denied') return <p data-testid="notices-push-why">{t.pushDenied}</p>;
  const on = channels.webpush.on && subscribed === true;
  const others = channels.webpush.devices - (subscribed ? 1 : 0);
  return (
    <>
      <Switch testId="notices-push-switch" label={t.pushSwitch} checked={on} disabled={busy !== null || subscribed === null} onChange={onToggle} />
      <p className="muted">{t.pushHint}</p>
      {channels.webpush.on && others > 0 ? <p className="muted">{fill(t.pushOtherDevices, { n: others })}</p> : null}
    </>
  );
}

interface SwitchProps {
  testId: string;
  label: string;
  checked: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
}

function Switch({ testId, label, checked, disabled, onChange }: SwitchProps) {
  return (
    <label className="switch">
      <input type="checkbox" role="switch" data-testid={testId} checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      <span className="switch-track" aria-hidden="true" />
      <span className="switch-label">{label}</span>
    </label>
  );
}
