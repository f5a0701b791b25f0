import { createContext, useCallback, useContext, useEffect, useState } from 'react';

/** The screens behind the login; paths live under the app's base /m/. */
export type Route =
  | { name: 'home' }
  | { name: 'mobility' }
  | { name: 'password' }
  | { name: 'study' }
  /** pushId null: an item opened outside a push (a class's materials), read without push tracking. */
  | { name: 'read'; pushId: string | null; itemId: string }
  | { name: 'sessions' }
  | { name: 'session'; sessionId: string }
  /** What a phone opens after scanning the host's QR code: /m/checkin?s=<sessionId>&c=<code>. */
  | { name: 'checkin'; sessionId: string; code: string | null }
  | { name: 'makeup'; sessionId: string }
  | { name: 'tasks' }
  /** Mentors: the members they keep in touch with (传帮带). */
  | { name: 'mentees' }
  /** A mentor records a heart-to-heart talk: /m/talk?member=<memberId>. */
  | { name: 'talk'; memberId: string }
  | { name: 'cards' }
  | { name: 'card'; cardId: string }
  /** 关于我的记录: what is recorded about the member. */
  | { name: 'records' }
  /** 通知方式: what reaches the member (SMS, this phone's notifications, the groups' robots). */
  | { name: 'notices' }
  /** An invitation link the secretary sent: /m/invite/<token>. Works signed out, like the login. */
  | { name: 'invite'; token: string }
  /** 我的登录设备: one's own signed-in phones and computers. */
  | { name: 'devices' }
  /** 我的: the member's card, settings (通知方式, 长辈模式, language) and signing out. */
  | { name: 'me' }
  /** 待发送: what the phone keeps to send when the signal returns. */
  | { name: 'outbox' }
  /** 互动 (每月一互动): the posts the member may see, with the month's topic: /m/shares. */
  | { name: 'shares' }
  | { name: 'share'; shareId: string }
  /** Writing a post, for the month's topic when one is named: /m/share-new?topic=<topicId>. */
  | { name: 'share-new'; topicId: string | null }
  /** 有问必答: one's questions, asking one, the unit's FAQ: /m/questions. */
  | { name: 'questions' }
  | { name: 'question'; questionId: string }
  /** 季度评议: the quarter's self-summary and one's results: /m/review. */
  | { name: 'review' }
  /** 民主评议: the open rounds (roundId null) or one round's self-evaluation and ballot: /m/evaluation/<roundId>. */
  | { name: 'evaluation'; roundId: string | null }
  /** 志愿服务: the projects the member may join, their sign-ups and hours: /m/service. */
  | { name: 'service' }
  | { name: 'service-project'; projectId: string }
  /** Logging a service (a visit, a call), for a project when one is named: /m/service-log?project=<projectId>. */
  | { name: 'service-log'; projectId: string | null }
  /** 我的服务队: a team the member belongs to, its people looked after and its logs: /m/team/<teamId>. */
  | { name: 'team'; teamId: string | null }
  /** 四个一承诺: the year's four pledges and their outcomes: /m/pledges. */
  | { name: 'pledges' }
  /** 岗位信息: jobs members offer from their cities: /m/jobs. */
  | { name: 'jobs' }
  /** 值守: duty shifts to sign up for, one's own shifts and swaps: /m/duty. */
  | { name: 'duty' };

export type RouteName = Route['name'];

const BASE = import.meta.env.BASE_URL; // '/m/'
/** Marks the read path of an item outside a push: /m/read/-/<itemId>. */
const NO_PUSH = '-';

export function pathOf(route: Route): string {
  switch (route.name) {
    case 'home':
      return BASE;
    case 'read':
      return `${BASE}read/${encodeURIComponent(route.pushId ?? NO_PUSH)}/${encodeURIComponent(route.itemId)}`;
    case 'session':
      return `${BASE}sessions/${encodeURIComponent(route.sessionId)}`;
    case 'checkin': {
      const query = new URLSearchParams({ s: route.sessionId });
      if (route.code) query.set('c', route.code);
      return `${BASE}checkin?${query.toString()}`;
    }
    case 'makeup':
      return `${BASE}makeup/${encodeURIComponent(route.sessionId)}`;
    case 'talk':
      return `${BASE}talk?${new URLSearchParams({ member: route.memberId }).toString()}`;
    case 'card':
      return `${BASE}cards/${encodeURIComponent(route.cardId)}`;
    case 'invite':
      return `${BASE}invite/${encodeURIComponent(route.token)}`;
    case 'share':
      return `${BASE}shares/${encodeURIComponent(route.shareId)}`;
    case 'share-new':
      return route.topicId ? `${BASE}share-new?${new URLSearchParams({ topic: route.topicId }).toString()}` : `${BASE}share-new`;
    case 'question':
      return `${BASE}questions/${encodeURIComponent(route.questionId)}`;
    case 'evaluation':
      return route.roundId ? `${BASE}evaluation/${encodeURIComponent(route.roundId)}` : `${BASE}evaluation`;
    case 'service-project':
      return `${BASE}service/${encodeURIComponent(route.projectId)}`;
    case 'service-log':
      return route.projectId ? `${BASE}service-log?${new URLSearchParams({ project: route.projectId }).toString()}` : `${BASE}service-log`;
    case 'team':
      return route.teamId ? `${BASE}team/${encodeURIComponent(route.teamId)}` : `${BASE}team`;
    default:
      return BASE + route.name;
  }
}

