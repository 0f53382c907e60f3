import type { Message } from '@parley/shared';
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { CSRF, conversation, type FakeServer, OPERATOR, settle } from '../../test/fake-server';
import { type Harness, renderConsole } from '../../test/harness';

let harness: Harness | undefined;
afterEach(() => harness?.stop());

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

const ANSWER: Message = {
  id: 'msg_2',
  seq: 2,
  role: 'assistant',
  text: 'Open Settings, then Security.',
  createdAt: minutesAgo(9),
  toolsUsed: ['search_knowledge_base', 'request_human'],
  citations: [{ title: 'Reset a forgotten password', url: 'https://help.acme.test/reset' }],
  handoffs: ['Billing'],
  ticketId: 'T-ABC123',
};

function seed(server: FakeServer): void {
  server.state.signedIn = true;
  server.state.conversations = [
    conversation('c_bot', 'bot', { lastActivityAt: minutesAgo(1), messageCount: 2 }),
    conversation('c_closed', 'closed', { lastActivityAt: minutesAgo(30) }),
    conversation('c_wait_long', 'waiting', {
      waitingSince: minutesAgo(12),
      contact: { email: 'maria@example.com', name: 'Maria Lopez' },
      identity: { sub: 'user-42', email: 'maria@example.com' },
      messageCount: 3,
      lastMessage: { role: 'user', text: 'I want a person', createdAt: minutesAgo(12) },
      messages: [
        {
          id: 'msg_1',
          seq: 1,
          role: 'user',
          text: 'How do I reset my password?',
          createdAt: minutesAgo(10),
        },
        ANSWER,
        { id: 'msg_3', seq: 3, role: 'user', text: 'I want a person', createdAt: minutesAgo(9) },
      ],
      tickets: [
        {
          id: 'T-ABC123',
          conversation: 'c_wait_long',
          subject: 'Password reset',
          priority: 'medium',
          status: 'open',
          createdAt: minutesAgo(9),
        },
      ],
    }),
    conversation('c_human', 'human', {
      operator: { id: 'op_sam', name: 'Sam Okafor' },
      lastActivityAt: minutesAgo(2),
    }),
    conversation('c_wait_short', 'waiting', { waitingSince: minutesAgo(2) }),
  ];
}

/** Visitor names in the order the list shows them, with their group. */
const listed = () =>
  screen.getAllByRole('region').flatMap((region) => {
    const group = region.getAttribute('aria-labelledby') ?? '';
    if (!group.startsWith('group-')) return [];
    return within(region)
      .getAllByRole('link')
      .map((link) => `${group.slice(6)}:${link.getAttribute('data-conversation')}`);
  });

