import type { AnswerOf, Endpoint, QueryOf } from '../../shared/endpoints.ts';
import { contract } from '../../shared/endpoints.ts';
import { fillPath } from '../common/endpoints.ts';
import { request, type Query } from '../common/http.ts';

/**
 * 四个一承诺 and 岗位信息's reads as the member app calls them: typed by the shared description, a
 * 20 s wait, revalidated with the server's ETag. The writes (the year's pledges, a job offered, an
 * offer closed) wait on the phone without signal: mutations.ts sends them with their Idempotency-Key.
 */
export type MyPledges = AnswerOf<typeof contract.pledges.mine>;
export type MyPledge = MyPledges['pledges'][number];
export type PledgeKind = MyPledge['kind'];
export type MyPledgesBody = { items: { kind: PledgeKind; body: string }[] };
export type MyJobOffers = AnswerOf<typeof contract.pledges.myJobs>;
export type MyJobOffer = MyJobOffers['offers'][number];
export type JobOfferBody = { employer: string; city: string; wageMinYuan: number; wageMaxYuan: number; contact: string; description: string };

function read<E extends Endpoint<'GET', string, unknown, unknown, unknown>>(endpoint: E, query: QueryOf<E> | undefined, signal: AbortSignal | undefined): Promise<AnswerOf<E>> {
  return request<AnswerOf<E>>('GET', fillPath(endpoint.path, undefined), {
    timeoutMs: 20_000,
    cache: 'no-cache',
    ...(signal ? { signal } : {}),
    ...(query === undefined ? {} : { query: query as Query }),
  });
}

export const pledgesApi = {
  /** the year's four pledges, their follow-up and outcome, and the period (the server marks it with an ETag) */
  mine: (signal?: AbortSignal) => read(contract.pledges.mine, undefined, signal),
  /** one's job offers and their matches (the seeker's name and wanted work) */
  jobs: (signal?: AbortSignal) => read(contract.pledges.myJobs, undefined, signal),
};
