import type { z } from 'zod';
import type { ChangePasswordBody, ReturnBody } from '../../shared/api.ts';
import { contract, type Endpoint, type Method } from '../../shared/endpoints.ts';
import { fillPath } from '../common/endpoints.ts';
import { request } from '../common/http.ts';
import {
  api,
  type CareTask,
  type CareTaskUpdate,
  type InboxEntry,
  type MakeupAnswers,
  type MobilityForm,
  type MyCards,
  type MyMakeup,
  type MyProfile,
  type NoticeChannels,
  type NoticeChannelsChange,
  type MySession,
  type MySessions,
  type ReadProgress,
  shareApi,
  type ShareComment,
  type ShareInput,
  type ShareLikeState,
  type SharePost,
  type SharePostDetail,
  type Talk,
  type TalkForm,
  type Today,
} from './api.ts';
import { queryClient } from './query.ts';
import { keys, type CareTaskPages, type InboxPages, type ShareFeedPages } from './queries.ts';
import { registerOutboxKind, setAccountProbe, submit } from './outbox.ts';
import { questionApi, type AskQuestionInput, type MenteeQuestion, type MyQuestion } from './api.ts';
import { serviceApi, type CancelSignupResult, type ServiceLog, type ServiceLogBody, type SignupResult } from './service-api.ts';
import type { JobOfferBody, MyJobOffer, MyPledges, MyPledgesBody } from './pledges-api.ts';
import { dutyApi } from './duty-api.ts';

/**
 * Every write of the member app, as a TanStack mutation: a key, the call, and what its answer
 * changes in the cache. Screens use them with `useMutation(writes.checkIn)` and handle only what
 * they show. Each one is also registered as the client's default for its key.
 *
 * The writes a member may make without signal (reading progress, a push opened, a make-up, leave,
 * a talk) go through the phone's queue (outbox.ts, `queued` below): sent at once when there is
 * signal, otherwise kept and sent when it returns, each with its own Idempotency-Key. Their mutation
 * rejects with `QueuedError` when the write waits on the phone; screens say "已保存，有信号时自动发送".
 */
interface Write<TVars, TData> {
  mutationKey: readonly [string];
  mutationFn: (vars: TVars) => Promise<TData>;
  onSuccess: (data: TData, vars: TVars) => unknown;
}

function write<TVars, TData>(name: string, mutationFn: (vars: TVars) => Promise<TData>, onSuccess: (data: TData, vars: TVars) => unknown = () => undefined): Write<TVars, TData> {
  const mutationKey = [name] as const;
  queryClient.setMutationDefaults(mutationKey, {
    mutationFn: mutationFn as (vars: unknown) => Promise<unknown>,
    onSuccess: onSuccess as (data: unknown, vars: unknown) => unknown,
  });
  return { mutationKey, mutationFn, onSuccess };
}

/**
 * A write that waits on the phone without signal: registered with the queue (how it is sent with its
 * key, what its answer changes, which earlier waiting entry it replaces), and the mutation puts it
 * on the queue. Its answer's cache update runs from the queue (now or later), not from TanStack.
 */
function queued<TVars, TData>(
  name: string,
  send: (vars: TVars, key: string, accountId: string | null) => Promise<TData>,
  onSent: (data: TData, vars: TVars) => unknown = () => undefined,
  coalesce?: (vars: TVars) => string | null,
): Write<TVars, TData> {
  registerOutboxKind<TVars>(name, { send, onSent: onSent as (answer: never, vars: TVars) => unknown, ...(coalesce ? { coalesce } : {}) });
  return { mutationKey: [name] as const, mutationFn: (vars: TVars) => submit<TData>(name, vars), onSuccess: () => undefined };
}

/**
 * Sends one queued write with its Idempotency-Key and the account it was made by (`X-Account-Id`:
 * the server refuses it with 401 when another account is signed in), the member app's usual 20 s
 * wait, never cached.
 */