describe('the inbox', () => {
  it('lists waiting first (longest wait first), then with a person, assistant, closed', async () => {
    harness = await renderConsole('/console/inbox', seed);
    expect(listed()).toEqual([
      'waiting:c_wait_long',
      'waiting:c_wait_short',
      'human:c_human',
      'bot:c_bot',
      'closed:c_closed',
    ]);
    const first = screen.getAllByRole('link').find((l) => l.dataset.conversation === 'c_wait_long');
    expect(first?.textContent).toMatch(/Maria Lopez.*verified.*waiting 12 min/);
    expect(document.title).toBe('(2) Inbox · Parley console');
    expect(screen.getByRole('link', { name: /Inbox/ }).textContent).toBe('Inbox2 waiting');
  });

  it('filters by status and searches by text', async () => {
    harness = await renderConsole('/console/inbox', seed);
    fireEvent.click(screen.getByRole('button', { name: 'With a person' }));
    await settle(10);
    expect(listed()).toEqual(['human:c_human']);
    fireEvent.click(screen.getByRole('button', { name: 'All' }));
    fireEvent.input(screen.getByLabelText('Search conversations'), { target: { value: 'maria@' } });
    await settle(20);
    expect(listed()).toEqual(['waiting:c_wait_long']);
    const last = harness.server.requests
      .filter((r) => r.path === '/api/operator/conversations')
      .at(-2);
    expect(last?.query.get('q')).toBe('maria@');
  });

  it('shows 50 at a time, and the next 50 on "Show more", keeping the filter', async () => {
    harness = await renderConsole('/console/inbox', (server) => {
      server.state.signedIn = true;
      server.state.conversations = Array.from({ length: 120 }, (_, i) =>
        conversation(`c_${String(i).padStart(3, '0')}`, 'bot', { lastActivityAt: minutesAgo(i) }),
      );
    });
    expect(listed()).toHaveLength(50);
    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await settle(10);
    expect(listed()).toHaveLength(100);
    fireEvent.click(screen.getByRole('button', { name: 'Show more' }));
    await settle(10);
    expect(listed()).toHaveLength(120);
    expect(new Set(listed()).size).toBe(120);
    expect(listed().at(-1)).toBe('bot:c_119');
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
    const pages = harness.server.requests.filter(
      (r) => r.path === '/api/operator/conversations' && r.query.has('cursor'),
    );
    expect(pages.map((r) => [r.query.get('cursor'), r.query.get('limit')])).toEqual([
      ['50', '50'],
      ['100', '50'],
    ]);
  });

  it('updates without reload when the event stream reports a change', async () => {
    harness = await renderConsole('/console/inbox', seed);
    harness.state.preferences.sound.value = true;
    harness.server.state.conversations.push(
      conversation('c_new', 'waiting', { waitingSince: minutesAgo(20) }),
    );
    const before = harness.server.requests.length;
    // A burst of events makes one refetch, not three.
    harness.server.emit({ conversation: 'c_new', change: 'waiting' });
    harness.server.emit({ conversation: 'c_new', change: 'message' });
    harness.server.emit({ conversation: 'c_new', change: 'status' });
    await waitFor(() => expect(listed()[0]).toBe('waiting:c_new'));
    const lists = harness.server.requests
      .slice(before)
      .filter((r) => r.path === '/api/operator/conversations' && !r.query.get('status'));
    expect(lists).toHaveLength(1);
    await waitFor(() => expect(document.title).toBe('(3) Inbox · Parley console'));
    expect(harness.chime.plays).toBe(1);
  });

  it('stays silent when the sound is off (the default), and remembers the toggle', async () => {
    harness = await renderConsole('/console/inbox', seed);
    harness.server.emit({ conversation: 'c_wait_short', change: 'waiting' });
    await settle(20);
    expect(harness.chime.plays).toBe(0);
    const toggle = screen.getByRole('button', { name: 'Sound alert' });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    await settle();
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(window.localStorage.getItem('parley-console:sound')).toBe('on');
  });

  it('reconnects after the stream drops, and fetches again what it may have missed', async () => {
    harness = await renderConsole('/console/inbox', seed);
    const before = harness.server.requests.length;
    harness.server.dropStreams();
    await waitFor(() => expect(harness?.server.state.streams).toHaveLength(1));
    await settle(20);
    const after = harness.server.requests.slice(before).map((r) => r.path);
    expect(after).toContain('/api/operator/events');
    expect(after).toContain('/api/operator/conversations');
    expect(screen.getByRole('status').textContent).toBe('Live');
  });
});

