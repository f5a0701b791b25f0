import type { z } from 'zod';
import type {
  ChangePasswordBody,
  LoginBody,
  MeAccount,
  MobilityInput,
  MyProfile as MyProfileSchema,
  ReturnBody,
} from '../../shared/api.ts';
import type {
  CareTask as CareTaskSchema,
  CareTaskList as CareTaskListSchema,
  Inbox as InboxSchema,
  InboxEntry as InboxEntrySchema,
  MyMakeup as MyMakeupSchema,
  MySession as MySessionSchema,
  MySessions as MySessionsSchema,
  ReadableItem as ReadableItemSchema,
  ReadProgressBody,
  SubmitMakeupBody,
  Today as TodaySchema,
  UpdateCareTaskBody,
} from '../../shared/api.ts';
import type {
  MemberDelivery as MemberDeliverySchema,
  MyCard as MyCardSchema,
  MyCards as MyCardsSchema,
  MyMentee as MyMenteeSchema,
  MyMentees as MyMenteesSchema,
  MyRecords as MyRecordsSchema,
  Talk as TalkSchema,
  TalkInput,
} from '../../shared/api-care.ts';
import type { AnswerOf, BodyOf, Endpoint, Method, QueryOf } from '../../shared/endpoints.ts';
import { contract } from '../../shared/endpoints.ts';
import { ApiError, readableMessage } from '../common/api-error.ts';
import { fillPath } from '../common/endpoints.ts';
import { request, setCsrfToken, type Query, type RequestOptions } from '../common/http.ts';

export { ApiError };
export type { FieldIssue } from '../common/api-error.ts';

export type Account = MeAccount;
export type MyProfile = z.infer<typeof MyProfileSchema>;
export type MobilityForm = MobilityInput;

export type Today = z.infer<typeof TodaySchema>;
export type InboxEntry = z.infer<typeof InboxEntrySchema>;
export type Inbox = z.infer<typeof InboxSchema>;
export type ReadableItem = z.infer<typeof ReadableItemSchema>;
export type MySession = z.infer<typeof MySessionSchema>;
export type MySessions = z.infer<typeof MySessionsSchema>;
export type MyMakeup = z.infer<typeof MyMakeupSchema>;
export type CareTask = z.infer<typeof CareTaskSchema>;
export type CareTaskList = z.infer<typeof CareTaskListSchema>;
export type CareTaskUpdate = z.input<typeof UpdateCareTaskBody>;
export type ReadProgress = z.infer<typeof ReadProgressBody>;
export type MakeupAnswers = z.input<typeof SubmitMakeupBody>;
export type MyMentee = z.infer<typeof MyMenteeSchema>;
export type MyMentees = z.infer<typeof MyMenteesSchema>;
export type TalkForm = TalkInput;
export type Talk = z.infer<typeof TalkSchema>;
export type MyCard = z.infer<typeof MyCardSchema>;
export type MyCards = z.infer<typeof MyCardsSchema>;
export type MyRecords = z.infer<typeof MyRecordsSchema>;
export type MemberDelivery = z.infer<typeof MemberDeliverySchema>;
export type NoticeChannels = AnswerOf<typeof contract.noticeChannels.mine>;
export type NoticeChannelsChange = BodyOf<typeof contract.noticeChannels.setMine>;
export type Regions = AnswerOf<typeof contract.regions.get>;
export type Region = Regions['provinces'][number];

/** What one call adds to the request core: the answer's wait, the HTTP cache, cancel, keepalive, an expected 401. */
type CallOptions = Pick<RequestOptions, 'timeoutMs' | 'cache' | 'signal' | 'keepalive' | 'quiet401'>;
type Params = Record<string, string>;

/**
 * The answers the server marks cacheable (an ETag, `private, no-cache`: src/server/etag.ts) go through
 * the browser's HTTP cache, which asks with `If-None-Match` every time: an unchanged answer costs a
 * 304 of a few hundred bytes on a weak signal instead of the whole answer.
 */
const REVALIDATE: CallOptions = { cache: 'no-cache' };

/**
 * Calls an endpoint of the shared description (src/shared/endpoints.ts), typed by it: the answer,
 * the body, the query. The member app's calls take options the bound calls of src/web/common do not
 * carry (TanStack Query's cancel signal, keepalive as the page goes, a longer wait, an expected
 * 401), so they go to the request core here. Data is always live (`no-store`) unless a call says
 * otherwise, and a call gives up after 20 s, so a weak signal ends in "no network" (status 0)
 * rather than a spinner that never stops.
 */
