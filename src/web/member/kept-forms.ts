import type { QueryKey } from '@tanstack/react-query';
import type { MyMakeup, MyProfile, MySession, Today } from './api.ts';
import type { MyPledges } from './pledges-api.ts';
import { keys, KEPT_INBOX_PAGES, type InboxPages, type ShareFeedPages } from './queries.ts';

/**
 * Which answers are kept on the phone for a weak signal, and in what form. Only what a screen
 * shows without signal is kept, cut down to what is safe on a phone that may be lost or shared:
 *  - today (今日学习): without what the member wrote (reflections, answers), the secretary's notes
 *    and meeting links (they let anyone join); offline they could not be used anyway;
 *  - the profile: what the home screen shows, so the contact person's number works without
 *    signal; no ID number, hardship note, home address, birth date or history of destinations;
 *  - the mentor's list of members (names, phone numbers, talk dates: the call button works
 *    without signal) and the holiday cards, as they are;
 *  - the inbox (学习): its first pages (titles, dates, read marks), so the items kept on the phone
 *    (offline-store.ts keeps the items themselves, in IndexedDB) can be opened from it without signal;
 *  - 互动's feed (the branch's and the village's): the first page of each, as last seen. A post being
 *    written is kept apart, per account, in share-draft.ts;
 *  - 志愿服务: the projects one may join with one's sign-ups and hours (and a project's tasks once
 *    opened), and the names of one's volunteer teams, so 记录服务 offers its choices without signal.
 *    A team's people looked after (服务对象) and its logs (they name them) are never kept;
 *  - 四个一承诺: the member's own pledges of the year with the period, their follow-up and outcome,
 *    so they can be written (the outbox sends them) on a cold start without signal. 岗位信息 (jobs
 *    offered and the villagers proposed for them) is not kept.
 * Everything else (classes, make-ups, tasks, 关于我的记录) lives in memory only.
 */
const KEPT: Record<string, (data: never) => unknown> = {
  [keys.today[0]]: keptToday,
  [keys.profile[0]]: keptProfile,
  [keys.mentees[0]]: (data: unknown) => data,
  [keys.cards[0]]: (data: unknown) => data,
  [keys.inbox[0]]: keptInbox,
  [keys.shares[0]]: keptShareFeed,
  [keys.service[0]]: (data: unknown) => data,
  [keys.myTeams[0]]: (data: unknown) => data,
  [keys.pledges[0]]: keptPledges,
};

/** The fields the screen shows of one's own pledges, and nothing a later answer may add. */
function keptPledges(mine: MyPledges): MyPledges {
  return {
    year: mine.year,
    period: mine.period,
    pledges: mine.pledges.map((p) => ({
      id: p.id,
      kind: p.kind,
      body: p.body,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      followUp: p.followUp ? { name: p.followUp.name, dueOn: p.followUp.dueOn } : null,
      outcome: p.outcome,
      outcomeNote: p.outcomeNote,
      outcomeAt: p.outcomeAt,
      editable: p.editable,
    })),
  };
}

function keptShareFeed(feed: ShareFeedPages): ShareFeedPages {
  return { pages: feed.pages.slice(0, 1), pageParams: feed.pageParams.slice(0, 1) };
}

function keptInbox(inbox: InboxPages): InboxPages {
  return { pages: inbox.pages.slice(0, KEPT_INBOX_PAGES), pageParams: inbox.pageParams.slice(0, KEPT_INBOX_PAGES) };
}

export function isKept(queryKey: QueryKey): boolean {
  const name = queryKey[0];
  return typeof name === 'string' && name in KEPT;
}

/** The form of an answer that goes to the phone's storage (the cache in memory keeps it whole). */
export function keptForm(queryKey: QueryKey, data: unknown): unknown {
  const name = queryKey[0];
  const cut = typeof name === 'string' ? KEPT[name] : undefined;
  return cut && data !== undefined ? cut(data as never) : data;
}

function keptSession(session: MySession): MySession {
  return { ...session, meetingUrl: null, replayUrl: null };
}

function keptMakeup(makeup: MyMakeup): MyMakeup {
  return { ...makeup, replayUrl: null, reflection: null, answers: null, reviewNote: null };
}

function keptToday(today: Today): Today {
  return {
    ...today,
    makeups: today.makeups.map(keptMakeup),
    nextSession: today.nextSession ? keptSession(today.nextSession) : null,
    checkinOpen: today.checkinOpen.map(keptSession),
  };
}

function keptProfile(profile: MyProfile): MyProfile {
  return {
    ...profile,
    member: {
      ...profile.member,
      idNumberMasked: null,
      hardshipNote: null,
      homeAddress: null,
      birthDate: null,
      mobilityHistory: [],
    },
  };
}
