import type { z } from 'zod';
import type {
  ChangePasswordBody,
  ErrorBody,
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

export type Account = MeAccount;
export type MyProfile = z.infer<typeof MyProfileSchema>;
export type MobilityForm = MobilityInput;
type ErrorResponse = z.infer<typeof ErrorBody>;

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
/** A problem with one field of what was sent (`field` is its path: 'summary', 'members.0.items'). */
export type FieldIssue = NonNullable<ErrorResponse['issues']>[number];

export interface Region {
  code: string;
  name: string;
  children?: Region[];
}
export interface Regions {
  provinces: Region[];
}

/** A failed call: `status` 0 means the request never got an answer (no network, timeout). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** what was wrong with each field, when the server said */
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isOffline(): boolean {
    return this.status === 0;
  }
}

let csrfToken: string | null = null;

function csrfFromCookie(): string | null {
  const match = /(?:^|;\s*)lx_csrf=([^;]+)/.exec(document.cookie);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

function isErrorBody(value: unknown): value is ErrorResponse {
  return typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string';
}

interface RequestOptions {
  timeoutMs?: number;
  /** Data is live by default; a list that the server marks cacheable may come from the HTTP cache. */
  cache?: RequestCache;
  /** Let the request finish after the page is gone (pagehide); the body must stay under 64 KB. */
  keepalive?: boolean;
}

/**
 * The server's summary, unless it is a list prefixed by field names (`since: …；provinceCode: …`),
 * which means nothing to a member: then the field messages alone.
 */
function readableMessage(body: ErrorResponse): string {
  if (!/(^|；)\s*[A-Za-z][\w.]*: /.test(body.message)) return body.message;
  const list: unknown[] = Array.isArray(body.issues) ? body.issues : [];
  const issues = list
    .map((issue) => (typeof issue === 'object' && issue !== null && 'message' in issue ? issue.message : null))
    .filter((m): m is string => typeof m === 'string' && m.trim() !== '');
  return issues.length > 0 ? [...new Set(issues)].join('；') : body.message;
}

function fieldIssues(body: ErrorResponse): FieldIssue[] {
  const list: unknown[] = Array.isArray(body.issues) ? body.issues : [];
  return list.filter(
    (issue): issue is FieldIssue =>
      typeof issue === 'object' && issue !== null && 'field' in issue && typeof issue.field === 'string' && 'message' in issue && typeof issue.message === 'string',
  );
}

async function request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const { timeoutMs = 20_000, cache = 'no-store', keepalive = false } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = csrfToken ?? csrfFromCookie();
    if (token) headers['x-csrf-token'] = token;
  }
  let response: Response;
  try {
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache, signal: controller.signal };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (keepalive) init.keepalive = true;
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', '');
  } finally {
    clearTimeout(timer);
  }
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const code = isErrorBody(data) ? data.error : 'http_' + response.status;
    const message = isErrorBody(data) ? readableMessage(data) : '';
    throw new ApiError(response.status, code, message, isErrorBody(data) ? fieldIssues(data) : []);
  }
  return data as T;
}

function remember(account: Account): Account {
  csrfToken = account.csrfToken;
  return account;
}

export const api = {
  me: () => request<Account>('GET', '/api/auth/me').then(remember),
  login: (body: z.input<typeof LoginBody>) => request<Account>('POST', '/api/auth/login', body).then(remember),
  logout: async (): Promise<void> => {
    try {
      await request<{ ok: true }>('POST', '/api/auth/logout');
    } finally {
      csrfToken = null;
    }
  },
  changePassword: (body: z.input<typeof ChangePasswordBody>) => request<{ ok: true }>('POST', '/api/auth/password', body),
  profile: () => request<MyProfile>('GET', '/api/me/profile'),
  updateMobility: (body: MobilityForm) => request<MyProfile>('POST', '/api/me/mobility', body),
  markReturned: (body: z.input<typeof ReturnBody>) => request<MyProfile>('POST', '/api/me/return', body),
  // ~140 KB: only the destination screen needs it, and it may be slow on a weak signal.
  regions: () => request<Regions>('GET', '/api/regions', undefined, { timeoutMs: 90_000, cache: 'default' }),

  today: () => request<Today>('GET', '/api/me/today'),
  inbox: (page: number, pageSize = 20) => request<Inbox>('GET', `/api/me/inbox?page=${page}&pageSize=${pageSize}`),
  openPush: (pushId: string) => request<InboxEntry>('POST', `/api/me/inbox/${enc(pushId)}/open`, {}),
  item: (itemId: string) => request<ReadableItem>('GET', `/api/me/items/${enc(itemId)}`),
  reportRead: (pushId: string, body: ReadProgress, keepalive = false) =>
    request<InboxEntry>('POST', `/api/me/inbox/${enc(pushId)}/read`, body, { keepalive, timeoutMs: keepalive ? 60_000 : 20_000 }),
  sessions: () => request<MySessions>('GET', '/api/me/sessions'),
  checkIn: (sessionId: string, code?: string) =>
    request<MySession>('POST', `/api/me/sessions/${enc(sessionId)}/checkin`, code ? { code } : {}),
  askLeave: (sessionId: string, reason: string) => request<MySession>('POST', `/api/me/sessions/${enc(sessionId)}/leave`, { reason }),
  makeups: () => request<MyMakeup[]>('GET', '/api/me/makeups'),
  submitMakeup: (sessionId: string, body: MakeupAnswers) => request<MyMakeup>('POST', `/api/me/makeups/${enc(sessionId)}`, body),
  careTasks: (page: number, pageSize = 20) => request<CareTaskList>('GET', `/api/me/care-tasks?page=${page}&pageSize=${pageSize}`),
  updateCareTask: (id: string, body: CareTaskUpdate) => request<CareTask>('PATCH', `/api/care-tasks/${enc(id)}`, body),
  mentees: () => request<MyMentees>('GET', '/api/me/mentees'),
  recordTalk: (body: TalkForm) => request<Talk>('POST', '/api/talks', body),
  cards: () => request<MyCards>('GET', '/api/me/cards'),
  openCard: (cardId: string) => request<unknown>('POST', `/api/me/cards/${enc(cardId)}/open`, {}),
  records: () => request<MyRecords>('GET', '/api/me/records'),
};

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** The message to show for a failed call; a lost session sends the member to the login. */
export function explainError(e: unknown, fallback: string, onUnauthenticated: () => void): string {
  if (e instanceof ApiError && e.status === 401) {
    onUnauthenticated();
    return '';
  }
  return e instanceof ApiError && !e.isOffline && e.message ? e.message : fallback;
}