function sendWithKey<T>(
  endpoint: Endpoint<Method, string, unknown, unknown, unknown>,
  params: Record<string, string> | undefined,
  body: unknown,
  key: string,
  accountId: string | null,
  keepalive = false,
): Promise<T> {
  return request<T>(endpoint.method, fillPath(endpoint.path, params), {
    body: body ?? {},
    headers: { 'idempotency-key': key, ...(accountId ? { 'x-account-id': accountId } : {}) },
    timeoutMs: keepalive ? 60_000 : 20_000,
    cache: 'no-store',
    keepalive,
  });
}

// A page opened without signal never heard who is signed in: the queue asks before sending.
setAccountProbe(async () => (await api.me()).accountId);

// ---------- what an answer changes in the cache ----------

function replaceMeeting(fresh: MySession): void {
  const update = (s: MySession) => (s.id === fresh.id ? fresh : s);
  queryClient.setQueryData<MySessions>(keys.meetings, (data) => (data ? { upcoming: data.upcoming.map(update), recent: data.recent.map(update) } : data));
}

/** The push's entry as the server now tells it, in today's list and the inbox. */
function replacePushEntry(entry: InboxEntry): void {
  const update = (e: InboxEntry) => (e.pushId === entry.pushId ? entry : e);
  queryClient.setQueryData<Today>(keys.today, (data) => (data ? { ...data, pushes: data.pushes.map(update) } : data));
  queryClient.setQueryData<InboxPages>(keys.inbox, (data) =>
    data ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map(update) })) } : data,
  );
}

/** Marks an item read in the lists that show it, when the server's answer did not say. */
export function markItemRead(pushId: string, itemId: string): void {
  const update = (e: InboxEntry) =>
    e.pushId === pushId ? { ...e, items: e.items.map((item) => (item.id === itemId ? { ...item, read: true } : item)) } : e;
  queryClient.setQueryData<Today>(keys.today, (data) => (data ? { ...data, pushes: data.pushes.map(update) } : data));
  queryClient.setQueryData<InboxPages>(keys.inbox, (data) =>
    data ? { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map(update) })) } : data,
  );
}

/**
 * Whether an item of a push is read, as last seen in a list (today or the inbox); null when no
 * list has shown it. The item's own answer does not say, so the reader starts from here.
 */
export function isItemRead(pushId: string, itemId: string): boolean | null {
  const entries = [
    ...(queryClient.getQueryData<Today>(keys.today)?.pushes ?? []),
    ...(queryClient.getQueryData<InboxPages>(keys.inbox)?.pages.flatMap((page) => page.items) ?? []),
  ];
  for (const entry of entries) {
    if (entry.pushId !== pushId) continue;
    const item = entry.items.find((i) => i.id === itemId);
    if (item) return item.read;
  }
  return null;
}

/**
 * Answers a write has made out of date: asked again when next shown. Not at once: the screen on
 * view keeps what it shows (a check-in's confirmation stays although today's list would drop it).
 */
function refresh(...queryKeys: (readonly string[])[]): void {
  for (const queryKey of queryKeys) void queryClient.invalidateQueries({ queryKey, refetchType: 'none' });
}

/** 互动: one post changed in every list and detail that shows it (`change` null: the post is gone). */
export function changeShare(shareId: string, change: ((post: SharePost) => SharePost) | null): void {
  queryClient.setQueriesData<ShareFeedPages>({ queryKey: keys.shares }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: change ? page.items.map((p) => (p.id === shareId ? change(p) : p)) : page.items.filter((p) => p.id !== shareId),
          })),
        }
      : data,
  );
  if (change) queryClient.setQueryData<SharePostDetail>(keys.share(shareId), (data) => (data ? { ...data, ...change(data) } : data));
  else queryClient.removeQueries({ queryKey: keys.share(shareId), exact: true });
}

/** A like as the phone shows it at once (the server's answer, when it comes, sets the count). */
export function showLike(shareId: string, liked: boolean, likeCount?: number): void {
  changeShare(shareId, (p) => ({
    ...p,
    likedByMe: liked,
    likeCount: likeCount ?? Math.max(0, p.likeCount + (liked === p.likedByMe ? 0 : liked ? 1 : -1)),
  }));
}

