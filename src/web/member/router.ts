import { useEffect, useState } from 'react';

/** The screens behind the login; paths live under the app's base /m/. */
export type Route = 'home' | 'mobility' | 'password';

const BASE = import.meta.env.BASE_URL; // '/m/'
const paths: Record<Route, string> = { home: '', mobility: 'mobility', password: 'password' };

function routeFromLocation(): Route {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  const clean = rest.replace(/\/+$/, '');
  if (clean === paths.mobility) return 'mobility';
  if (clean === paths.password) return 'password';
  return 'home';
}

function openedFromHome(): boolean {
  const state: unknown = history.state;
  return typeof state === 'object' && state !== null && 'fromHome' in state && state.fromHome === true;
}

export interface Router {
  route: Route;
  open: (route: Route) => void;
  /** Back to the home screen: the phone's back button then behaves as expected. */
  goHome: () => void;
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
  const open = (next: Route) => {
    history.pushState({ fromHome: route === 'home' }, '', BASE + paths[next]);
    setRoute(next);
    window.scrollTo(0, 0);
  };
  const goHome = () => {
    if (openedFromHome()) {
      history.back();
    } else {
      history.replaceState(null, '', BASE);
      setRoute('home');
      window.scrollTo(0, 0);
    }
  };
  return { route, open, goHome };
}
