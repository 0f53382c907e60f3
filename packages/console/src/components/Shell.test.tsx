import { fireEvent, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { settle } from '../../test/fake-server';
import { type Harness, renderConsole } from '../../test/harness';
import { documentTitle } from './Shell';

let harness: Harness | undefined;
afterEach(() => harness?.stop());

const signedIn = (server: Parameters<NonNullable<Parameters<typeof renderConsole>[1]>>[0]) => {
  server.state.signedIn = true;
  server.state.insights = {
    days: [],
    weeks: [],
    totals: {
      start: '2026-01-01',
      conversations: 0,
      ratings: 0,
      ticketsOpened: 0,
      ticketsSolved: 0,
    },
    unanswered: [],
  };
};
const key = (k: string, init: KeyboardEventInit = {}) =>
  fireEvent.keyDown(document.activeElement ?? document.body, { key: k, ...init });

describe('the signed-in shell', () => {
  it('titles the page with the waiting count first', () => {
    expect(documentTitle('inbox', { count: 3, more: false })).toBe('(3) Inbox · Parley console');
    expect(documentTitle('tickets', { count: 100, more: true })).toBe(
      '(100+) Tickets · Parley console',
    );
    expect(documentTitle('insights', { count: 0, more: false })).toBe('Insights · Parley console');
  });

  it('goes to pages with g-shortcuts and links, focusing each page’s heading', async () => {
    harness = await renderConsole('/console/inbox', signedIn);
    key('g');
    key('t');
    await settle(10);
    expect(window.location.pathname).toBe('/console/tickets');
    expect(document.activeElement?.textContent).toBe('Tickets');
    expect(document.title).toBe('Tickets · Parley console');
    fireEvent.click(screen.getByRole('link', { name: 'Insights' }));
    await settle(10);
    expect(window.location.pathname).toBe('/console/insights');
    expect(document.activeElement?.textContent).toBe('Insights');
    expect(screen.getByRole('link', { name: 'Insights' }).getAttribute('aria-current')).toBe(
      'page',
    );
    key('g');
    key('k');
    await settle(10);
    expect(document.activeElement?.textContent).toBe('Knowledge-base tester');
    key('/');
    expect(document.activeElement?.id).toBe('kb-question');
  });

  it('opens the shortcuts dialog with ?, keeps focus inside, and gives it back on Escape', async () => {
    harness = await renderConsole('/console/inbox', signedIn);
    const opener = screen.getByRole('button', { name: /Shortcuts/ });
    opener.focus();
    key('?', { shiftKey: true });
    await settle();
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(dialog.textContent).toMatch(/g then iGo to the inbox/);
    expect(document.querySelector('.shell-content')?.hasAttribute('inert')).toBe(true);
    // Shortcuts are off while it is open; Tab wraps around inside.
    key('g');
    key('t');
    await settle();
    expect(window.location.pathname).toBe('/console/inbox');
    const close = screen.getByRole('button', { name: 'Close' });
    fireEvent.keyDown(close, { key: 'Tab', shiftKey: true });
    fireEvent.keyDown(dialog, { key: 'Escape' });
    await settle();
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('says when there is no such page', async () => {
    harness = await renderConsole('/console/nowhere', signedIn);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Page not found');
    expect(document.title).toBe('Page not found · Parley console');
  });
});
