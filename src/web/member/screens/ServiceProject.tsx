import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { ApiError, explainError } from '../api.ts';
import { fill } from '../i18n.ts';
import { useOutboxI18n } from '../i18n-outbox.ts';
import { useServiceI18n, type ServiceDictionary } from '../i18n-service.ts';
import { writes } from '../mutations.ts';
import { QueuedNotice, queuedText } from '../outbox-strip.tsx';
import { queries } from '../queries.ts';
import type { MyServiceProjectDetail, MyServiceTask } from '../service-api.ts';
import { shown } from '../shown.ts';
import { AppLink, ErrorMessage, LoadFailed, LoadingMessage, SavedCopyNotice, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';
import { CancelSignup, projectDates, RemoteTag, SignupTag } from './Service.tsx';
import './service.css';

interface ServiceProjectProps {
  projectId: string;
  onBack: () => void;
  onUnauthenticated: () => void;
}

/**
 * A project's page: its dates, place and team, and each task with its places left; 报名 (or 报名候补
 * when full, saying which place on the waiting list it would be), 取消报名, and 候补第 N 位 for a
 * member waiting. A closed or cancelled project says so and takes no sign-up.
 */
export function ServiceProject({ projectId, onBack, onUnauthenticated }: ServiceProjectProps) {
  const { t, language } = useServiceI18n();
  const query = useQuery(queries.serviceProject(projectId));
  const state = shown(query, t.networkError);
  const [notice, setNotice] = useState<string | null>(null);
  const [queued, setQueued] = useState<string | null>(null);

  if (state.kind === 'failed' && query.error instanceof ApiError && query.error.status === 404) {
    return (
      <>
        <TopBar onBack={onBack} />
        <main className="screen service">
          <ScreenTitle>{t.spTitle}</ScreenTitle>
          <p className="message message-info" role="status">
            {t.spNotFound}
          </p>
          <AppLink to={{ name: 'service' }} className="button button-secondary">
            {t.slBackToService}
          </AppLink>
        </main>
      </>
    );
  }

  const project = state.kind === 'loaded' ? state.data : null;
  const mineConfirmed = project?.tasks.some((task) => task.mine?.status === 'confirmed') ?? false;

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen service">
        <ScreenTitle>{project ? project.title : t.spTitle}</ScreenTitle>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null}
        {state.kind === 'loaded' && state.stale ? <SavedCopyNotice message={t.svStale} onRetry={() => void query.refetch()} /> : null}
        {project ? (
          <>
            <section className="card sv-project" data-testid="service-project">
              <p className="sv-tags">{project.remote ? <RemoteTag t={t} /> : null}</p>
              {project.remote ? <p className="sv-remote-hint">{t.svRemoteHint}</p> : null}
              <p className="sv-line">{projectDates(project, t, language)}</p>
              {project.place ? <p className="sv-line">{fill(t.svPlace, { place: project.place })}</p> : null}
              <p className="sv-line muted">{project.team ? fill(t.svTeam, { name: project.team.name }) : project.org.name}</p>
              {project.description ? <p className="pre-wrap sv-description">{project.description}</p> : null}
            </section>

            {project.status === 'closed' ? (
              <p className="message message-warning" role="status" data-testid="service-project-closed">
                {t.spClosed}
              </p>
            ) : null}
            {project.status === 'cancelled' ? (
              <p className="message message-warning" role="status" data-testid="service-project-closed">
                {t.spCancelledProject}
              </p>
            ) : null}

            <SuccessMessage message={notice} />
            {queued ? <QueuedNotice text={queued} testId="service-signup-queued" /> : null}

            <h2 className="sv-heading">{t.spTasks}</h2>
            {project.tasks.length === 0 ? <p className="muted">{t.spTasksNone}</p> : null}
            <ul className="plain-list sv-list">
              {project.tasks.map((task) => (
                <TaskCard
                  key={task.id}
                  project={project}
                  task={task}
                  t={t}
                  onDone={(text) => {
                    setQueued(null);
                    setNotice(text);
                  }}
                  onQueued={(text) => {
                    setNotice(null);
                    setQueued(text);
                  }}
                  onUnauthenticated={onUnauthenticated}
                />
              ))}
            </ul>

            {mineConfirmed ? (
              <AppLink to={{ name: 'service-log', projectId: project.id }} className="button button-primary button-huge" testId="service-project-log">
                {t.spLog}
              </AppLink>
            ) : null}
          </>
        ) : null}
      </main>
    </>
  );
}

interface TaskCardProps {
  project: MyServiceProjectDetail;
  task: MyServiceTask;
  t: ServiceDictionary;
  onDone: (text: string) => void;
  onQueued: (text: string) => void;
  onUnauthenticated: () => void;
}

function TaskCard({ project, task, t, onDone, onQueued, onUnauthenticated }: TaskCardProps) {
  const { t: o } = useOutboxI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const signup = useMutation(writes.serviceSignup);
  const left = Math.max(0, task.capacity - task.confirmed);
  const open = project.status === 'open';

  const doSignup = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      const result = await signup.mutateAsync({ projectId: project.id, taskId: task.id });
      onDone(result.status === 'confirmed' ? fill(t.spSignedUp, { task: task.title }) : fill(t.spSignedWaiting, { n: result.position ?? task.waiting + 1 }));
    } catch (e) {
      const waits = queuedText(e, o);
      if (waits?.kept) onQueued(t.spQueued);
      else if (waits) setError(waits.text);
      else setError(explainError(e, t.networkError, onUnauthenticated));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  return (
    <li className="card sv-task" data-testid={`service-task-${task.id}`} data-title={task.title}>
      <h3 className="sv-card-title">{task.title}</h3>
      <p className="sv-tags">
        {task.remote ? <RemoteTag t={t} /> : <span className="tag tag-plain">{t.svOnSite}</span>}
        {task.mine ? <SignupTag status={task.mine.status} position={task.mine.position} t={t} /> : null}
      </p>
      {task.description ? <p className="pre-wrap">{task.description}</p> : null}
      <p className="sv-line" data-testid="service-task-places">
        {fill(t.spCapacity, { n: task.capacity })} · {fill(t.spTaken, { n: task.confirmed })}
        {task.waiting > 0 ? ` · ${fill(t.spWaitingCount, { n: task.waiting })}` : ''}
      </p>
      <p className={left > 0 ? 'sv-line sv-left' : 'sv-line sv-full'}>{left > 0 ? fill(t.svPlacesLeft, { n: left }) : t.svFull}</p>
      <ErrorMessage message={error} />
      {task.mine ? (
        <CancelSignup signupId={task.mine.signupId} projectId={project.id} taskTitle={task.title} t={t} onCancelled={onDone} onUnauthenticated={onUnauthenticated} />
      ) : open ? (
        <>
          {left === 0 ? <p className="field-hint">{fill(t.spSignupFullHint, { n: task.waiting + 1 })}</p> : null}
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void doSignup()} data-testid="service-signup">
            {busy ? t.spSigning : left > 0 ? t.spSignup : t.spSignupWait}
          </button>
        </>
      ) : null}
    </li>
  );
}
