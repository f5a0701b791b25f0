import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { explainError } from '../api.ts';
import { fill, formatDate, type Language } from '../i18n.ts';
import { useServiceI18n, type ServiceDictionary } from '../i18n-service.ts';
import { writes } from '../mutations.ts';
import { queries } from '../queries.ts';
import type { MyServiceProject, MySignup } from '../service-api.ts';
import { minutesText } from '../../../shared/minutes.ts';
import { shown } from '../shown.ts';
import { AppLink, ErrorMessage, LoadFailed, LoadingMessage, SavedCopyNotice, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import './service.css';

interface ServiceProps {
  onBack: () => void;
  onUnauthenticated: () => void;
}

/** 2026年3月1日 至 2026年3月31日, or one day when it starts and ends the same day. */
export function projectDates(p: { startsOn: string; endsOn: string }, t: ServiceDictionary, language: Language): string {
  if (p.startsOn === p.endsOn) return fill(t.svOneDay, { date: formatDate(p.startsOn, language) });
  return fill(t.svDates, { from: formatDate(p.startsOn, language), to: formatDate(p.endsOn, language) });
}

/** 已报名 or 候补第 N 位, as a tag. */
export function SignupTag({ status, position, t }: { status: 'confirmed' | 'waiting'; position: number | null; t: ServiceDictionary }) {
  if (status === 'confirmed') return <span className="tag tag-good">{t.svConfirmed}</span>;
  return <span className="tag tag-warn">{position ? fill(t.svWaiting, { n: position }) : t.svWaitingNoPosition}</span>;
}

export function RemoteTag({ t }: { t: ServiceDictionary }) {
  return <span className="tag sv-remote">{t.svRemote}</span>;
}

/**
 * 志愿服务: a big 记录服务, one's hours this month and year, one's volunteer teams (我的服务队), one's
 * sign-ups (已报名 or 候补第 N 位, with 取消报名), and the open projects one may join, those with a
 * remote task marked 远程 and said plainly to be open to a member in another city.
 */
export function Service({ onBack, onUnauthenticated }: ServiceProps) {
  const { t, language } = useServiceI18n();
  const query = useQuery(queries.service());
  const teams = useQuery(queries.myTeams());
  const state = shown(query, t.networkError);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen service">
        <ScreenTitle>{t.svTitle}</ScreenTitle>
        <p className="muted elder-hide">{t.svIntro}</p>

        <AppLink to={{ name: 'service-log', projectId: null }} className="button button-primary button-huge" testId="service-log-new">
          <span aria-hidden="true">＋ </span>
          {t.svLogNew}
        </AppLink>

        <SuccessMessage message={notice} />
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null}
        {state.kind === 'loaded' && state.stale ? <SavedCopyNotice message={t.svStale} onRetry={() => void query.refetch()} /> : null}

        {state.kind === 'loaded' ? (
          <section className="card sv-hours" aria-labelledby="sv-hours-title">
            <h2 id="sv-hours-title">{t.svHoursTitle}</h2>
            <dl className="sv-hours-grid">
              <div>
                <dt>{t.svHoursMonth}</dt>
                <dd data-testid="service-hours-month">{minutesText(state.data.hours.monthMinutes, language)}</dd>
              </div>
              <div>
                <dt>{t.svHoursYear}</dt>
                <dd data-testid="service-hours-year">{minutesText(state.data.hours.yearMinutes, language)}</dd>
              </div>
            </dl>
          </section>
        ) : null}

        {teams.data && teams.data.teams.length > 0 ? (
          <section aria-labelledby="sv-teams-title">
            <h2 id="sv-teams-title" className="sv-heading">
              {t.svTeamsTitle}
            </h2>
            <ul className="plain-list sv-list">
              {teams.data.teams.map((team) => (
                <li key={team.id}>
                  <AppLink to={{ name: 'team', teamId: team.id }} className="card card-link sv-card" testId={`service-team-${team.id}`}>
                    <span className="sv-card-title">{team.name}</span>
                    <span className="sv-tags">
                      <span className="tag tag-plain">{t[`kind_${team.kind}` as const]}</span>
                      {team.gridName ? <span className="tag tag-plain">{team.gridName}</span> : null}
                      {team.leader ? <span className="tag tag-good">{t.svTeamLeader}</span> : null}
                    </span>
                  </AppLink>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {state.kind === 'loaded' ? (
          <>
            <section aria-labelledby="sv-signups-title">
              <h2 id="sv-signups-title" className="sv-heading">
                {t.svSignupsTitle}
              </h2>
              {state.data.signups.length === 0 ? (
                <p className="muted" data-testid="service-signups-none">
                  {t.svSignupsNone}
                </p>
              ) : (
                <ul className="plain-list sv-list" data-testid="service-signups">
                  {state.data.signups.map((signup) => (
                    <SignupCard key={signup.signupId} signup={signup} onCancelled={setNotice} onUnauthenticated={onUnauthenticated} />
                  ))}
                </ul>
              )}
            </section>

            <section aria-labelledby="sv-projects-title">
              <h2 id="sv-projects-title" className="sv-heading">
                {t.svProjectsTitle}
              </h2>
              {state.data.projects.length === 0 ? <p className="muted">{t.svProjectsNone}</p> : null}
              <ul className="plain-list sv-list" data-testid="service-projects">
                {state.data.projects.map((project) => (
                  <ProjectCard key={project.id} project={project} t={t} language={language} />
                ))}
              </ul>
            </section>
          </>
        ) : null}
      </main>
    </>
  );
}

function ProjectCard({ project, t, language }: { project: MyServiceProject; t: ServiceDictionary; language: Language }) {
  return (
    <li>
      <AppLink to={{ name: 'service-project', projectId: project.id }} className="card card-link sv-card" testId={`service-project-${project.id}`}>
        <span className="sv-card-title">{project.title}</span>
        <span className="sv-tags">
          {project.remote ? <RemoteTag t={t} /> : null}
          <span className={project.placesLeft > 0 ? 'tag tag-plain' : 'tag tag-warn'}>
            {project.placesLeft > 0 ? fill(t.svPlacesLeft, { n: project.placesLeft }) : t.svFull}
          </span>
        </span>
        {project.remote ? <span className="sv-remote-hint">{t.svRemoteHint}</span> : null}
        <span className="sv-line">{projectDates(project, t, language)}</span>
        {project.place ? <span className="sv-line">{fill(t.svPlace, { place: project.place })}</span> : null}
        <span className="sv-line muted">{project.team ? fill(t.svTeam, { name: project.team.name }) : fill(t.svOrg, { name: project.org.name })}</span>
      </AppLink>
    </li>
  );
}

function SignupCard({ signup, onCancelled, onUnauthenticated }: { signup: MySignup; onCancelled: (text: string) => void; onUnauthenticated: () => void }) {
  const { t, language } = useServiceI18n();
  return (
    <li className="card sv-signup" data-testid={`service-signup-${signup.task.id}`}>
      <AppLink to={{ name: 'service-project', projectId: signup.project.id }} className="sv-signup-link">
        <span className="sv-card-title">{fill(t.svSignupFor, { project: signup.project.title, task: signup.task.title })}</span>
      </AppLink>
      <p className="sv-tags">
        <SignupTag status={signup.status} position={signup.position} t={t} />
        {signup.task.remote ? <RemoteTag t={t} /> : null}
      </p>
      <p className="sv-line">{projectDates(signup.project, t, language)}</p>
      {signup.project.place && !signup.task.remote ? <p className="sv-line">{fill(t.svPlace, { place: signup.project.place })}</p> : null}
      <CancelSignup signupId={signup.signupId} projectId={signup.project.id} taskTitle={signup.task.title} t={t} onCancelled={onCancelled} onUnauthenticated={onUnauthenticated} />
    </li>
  );
}

interface CancelSignupProps {
  signupId: string;
  projectId: string;
  taskTitle: string;
  t: ServiceDictionary;
  /** told the words to show once cancelled (whether the first on the waiting list moved up) */
  onCancelled: (text: string) => void;
  onUnauthenticated: () => void;
}

/** 取消报名, asked once more (确定取消 / 不取消) before the sign-up goes: on 志愿服务's sign-ups and on a project's task. */
export function CancelSignup({ signupId, projectId, taskTitle, t, onCancelled, onUnauthenticated }: CancelSignupProps) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cancel = useMutation(writes.cancelServiceSignup);
  const doCancel = async () => {
    setError(null);
    try {
      const answer = await cancel.mutateAsync({ signupId, projectId });
      setAsking(false);
      onCancelled(answer.promoted ? t.svCancelledPromoted : t.svCancelled);
    } catch (e) {
      setError(explainError(e, t.networkError, onUnauthenticated));
    }
  };
  return (
    <>
      <ErrorMessage message={error} />
      {asking ? (
        <div className="confirm" role="group" aria-label={t.svCancel}>
          <p>{fill(t.svCancelConfirm, { task: taskTitle })}</p>
          <div className="button-row">
            <button type="button" className="button button-primary" disabled={cancel.isPending} onClick={() => void doCancel()} data-testid="service-cancel-yes">
              {t.svCancelYes}
            </button>
            <button type="button" className="button button-secondary" onClick={() => setAsking(false)}>
              {t.svCancelNo}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setAsking(true)} data-testid="service-cancel">
          {t.svCancel}
        </button>
      )}
    </>
  );
}