describe('a conversation', () => {
  it('shows the transcript with the assistant’s tools, handoffs, citations and ticket', async () => {
    harness = await renderConsole('/console/inbox/c_wait_long', seed);
    const log = screen.getByRole('log', { name: 'Transcript' });
    const answer = within(log).getByText('Open Settings, then Security.').closest('li')!;
    expect(answer.textContent).toMatch(/Assistant/);
    expect(answer.textContent).toMatch(/Toolssearch_knowledge_base, request_human/);
    expect(answer.textContent).toMatch(/Handed toBilling/);
    expect(answer.textContent).toMatch(/Ticketopened T-ABC123/);
    const link = within(answer).getByRole('link', { name: 'Reset a forgotten password' });
    expect(link.getAttribute('href')).toBe('https://help.acme.test/reset');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    const details = screen.getByRole('complementary', { name: 'Details' });
    expect(details.textContent).toMatch(/Maria Lopez/);
    expect(details.textContent).toMatch(/verified.*user-42/);
    expect(details.textContent).toMatch(/Password reset.*open.*medium priority/);
    expect(screen.getByText(/Nobody yet/).textContent).toMatch(/waiting 12 min/);
  });

  it('takes over, replies with Enter, hands back and closes, every change with the CSRF token', async () => {
    harness = await renderConsole('/console/inbox/c_wait_long', seed);
    fireEvent.click(screen.getByRole('button', { name: 'Take over' }));
    await settle(10);
    expect(screen.getByText('You are in charge')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Take over' })).toBeNull();

    const box = screen.getByLabelText('Reply to Maria Lopez') as HTMLTextAreaElement;
    fireEvent.input(box, { target: { value: 'Hi Maria, Dana here.' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await settle(10);
    expect(box.value).toBe('');
    const sent = within(screen.getByRole('log')).getByText('Hi Maria, Dana here.').closest('li')!;
    expect(sent.textContent).toMatch(new RegExp(OPERATOR.name));

    fireEvent.click(screen.getByRole('button', { name: 'Hand back to the assistant' }));
    await settle(10);
    expect(screen.getByText('The assistant answers')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    await settle(10);
    expect((screen.getByLabelText('Reply to Maria Lopez') as HTMLTextAreaElement).disabled).toBe(
      true,
    );
    expect(screen.getByRole('button', { name: 'Reopen and take over' })).toBeTruthy();

    const changes = harness.server
      .changes()
      .map((r) => [r.path.split('/').at(-1), r.headers.get('X-CSRF-Token')]);
    expect(changes).toEqual([
      ['viewing', CSRF],
      ['join', CSRF],
      ['messages', CSRF],
      ['release', CSRF],
      ['close', CSRF],
    ]);
  });

  it('shows who else handles it, and the server’s refusal to take it from them', async () => {
    harness = await renderConsole('/console/inbox/c_human', seed);
    expect(screen.getByText('Sam Okafor is in charge')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Take over' }));
    await settle(10);
    expect(screen.getByRole('alert').textContent).toBe(
      'Sam Okafor is already handling this conversation',
    );
  });

  it('says who else has it open, and tells the server this operator does', async () => {
    harness = await renderConsole('/console/inbox/c_human', (server) => {
      seed(server);
      const human = server.state.conversations.find((c) => c.id === 'c_human')!;
      human.viewers = [
        { id: OPERATOR.id, name: OPERATOR.name },
        { id: 'op_sam', name: 'Sam Okafor' },
        { id: 'op_lee', name: 'Lee Park' },
      ];
    });
    expect(screen.getByText(/Also viewing/).textContent).toBe(
      '· Also viewing: Sam Okafor, Lee Park',
    );
    const viewing = harness.server.requests.filter((r) => r.path.endsWith('/c_human/viewing'));
    expect(viewing).toHaveLength(1);
    expect(viewing[0]?.method).toBe('POST');
  });

  it('shows the visitor’s new messages live', async () => {
    harness = await renderConsole('/console/inbox/c_wait_long', seed);
    const visitor = harness.server.state.conversations.find((c) => c.id === 'c_wait_long')!;
    visitor.messages = [
      ...visitor.messages,
      {
        id: 'msg_9',
        seq: 9,
        role: 'user',
        text: 'Are you there?',
        createdAt: new Date().toISOString(),
      },
    ];
    harness.server.emit({ conversation: 'c_wait_long', change: 'message' });
    await waitFor(() => within(screen.getByRole('log')).getByText('Are you there?'));
  });

  it('moves between conversations with j and k, focusing the open one', async () => {
    harness = await renderConsole('/console/inbox', seed);
    fireEvent.keyDown(document.body, { key: 'j' });
    await settle(10);
    expect(window.location.pathname).toBe('/console/inbox/c_wait_long');
    fireEvent.keyDown(document.body, { key: 'j' });
    await settle(10);
    expect(window.location.pathname).toBe('/console/inbox/c_wait_short');
    expect(document.activeElement?.id).toBe('conversation-title');
    fireEvent.keyDown(document.body, { key: 'k' });
    await settle(10);
    expect(window.location.pathname).toBe('/console/inbox/c_wait_long');
  });
});
