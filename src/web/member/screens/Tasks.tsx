import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { explainError, type CareTask, type CareTaskUpdate } from '../api.ts';
import { chinaDate, fill, formatDate } from '../i18n.ts';
import { useCareI18n } from '../i18n-care.ts';
import { writes } from '../mutations.ts';
import { queries } from '../queries.ts';
import { failureText } from '../shown.ts';
import { ErrorMessage, Field, LoadFailed, LoadingMessage, ScreenTitle, SuccessMessage, TopBar } from '../ui.tsx';

interface TasksProps {
  /** the signed-in member: their own tasks say "我" instead of their name */
  myMemberId: string | null;
  onBack: () => void;
  onUnauthenticated: () => void;
}

/**
 * 跟进任务: tasks assigned to me and about the members I keep in touch with (a talk's follow-up,
 * missed classes in a row, no study for days …); the server lists the overdue ones first.
 */
export function Tasks({ myMemberId, onBack, onUnauthenticated }: TasksProps) {
  const { t, language } = useCareI18n();
  const list = useInfiniteQuery(queries.careTasks());
  const pages = list.data?.pages;
  const { tasks, total } = useMemo(() => {
    if (!pages) return { tasks: null, total: 0 };
    const seen = new Set<string>();
    const merged: CareTask[] = [];
    let addedByLast = 0;
    for (const page of pages) {
      addedByLast = 0;
      for (const task of page.items) {
        if (seen.has(task.id)) continue;
        seen.add(task.id);
        merged.push(task);
        addedByLast++;
      }
    }
    // A list that is not paged answers the same items again: then there is nothing more.
    const last = pages[pages.length - 1];
    return { tasks: merged, total: pages.length > 1 && addedByLast === 0 ? merged.length : (last?.total ?? merged.length) };
  }, [pages]);
  const error = list.error ? failureText(list.error, t.networkError) || null : null;
  const [notice, setNotice] = useState<string | null>(null);

  // The list in the cache is already updated by the answer (mutations.ts); here only the notice.
  const onUpdated = (task: CareTask, next: CareTask) => {
    if (next.status === 'done' || next.status === 'dropped') {
      setNotice(fill(next.status === 'done' ? t.savedTaskDone : t.savedTaskDropped, { name: task.memberName }));
    } else {
      setNotice(fill(t.savedTaskSnoozed, { name: task.memberName, date: formatDate(next.snoozedUntil ?? '', language) }));
    }
    window.scrollTo(0, 0);
  };

  // Of the tasks loaded so far; the server lists the overdue ones first, so the first page has them.
  const overdue = (tasks ?? []).filter((task) => task.overdue).length;

  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen">
        <ScreenTitle>{t.tasksTitle}</ScreenTitle>
        <SuccessMessage message={notice} />
        {tasks === null ? (
          error ? (
            <LoadFailed message={error} onRetry={() => void list.refetch()} />
          ) : (
            <LoadingMessage />
          )
        ) : (
          <>
            <p className="summary" data-testid="tasks-count" data-count={total}>
              {fill(t.tasksCount, { n: total })}
              {overdue > 0 ? <span className="tag tag-bad summary-tag">{fill(t.tasksOverdueCount, { n: overdue })}</span> : null}
            </p>
            {tasks.length === 0 ? <p className="card muted">{t.noTasks}</p> : null}
            {tasks.map((task) => (
              <TaskCard key={task.id} task={task} mine={task.assignee?.memberId === myMemberId} onUpdated={(next) => onUpdated(task, next)} onUnauthenticated={onUnauthenticated} />
            ))}
            <ErrorMessage message={error} />
            {list.hasNextPage && tasks.length < total ? (
              <button type="button" className="button button-secondary" disabled={list.isFetching} onClick={() => void list.fetchNextPage()}>
                {list.isFetchingNextPage ? t.loading : t.more}
              </button>
            ) : null}
          </>
        )}
      </main>
    </>
  );
}

interface TaskCardProps {
  task: CareTask;
  /** assigned to the signed-in member */
  mine: boolean;
  onUpdated: (task: CareTask) => void;
  onUnauthenticated: () => void;
}

