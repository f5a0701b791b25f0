import { infiniteQueryOptions, queryOptions, type InfiniteData } from '@tanstack/react-query';
import { api, shareApi, type CareTaskList, type Inbox, type MyShareFeed, type ShareScope, type Today } from './api.ts';
import { keepSeen, readItem } from './offline-store.ts';
import { questionApi } from './api.ts';
import { evaluationApi } from './api.ts';
import { reviewApi } from './api.ts';
import { serviceApi } from './service-api.ts';
import { pledgesApi } from './pledges-api.ts';
import { dutyApi } from './duty-api.ts';

/**
 * What the member app reads from the server, one query each: its key (the name the cache and the
 * kept copy know it by) and how it is asked. Screens call `useQuery(queries.today())` and so on;
 * writes that change an answer update or invalidate it by these keys (mutations.ts).
 */
export const keys = {
  profile: ['profile'] as const,
  today: ['today'] as const,
  inbox: ['inbox'] as const,
  item: (itemId: string) => ['item', itemId] as const,
  meetings: ['meetings'] as const,
  makeups: ['makeups'] as const,
  careTasks: ['care-tasks'] as const,
  mentees: ['mentees'] as const,
  cards: ['cards'] as const,
  records: ['records'] as const,
  noticeChannels: ['notice-channels'] as const,
  regions: ['regions'] as const,
  /** 互动: the feed of the branch or the village (each scope its own pages), one post with its comments */
  shares: ['shares'] as const,
  shareFeed: (scope: ShareScope) => ['shares', scope] as const,
  share: (shareId: string) => ['share', shareId] as const,
  /** 有问必答: one's questions (and each one), the unit's FAQ, a mentor's mentees' questions */
  questions: ['questions'] as const,
  question: (id: string) => ['questions', id] as const,
  faq: ['faq'] as const,
  menteeQuestions: ['mentee-questions'] as const,
  /** 民主评议: the rounds one takes part in, and one of them */
  evaluations: ['evaluations'] as const,
  evaluation: (id: string) => ['evaluations', id] as const,
  /** 季度评议: one's own review (the open self-summary, the published results) */
  review: ['review'] as const,
  /** 志愿服务: projects one may join, one's sign-ups and hours; a project; one's teams; a team (never kept) and its logs */
  service: ['service'] as const,
  serviceProject: (id: string) => ['service', 'project', id] as const,
  myTeams: ['my-teams'] as const,
  team: (id: string) => ['team', id] as const,
  teamLogs: (id: string) => ['team', id, 'logs'] as const,
  /** 四个一承诺: the year's four pledges with their follow-up and outcome; 岗位信息: one's job offers and their matches */
  pledges: ['pledges'] as const,
  jobs: ['jobs'] as const,
  /** 值守: shifts open to sign up, one's shifts, swaps offered; the comrades one may ask to swap a shift */
  duty: ['duty'] as const,
  dutyComrades: (assignmentId: string) => ['duty', 'comrades', assignmentId] as const,
};

export const PAGE_SIZE = 20;
/**
 * Pages of the inbox kept on the phone (their list in kept-forms.ts, their items in offline-store.ts):
 * the first few are what a member scrolls to offline. Older pages scrolled to are shown, not kept, so
 * scrolling far back neither pushes today's items out of the phone nor spends the member's data.
 */
export const KEPT_INBOX_PAGES = 3;

export type InboxPages = InfiniteData<Inbox, number>;
export type CareTaskPages = InfiniteData<CareTaskList, number>;
export type ShareFeedPages = InfiniteData<MyShareFeed, string | null>;

/** The page after the loaded ones while the server counts more, else none. */
function nextPage<P extends { total: number; items: { id?: string; pushId?: string }[] }>(
  last: P,
  all: P[],
  lastPage: number,
): number | undefined {
  const ids = (page: P) => page.items.map((x) => x.pushId ?? x.id);
  const earlier = new Set(all.slice(0, -1).flatMap(ids));
  const seen = new Set(all.flatMap(ids));
  // A list that is not paged answers the same items again: then there is nothing more.
  if (all.length > 1 && ids(last).every((id) => earlier.has(id))) return undefined;
  return seen.size < last.total ? lastPage + 1 : undefined;
}

