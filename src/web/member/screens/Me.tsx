import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { MyProfile } from '../api.ts';
import { useElderMode } from '../elder.ts';
import { fill, formatDate, useI18n } from '../i18n.ts';
import { useInviteI18n } from '../i18n-invite.ts';
import type { Route } from '../router.ts';
import { OutboxStrip } from '../outbox-strip.tsx';
import { AppLink, SavedCopyNotice, ScreenTitle, SuccessMessage, telHref, TopBar } from '../ui.tsx';
import { questionsEntryWords } from '../i18n-questions.ts';
import { EvaluationMeLink } from './evaluation-entry.tsx';
import { ReviewMeLink } from './review-entry.tsx';
import { ServiceMeLink } from './service-entry.tsx';
import { PledgesMeLink } from './pledges-entry.tsx';
import { DutyMeLink } from './duty-entry.tsx';
import './home.css';

interface MeProps {
  profile: MyProfile;
  /** True when the profile comes from the phone's memory because the network is down. */
  stale: boolean;
  onRetry: () => void;
  /** What was just saved (a destination, a password), shown once on top. */
  notice: string | null;
  onUpdateDestination: () => void;
  onChangePassword: () => void;
  onLogout: () => Promise<void>;
  /** How many actions still wait on this phone to be sent (signing out loses them). */
  waitingCount: () => number;
}

/**
 * 我的: the member's card (unit, contact person and secretary to call, where they work now), then
 * settings — 通知方式, devices, records, password, 长辈模式, language — and signing out.
 */
export function Me({ profile, stale, onRetry, notice, onUpdateDestination, onChangePassword, onLogout, waitingCount }: MeProps) {
  const { t, language } = useI18n();
  const invite = useInviteI18n().t;
  const { member, branch, group, secretary } = profile;
  const mobility = member.mobility;

  return (
    <>
      <TopBar />
      <main className="screen me">
        <OutboxStrip />
        <ScreenTitle>{t.meTitle}</ScreenTitle>
        <SuccessMessage message={notice} />
        {stale ? (
          <SavedCopyNotice message={t.offlineShowingSaved} onRetry={onRetry} />
        ) : null}

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
            <div className="elder-hide">
              <dt>{t.group}</dt>
              <dd>{group?.name ?? t.none}</dd>
            </div>
            <div className="elder-hide">
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
              <p className="person-phone elder-hide">{member.mentor.phone}</p>
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
            <p className="person-phone elder-hide">{secretary.phone}</p>
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
                <dl className="facts elder-hide">
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

        <section className="card" aria-labelledby="settings-title">
          <h2 id="settings-title">{t.settingsTitle}</h2>
          <ElderModeSwitch />
          <LanguageSwitch />
          <ul className="plain-list me-links">
            <SettingLink to={{ name: 'notices' }} testId="home-notices" title={t.noticesTitle} hint={t.noticesHint} />
            <SettingLink to={{ name: 'devices' }} testId="home-devices" title={invite.devicesTitle} hint={invite.devicesHint} />
            <SettingLink to={{ name: 'questions' }} testId="me-questions" title={questionsEntryWords[language].me} hint={questionsEntryWords[language].meHint} />
            <SettingLink to={{ name: 'records' }} testId="home-records" title={t.recordsTitle} hint={t.recordsHint} />
            <ReviewMeLink />
            <EvaluationMeLink />
            <ServiceMeLink />
            <PledgesMeLink />
            <DutyMeLink />
            <li>
              <button type="button" className="home-link" onClick={onChangePassword} data-testid="me-password">
                <span className="home-link-text">{t.changePassword}</span>
                <span className="home-link-arrow" aria-hidden="true">
                  ›
                </span>
              </button>
            </li>
          </ul>
        </section>

        <Logout onLogout={onLogout} waitingCount={waitingCount} />
      </main>
    </>
  );
}

export function SettingLink({ to, testId, title, hint }: { to: Route; testId: string; title: string; hint: string }) {
  return (
    <li>
      <AppLink to={to} className="home-link" testId={testId}>
        <span className="home-link-text">
          {title}
          <span className="home-link-hint elder-hide">{hint}</span>
        </span>
        <span className="home-link-arrow" aria-hidden="true">
          ›
        </span>
      </AppLink>
    </li>
  );
}

/** 长辈模式: one big switch, remembered on this phone (and winning over what the secretary set). */
function ElderModeSwitch() {
  const { t } = useI18n();
  const elder = useElderMode();
  return (
    <div className="me-setting">
      <span className="me-setting-label">
        <span id="elder-label">{t.elderMode}</span>
        <span className="home-link-hint elder-hide" id="elder-hint">
          {t.elderModeHint}
        </span>
      </span>
      <button
        type="button"
        role="switch"
        aria-checked={elder.on}
        aria-labelledby="elder-label"
        aria-describedby="elder-hint"
        className={elder.on ? 'switch switch-on' : 'switch'}
        data-testid="elder-switch"
        onClick={() => elder.set(!elder.on)}
      >
        <span className="switch-knob" aria-hidden="true" />
      </button>
    </div>
  );
}

/** 语言 / Language: written in both, so a member who reads only one finds it. */
function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  const option = (value: 'zh-CN' | 'en-US', label: string, lang: string): ReactNode => (
    <button
      type="button"
      lang={lang}
      aria-pressed={language === value}
      className={language === value ? 'segment segment-on' : 'segment'}
      data-testid={'language-' + value}
      onClick={() => setLanguage(value)}
    >
      {label}
    </button>
  );
  return (
    <div className="me-setting" role="group" aria-labelledby="language-label">
      <span className="me-setting-label" id="language-label">
        {t.language}
      </span>
      <span className="segments">
        {option('zh-CN', t.languageChinese, 'zh-CN')}
        {option('en-US', t.languageEnglish, 'en')}
      </span>
    </div>
  );
}

/** 退出登录; when actions still wait to be sent, the member is told they would be lost, and asked. */
function Logout({ onLogout, waitingCount }: { onLogout: () => Promise<void>; waitingCount: () => number }) {
  const { t } = useI18n();
  const [loggingOut, setLoggingOut] = useState(false);
  const [asking, setAsking] = useState<number | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  // The question takes the focus when it appears (a screen reader reads it, a keyboard is on 取消).
  const askingNow = asking !== null;
  useEffect(() => {
    if (askingNow) cancelRef.current?.focus();
  }, [askingNow]);

  const logout = async () => {
    setAsking(null);
    setLoggingOut(true);
    try {
      await onLogout();
    } finally {
      setLoggingOut(false);
    }
  };
  const start = () => {
    const waiting = waitingCount();
    if (waiting > 0) setAsking(waiting);
    else void logout();
  };

  return (
    <section className="actions">
      {asking !== null ? (
        <div className="confirm" role="alertdialog" aria-labelledby="logout-question">
          <p id="logout-question" className="confirm-question">
            {fill(t.logoutWaiting, { n: asking })}
          </p>
          <button ref={cancelRef} type="button" className="button button-primary" onClick={() => setAsking(null)} data-testid="logout-cancel">
            {t.cancel}
          </button>
          <button type="button" className="button button-plain" onClick={() => void logout()} data-testid="logout-anyway">
            {t.logoutAnyway}
          </button>
        </div>
      ) : (
        <button type="button" className="button button-plain" onClick={start} disabled={loggingOut}>
          {loggingOut ? t.loggingOut : t.logout}
        </button>
      )}
    </section>
  );
}