function TaskCard({ task, mine, onUpdated, onUnauthenticated }: TaskCardProps) {
  const { t, language } = useCareI18n();
  const [action, setAction] = useState<'done' | 'snoozed' | 'dropped' | null>(null);
  const [note, setNote] = useState('');
  const [until, setUntil] = useState(() => chinaDate(7));
  const update = useMutation(writes.updateCareTask);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const actionable = task.status === 'open' || task.status === 'snoozed';
  const formId = `task-${task.id}`;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy || !action) return;
    const trimmed = note.trim();
    let body: CareTaskUpdate;
    if (action === 'snoozed') {
      if (!until) return setError(t.chooseDate);
      body = { status: 'snoozed', snoozedUntil: until, ...(trimmed ? { note: trimmed } : {}) };
    } else if (action === 'dropped') {
      // The server wants at least 2 characters of reason; say so here rather than after a round trip.
      if (trimmed.length < 2) return setError(t.dropReasonMissing);
      body = { status: 'dropped', note: trimmed };
    } else {
      body = { status: 'done', ...(trimmed ? { note: trimmed } : {}) };
    }
    setBusy(true);
    setError(null);
    try {
      // The answer is the task as it now stands.
      onUpdated(await update.mutateAsync({ id: task.id, body }));
    } catch (e) {
      setError(explainError(e, t.networkError, onUnauthenticated));
      setBusy(false);
    }
  };

  return (
    <article
      className={task.overdue ? 'card card-overdue' : 'card'}
      aria-labelledby={formId + '-name'}
      data-testid={`task-${task.id}`}
      data-overdue={task.overdue ? 'true' : 'false'}
      data-status={task.status}
    >
      <p className="person-name" id={formId + '-name'}>
        {task.memberName}
      </p>
      <p className="muted">{task.orgName}</p>
      <p>
        {task.overdue ? <span className="tag tag-bad">{t.taskOverdue}</span> : null}
        <span className="tag tag-warn">{t[`task_${task.kind}` as const]}</span>
        {task.status === 'snoozed' && task.snoozedUntil ? (
          <span className="tag tag-plain">{fill(t.snoozedUntilDate, { date: formatDate(task.snoozedUntil, language) })}</span>
        ) : null}
      </p>
      <p className="task-reason">{task.reason}</p>
      <p className={task.overdue ? 'due due-overdue' : 'due'}>{fill(t.taskDue, { date: formatDate(task.dueOn, language) })}</p>
      <p className="muted">{mine ? t.taskAssigneeMe : task.assignee ? fill(t.taskAssignee, { name: task.assignee.name }) : t.taskAssigneeSecretaries}</p>
      {task.note ? <p className="muted pre-wrap">{task.note}</p> : null}

      {actionable && action === null ? (
        <div className="button-row">
          <button type="button" className="button button-primary" data-testid={`task-done-${task.id}`} onClick={() => setAction('done')}>
            {t.taskDone}
          </button>
          <button type="button" className="button button-secondary" data-testid={`task-snooze-${task.id}`} onClick={() => setAction('snoozed')}>
            {t.taskSnooze}
          </button>
          <button type="button" className="button button-plain" data-testid={`task-drop-${task.id}`} onClick={() => setAction('dropped')}>
            {t.taskDrop}
          </button>
        </div>
      ) : null}

      {action ? (
        <form className="confirm form" onSubmit={submit} noValidate>
          {action === 'snoozed' ? (
            <Field id={formId + '-until'} label={t.snoozeUntil}>
              <input id={formId + '-until'} data-testid={`task-until-${task.id}`} type="date" min={chinaDate(1)} value={until} onChange={(e) => setUntil(e.target.value)} />
            </Field>
          ) : null}
          <Field id={formId + '-note'} label={action === 'dropped' ? t.dropReason : t.note} optionalLabel={action === 'dropped' ? undefined : t.optional}>
            <textarea
              id={formId + '-note'}
              data-testid={`task-note-${task.id}`}
              rows={2}
              maxLength={1000}
              value={note}
              aria-invalid={error !== null && action === 'dropped' ? true : undefined}
              onChange={(e) => setNote(e.target.value)}
            />
          </Field>
          <ErrorMessage message={error} />
          <button type="submit" className="button button-primary" data-testid={`task-confirm-${task.id}`} disabled={busy}>
            {busy ? t.saving : action === 'done' ? t.confirmDone : action === 'dropped' ? t.confirmDrop : t.confirmSnooze}
          </button>
          <button
            type="button"
            className="button button-plain"
            onClick={() => {
              setAction(null);
              setError(null);
            }}
          >
            {t.cancel}
          </button>
        </form>
      ) : null}
    </article>
  );
}