function read<E extends Endpoint<'GET', string, unknown, unknown, unknown>>(endpoint: E, params?: Params, query?: QueryOf<E>, options: CallOptions = {}): Promise<AnswerOf<E>> {
  return request<AnswerOf<E>>('GET', fillPath(endpoint.path, params), {
    timeoutMs: 20_000,
    cache: 'no-store',
    ...options,
    ...(query === undefined ? {} : { query: query as Query }),
  });
}

function send<E extends Endpoint<Method, string, unknown, unknown, unknown>>(endpoint: E, params?: Params, body?: BodyOf<E>, options: CallOptions = {}): Promise<AnswerOf<E>> {
  return request<AnswerOf<E>>(endpoint.method, fillPath(endpoint.path, params), {
    timeoutMs: 20_000,
    cache: 'no-store',
    ...options,
    // the server's JSON parser wants a body with a POST
    ...(body !== undefined ? { body } : endpoint.method === 'POST' ? { body: {} } : {}),
  });
}

function remember(account: Account): Account {
  setCsrfToken(account.csrfToken);
  return account;
}

const { auth, me } = contract;

/** Every call of the member app; screens reach them through queries.ts (reads) and mutations.ts (writes). */
export const api = {
  // A 401 here is an answer ("not signed in"), not an expired session.
  me: () => read(auth.me, undefined, undefined, { quiet401: true }).then(remember),
  login: (body: z.input<typeof LoginBody>) => send(auth.login, undefined, body, { quiet401: true }).then(remember),
  logout: async (): Promise<void> => {
    try {
      await send(auth.logout, undefined, undefined, { quiet401: true });
    } finally {
      setCsrfToken(null);
    }
  },
  // A wrong current password is refused too; the screen tells it apart from an expired session.
  changePassword: (body: z.input<typeof ChangePasswordBody>) => send(auth.changePassword, undefined, body, { quiet401: true }),
  profile: (signal?: AbortSignal) => read(me.profile, undefined, undefined, { ...REVALIDATE, signal }),
  updateMobility: (body: MobilityForm) => send(me.recordDestination, undefined, body),
  markReturned: (body: z.input<typeof ReturnBody>) => send(me.recordReturn, undefined, body),
  // ~140 KB: only the destination screen needs it, and it may be slow on a weak signal.
  regions: (signal?: AbortSignal) => read(contract.regions.get, undefined, undefined, { timeoutMs: 90_000, cache: 'default', signal }),

  today: (signal?: AbortSignal) => read(me.today, undefined, undefined, { ...REVALIDATE, signal }),
  inbox: (page: number, pageSize: number, signal?: AbortSignal) => read(me.inbox, undefined, { page, pageSize }, { ...REVALIDATE, signal }),
  item: (itemId: string, signal?: AbortSignal) => read(me.item, { id: itemId }, undefined, { ...REVALIDATE, signal }),
  meetings: (signal?: AbortSignal) => read(me.meetings, undefined, undefined, { ...REVALIDATE, signal }),
  checkIn: (sessionId: string, code?: string) => send(me.checkIn, { id: sessionId }, code ? { code } : {}),
  makeups: (signal?: AbortSignal) => read(me.makeups, undefined, undefined, { ...REVALIDATE, signal }),
  careTasks: (page: number, pageSize: number, signal?: AbortSignal) => read(me.careTasks, undefined, { page, pageSize }, { signal }),
  updateCareTask: (id: string, body: CareTaskUpdate) => send(contract.careTasks.update, { id }, body),
  mentees: (signal?: AbortSignal) => read(me.mentees, undefined, undefined, { signal }),
  cards: (signal?: AbortSignal) => read(me.cards, undefined, undefined, { signal }),
  openCard: (cardId: string) => send(me.openCard, { id: cardId }),
  records: (signal?: AbortSignal) => read(me.records, undefined, undefined, { signal }),
  // A notice's link was opened (?n=): the first open counts; an expired session just skips it.
  noticeOpened: (id: string) => send(contract.notices.opened, { id }, undefined, { quiet401: true }),
  noticeChannels: (signal?: AbortSignal) => read(contract.noticeChannels.mine, undefined, undefined, { signal }),
  setNoticeChannels: (body: NoticeChannelsChange) => send(contract.noticeChannels.setMine, undefined, body),
  pushKey: () => read(contract.noticeChannels.pushKey),
  savePushSubscription: (body: BodyOf<typeof contract.noticeChannels.subscribe>) => send(contract.noticeChannels.subscribe, undefined, body),
  removePushSubscription: (endpoint: string) => send(contract.noticeChannels.unsubscribe, undefined, { endpoint }),
  // Signing in with an SMS code: offered only where the server has an SMS provider.
  authMethods: () => read(contract.sms.methods, undefined, undefined, { quiet401: true, timeoutMs: 10_000 }),
  requestSmsCode: (phone: string) => send(contract.sms.requestCode, undefined, { phone }, { quiet401: true }),
  smsLogin: (body: BodyOf<typeof contract.sms.signIn>) => send(contract.sms.signIn, undefined, body, { quiet401: true }).then(remember),
};

