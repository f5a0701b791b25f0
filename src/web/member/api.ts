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
import { ApiError, readableMessage } from '../common/api-error.ts';
import { request as send, setCsrfToken, type Method, type RequestOptions } from '../common/http.ts';

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

export interface Region {
  code: string;
  name: string;
  children?: Region[];
}
export interface Regions {
  provinces: Region[];
}

/**
 * The member app's calls over the shared request core: data is always live (`no-store`) unless a
 * call says otherwise, and a call gives up after 20 s, so a weak signal ends in "no network" rather
 * than a spinner that never stops (status 0, see `ApiError.isOffline`).
 */
function request<T>(method: Method, path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
  return send<T>(method, path, { timeoutMs: 20_000, cache: 'no-store', ...options, ...(body === undefined ? {} : { body }) });
}

function remember(account: Account): Account {
  setCsrfToken(account.csrfToken);
  return account;
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** Every call of the member app; screens reach them through queries.ts (reads) and mutations.ts (writes). */
export const api = {
  // A 401 here is an answer ("not signed in"), not an expired session.
  me: () => request<Account>('GET', '/api/auth/me', undefined, { quiet401: true }).then(remember),
  login: (body: z.input<typeof LoginBody>) => request<Account>('POST', '/api/auth/login', body, { quiet401: true }).then(remember),
  logout: async (): Promise<void> => {
    try {
      await request<{ ok: true }>('POST', '/api/auth/logout', undefined, { quiet401: true });
    } finally {
      setCsrfToken(null);
    }
  },
  // A wrong current password is refused too; the screen tells it apart from an expired session.
  changePassword: (body: z.input<typeof ChangePasswordBody>) => request<{ ok: true }>('POST', '/api/auth/password', body, { quiet401: true }),
  profile: (signal?: AbortSignal) => request<MyProfile>('GET', '/api/me/profile', undefined, { signal }),
  updateMobility: (body: MobilityForm) => request<MyProfile>('POST', '/api/me/mobility', body),
  markReturned: (body: z.input<typeof ReturnBody>) => request<MyProfile>('POST', '/api/me/return', body),
  // ~140 KB: only the destination screen needs it, and it may be slow on a weak signal.
  regions: (signal?: AbortSignal) => request<Regions>('GET', '/api/regions', undefined, { timeoutMs: 90_000, cache: 'default', signal }),

  today: (signal?: AbortSignal) => request<Today>('GET', '/api/me/today', undefined, { signal }),
  inbox: (page: number, pageSize: number, signal?: AbortSignal) =>
    request<Inbox>('GET', '/api/me/inbox', undefined, { query: { page, pageSize }, signal }),
  openPush: (pushId: string) => request<InboxEntry>('POST', `/api/me/inbox/${enc(pushId)}/open`, {}),
  item: (itemId: string, signal?: AbortSignal) => request<ReadableItem>('GET', `/api/me/items/${enc(itemId)}`, undefined, { signal }),
  reportRead: (pushId: string, body: ReadProgress, keepalive = false) =>
    request<InboxEntry>('POST', `/api/me/inbox/${enc(pushId)}/read`, body, { keepalive, timeoutMs: keepalive ? 60_000 : 20_000 }),
  sessions: (signal?: AbortSignal) => request<MySessions>('GET', '/api/me/sessions', undefined, { signal }),
  checkIn: (sessionId: string, code?: string) =>
    request<MySession>('POST', `/api/me/sessions/${enc(sessionId)}/checkin`, code ? { code } : {}),
  askLeave: (sessionId: string, reason: string) => request<MySession>('POST', `/api/me/sessions/${enc(sessionId)}/leave`, { reason }),
  makeups: (signal?: AbortSignal) => request<MyMakeup[]>('GET', '/api/me/makeups', undefined, { signal }),
  submitMakeup: (sessionId: string, body: MakeupAnswers) => request<MyMakeup>('POST', `/api/me/makeups/${enc(sessionId)}`, body),
  careTasks: (page: number, pageSize: number, signal?: AbortSignal) =>
    request<CareTaskList>('GET', '/api/me/care-tasks', undefined, { query: { page, pageSize }, signal }),
  updateCareTask: (id: string, body: CareTaskUpdate) => request<CareTask>('PATCH', `/api/care-tasks/${enc(id)}`, body),
  mentees: (signal?: AbortSignal) => request<MyMentees>('GET', '/api/me/mentees', undefined, { signal }),
  recordTalk: (body: TalkForm) => request<Talk>('POST', '/api/talks', body),
  cards: (signal?: AbortSignal) => request<MyCards>('GET', '/api/me/cards', undefined, { signal }),
  openCard: (cardId: string) => request<unknown>('POST', `/api/me/cards/${enc(cardId)}/open`, {}),
  records: (signal?: AbortSignal) => request<MyRecords>('GET', '/api/me/records', undefined, { signal }),
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