// ---------- the writes ----------

export const writes = {
  checkIn: write('check-in', ({ sessionId, code }: { sessionId: string; code?: string }) => api.checkIn(sessionId, code), (meeting: MySession) => {
    replaceMeeting(meeting);
    refresh(keys.today);
  }),
  askLeave: queued(
    'ask-leave',
    ({ sessionId, reason }: { sessionId: string; reason: string }, key, account) =>
      sendWithKey<MySession>(contract.me.askLeave, { id: sessionId }, { reason }, key, account),
    (meeting: MySession) => {
      replaceMeeting(meeting);
      refresh(keys.today);
    },
    ({ sessionId }) => sessionId,
  ),
  submitMakeup: queued(
    'submit-makeup',
    ({ sessionId, body }: { sessionId: string; body: MakeupAnswers }, key, account) =>
      sendWithKey<MyMakeup>(contract.me.submitMakeup, { sessionId }, body, key, account),
    (makeup: MyMakeup) => {
      queryClient.setQueryData<MyMakeup[]>(keys.makeups, (list) => list?.map((m) => (m.sessionId === makeup.sessionId ? makeup : m)));
      refresh(keys.today);
    },
    ({ sessionId }) => sessionId,
  ),
  openPush: queued(
    'open-push',
    ({ pushId }: { pushId: string }, key, account) => sendWithKey<InboxEntry>(contract.me.openPush, { pushId }, undefined, key, account),
    replacePushEntry,
    ({ pushId }) => pushId,
  ),
  /** `keepalive`: sent as the page goes away (the member leaves the app or closes it). */
  reportRead: queued(
    'report-read',
    ({ pushId, body, keepalive }: { pushId: string; body: ReadProgress; keepalive: boolean }, key, account) =>
      sendWithKey<InboxEntry>(contract.me.reportRead, { pushId }, body, key, account, keepalive),
    replacePushEntry,
    ({ pushId, body }) => `${pushId}|${body.itemId}`,
  ),
  updateCareTask: write(
    'update-care-task',
    ({ id, body }: { id: string; body: CareTaskUpdate }) => api.updateCareTask(id, body),
    (task: CareTask) => {
      const gone = task.status === 'done' || task.status === 'dropped';
      queryClient.setQueryData<CareTaskPages>(keys.careTasks, (data) => {
        if (!data) return data;
        const listed = data.pages.some((page) => page.items.some((x) => x.id === task.id));
        const pages = data.pages.map((page) => ({
          ...page,
          items: gone ? page.items.filter((x) => x.id !== task.id) : page.items.map((x) => (x.id === task.id ? task : x)),
          total: gone && listed ? Math.max(0, page.total - 1) : page.total,
        }));
        return { ...data, pages };
      });
      refresh(keys.today, keys.mentees);
    },
  ),
  recordTalk: queued(
    'record-talk',
    (body: TalkForm, key, account) => sendWithKey<Talk>(contract.talks.record, undefined, body, key, account),
    () => refresh(keys.mentees, keys.today, keys.careTasks),
  ),
  openCard: write(
    'open-card',
    ({ cardId }: { cardId: string }) => api.openCard(cardId),
    (_answer: unknown, { cardId }: { cardId: string }) => {
      const openedAt = new Date().toISOString();
      queryClient.setQueryData<MyCards>(keys.cards, (data) =>
        data ? { ...data, items: data.items.map((c) => (c.id === cardId && !c.openedAt ? { ...c, openedAt } : c)) } : data,
      );
      refresh(keys.today);
    },
  ),
  /** 互动: a post (its photos and voice uploaded before); without signal it waits, and a resend never posts twice. */
  sharePost: queued(
    'share-post',
    (body: ShareInput, key, account) => sendWithKey<SharePost>(contract.shares.create, undefined, body, key, account),
    (post: SharePost) => {
      queryClient.setQueryData<SharePostDetail>(keys.share(post.id), { ...post, comments: [] });
      void queryClient.invalidateQueries({ queryKey: keys.shares });
    },
  ),
  shareComment: queued(
    'share-comment',
    ({ shareId, body }: { shareId: string; body: string }, key, account) =>
      sendWithKey<ShareComment>(contract.shares.comment, { id: shareId }, { body }, key, account),
    (comment: ShareComment, { shareId }) => {
      const detail = queryClient.getQueryData<SharePostDetail>(keys.share(shareId));
      if (detail?.comments.some((c) => c.id === comment.id)) return;
      changeShare(shareId, (p) => ({ ...p, commentCount: p.commentCount + 1 }));
      queryClient.setQueryData<SharePostDetail>(keys.share(shareId), (data) => (data ? { ...data, comments: [...data.comments, comment] } : data));
    },
  ),
  /** 点赞 and taking it back: a newer tap replaces one still waiting on the phone. */
  shareLike: queued(
    'share-like',
    ({ shareId, liked }: { shareId: string; liked: boolean }, key, account) =>
      sendWithKey<ShareLikeState>(liked ? contract.shares.like : contract.shares.unlike, { id: shareId }, undefined, key, account),
    (state: ShareLikeState, { shareId }) => showLike(shareId, state.liked, state.likeCount),
    ({ shareId }) => shareId,
  ),
  deleteShare: write(
    'delete-share',
    ({ shareId }: { shareId: string }) => shareApi.remove(shareId),
    (_answer: unknown, { shareId }: { shareId: string }) => changeShare(shareId, null),
  ),
  deleteShareComment: write(
    'delete-share-comment',
    ({ commentId }: { shareId: string; commentId: string }) => shareApi.removeComment(commentId),
    (_answer: unknown, { shareId, commentId }: { shareId: string; commentId: string }) => {
      changeShare(shareId, (p) => ({ ...p, commentCount: Math.max(0, p.commentCount - 1) }));
      queryClient.setQueryData<SharePostDetail>(keys.share(shareId), (data) => (data ? { ...data, comments: data.comments.filter((c) => c.id !== commentId) } : data));
    },
  ),
  /** 有问必答: a question waits on the phone without signal; a resend with its key makes one question. */
  askQuestion: queued(
    'ask-question',
    (body: AskQuestionInput, key, account) => sendWithKey<MyQuestion>(contract.questions.ask, undefined, body, key, account),
    (question: MyQuestion) => {
      queryClient.setQueryData(keys.question(question.id), question);
      void queryClient.invalidateQueries({ queryKey: keys.questions });
    },
  ),
  /** The member opened the answers: the 首页 line and the list's mark go. */
  questionSeen: write('question-seen', ({ questionId }: { questionId: string }) => questionApi.seen(questionId), (question: MyQuestion) => {
    queryClient.setQueryData(keys.question(question.id), question);
    void queryClient.invalidateQueries({ queryKey: keys.questions, exact: true });
  }),
  /** A mentor answers a mentee's question (needs signal: the answer is read at once). */
  answerQuestion: write('answer-question', ({ questionId, body }: { questionId: string; body: string }) => questionApi.answer(questionId, body), (_q: MenteeQuestion) => {
    void queryClient.invalidateQueries({ queryKey: keys.menteeQuestions });
  }),
  /**
   * 志愿服务: a sign-up waits on the phone without signal (the route is idempotent: a resend signs up
   * once); the answer says confirmed or 候补第 N 位. Cancelling needs a signal (a place may go to
   * someone waiting at once).
   */
  serviceSignup: queued(
    'service-signup',
    ({ taskId }: { projectId: string; taskId: string }, key, account) => sendWithKey<SignupResult>(contract.service.signup, { id: taskId }, undefined, key, account),
    (_result: SignupResult, { projectId }) => {
      void queryClient.invalidateQueries({ queryKey: keys.serviceProject(projectId) });
      void queryClient.invalidateQueries({ queryKey: keys.service, exact: true });
    },
    ({ taskId }) => taskId,
  ),
  cancelServiceSignup: write(
    'cancel-service-signup',
    ({ signupId }: { signupId: string; projectId: string }) => serviceApi.cancelSignup(signupId),
    (_answer: CancelSignupResult, { projectId }: { signupId: string; projectId: string }) => {
      void queryClient.invalidateQueries({ queryKey: keys.serviceProject(projectId) });
      void queryClient.invalidateQueries({ queryKey: keys.service, exact: true });
    },
  ),
  /** A service log (its photos uploaded before): without signal it waits, and a resend never logs twice. */
  serviceLog: queued(
    'service-log',
    (body: ServiceLogBody, key, account) => sendWithKey<ServiceLog>(contract.service.log, undefined, body, key, account),
    (log: ServiceLog) => {
      void queryClient.invalidateQueries({ queryKey: keys.service, exact: true });
      if (log.team) refresh(keys.teamLogs(log.team.id));
    },
  ),
  /** 四个一承诺: the year's pledges (made or edited) wait on the phone without signal; a newer send replaces one still waiting. */
  savePledges: queued(
    'save-pledges',
    (body: MyPledgesBody, key, account) => sendWithKey<MyPledges>(contract.pledges.save, undefined, body, key, account),
    (mine: MyPledges) => queryClient.setQueryData(keys.pledges, mine),
    () => 'pledges',
  ),
  /** 岗位信息: a job offered from one's city, and closing it; both wait on the phone without signal. */
  offerJob: queued(
    'offer-job',
    (body: JobOfferBody, key, account) => sendWithKey<MyJobOffer>(contract.pledges.offerJob, undefined, body, key, account),
    () => void queryClient.invalidateQueries({ queryKey: keys.jobs }),
  ),
  closeJob: queued(
    'close-job',
    ({ offerId }: { offerId: string }, key, account) => sendWithKey<MyJobOffer>(contract.pledges.closeMyJob, { id: offerId }, undefined, key, account),
    () => void queryClient.invalidateQueries({ queryKey: keys.jobs }),
  ),
  /** 值守: signing up, cancelling and swaps need signal (a place on a shift is contested: the answer says at once whether it is one's own). */
  dutySignUp: write('duty-signup', ({ shiftId }: { shiftId: string }) => dutyApi.signUp(shiftId), () => void queryClient.invalidateQueries({ queryKey: keys.duty })),
  dutyCancel: write('duty-cancel', ({ assignmentId }: { assignmentId: string }) => dutyApi.cancel(assignmentId), () => void queryClient.invalidateQueries({ queryKey: keys.duty })),
  dutyAskSwap: write(
    'duty-ask-swap',
    ({ assignmentId, toMemberId, note }: { assignmentId: string; toMemberId: string | null; note: string }) => dutyApi.askSwap(assignmentId, { toMemberId, note }),
    () => void queryClient.invalidateQueries({ queryKey: keys.duty }),
  ),
  dutyAcceptSwap: write('duty-accept-swap', ({ swapId }: { swapId: string }) => dutyApi.acceptSwap(swapId), () => void queryClient.invalidateQueries({ queryKey: keys.duty })),
  dutyWithdrawSwap: write('duty-withdraw-swap', ({ swapId }: { swapId: string }) => dutyApi.withdrawSwap(swapId), () => void queryClient.invalidateQueries({ queryKey: keys.duty })),
  dutyDeclineSwap: write('duty-decline-swap', ({ swapId }: { swapId: string }) => dutyApi.declineSwap(swapId), () => void queryClient.invalidateQueries({ queryKey: keys.duty })),
  updateMobility: write('update-mobility', (body: MobilityForm) => api.updateMobility(body), (profile: MyProfile) => queryClient.setQueryData(keys.profile, profile)),
  markReturned: write('mark-returned', (body: z.input<typeof ReturnBody>) => api.markReturned(body), (profile: MyProfile) =>
    queryClient.setQueryData(keys.profile, profile),
  ),
  changePassword: write('change-password', (body: z.input<typeof ChangePasswordBody>) => api.changePassword(body)),
  setNoticeChannels: write('set-notice-channels', (body: NoticeChannelsChange) => api.setNoticeChannels(body), (channels: NoticeChannels) =>
    queryClient.setQueryData(keys.noticeChannels, channels),
  ),
};
