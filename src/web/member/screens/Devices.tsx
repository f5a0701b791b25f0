import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { DeviceList } from '../../../shared/api-invitations.ts';
import { contract } from '../../../shared/endpoints.ts';
import { fillPath } from '../../common/endpoints.ts';
import { request } from '../../common/http.ts';
import { explainError } from '../api.ts';
import { fill, formatDateTime } from '../i18n.ts';
import { deviceWords, useInviteI18n } from '../i18n-invite.ts';
import { shown } from '../shown.ts';
import { ErrorMessage, LoadFailed, LoadingMessage, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import './invite.css';

/**
 * 我的登录设备: the phones and computers signed in to one's own Lianxin, with 退出 per device and
 * 退出其他设备 — for a phone that was lost, sold or lent.
 */
const { devices } = contract;
const DEVICES_KEY = ['me', 'devices'] as const;

const listDevices = (signal?: AbortSignal) => request<DeviceList>('GET', devices.list.path, { timeoutMs: 20_000, cache: 'no-store', signal });
const signOutDevice = (id: string) => request<{ ok: true }>('DELETE', fillPath(devices.signOut.path, { id }), { timeoutMs: 20_000, cache: 'no-store' });
const signOutOthers = () => request<{ ended: number }>('POST', devices.signOutOthers.path, { body: {}, timeoutMs: 20_000, cache: 'no-store' });

export function Devices({ onBack, onUnauthenticated }: { onBack: () => void; onUnauthenticated: () => void }) {
  const { t, language } = useInviteI18n();
  const client = useQueryClient();
  const list = useQuery({ queryKey: DEVICES_KEY, queryFn: ({ signal }) => listDevices(signal) });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: DEVICES_KEY });

  const one = useMutation({
    mutationFn: signOutDevice,
    onMutate: () => {
      setError(null);
      setDone(null);
    },
    onError: (e) => setError(explainError(e, t.networkError, onUnauthenticated)),
    onSettled: refresh,
  });
  const others = useMutation({
    mutationFn: signOutOthers,
    onMutate: () => {
      setError(null);
      setDone(null);
    },
    onSuccess: (answer) => setDone(fill(t.devicesSignedOutOthers, { n: answer.ended })),
    onError: (e) => setError(explainError(e, t.networkError, onUnauthenticated)),
    onSettled: refresh,
  });

  const view = shown(list, t.networkError);
  let body;
  if (view.kind === 'failed') body = <LoadFailed message={view.message} onRetry={() => void list.refetch()} />;
  else if (view.kind !== 'loaded') body = <LoadingMessage />;
  else {
    // this phone first, then the most recently used
    const items = [...view.data.items].sort((a, b) => Number(b.current) - Number(a.current));
    body = (
      <>
        <ul className="device-list" data-testid="device-list">
          {items.map((d) => (
            <li key={d.id} className="card device" data-testid={d.current ? 'device-current' : 'device'}>
              <div>
                <p className="device-words">
                  {deviceWords(t, d.browser, d.device)}
                  {d.current ? <span className="device-tag">{t.devicesThis}</span> : null}
                  {d.remember ? <span className="device-tag">{t.devicesRemembered}</span> : null}
                </p>
                <p className="device-when">{fill(t.devicesSince, { date: formatDateTime(d.createdAt, language) })}</p>
                {d.lastSeenAt ? <p className="device-when">{fill(t.devicesLastSeen, { date: formatDateTime(d.lastSeenAt, language) })}</p> : null}
              </div>
              {d.current ? null : (
                <button
                  type="button"
                  className="button button-secondary"
                  data-testid="device-sign-out"
                  disabled={one.isPending && one.variables === d.id}
                  onClick={() => one.mutate(d.id)}
                >
                  {one.isPending && one.variables === d.id ? t.devicesSigningOut : t.devicesSignOut}
                </button>
              )}
            </li>
          ))}
        </ul>
        {items.length > 1 ? (
          <button type="button" className="button button-primary" data-testid="devices-sign-out-others" disabled={others.isPending} onClick={() => others.mutate()}>
            {others.isPending ? t.devicesSigningOut : t.devicesSignOutOthers}
          </button>
        ) : (
          <p className="muted">{t.devicesOnlyThis}</p>
        )}
      </>
    );
  }

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.devicesTitle}</ScreenTitle>
        <p className="muted">{t.devicesHint}</p>
        <SuccessMessage message={done} />
        <ErrorMessage message={error} />
        {body}
      </main>
    </>
  );
}
