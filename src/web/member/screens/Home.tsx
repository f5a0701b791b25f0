import { useState } from 'react';
import type { MyProfile } from '../api.ts';
import { formatDate, useI18n } from '../i18n.ts';
import { AppLink, ScreenTitle, SuccessMessage, telHref, TopBar } from '../ui.tsx';
import { TodaySection } from './Today.tsx';
import { useInviteI18n } from '../i18n-invite.ts';

interface HomeProps {
  profile: MyProfile;
  /** True when the profile comes from the phone's memory because the network is down. */
  stale: boolean;
  onRetry: () => void;
  notice: string | null;
  onUpdateDestination: () => void;
  onChangePassword: () => void;
  onLogout: () => Promise<void>;
  /** Mentors see their follow-up tasks; null when unknown (offline start). */
  isMentor: boolean | null;
  onUnauthenticated: () => void;
}

export function Home({ profile, stale, onRetry, notice, onUpdateDestination, onChangePassword, onLogout, isMentor, onUnauthenticated }: HomeProps) {
  const { t, language } = useI18n();
  const [loggingOut, setLoggingOut] = useState(false);
  const { member, branch, group, secretary } = profile;
  const mobility = member.mobility;

  const logout = async () => {
    setLoggingOut(true);
    try {
      await onLogout();
    } finally {
      setLoggingOut(false);
    }
  };

  return (
    <>
      <TopBar />
      <main className="screen">
        <ScreenTitle>{t.homeTitle}</ScreenTitle>
        <SuccessMessage message={notice} />
        {stale ? (
          <div className="message message-warning" role="status">
            <p>{t.offlineShowingSaved}</p>
            <button type="button" className="button button-secondary" onClick={onRetry}>
              {t.retry}
            </button>
          </div>
        ) : null}

        <TodaySection isMentor={isMentor} onUnauthenticated={onUnauthenticated} offlineNoticeShown={stale} />

        <section className="card" aria-labelledby="me-name">
          <p className="me-name" id="me-name">
            {member.name}
          </p>
          <p className={member.status === 'full' ? 'badge' : 'badge badge-probationary'}>
            {member.status === 'full' ? t.statusFull : t.statusProbationary}
          </p>
          <dl className="facts">
            <div>
              <dt>{t.branch}</dt>
              <dd>{branch?.name ?? member.orgName}</dd>
            </div>
            <div>
              <dt>{t.group}</dt>
              <dd>{group?.name ?? t.none}</dd>
            </div>
            <div>
              <dt>{t.grid}</dt>
              <dd>{member.gridName ?? t.none}</dd>
            </div>
          </dl>
        </section>

        <section className="card card-contact" aria-labelledby="mentor-title">
          <h2 id="mentor-title">{t.mentorTitle}</h2>
          {member.mentor ? (
            <>
              <p className="person-name" data-testid="mentor-name">
                {member.mentor.name}
              </p>
              <p className="person-phone">{member.mentor.phone}</p>
              <a className="button button-primary button-call" href={telHref(member.mentor.phone)}>
                <span aria-hidden="true" className="call-icon">
                  ☎
                </span>
                {t.call}
              </a>
            </>
          ) : (
            <p className="muted">{t.noMentor}</p>
          )}
        </section>

        {secretary ? (
          <section className="card" aria-labelledby="secretary-title">
            <h2 id="secretary-title">{t.secretaryTitle}</h2>
            <p className="person-name">{secretary.name}</p>
            <p className="person-phone">{secretary.phone}</p>
            <a className="button button-secondary button-call" href={telHref(secretary.phone)}>
              <span aria-hidden="true" className="call-icon">
                ☎
              </span>
              {t.callSecretary}
            </a>
          </section>
        ) : null}

        <section className="card" aria-labelledby="destination-title">
          <h2 id="destination-title">{t.destinationTitle}</h2>
          <div data-testid="current-destination" className="destination">
            {mobility ? (
              <>
                <p className="destination-place">{mobility.placeName}</p>
                <dl className="facts">
                  {mobility.workplace ? (
                    <div>
                      <dt>{t.workplace}</dt>
                      <dd>{mobility.workplace}</dd>
                    </div>
                  ) : null}
                  {mobility.occupation ? (
                    <div>
                      <dt>{t.occupation}</dt>
                      <dd>{mobility.occupation}</dd>
                    </div>
                  ) : null}
                  <div>
                    <dt>{t.since}</dt>
                    <dd>{formatDate(mobility.since, language)}</dd>
                  </div>
                  {mobility.expectedReturn ? (
                    <div>
                      <dt>{t.expectedReturn}</dt>
                      <dd>{formatDate(mobility.expectedReturn, language)}</dd>
                    </div>
                  ) : null}
                </dl>
              </>
            ) : (
              <p className="destination-place destination-none">{t.notAway}</p>
            )}
          </div>
          <button type="button" className="button button-primary" onClick={onUpdateDestination}>
            {t.updateDestination}
          </button>
        </section>

        <section className="card" aria-labelledby="records-title">
          <h2 id="records-title">{t.recordsTitle}</h2>
          <p className="muted">{t.recordsHint}</p>
          <AppLink to={{ name: 'records' }} className="button button-secondary" testId="home-records">
            {t.recordsOpen}
          </AppLink>
        </section>

        <section className="card" aria-labelledby="notices-title">
          <h2 id="notices-title">{t.noticesTitle}</h2>
          <p className="muted">{t.noticesHint}</p>
          <AppLink to={{ name: 'notices' }} className="button button-secondary" testId="home-notices">
            {t.noticesOpen}
          </AppLink>
        </section>

        <DevicesEntry />

        <section className="actions">
          <button type="button" className="button button-secondary" onClick={onChangePassword}>
            {t.changePassword}
          </button>
          <button type="button" className="button button-plain" onClick={logout} disabled={loggingOut}>
            {loggingOut ? t.loggingOut : t.logout}
          </button>
        </section>
      </main>
    </>
  );
}

/** 我的登录设备: which phones are signed in to one's Lianxin, to sign out a lost or lent one. */
function DevicesEntry() {
  const { t } = useInviteI18n();
  return (
    <section className="card" aria-labelledby="devices-title">
      <h2 id="devices-title">{t.devicesTitle}</h2>
      <p className="muted">{t.devicesHint}</p>
      <AppLink to={{ name: 'devices' }} className="button button-secondary" testId="home-devices">
        {t.devicesOpen}
      </AppLink>
    </section>
  );
}
