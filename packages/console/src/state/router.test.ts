import { describe, expect, it } from 'vitest';
import { createRouter, parseRoute, pathOf, type RouterHost } from './router';

describe('routes', () => {
  it.each([
    ['/console', { page: 'inbox' }],
    ['/console/', { page: 'inbox' }],
    ['/console/inbox', { page: 'inbox' }],
    ['/console/inbox/c_12', { page: 'inbox', conversation: 'c_12' }],
    ['/console/tickets', { page: 'tickets' }],
    ['/console/insights', { page: 'insights' }],
    ['/console/knowledge', { page: 'knowledge' }],
    ['/console/tickets/x', { page: 'not-found' }],
    ['/console/inbox/a/b', { page: 'not-found' }],
    ['/console/inbox/%E0%A4%A', { page: 'not-found' }],
    ['/console/elsewhere', { page: 'not-found' }],
  ])('reads %s', (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });

  it('reads and writes the tester’s question', () => {
    expect(parseRoute('/console/knowledge', '?q=%20reset%20')).toEqual({
      page: 'knowledge',
      q: 'reset',
    });
    expect(pathOf({ page: 'knowledge', q: 'a&b' })).toBe('/console/knowledge?q=a%26b');
  });

  it('writes paths that read back the same', () => {
    for (const route of [
      { page: 'inbox' as const },
      { page: 'inbox' as const, conversation: 'c/1?' },
      { page: 'tickets' as const },
      { page: 'insights' as const },
    ]) {
      expect(parseRoute(pathOf(route))).toEqual(route);
    }
  });
});

describe('the router', () => {
  function fakeHost() {
    const listeners = new Set<() => void>();
    const host: RouterHost & { entries: string[]; back(): void } = {
      location: { pathname: '/console/inbox', search: '' },
      entries: ['/console/inbox'],
      history: {
        pushState: (_s, _t, url) => {
          host.entries.push(String(url));
          [host.location.pathname, host.location.search = ''] = String(url).split('?') as [
            string,
            string,
          ];
          if (host.location.search) host.location.search = `?${host.location.search}`;
        },
        replaceState: (_s, _t, url) => {
          host.entries[host.entries.length - 1] = String(url);
          host.location.pathname = String(url);
        },
      },
      addEventListener: (_type, listener) => void listeners.add(listener),
      removeEventListener: (_type, listener) => void listeners.delete(listener),
      back() {
        host.entries.pop();
        host.location.pathname = host.entries.at(-1) ?? '/';
        for (const listener of listeners) listener();
      },
    };
    return host;
  }

  it('pushes history entries and follows the back button', () => {
    const host = fakeHost();
    const router = createRouter(host);
    router.navigate('/console/tickets');
    expect(router.route.value).toEqual({ page: 'tickets' });
    expect(host.entries).toEqual(['/console/inbox', '/console/tickets']);
    host.back();
    expect(router.route.value).toEqual({ page: 'inbox' });
    router.stop();
  });

  it('keeps the same route object when nothing changed', () => {
    const router = createRouter(fakeHost());
    const before = router.route.value;
    router.navigate('/console/inbox');
    expect(router.route.value).toBe(before);
  });
});