/** Whether the items of this inbox page are kept on the phone (the first KEPT_INBOX_PAGES pages only). */
export function keepsInboxPage(page: number): boolean {
  return page <= KEPT_INBOX_PAGES;
}

/** Today's and the inbox's items are kept on the phone when first seen (in the background, offline-store.ts). */
function keepingItems<A extends Today | Inbox>(answer: A): A {
  const entries = 'pushes' in answer ? answer.pushes : answer.items;
  void keepSeen(entries.flatMap((entry) => entry.items.map((item) => item.id)));
  return answer;
}

export const queries = {
  profile: () => queryOptions({ queryKey: keys.profile, queryFn: ({ signal }) => api.profile(signal) }),
  today: () => queryOptions({ queryKey: keys.today, queryFn: ({ signal }) => api.today(signal).then(keepingItems) }),
  /** 学习: every push received, newest first, a page at a time. */
  inbox: () =>
    infiniteQueryOptions({
      queryKey: keys.inbox,
      queryFn: ({ pageParam, signal }) =>
        api.inbox(pageParam, PAGE_SIZE, signal).then((page) => (keepsInboxPage(pageParam) ? keepingItems(page) : page)),
      initialPageParam: 1,
      getNextPageParam: (last, all, lastPage) => nextPage(last, all, lastPage),
    }),
  /**
   * An article, audio, video or PDF to read; not refreshed when the member comes back to the app.
   * Without signal, the copy kept on the phone (`fromPhone`); see offline-store.ts.
   */
  item: (itemId: string) =>
    queryOptions({
      queryKey: keys.item(itemId),
      // The kept copy shown while the server is still asked (the phone may wrongly say it is offline):
      // the server's answer replaces it; an item it no longer has is asked for again (then a 404).
      queryFn: ({ signal, client, queryKey }) =>
        readItem(itemId, signal, (answer) => {
          if ('gone' in answer) void client.invalidateQueries({ queryKey, exact: true });
          else client.setQueryData(queryKey, answer.item);
        }),
      refetchOnWindowFocus: false,
    }),
  /** The member's classes and meetings (the word table's `meeting`; a `session` is a login). */
  meetings: () => queryOptions({ queryKey: keys.meetings, queryFn: ({ signal }) => api.meetings(signal) }),
  makeups: () => queryOptions({ queryKey: keys.makeups, queryFn: ({ signal }) => api.makeups(signal) }),
  careTasks: () =>
    infiniteQueryOptions({
      queryKey: keys.careTasks,
      queryFn: ({ pageParam, signal }) => api.careTasks(pageParam, PAGE_SIZE, signal),
      initialPageParam: 1,
      getNextPageParam: (last, all, lastPage) => nextPage(last, all, lastPage),
    }),
  mentees: () => queryOptions({ queryKey: keys.mentees, queryFn: ({ signal }) => api.mentees(signal) }),
  cards: () => queryOptions({ queryKey: keys.cards, queryFn: ({ signal }) => api.cards(signal) }),
  /** 关于我的记录: sensitive, so never kept, and dropped from memory as soon as the screen closes. */
  records: () => queryOptions({ queryKey: keys.records, queryFn: ({ signal }) => api.records(signal), gcTime: 0 }),
  /** 通知方式: what reaches the member and their switches. */
  noticeChannels: () => queryOptions({ queryKey: keys.noticeChannels, queryFn: ({ signal }) => api.noticeChannels(signal) }),
  /** 互动: the posts the member may see, newest first, 20 a page; the server's cursor marks the next page. */
  shareFeed: (scope: ShareScope) =>
    infiniteQueryOptions({
      queryKey: keys.shareFeed(scope),
      queryFn: ({ pageParam, signal }) => shareApi.feed(scope, pageParam, signal),
      initialPageParam: null as string | null,
      getNextPageParam: (last) => last.nextCursor ?? undefined,
    }),
  /** One post with its comments. */
  share: (shareId: string) => queryOptions({ queryKey: keys.share(shareId), queryFn: ({ signal }) => shareApi.post(shareId, signal) }),
  /** 有问必答: one's questions with their answers, one of them, the FAQ of one's unit and above, a mentor's mentees' questions. */
  questions: () => queryOptions({ queryKey: keys.questions, queryFn: ({ signal }) => questionApi.mine(signal) }),
  question: (id: string) => queryOptions({ queryKey: keys.question(id), queryFn: ({ signal }) => questionApi.one(id, signal) }),
  faq: () => queryOptions({ queryKey: keys.faq, queryFn: ({ signal }) => questionApi.faq(signal) }),
  menteeQuestions: () => queryOptions({ queryKey: keys.menteeQuestions, queryFn: ({ signal }) => questionApi.mentees(signal) }),
  /** 民主评议: the rounds one takes part in (what waits: a self-evaluation, a vote), and one round with its ballot. Never kept on the phone. */
  evaluations: () => queryOptions({ queryKey: keys.evaluations, queryFn: ({ signal }) => evaluationApi.mine(signal) }),
  evaluation: (id: string) => queryOptions({ queryKey: keys.evaluation(id), queryFn: ({ signal }) => evaluationApi.one(id, signal), gcTime: 0 }),
  /** 季度评议: one's own review, asked by 首页's line and the screen. Never kept on the phone. */
  review: () => queryOptions({ queryKey: keys.review, queryFn: ({ signal }) => reviewApi.mine(signal) }),
  /** 志愿服务: the projects one may join (remote ones marked), one's sign-ups and hours this month and year. */
  service: () => queryOptions({ queryKey: keys.service, queryFn: ({ signal }) => serviceApi.mine(signal) }),
  serviceProject: (id: string) => queryOptions({ queryKey: keys.serviceProject(id), queryFn: ({ signal }) => serviceApi.project(id, signal) }),
  /** The volunteer teams one belongs to or leads (我的服务队). */
  myTeams: () => queryOptions({ queryKey: keys.myTeams, queryFn: ({ signal }) => serviceApi.myTeams(signal) }),
  /**
   * A team's members and the people it looks after (服务对象): never kept on the phone, dropped from
   * memory as soon as no screen shows it, and not asked again behind the member's back (each read is audited).
   */
  team: (id: string) =>
    queryOptions({ queryKey: keys.team(id), queryFn: ({ signal }) => serviceApi.team(id, signal), gcTime: 0, refetchOnWindowFocus: false }),
  /** A team's recent logs (they name the people served): in memory only, like the team. */
  teamLogs: (id: string) => queryOptions({ queryKey: keys.teamLogs(id), queryFn: ({ signal }) => serviceApi.teamLogs(id, signal), gcTime: 0 }),
  /** 四个一承诺: the year's pledges, the period, each one's follow-up and outcome (asked by 首页's line and the screen). */
  pledges: () => queryOptions({ queryKey: keys.pledges, queryFn: ({ signal }) => pledgesApi.mine(signal) }),
  /** 岗位信息: the jobs one offered and the villagers proposed for them (names and wanted work only). */
  jobs: () => queryOptions({ queryKey: keys.jobs, queryFn: ({ signal }) => pledgesApi.jobs(signal) }),
  /** 值守: shifts open to sign up, one's own shifts and the swaps offered to one (the server marks it with an ETag). */
  duty: () => queryOptions({ queryKey: keys.duty, queryFn: ({ signal }) => dutyApi.mine(signal) }),
  dutyComrades: (assignmentId: string) => queryOptions({ queryKey: keys.dutyComrades(assignmentId), queryFn: ({ signal }) => dutyApi.comrades(assignmentId, signal), gcTime: 0 }),
  /** ~140 KB that never changes while the app runs: asked once per visit (the HTTP cache keeps it longer). */
  regions: () =>
    queryOptions({
      queryKey: keys.regions,
      queryFn: ({ signal }) => api.regions(signal),
      staleTime: Infinity,
      gcTime: Infinity,
      refetchOnWindowFocus: false,
    }),
};
