import axe from 'axe-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conversation, type FakeServer } from '../test/fake-server';
import { type Harness, renderConsole } from '../test/harness';

/*
 * axe-core on every page, rendered in happy-dom. Layout-dependent rules (contrast, target sizes,
 * scrollable regions) need a real engine and are left to the Chromium suite (e2e/), which runs
 * axe on the built console in light and dark; this one catches structure: landmarks, headings,
 * names, labels, ARIA.
 */
const LAYOUT_RULES = ['color-contrast', 'scrollable-region-focusable', 'target-size'];

let harness: Harness | undefined;
afterEach(() => harness?.stop());
// The page's language comes from index.html (checked on the build by test/bundle.test.ts).
beforeAll(() => {
  document.documentElement.lang = 'en';
});

function seed(server: FakeServer): void {
  server.state.signedIn = true;
  server.state.conversations = [
    conversation('c_1', 'waiting', {
      contact: { email: 'maria@example.com', name: 'Maria Lopez' },
      messages: [
        {
          id: 'm1',
          seq: 1,
          role: 'user',
          text: 'I want a person',
          createdAt: '2026-01-06T15:00:00.000Z',
        },
        {
          id: 'm2',
          seq: 2,
          role: 'assistant',
          text: 'Someone will join.',
          createdAt: '2026-01-06T15:00:01.000Z',
          toolsUsed: ['request_human'],
          citations: [{ title: 'Support hours', url: 'https://help.acme.test/hours' }],
        },
      ],
    }),
    conversation('c_2', 'bot'),
  ];
  server.state.tickets = [
    {
      id: 'T-1',
      conversation: 'c_1',
      subject: 'Broken thermostat',
      priority: 'high',
      status: 'open',
      createdAt: '2026-01-06T15:00:00.000Z',
    },
  ];
  // One day of activity: that day, its week and the totals have the same figures.
  const figures = { conversations: 2, ratings: 1, csat: 1, ticketsOpened: 1, ticketsSolved: 0 };
  server.state.insights = {
    days: [{ start: '2026-01-06', ...figures }],
    weeks: [{ start: '2026-01-05', ...figures }],
    totals: { start: '2026-01-06', ...figures },
    unanswered: [
      { text: 'Do you ship to Norway?', count: 2, examples: [], reasons: ['no_citation'] },
    ],
  };
  server.state.knowledge = {
    query: '',
    results: [
      {
        title: 'Reset a password',
        url: 'https://help.acme.test/reset',
        score: 4.2,
        snippet: 'Open Settings.',
      },
    ],
  };
}

async function violations(): Promise<string[]> {
  const results = await axe.run(document, {
    resultTypes: ['violations'],
    rules: Object.fromEntries(LAYOUT_RULES.map((id) => [id, { enabled: false }])),
  });
  return results.violations.map(
    (v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

describe('axe in happy-dom', () => {
  it.each([
    ['sign-in', '/console/inbox', false],
    ['inbox with a conversation', '/console/inbox/c_1', true],
    ['tickets', '/console/tickets', true],
    ['insights', '/console/insights', true],
    ['knowledge tester', '/console/knowledge?q=password', true],
    ['not found', '/console/nowhere', true],
  ])('%s has no violations', async (_name, path, signedIn) => {
    harness = await renderConsole(path, signedIn ? seed : () => {});
    expect(document.querySelectorAll('h1')).toHaveLength(1);
    expect(document.querySelectorAll('main')).toHaveLength(1);
    expect(await violations()).toEqual([]);
  });
});
