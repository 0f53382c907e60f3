import { act, fireEvent, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import {
  answer,
  errorResponse,
  historyPage,
  openStream,
  settle,
  sseResponse,
  stored,
  storedFrame,
} from '../../test/fake-fetch';
import {
  freshPageForEachTest,
  mountWidget,
  openPanel,
  returningVisitor,
  SERVER,
  sendMessage,
  server,
  typeMessage,
  unmountWidget,
} from '../../test/widget-harness';

freshPageForEachTest();

describe('streaming answer', () => {
  it('renders tools, handoff, deltas, ticket, citations and feedback as they arrive', async () => {
    let stream!: ReturnType<typeof openStream>;
    const { ui, requests } = mountWidget(
      server((request) => {
        stream = openStream(request.signal);
        return stream.response;
      }),
    );
    await openPanel(ui);
    const box = await typeMessage(ui, 'I was double charged');
    fireEvent.keyDown(box, { key: 'Enter' });
    await settle();
    const log = ui.getByRole('log');
    expect(within(log).getByText('I was double charged')).toBeTruthy();
    expect(within(log).getByText('Typing…')).toBeTruthy();

    const question = stored('user', 'I was double charged');
    const id = (n: number) => `${question.seq}.${n}`;
    stream.send(storedFrame(question));
    stream.send({ event: 'handoff', data: { agent: 'Billing' }, id: id(1) });
    stream.send({
      event: 'tool',
      data: { name: 'search_knowledge_base', status: 'started' },
      id: id(2),
    });
    await settle();
    expect(within(log).getByText('Transferred to Billing')).toBeTruthy();
    expect(within(log).getByText('Searching the help center…')).toBeTruthy();
    expect(within(log).queryByText('Typing…')).toBeNull();

    // A tool the widget has no words for reads as a generic step, never as a raw name.
    stream.send({ event: 'tool', data: { name: 'lookup_invoice', status: 'started' }, id: id(3) });
    await settle();
    expect(within(log).getByText('Working on it…')).toBeTruthy();
    expect(within(log).queryByText(/lookup_invoice/)).toBeNull();

    stream.send({ event: 'delta', data: { text: 'Sorry about ' }, id: id(4) });
    await settle();
    const bubble = log.querySelector('.md') as HTMLElement;
    expect(bubble.textContent).toBe('Sorry about');
    expect(bubble.closest('[aria-busy]')?.getAttribute('aria-busy')).toBe('true');
    stream.send({ event: 'delta', data: { text: 'that. **Refund** started.' }, id: id(5) });
    await settle();
    expect(bubble.textContent).toBe('Sorry about that. Refund started.');
    expect(bubble.querySelector('strong')?.textContent).toBe('Refund');

    const done = stored('assistant', 'Sorry about that. **Refund** started.', {
      toolsUsed: ['search_knowledge_base'],
      citations: [
        { title: 'Refund policy', url: '/kb/refunds' },
        { title: 'Evil', url: 'javascript:alert(1)' },
      ],
      ticketId: 'T-4821',
    });
    stream.send(storedFrame(done));
    await settle();
    expect(within(log).getByText('Ticket T-4821 created')).toBeTruthy();
    const source = within(log).getByRole('link', { name: 'Refund policy' });
    expect(source.getAttribute('href')).toBe(`${SERVER}/kb/refunds`);
    expect(source.getAttribute('rel')).toBe('noopener noreferrer');
    expect(within(log).queryByRole('link', { name: 'Evil' })).toBeNull();
    expect(bubble.closest('[aria-busy]')?.getAttribute('aria-busy')).toBe('false');

    const up = within(log).getByRole('button', { name: 'Helpful' });
    expect(up.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(up);
    await settle();
    expect(up.getAttribute('aria-pressed')).toBe('true');
    expect(requests.at(-1)).toMatchObject({
      path: '/api/chat/feedback',
      body: { messageId: done.id, rating: 'up' },
    });
  });

  it('renders an answer nested 2,000 deep, live and again from history, and stays visible', async () => {
    const deep = `${'- '.repeat(2000)}x`;
    const live = mountWidget(server(() => sseResponse(answer(deep))));
    await openPanel(live.ui);
    await sendMessage(live.ui, 'Nest');
    const lists = (root: ShadowRoot) => root.querySelectorAll('.msg.bot .md ul').length;
    expect(lists(live.host.shadowRoot)).toBe(6);

    // A reload: the same conversation comes back from the server's history.
    unmountWidget();
    returningVisitor();
    const history = [stored('user', 'Nest'), stored('assistant', deep)];
    const reloaded = mountWidget((request) =>
      request.path === '/api/chat/history'
        ? historyPage(history)
        : new Response(null, { status: 204 }),
    );
    await settle();
    expect(reloaded.ui.getByText('Nest')).toBeTruthy();
    expect(lists(reloaded.host.shadowRoot)).toBe(6);
  });

  it('renders raw HTML from the model as text', async () => {
    const { ui, host } = mountWidget(
      server(() => sseResponse(answer('<img src=x onerror=alert(1)> hi'))),
    );
    await openPanel(ui);
    await sendMessage(ui, 'x');
    expect(ui.getByText('<img src=x onerror=alert(1)> hi')).toBeTruthy();
    expect(host.shadowRoot.querySelector('img')).toBeNull();
  });
});

describe('failures', () => {
  it('offers Retry after a network error and resends with the same Idempotency-Key', async () => {
    const { ui, requests } = mountWidget(
      server(
        () => {
          throw new TypeError('Failed to fetch');
        },
        () => sseResponse(answer('Made it')),
      ),
    );
    await openPanel(ui);
    await sendMessage(ui, 'hello?');
    expect(ui.getByText("Couldn't reach support. Please try again.")).toBeTruthy();
    fireEvent.click(ui.getByRole('button', { name: 'Retry' }));
    await settle();
    expect(ui.getByText('Made it')).toBeTruthy();
    const keys = requests
      .filter((r) => r.path === '/api/chat')
      .map((r) => r.headers.get('Idempotency-Key'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('asks the visitor to wait after 429, using Retry-After', async () => {
    const { ui } = mountWidget(
      server(() => errorResponse(429, 'rate_limited', { 'Retry-After': '20' })),
    );
    await openPanel(ui);
    await sendMessage(ui, 'spam');
    expect(ui.getByText('Too many messages. Please wait 20s and try again.')).toBeTruthy();
    expect(ui.getByRole('button', { name: 'Retry' }).getAttribute('aria-disabled')).toBe('true');
  });

  it('says the assistant is unavailable on 503', async () => {
    const { ui } = mountWidget(server(() => errorResponse(503, 'model_unavailable')));
    await openPanel(ui);
    await sendMessage(ui, 'x');
    expect(
      ui.getByText('The assistant is unavailable right now. Please try again later.'),
    ).toBeTruthy();
  });

  it('starts a new session quietly when the token is invalid', async () => {
    localStorage.setItem('parley:token:https://chat.example.com', 'expired');
    const { ui } = mountWidget(
      server(
        () => errorResponse(401, 'session_invalid'),
        () =>
          sseResponse([{ event: 'session', data: { token: 'fresh' } }, ...answer('Welcome back')]),
      ),
    );
    await openPanel(ui);
    await sendMessage(ui, 'hi');
    expect(ui.getByText('Welcome back')).toBeTruthy();
    expect(ui.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('shows an offline banner while the browser is offline', async () => {
    const { ui } = mountWidget();
    await openPanel(ui);
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    await settle();
    expect(ui.getByRole('status').textContent).toContain("You're offline");
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    await settle();
    expect(ui.getByRole('status').textContent).toBe('');
  });
});
