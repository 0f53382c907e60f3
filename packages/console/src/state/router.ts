import { cell, type ReadonlyCell } from './cell';

/** Where the console is mounted (Vite's `base`). */
export const BASE = '/console';

/** The console's pages, one per path under `/console`. */
export type Route =
  | { page: 'inbox'; conversation?: string }
  | { page: 'tickets' }
  | { page: 'insights' }
  | { page: 'knowledge'; q?: string }
  | { page: 'not-found' };

export type PageName = Route['page'];

/**
 * Reads a path under `/console` (and, for the tester, its `?q=`).
 *
 * @example
 * parseRoute('/console/inbox/c_12') // { page: 'inbox', conversation: 'c_12' }
 */
export function parseRoute(pathname: string, search = ''): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean);
  const [page, id, extra] = parts;
  if (extra !== undefined) return { page: 'not-found' };
  if (page === undefined || page === 'inbox') {
    if (id === undefined) return { page: 'inbox' };
    try {
      return { page: 'inbox', conversation: decodeURIComponent(id) };
    } catch {
      return { page: 'not-found' };
    }
  }
  if (id !== undefined) return { page: 'not-found' };
  if (page === 'knowledge') {
    const q = new URLSearchParams(search).get('q')?.trim();
    return q ? { page, q } : { page };
  }
  if (page === 'tickets' || page === 'insights') return { page };
  return { page: 'not-found' };
}

/** The path of a route. */
export function pathOf(route: Route): string {
  if (route.page === 'inbox') {
    return route.conversation
      ? `${BASE}/inbox/${encodeURIComponent(route.conversation)}`
      : `${BASE}/inbox`;
  }
  if (route.page === 'knowledge' && route.q) {
    return `${BASE}/knowledge?${new URLSearchParams({ q: route.q })}`;
  }
  return `${BASE}/${route.page === 'not-found' ? '' : route.page}`;
}

/** The bits of `window` the router uses, so tests can hand it a fake. */
export interface RouterHost {
  location: { pathname: string; search: string };
  history: Pick<History, 'pushState' | 'replaceState'>;
  addEventListener(type: 'popstate', listener: () => void): void;
  removeEventListener(type: 'popstate', listener: () => void): void;
}

export interface Router {
  route: ReadonlyCell<Route>;
  /** Goes to `path` (under `/console`) with the history API. */
  navigate(path: string, options?: { replace?: boolean }): void;
  /** Stops following the back and forward buttons. */
  stop(): void;
}

/** A tiny router over the history API: the path is the state. */
export function createRouter(host: RouterHost): Router {
  const route = cell(parseRoute(host.location.pathname, host.location.search));
  const sync = () => {
    route.value = parseRoute(host.location.pathname, host.location.search);
  };
  host.addEventListener('popstate', sync);
  return {
    route,
    navigate(path, options = {}) {
      const current = host.location.pathname + host.location.search;
      if (path !== current) {
        if (options.replace) host.history.replaceState(null, '', path);
        else host.history.pushState(null, '', path);
      }
      const [pathname = path, search = ''] = path.split('?');
      const next = parseRoute(pathname, search);
      // The same route again: keep the object, so nothing re-renders or moves focus.
      if (pathOf(next) !== pathOf(route.peek()) || next.page !== route.peek().page) {
        route.value = next;
      }
    },
    stop: () => host.removeEventListener('popstate', sync),
  };
}
