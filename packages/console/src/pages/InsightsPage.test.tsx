import type { Insights, InsightsPeriod } from '@parley/shared';
import { fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { settle } from '../../test/fake-server';
import { type Harness, renderConsole } from '../../test/harness';

let harness: Harness | undefined;
afterEach(() => harness?.stop());

const day = (start: string, extra: Partial<InsightsPeriod> = {}): InsightsPeriod => ({
  start,
  conversations: 0,
  ratings: 0,
  ticketsOpened: 0,
  ticketsSolved: 0,
  ...extra,
});

/**
 * The totals, whose figures are known: 8 conversations, 6 without a person (75 % deflected,
 * 25 % escalated), 3 thumbs of which 2 up (67 % CSAT), first replies after 90 s median.
 */
const TOTALS = day('2026-01-05', {
  conversations: 8,
  deflectionRate: 0.75,
  escalationRate: 0.25,
  ratings: 3,
  csat: 0.667,
  medianFirstReplySeconds: 90,
  ticketsOpened: 2,
  ticketsSolved: 1,
});

/** A fixed data set: three days of one week, so that week's figures are the totals. */
const INSIGHTS: Insights = {
  days: [
    day('2026-01-05', {
      conversations: 3,
      deflectionRate: 1,
      escalationRate: 0,
      ratings: 1,
      csat: 1,
    }),
    day('2026-01-06'),
    day('2026-01-07', {
      conversations: 5,
      deflectionRate: 0.6,
      escalationRate: 0.4,
      ratings: 2,
      csat: 0.5,
      medianFirstReplySeconds: 90,
      ticketsOpened: 2,
      ticketsSolved: 1,
    }),
  ],
  weeks: [TOTALS],
  totals: TOTALS,
  unanswered: [
    {
      text: 'Do you ship to Norway?',
      count: 3,
      examples: ['Can you deliver to Norway', 'shipping to norway?'],
      reasons: ['no_citation', 'thumbs_down'],
    },
    { text: 'Is there a student discount?', count: 1, examples: [], reasons: ['no_citation'] },
  ],
};

const stat = (name: string) =>
  within(screen.getByRole('region', { name: 'Last 28 days' }))
    .getByText(name)
    .closest('div')
    ?.querySelector('dd')?.textContent;

describe('the insights page', () => {
  it('shows the totals a support lead asks for', async () => {
    harness = await renderConsole('/console/insights', (server) => {
      server.state.signedIn = true;
      server.state.insights = INSIGHTS;
    });
    expect(stat('Conversations')).toBe('8');
    expect(stat('Deflection rate (no person needed)')).toBe('75%');
    expect(stat('Escalation rate (asked for a person)')).toBe('25%');
    expect(stat('CSAT (thumbs up)')).toBe('67%');
    expect(stat('Median time to a person’s first reply')).toBe('1 min');
    expect(stat('Tickets opened')).toBe('2');
    expect(stat('Tickets solved')).toBe('1');
    expect(screen.getByText('3 ratings behind the CSAT.')).toBeTruthy();
  });

  it('draws a small SVG chart per figure, per day or per week, with its numbers as a table', async () => {
    harness = await renderConsole('/console/insights', (server) => {
      server.state.signedIn = true;
      server.state.insights = INSIGHTS;
    });
    const charts = screen.getAllByRole('figure');
    expect(charts).toHaveLength(7);
    const conversations = screen.getByRole('figure', { name: 'Conversations' });
    // A day without conversations is a zero-height bar; every day is listed in the table.
    expect(conversations.querySelectorAll('rect.bar')).toHaveLength(3);
    expect(within(conversations).getByRole('img').textContent).toMatch(
      /lowest 0, highest 5, latest 5/,
    );
    const deflection = screen.getByRole('figure', { name: 'Deflection rate (no person needed)' });
    expect(deflection.querySelectorAll('rect.bar')).toHaveLength(2);
    expect(
      within(deflection)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual(['Jan 5100%', 'Jan 6–', 'Jan 760%']);
    fireEvent.click(screen.getByRole('button', { name: 'Per week' }));
    await settle();
    expect(
      screen.getByRole('figure', { name: 'Conversations' }).querySelectorAll('rect.bar'),
    ).toHaveLength(1);
    expect(screen.getByRole('heading', { name: 'Per week' })).toBeTruthy();
  });

  it('lists the top unanswered questions with their other wordings, and asks for another period', async () => {
    harness = await renderConsole('/console/insights', (server) => {
      server.state.signedIn = true;
      server.state.insights = INSIGHTS;
    });
    const list = within(
      screen.getByRole('region', { name: 'Top unanswered questions' }),
    ).getAllByRole('listitem');
    expect(list[0]?.textContent).toMatch(
      /Do you ship to Norway\? 3 times no article cited, thumbs down/,
    );
    expect(list[0]?.textContent).toMatch(/Can you deliver to Norway/);
    const test = within(list[0]!).getByRole('link', { name: 'Test in the knowledge base' });
    expect(test.getAttribute('href')).toBe('/console/knowledge?q=Do+you+ship+to+Norway%3F');

    fireEvent.change(screen.getByRole('combobox', { name: /Period/ }), { target: { value: '7' } });
    await settle(10);
    const asked = harness.server.requests.filter((r) => r.path === '/api/operator/insights');
    expect(asked.map((r) => r.query.get('days'))).toEqual(['28', '7']);
  });
});