function segment(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const decoded = decodeURIComponent(value);
    return decoded.trim() === '' ? null : decoded;
  } catch {
    return null;
  }
}

export function routeFromLocation(): Route {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  const parts = rest.replace(/\/+$/, '').split('/');
  const [first, second, third] = parts;
  switch (first) {
    case 'mobility':
    case 'password':
    case 'study':
    case 'sessions':
    case 'tasks':
    case 'mentees':
    case 'records':
    case 'devices':
    case 'me':
    case 'outbox':
    case 'notices': {
      if (first === 'sessions' && second) {
        const sessionId = segment(second);
        if (sessionId) return { name: 'session', sessionId };
      }
      return { name: first };
    }
    case 'invite': {
      const token = segment(second);
      return token ? { name: 'invite', token } : { name: 'home' };
    }
    case 'cards': {
      const cardId = segment(second);
      return cardId ? { name: 'card', cardId } : { name: 'cards' };
    }
    case 'talk': {
      const memberId = new URLSearchParams(location.search).get('member')?.trim();
      return memberId ? { name: 'talk', memberId } : { name: 'mentees' };
    }
    case 'read': {
      const push = segment(second);
      const itemId = segment(third);
      if (push && itemId) return { name: 'read', pushId: push === NO_PUSH ? null : push, itemId };
      return { name: 'study' };
    }
    case 'checkin': {
      const query = new URLSearchParams(location.search);
      const sessionId = query.get('s')?.trim();
      if (sessionId) return { name: 'checkin', sessionId, code: query.get('c')?.trim() || null };
      return { name: 'home' };
    }
    case 'makeup': {
      const sessionId = segment(second);
      return sessionId ? { name: 'makeup', sessionId } : { name: 'home' };
    }
    case 'shares': {
      const shareId = segment(second);
      return shareId ? { name: 'share', shareId } : { name: 'shares' };
    }
    case 'share-new':
      return { name: 'share-new', topicId: new URLSearchParams(location.search).get('topic')?.trim() || null };
    case 'questions': {
      const questionId = segment(second);
      return questionId ? { name: 'question', questionId } : { name: 'questions' };
    }
    case 'review':
      return { name: 'review' };
    case 'evaluation':
      return { name: 'evaluation', roundId: segment(second) };
    case 'service': {
      const projectId = segment(second);
      return projectId ? { name: 'service-project', projectId } : { name: 'service' };
    }
    case 'service-log':
      return { name: 'service-log', projectId: new URLSearchParams(location.search).get('project')?.trim() || null };
    case 'team':
      return { name: 'team', teamId: segment(second) };
    case 'pledges':
    case 'jobs':
    case 'duty':
      return { name: first };
    default:
      return { name: 'home' };
  }
}

/** history.state of an entry this app pushed: the path it was opened from. */
function openedFrom(): string | null {
  const state: unknown = history.state;
  return typeof state === 'object' && state !== null && 'from' in state && typeof state.from === 'string' ? state.from : null;
}

function currentPath(): string {
  return location.pathname + location.search;
}

export interface Router {
  route: Route;
  open: (route: Route) => void;
  /**
   * Back where the member came from (the phone's back button then behaves as expected); a screen
   * opened from a link or a QR code has no history in the app, so it goes to `fallback`.
   */
  back: (fallback?: Route) => void;
  /** Back to the home screen. */
  goHome: () => void;
  /** Back to `route` when the member came from there, otherwise to it in place of this screen. */
  backTo: (route: Route) => void;
}

export function useRouter(): Router {
  const [route, setRoute] = useState<Route>(routeFromLocation);
  useEffect(() => {
    const onPop = () => {
      setRoute(routeFromLocation());
      window.scrollTo(0, 0);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const open = useCallback((next: Route) => {
    history.pushState({ from: currentPath() }, '', pathOf(next));
    setRoute(next);
    window.scrollTo(0, 0);
  }, []);
  const replace = useCallback((next: Route) => {
    history.replaceState(null, '', pathOf(next));
    setRoute(next);
    window.scrollTo(0, 0);
  }, []);
  const back = useCallback(
    (fallback: Route = { name: 'home' }) => {
      if (openedFrom() !== null) history.back();
      else replace(fallback);
    },
    [replace],
  );
  const backTo = useCallback(
    (to: Route) => {
      if (openedFrom() === pathOf(to)) history.back();
      else replace(to);
    },
    [replace],
  );
  const goHome = useCallback(() => backTo({ name: 'home' }), [backTo]);
  return { route, open, back, goHome, backTo };
}

/** Opens a screen from anywhere below the App without threading the router through props. */
export const NavigationContext = createContext<(route: Route) => void>(() => undefined);

export function useNavigate(): (route: Route) => void {
  return useContext(NavigationContext);
}
