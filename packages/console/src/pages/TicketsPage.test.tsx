import type { TicketSummary } from '@parley/shared';
import { fireEvent, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { CSRF, type FakeServer, OPERATOR, settle } from '../../test/fake-server';
import { type Harness, renderConsole } from '../../test/harness';

let harness: Harness | undefined;
afterEach(() => harness?.stop());

const ticket = (id: string, extra: Partial<TicketSummary> = {}): TicketSummary => ({
  id,
  conversation: `c_${id}`,
  subject: `Subject ${id}`,
  priority: 'medium',
  status: 'open',
  createdAt: '2026-01-06T15:00:00.000Z',
  ...extra,
});

function seed(server: FakeServer): void {
  server.state.signedIn = true;
  server.state.tickets = [
    ticket('T-1', {
      contact: { email: 'maria@example.com', name: 'Maria Lopez' },
      priority: 'high',
    }),
    ticket('T-2', { assignee: { id: OPERATOR.id, name: OPERATOR.name } }),
    ticket('T-3', { status: 'pending' }),
    ticket('T-4', { status: 'solved', assignee: { id: 'op_sam', name: 'Sam Okafor' } }),
  ];
}

const subjects = () =>
  screen.queryAllByRole('article').map((a) => within(a).getByRole('heading').textContent);
const card = (subject: string) => screen.getByRole('article', { name: subject });

describe('the tickets page', () => {
  it('shows open tickets first, and filters by status and "assigned to me"', async () => {
    harness = await renderConsole('/console/tickets', seed);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Tickets');
    expect(subjects()).toEqual(['Subject T-1', 'Subject T-2']);
    expect(card('Subject T-1').textContent).toMatch(
      /open.*high priority.*Maria Lopez maria@example.com.*unassigned/,
    );

    fireEvent.click(screen.getByRole('button', { name: 'Pending' }));
    await settle(10);
    expect(subjects()).toEqual(['Subject T-3']);
    fireEvent.click(screen.getByRole('button', { name: 'All' }));
    await settle(10);
    expect(subjects()).toHaveLength(4);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Assigned to me' }));
    await settle(10);
    expect(subjects()).toEqual(['Subject T-2']);
    const last = harness.server.requests.filter((r) => r.path === '/api/operator/tickets').at(-1);
    expect(last?.query.get('assignee')).toBe('me');
    expect(last?.query.get('status')).toBeNull();
  });

  it('assigns to me, changes the status, and replies — each with the CSRF token', async () => {
    harness = await renderConsole('/console/tickets', seed);
    fireEvent.click(within(card('Subject T-1')).getByRole('button', { name: 'Assign to me' }));
    await settle(10);
    expect(card('Subject T-1').textContent).toMatch(`assigned to ${OPERATOR.name}`);

    const status = within(card('Subject T-1')).getByRole('combobox', {
      name: /Status/,
    }) as HTMLSelectElement;
    status.value = 'solved';
    fireEvent.change(status);
    await settle(10);
    expect(harness.server.state.tickets.find((t) => t.id === 'T-1')?.status).toBe('solved');
    // It stays in view until the list is fetched again, so the change can be seen (and undone).
    expect(card('Subject T-1').textContent).toMatch(/solved/);

    fireEvent.click(within(card('Subject T-2')).getByRole('button', { name: 'Reply' }));
    await settle();
    const box = within(card('Subject T-2')).getByRole('textbox') as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: 'We are on it.' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await settle(10);
    expect(within(card('Subject T-2')).getByRole('status').textContent).toMatch(/Reply sent/);
    expect(card('Subject T-2').textContent).toMatch(/pending/);

    expect(
      harness.server
        .changes()
        .map((r) => [r.method, r.path, r.body, r.headers.get('X-CSRF-Token')]),
    ).toEqual([
      ['PATCH', '/api/operator/tickets/T-1', { assignee: 'me' }, CSRF],
      ['PATCH', '/api/operator/tickets/T-1', { status: 'solved' }, CSRF],
      ['POST', '/api/operator/tickets/T-2/reply', { text: 'We are on it.' }, CSRF],
    ]);
  });

  it('shows 50 at a time, and the next ones on "Show more", with the same filters', async () => {
    harness = await renderConsole('/console/tickets', (server) => {
      server.state.signedIn = true;
      server.state.tickets = Array.from({ length: 70 }, (_, i) =>
        ticket(`T-${i}`, { status: i % 10 === 0 ? 'solved' : 'open' }),
      );
    });
    expect(subjects()).toHaveLength(50);
    const more = screen.getByRole('button', { name: 'Show more' });
    fireEvent.click(more);
    fireEvent.click(more);
    await settle(10);
    expect(subjects()).toHaveLength(63);
    expect(new Set(subjects()).size).toBe(63);
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
    const pages = harness.server.requests.filter(
      (r) => r.path === '/api/operator/tickets' && r.query.has('cursor'),
    );
    // Two clicks while the page was on its way asked once.
    expect(pages.map((r) => [r.query.get('cursor'), r.query.get('status')])).toEqual([
      ['50', 'open'],
    ]);
  });

  it('unassigns, and links each ticket to its conversation', async () => {
    harness = await renderConsole('/console/tickets', seed);
    const link = within(card('Subject T-2')).getByRole('link', { name: 'Open conversation' });
    expect(link.getAttribute('href')).toBe('/console/inbox/c_T-2');
    fireEvent.click(within(card('Subject T-2')).getByRole('button', { name: 'Unassign' }));
    await settle(10);
    expect(card('Subject T-2').textContent).toMatch(/unassigned/);
    fireEvent.click(link);
    await settle(10);
    expect(window.location.pathname).toBe('/console/inbox/c_T-2');
  });
});
