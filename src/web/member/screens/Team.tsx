import { useQuery } from '@tanstack/react-query';
import { ApiError } from '../api.ts';
import { fill, formatDate } from '../i18n.ts';
import { useServiceI18n } from '../i18n-service.ts';
import { queries } from '../queries.ts';
import { minutesText } from '../../../shared/minutes.ts';
import { shown } from '../shown.ts';
import { AppLink, LoadFailed, LoadingMessage, ScreenTitle, telHref, TopBar } from '../ui.tsx';
import { RemoteTag } from './Service.tsx';
import '../photo-field.css';
import './service.css';

interface TeamProps {
  /** the team to show; none: the member's only team, or the list to choose from */
  teamId: string | null;
  onBack: () => void;
}

/**
 * 我的服务队: a team's members, the people it looks after (category, need, contact with a call
 * button) and its recent logs with the team's hours. The leader sees every member's logs. What is
 * said of the people looked after is read from the server each time the screen opens (each read is
 * audited) and never kept on the phone.
 */
export function Team({ teamId, onBack }: TeamProps) {
  const { t } = useServiceI18n();
  const mine = useQuery({ ...queries.myTeams(), enabled: teamId === null });
  const only = teamId === null && mine.data?.teams.length === 1 ? (mine.data.teams[0]?.id ?? null) : null;
  const shownId = teamId ?? only;

  if (shownId) return <TeamView teamId={shownId} onBack={onBack} />;

  const state = shown(mine, t.networkError);
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen service">
        <ScreenTitle>{t.tmTitle}</ScreenTitle>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' ? <LoadFailed message={state.message} onRetry={() => void mine.refetch()} /> : null}
        {state.kind === 'loaded' && state.data.teams.length === 0 ? <p className="message message-info">{t.tmNone}</p> : null}
        {state.kind === 'loaded' && state.data.teams.length > 1 ? (
          <>
            <h2 className="sv-heading">{t.tmChoose}</h2>
            <ul className="plain-list sv-list">
              {state.data.teams.map((team) => (
                <li key={team.id}>
                  <AppLink to={{ name: 'team', teamId: team.id }} className="card card-link sv-card" testId={`service-team-${team.id}`}>
                    <span className="sv-card-title">{team.name}</span>
                    {team.gridName ? <span className="sv-line muted">{team.gridName}</span> : null}
                  </AppLink>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </main>
    </>
  );
}

function TeamView({ teamId, onBack }: { teamId: string; onBack: () => void }) {
  const { t, language } = useServiceI18n();
  const query = useQuery(queries.team(teamId));
  const logs = useQuery(queries.teamLogs(teamId));
  const state = shown(query, t.networkError);
  const logState = shown(logs, t.networkError);

  if (state.kind === 'failed' && query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 403)) {
    return (
      <>
        <TopBar onBack={onBack} />
        <main className="screen service">
          <ScreenTitle>{t.tmTitle}</ScreenTitle>
          <p className="message message-info" role="status">
            {t.tmNotFound}
          </p>
        </main>
      </>
    );
  }

  const detail = state.kind === 'loaded' ? state.data : null;
  return (
    <>
      <TopBar onBack={onBack} />
      <main className="screen service" data-testid="team">
        <ScreenTitle>{detail ? detail.team.name : t.tmTitle}</ScreenTitle>
        {state.kind === 'loading' ? <LoadingMessage /> : null}
        {state.kind === 'failed' ? <LoadFailed message={state.message} onRetry={() => void query.refetch()} /> : null}
        {detail ? (
          <>
            <p className="sv-tags">
              <span className="tag tag-plain">{t[`kind_${detail.team.kind}` as const]}</span>
              {detail.team.gridName ? <span className="tag tag-plain">{detail.team.gridName}</span> : null}
              {detail.team.leader ? <span className="tag tag-good">{t.svTeamLeader}</span> : null}
            </p>
            {detail.team.description ? <p className="pre-wrap">{detail.team.description}</p> : null}
          </>
        ) : null}

        {logState.kind === 'loaded' ? (
          <section className="card sv-hours" aria-labelledby="tm-hours-title">
            <h2 id="tm-hours-title">{t.tmHours}</h2>
            <dl className="sv-hours-grid">
              <div>
                <dt>{t.svHoursMonth}</dt>
                <dd data-testid="team-hours-month">{minutesText(logState.data.hours.monthMinutes, language)}</dd>
              </div>
              <div>
                <dt>{t.svHoursYear}</dt>
                <dd data-testid="team-hours-year">{minutesText(logState.data.hours.yearMinutes, language)}</dd>
              </div>
            </dl>
          </section>
        ) : null}

        {detail ? (
          <section aria-labelledby="tm-recipients-title">
            <h2 id="tm-recipients-title" className="sv-heading">
              {t.tmRecipients}
            </h2>
            <p className="muted elder-hide">{t.tmRecipientsNote}</p>
            {detail.recipients.length === 0 ? <p className="muted">{t.tmRecipientsNone}</p> : null}
            <ul className="plain-list sv-list" data-testid="team-recipients">
              {detail.recipients.map((r) => (
                <li key={r.id} className="card sv-recipient">
                  <h3 className="sv-card-title">{r.label}</h3>
                  <p className="sv-tags">
                    <span className="tag tag-plain">{t[`cat_${r.category}` as const]}</span>
                  </p>
                  {r.need ? <p className="pre-wrap">{fill(t.tmNeed, { need: r.need })}</p> : null}
                  {r.contactName ? <p className="sv-line">{fill(t.tmContact, { name: r.contactName })}</p> : null}
                  {r.contactPhone ? (
                    <a className="button button-call" href={telHref(r.contactPhone)}>
                      <span aria-hidden="true">☎ </span>
                      {fill(t.tmCall, { name: r.contactName ?? r.label })}
                    </a>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <section aria-labelledby="tm-logs-title">
          <h2 id="tm-logs-title" className="sv-heading">
            {t.tmLogs}
          </h2>
          {detail?.team.leader ? <p className="muted elder-hide">{t.tmLogsAll}</p> : null}
          {logState.kind === 'loading' ? <LoadingMessage /> : null}
          {logState.kind === 'failed' ? <LoadFailed message={logState.message} onRetry={() => void logs.refetch()} /> : null}
          {logState.kind === 'loaded' && logState.data.items.length === 0 ? <p className="muted">{t.tmLogsNone}</p> : null}
          {logState.kind === 'loaded' && logState.data.items.length > 0 ? (
            <ul className="plain-list sv-list" data-testid="team-logs">
              {logState.data.items.map((log) => (
                <li key={log.id} className="card sv-log" data-testid={`team-log-${log.id}`}>
                  <p className="sv-log-head">
                    <strong>{log.member.name}</strong>
                    <span className="muted">{formatDate(log.servedOn, language)}</span>
                  </p>
                  <p className="sv-tags">
                    <span className="tag tag-good" data-testid="team-log-minutes">
                      {minutesText(log.minutes, language)}
                    </span>
                    {log.remote ? <RemoteTag t={t} /> : null}
                  </p>
                  {log.project ? <p className="sv-line muted">{fill(t.tmLogFor, { title: log.task ? `${log.project.title} · ${log.task.title}` : log.project.title })}</p> : null}
                  {log.recipient ? <p className="sv-line">{fill(t.tmLogWhom, { label: log.recipient.label })}</p> : null}
                  <p className="pre-wrap">{log.what}</p>
                  {log.photos.length > 0 ? (
                    <ul className="photo-upload-list">
                      {log.photos.map((photo, i) => (
                        <li key={photo.fileId} className="photo-upload">
                          <img src={photo.url} alt={fill(t.tmPhoto, { name: log.member.name, n: i + 1 })} loading="lazy" />
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </section>

        {detail ? (
          <section aria-labelledby="tm-members-title">
            <h2 id="tm-members-title" className="sv-heading">
              {t.tmMembers}
            </h2>
            <ul className="card plain-list sv-members" data-testid="team-members">
              {detail.members.map((m, i) => (
                <li key={`${m.name}-${i}`} className="sv-member">
                  <span className="sv-member-name">{m.name}</span>
                  <span className="sv-tags">
                    {m.isLeader ? <span className="tag tag-good">{t.tmLeader}</span> : null}
                    <span className="tag tag-plain">{m.isPartyMember ? t.tmPartyMember : t.tmVolunteer}</span>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        <AppLink to={{ name: 'service-log', projectId: null }} className="button button-primary button-huge" testId="team-log-new">
          {t.svLogNew}
        </AppLink>
      </main>
    </>
  );
}
