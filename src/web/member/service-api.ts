import type { AnswerOf, Endpoint, QueryOf } from '../../shared/endpoints.ts';
import { contract } from '../../shared/endpoints.ts';
import { fillPath } from '../common/endpoints.ts';
import { request, type Query } from '../common/http.ts';

/**
 * 志愿服务's reads and the one write that needs a signal (cancelling a sign-up), as api.ts calls
 * the server: typed by the shared description, never cached unless the server marks the answer
 * (then the browser asks with If-None-Match), a 20 s wait. Sign-ups and logs wait on the phone
 * without signal: mutations.ts sends them with their Idempotency-Key.
 */
export type MyService = AnswerOf<typeof contract.service.mine>;
export type MyServiceProject = MyService['projects'][number];
export type MySignup = MyService['signups'][number];
export type MyServiceProjectDetail = AnswerOf<typeof contract.service.myProject>;
export type MyServiceTask = MyServiceProjectDetail['tasks'][number];
export type SignupResult = AnswerOf<typeof contract.service.signup>;
export type CancelSignupResult = AnswerOf<typeof contract.service.cancelSignup>;
export type ServiceLog = AnswerOf<typeof contract.service.log>;
export type ServiceLogBody = {
  projectId: string | null;
  taskId: string | null;
  teamId: string | null;
  recipientId: string | null;
  servedOn: string;
  minutes: number;
  remote: boolean;
  what: string;
  photoFileIds: string[];
};
export type TeamServiceLogs = AnswerOf<typeof contract.service.teamLogs>;
export type MyTeams = AnswerOf<typeof contract.teams.mine>;
export type MyTeam = MyTeams['teams'][number];
export type MyTeamDetail = AnswerOf<typeof contract.teams.myOne>;
export type CareRecipientOfTeam = MyTeamDetail['recipients'][number];

function read<E extends Endpoint<'GET', string, unknown, unknown, unknown>>(
  endpoint: E,
  params: Record<string, string> | undefined,
  query: QueryOf<E> | undefined,
  signal: AbortSignal | undefined,
  revalidate = false,
): Promise<AnswerOf<E>> {
  return request<AnswerOf<E>>('GET', fillPath(endpoint.path, params), {
    timeoutMs: 20_000,
    cache: revalidate ? 'no-cache' : 'no-store',
    ...(signal ? { signal } : {}),
    ...(query === undefined ? {} : { query: query as Query }),
  });
}

const { service, teams } = contract;

export const serviceApi = {
  /** the projects one may join, one's sign-ups and hours (the server marks it with an ETag) */
  mine: (signal?: AbortSignal) => read(service.mine, undefined, undefined, signal, true),
  project: (id: string, signal?: AbortSignal) => read(service.myProject, { id }, undefined, signal),
  cancelSignup: (signupId: string) =>
    request<CancelSignupResult>(service.cancelSignup.method, fillPath(service.cancelSignup.path, { id: signupId }), { timeoutMs: 20_000, cache: 'no-store' }),
  myTeams: (signal?: AbortSignal) => read(teams.mine, undefined, undefined, signal),
  /** a team's members and the people it looks after: read each time, never kept (the server audits each read) */
  team: (id: string, signal?: AbortSignal) => read(teams.myOne, { id }, undefined, signal),
  teamLogs: (id: string, signal?: AbortSignal) => read(service.teamLogs, { id }, undefined, signal),
};