/** What the server said was wrong, in words a member can read ('' when it said nothing). */
export function errorText(e: unknown): string {
  return e instanceof ApiError && !e.isOffline ? readableMessage(e) : '';
}

/** The message to show for a failed call; a lost session sends the member to the login. */
export function explainError(e: unknown, fallback: string, onUnauthenticated: () => void): string {
  if (e instanceof ApiError && e.status === 401) {
    onUnauthenticated();
    return '';
  }
  return errorText(e) || fallback;
}

// ---------- 互动 (每月一互动): the feed, one post; the writes go through mutations.ts ----------
export type MyShareFeed = AnswerOf<typeof contract.shares.feed>;
export type SharePostDetail = AnswerOf<typeof contract.shares.post>;
export type SharePost = AnswerOf<typeof contract.shares.create>;
export type ShareComment = AnswerOf<typeof contract.shares.comment>;
export type ShareLikeState = AnswerOf<typeof contract.shares.like>;
export type ShareInput = BodyOf<typeof contract.shares.create>;
export type ShareScope = 'branch' | 'village';

export const shareApi = {
  feed: (scope: ShareScope, cursor: string | null, signal?: AbortSignal) =>
    read(contract.shares.feed, undefined, { scope, ...(cursor ? { cursor } : {}) }, { ...REVALIDATE, signal }),
  post: (id: string, signal?: AbortSignal) => read(contract.shares.post, { id }, undefined, { signal }),
  remove: (id: string) => send(contract.shares.remove, { id }),
  removeComment: (id: string) => send(contract.shares.removeComment, { id }),
};

// ---------- 有问必答: one's questions, the unit's FAQ, a mentor's mentees' questions ----------
export type MyQuestion = AnswerOf<typeof contract.questions.myOne>;
export type MyQuestionList = AnswerOf<typeof contract.questions.mine>;
export type MemberFaq = AnswerOf<typeof contract.questions.memberFaq>;
export type MenteeQuestion = AnswerOf<typeof contract.questions.get>;
export type MenteeQuestionList = AnswerOf<typeof contract.questions.menteeQuestions>;
export type AskQuestionInput = BodyOf<typeof contract.questions.ask>;

export const questionApi = {
  mine: (signal?: AbortSignal) => read(contract.questions.mine, undefined, undefined, { ...REVALIDATE, signal }),
  one: (id: string, signal?: AbortSignal) => read(contract.questions.myOne, { id }, undefined, { signal }),
  seen: (id: string) => send(contract.questions.seen, { id }),
  faq: (signal?: AbortSignal) => read(contract.questions.memberFaq, undefined, undefined, { ...REVALIDATE, signal }),
  mentees: (signal?: AbortSignal) => read(contract.questions.menteeQuestions, undefined, undefined, { signal }),
  answer: (id: string, body: string) => send(contract.questions.answer, { id }, { body }),
};

// ---------- 民主评议: the rounds one takes part in, one's self-evaluation and secret ballot ----------
export type MyEvaluation = AnswerOf<typeof contract.myEvaluations.list>['items'][number];
export type MyEvaluationDetail = AnswerOf<typeof contract.myEvaluations.get>;
export type BallotGrades = BodyOf<typeof contract.myEvaluations.vote>['grades'];

export const evaluationApi = {
  mine: (signal?: AbortSignal) => read(contract.myEvaluations.list, undefined, undefined, { signal }),
  one: (id: string, signal?: AbortSignal) => read(contract.myEvaluations.get, { id }, undefined, { signal }),
  self: (id: string, text: string) => send(contract.myEvaluations.self, { id }, { text }),
  /** `receipt` is chosen once per ballot on the phone: sending it again is answered as done, never counted twice */
  vote: (id: string, receipt: string, grades: BallotGrades) => send(contract.myEvaluations.vote, { id }, { receipt, grades }),
};

// ---------- 季度评议: one's self-summary for the open round and one's published results ----------
export type MyReview = AnswerOf<typeof contract.reviews.mine>;

export const reviewApi = {
  mine: (signal?: AbortSignal) => read(contract.reviews.mine, undefined, undefined, { ...REVALIDATE, signal }),
  /** the same text sent twice writes once (the route is idempotent) */
  summary: (roundId: string, text: string) => send(contract.reviews.saveSummary, { id: roundId }, { text }),
  seen: (roundId: string) => send(contract.reviews.seen, { id: roundId }),
};
