import { act, fireEvent, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  answer,
  errorResponse,
  fakeFetch,
  type Handler,
  openStream,
  type RecordedRequest,
  settle,
  sseResponse,
} from '../test/fake-fetch';
import { type MountOptions, mount, type ParleyInstance } from './index';

const SERVER = 'https://chat.example.com';
let instance: ParleyInstance | undefined;
let requests: RecordedRequest[] = [];

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  document.documentElement.lang = 'en';
});

afterEach(() => {
  instance?.();
  instance = undefined;
  document.body.replaceChildren();
});

/** History is empty; chat turns come from the queue; everything else is a 204. */
function server(...chatTurns: Array<(request: RecordedRequest) => Response>): Handler {
  return (request) => {
    if (request.path === '/api/chat/history') return Response.json({ messages: [] });
    if (request.path !== '/api/chat') return new Response(null, { status: 204 });
    const next = chatTurns.shift();
    if (!next) throw new Error('unexpected chat request');
    return next(request);
  };
}

function setup(handler: Handler = server(), options: Partial<MountOptions> = {}) {
  const fake = fakeFetch(handler);
  requests = fake.requests;
  vi.stubGlobal('fetch', fake.fetch);
  instance = mount({ server: SERVER, ...options });
  const host = document.querySelector('parley-chat') as HTMLElement & { shadowRoot: ShadowRoot };
  const ui = within(host.shadowRoot as unknown as HTMLElement);
  const active = () => host.shadowRoot.activeElement;
  return { host, ui, active, instance };
}

async function openPanel(ui: ReturnType<typeof setup>['ui']) {
  fireEvent.click(ui.getByRole('button', { name: 'Open chat' }));
  await settle();
  return ui.getByRole('dialog');
}

async function type(ui: ReturnType<typeof setup>['ui'], text: string) {
  const box = ui.getByRole('textbox', { name: 'Message' });
  fireEvent.input(box, { target: { value: text } });
  await settle(1);
  return box;
}

describe('launcher and panel', () => {
  it('starts closed with an accessible launcher', () => {
    const { ui, host } = setup();
    const launcher = ui.getByRole('button', { name: 'Open chat' });
    expect(launcher.getAttribute('aria-expanded')).toBe('false');
    expect(ui.queryByRole('dialog')).toBeNull();
    expect(host.shadowRoot.mode).toBe('open');
  });

  it('opens a dialog named by its title and moves focus into the message box', async () => {
    const { ui, active } = setup(server(), { title: 'Acme help', subtitle: 'We reply in minutes' });
    const dialog = await openPanel(ui);
    expect(dialog.getAttribute('aria-labelledby')).toBe('parley-title');
    expect(ui.getByRole('dialog', { name: 'Acme help' })).toBe(dialog);
    expect(within(dialog).getByText('We reply in minutes')).toBeTruthy();
    expect(active()).toBe(ui.getByRole('textbox', { name: 'Message' }));
    const launcher = ui.getAllByRole('button', { name: 'Close chat' })[0];
    expect(launcher?.getAttribute('aria-expanded')).toBe('true');
    expect(launcher?.getAttribute('aria-controls')).toBe('parley-panel');
  });

  it('closes on Escape and hands focus back to the launcher', async () => {
    const { ui, active } = setup();
    await openPanel(ui);
    fireEvent.keyDown(ui.getByRole('textbox', { name: 'Message' }), { key: 'Escape' });
    await settle();
    expect(ui.queryByRole('dialog')).toBeNull();
    expect(active()).toBe(ui.getByRole('button', { name: 'Open chat' }));
  });

  it('closes from the header button and keeps the draft', async () => {
    const { ui } = setup();
    await openPanel(ui);
    await type(ui, 'half a thought');
    fireEvent.click(within(ui.getByRole('dialog')).getByRole('button', { name: 'Close chat' }));
    await settle();
    expect(ui.queryByRole('dialog')).toBeNull();
    await openPanel(ui);
    expect((ui.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe(
      'half a thought',
    );
  });

  it('opens on load with data-open without stealing focus from the page', async () => {
    const { ui, active } = setup(server(), { open: true });
    await settle();
    expect(ui.getByRole('dialog')).toBeTruthy();
    expect(active()).toBeNull();
  });

  it('shows the greeting and starters, and a starter sends its question', async () => {
    const { ui } = setup(
      server(() => sseResponse(answer('We are open 9–5.'))),
      {
        greeting: 'Hello there!',
        starters: ['Opening hours?', 'Pricing'],
      },
    );
    await openPanel(ui);
    const log = ui.getByRole('log');
    expect(within(log).getByText('Hello there!')).toBeTruthy();
    fireEvent.click(within(log).getByRole('button', { name: 'Opening hours?' }));
    await settle();
    expect(requests.find((r) => r.path === '/api/chat')?.body).toMatchObject({
      message: 'Opening hours?',
    });
    expect(within(log).queryByRole('button', { name: 'Pricing' })).toBeNull();
    expect(within(log).getByText('We are open 9–5.')).toBeTruthy();
  });
});

describe('composer keyboard', () => {
  it('sends on Enter and clears the box', async () => {
    const { ui } = setup(server(() => sseResponse(answer('Hi!'))));
    await openPanel(ui);
    const box = await type(ui, 'Hello');
    const enter = fireEvent.keyDown(box, { key: 'Enter' });
    await settle();
    expect(enter).toBe(false);
    expect(requests.filter((r) => r.path === '/api/chat')).toHaveLength(1);
    expect((box as HTMLTextAreaElement).value).toBe('');
  });

  it('leaves Shift+Enter and IME composition to the textarea', async () => {
    const { ui } = setup();
    await openPanel(ui);
    const box = await type(ui, 'line one');
    expect(fireEvent.keyDown(box, { key: 'Enter', shiftKey: true })).toBe(true);
    expect(fireEvent.keyDown(box, { key: 'Enter', isComposing: true })).toBe(true);
    await settle();
    expect(requests.filter((r) => r.path === '/api/chat')).toHaveLength(0);
  });

  it('sends with the Send button, which becomes Stop while the answer streams', async () => {
    let stream!: ReturnType<typeof openStream>;
    const { ui } = setup(
      server((request) => {
        stream = openStream(request.signal);
        return stream.response;
      }),
    );
    await openPanel(ui);
    await type(ui, 'Explain everything');
    fireEvent.click(ui.getByRole('button', { name: 'Send' }));
    await settle();
    stream.send({ event: 'delta', data: { text: 'Well, ' } });
    await settle();
    fireEvent.click(ui.getByRole('button', { name: 'Stop' }));
    await settle();
    const chat = requests.find((r) => r.path === '/api/chat');
    expect(chat?.signal?.aborted).toBe(true);
    expect(ui.getByText('Stopped')).toBeTruthy();
    expect(ui.getByRole('button', { name: 'Send' })).toBeTruthy();
  });

  it('shows a counter near the length limit', async () => {
    const { ui } = setup();
    await openPanel(ui);
    await type(ui, 'x'.repeat(3500));
    expect(ui.queryByText(/\/4000/)).toBeNull();
    const box = await type(ui, 'x'.repeat(3700));
    expect(ui.getByText('3700/4000')).toBeTruthy();
    expect(box.getAttribute('aria-describedby')).toBe('parley-count');
    expect(box.getAttribute('maxlength')).toBe('4000');
  });
});

describe('streaming answer', () => {
  it('renders tools, handoff, deltas, ticket, citations and feedback as they arrive', async () => {
    let stream!: ReturnType<typeof openStream>;
    const { ui } = setup(
      server((request) => {
        stream = openStream(request.signal);
        return stream.response;
      }),
    );
    await openPanel(ui);
    const box = await type(ui, 'I was double charged');
    fireEvent.keyDown(box, { key: 'Enter' });
    await settle();
    const log = ui.getByRole('log');
    expect(within(log).getByText('I was double charged')).toBeTruthy();
    expect(within(log).getByText('Typing…')).toBeTruthy();

    stream.send({ event: 'handoff', data: { agent: 'Billing' } });
    stream.send({
      event: 'tool',
      data: { name: 'search_knowledge_base', status: 'started', label: 'Searching…' },
    });
    await settle();
    expect(within(log).getByText('Transferred to Billing')).toBeTruthy();
    expect(within(log).getByText('Searching the help center…')).toBeTruthy();
    expect(within(log).queryByText('Typing…')).toBeNull();

    stream.send({
      event: 'tool',
      data: { name: 'lookup_invoice', status: 'started', label: 'Looking up your invoice…' },
    });
    await settle();
    expect(within(log).getByText('Looking up your invoice…')).toBeTruthy();

    stream.send({ event: 'delta', data: { text: 'Sorry about ' } });
    await settle();
    const bubble = log.querySelector('.md') as HTMLElement;
    expect(bubble.textContent).toBe('Sorry about');
    expect(bubble.closest('[aria-busy]')?.getAttribute('aria-busy')).toBe('true');
    stream.send({ event: 'delta', data: { text: 'that. **Refund** started.' } });
    await settle();
    expect(bubble.textContent).toBe('Sorry about that. Refund started.');
    expect(bubble.querySelector('strong')?.textContent).toBe('Refund');

    stream.send({
      event: 'done',
      data: {
        messageId: 'm1',
        text: 'Sorry about that. **Refund** started.',
        toolsUsed: ['search_knowledge_base'],
        citations: [
          { title: 'Refund policy', url: '/kb/refunds' },
          { title: 'Evil', url: 'javascript:alert(1)' },
        ],
        ticketId: 'T-4821',
      },
    });
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
      body: { messageId: 'm1', rating: 'up' },
    });
  });

  it('renders raw HTML from the model as text', async () => {
    const { ui, host } = setup(
      server(() => sseResponse(answer('<img src=x onerror=alert(1)> hi'))),
    );
    await openPanel(ui);
    fireEvent.keyDown(await type(ui, 'x'), { key: 'Enter' });
    await settle();
    expect(ui.getByText('<img src=x onerror=alert(1)> hi')).toBeTruthy();
    expect(host.shadowRoot.querySelector('img')).toBeNull();
  });
});

describe('failures', () => {
  it('offers Retry after a network error and resends with the same Idempotency-Key', async () => {
    const { ui } = setup(
      server(
        () => {
          throw new TypeError('Failed to fetch');
        },
        () => sseResponse(answer('Made it')),
      ),
    );
    await openPanel(ui);
    fireEvent.keyDown(await type(ui, 'hello?'), { key: 'Enter' });
    await settle();
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
    const { ui } = setup(server(() => errorResponse(429, 'rate_limited', { 'Retry-After': '20' })));
    await openPanel(ui);
    fireEvent.keyDown(await type(ui, 'spam'), { key: 'Enter' });
    await settle();
    expect(ui.getByText('Too many messages. Please wait 20s and try again.')).toBeTruthy();
    expect(ui.getByRole('button', { name: 'Retry' }).getAttribute('aria-disabled')).toBe('true');
  });

  it('says the assistant is unavailable on 503', async () => {
    const { ui } = setup(server(() => errorResponse(503, 'model_unavailable')));
    await openPanel(ui);
    fireEvent.keyDown(await type(ui, 'x'), { key: 'Enter' });
    await settle();
    expect(
      ui.getByText('The assistant is unavailable right now. Please try again later.'),
    ).toBeTruthy();
  });

  it('starts a new session quietly when the token is invalid', async () => {
    localStorage.setItem('parley:token:https://chat.example.com', 'expired');
    const { ui } = setup(
      server(
        () => errorResponse(401, 'session_invalid'),
        () =>
          sseResponse([{ event: 'session', data: { token: 'fresh' } }, ...answer('Welcome back')]),
      ),
    );
    await openPanel(ui);
    fireEvent.keyDown(await type(ui, 'hi'), { key: 'Enter' });
    await settle();
    expect(ui.getByText('Welcome back')).toBeTruthy();
    expect(ui.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('shows an offline banner while the browser is offline', async () => {
    const { ui } = setup();
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

describe('new conversation', () => {
  it('confirms inside the widget, then clears and ends the session', async () => {
    const confirm = vi.fn(() => true);
    vi.stubGlobal('confirm', confirm);
    const { ui, active } = setup(server(() => sseResponse(answer('First answer'))));
    await openPanel(ui);
    fireEvent.keyDown(await type(ui, 'first'), { key: 'Enter' });
    await settle();

    fireEvent.click(ui.getByRole('button', { name: 'New conversation' }));
    await settle();
    const dialog = ui.getByRole('alertdialog');
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(active()).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(active() as Element, { key: 'Tab' });
    expect(active()).toBe(within(dialog).getByRole('button', { name: 'New conversation' }));

    fireEvent.click(within(dialog).getByRole('button', { name: 'New conversation' }));
    await settle();
    expect(confirm).not.toHaveBeenCalled();
    expect(ui.queryByRole('alertdialog')).toBeNull();
    expect(ui.queryByText('First answer')).toBeNull();
    expect(requests.some((r) => r.method === 'DELETE' && r.path === '/api/chat/session')).toBe(
      true,
    );
    expect(active()).toBe(ui.getByRole('textbox', { name: 'Message' }));
  });

  it('cancels with Escape without closing the panel', async () => {
    const { ui, active } = setup();
    await openPanel(ui);
    fireEvent.click(ui.getByRole('button', { name: 'New conversation' }));
    await settle();
    fireEvent.keyDown(within(ui.getByRole('alertdialog')).getByRole('button', { name: 'Cancel' }), {
      key: 'Escape',
    });
    await settle();
    expect(ui.queryByRole('alertdialog')).toBeNull();
    expect(ui.getByRole('dialog')).toBeTruthy();
    expect(active()).toBe(ui.getByRole('button', { name: 'New conversation' }));
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);
  });
});

describe('languages', () => {
  it('follows the page language', async () => {
    document.documentElement.lang = 'de-DE';
    const { ui } = setup();
    expect(ui.getByRole('button', { name: 'Chat öffnen' })).toBeTruthy();
    fireEvent.click(ui.getByRole('button', { name: 'Chat öffnen' }));
    await settle();
    expect(ui.getByRole('dialog', { name: 'Support' })).toBeTruthy();
    expect(ui.getByRole('textbox', { name: 'Nachricht' })).toBeTruthy();
  });

  it('lays Arabic out right to left', async () => {
    const { ui, host } = setup(server(), { lang: 'ar' });
    const root = host.shadowRoot.querySelector('.root');
    expect(root?.getAttribute('dir')).toBe('rtl');
    expect(root?.getAttribute('lang')).toBe('ar');
    fireEvent.click(ui.getByRole('button', { name: 'فتح المحادثة' }));
    await settle();
    expect(ui.getByRole('dialog', { name: 'الدعم' })).toBeTruthy();
  });

  it('uses English for languages it does not ship', () => {
    document.documentElement.lang = 'pt-BR';
    const { host } = setup();
    expect(host.shadowRoot.querySelector('.root')?.getAttribute('dir')).toBe('ltr');
    expect(
      within(host.shadowRoot as unknown as HTMLElement).getByRole('button', { name: 'Open chat' }),
    ).toBeTruthy();
  });
});

describe('JS API', () => {
  it('opens, closes, toggles, sends and reports events', async () => {
    const { ui, instance } = setup(server(() => sseResponse(answer('Pong'))));
    const events: string[] = [];
    const onMessage = (m: { role: string; text: string }) => events.push(`${m.role}:${m.text}`);
    instance.on('open', () => events.push('open'));
    instance.on('close', () => events.push('close'));
    instance.on('message', onMessage);

    act(() => instance.open());
    expect(ui.getByRole('dialog')).toBeTruthy();
    act(() => instance.toggle());
    expect(ui.queryByRole('dialog')).toBeNull();
    act(() => {
      expect(instance.send('Ping')).toBe(true);
    });
    await settle();
    instance.off('message', onMessage);
    act(() => instance.close());
    expect(events).toEqual(['open', 'close', 'open', 'user:Ping', 'assistant:Pong', 'close']);
  });

  it('shows an unread badge when an answer arrives while closed', async () => {
    let stream!: ReturnType<typeof openStream>;
    const { ui, instance } = setup(
      server((request) => {
        stream = openStream(request.signal);
        return stream.response;
      }),
    );
    act(() => {
      instance.send('Are you there?');
    });
    await settle();
    act(() => instance.close());
    for (const event of answer('Yes!')) stream.send(event);
    await settle();
    const launcher = ui.getByRole('button', { name: 'Open chat' });
    expect(launcher.getAttribute('aria-describedby')).toBe('parley-unread');
    expect(ui.getByText('1 new message')).toBeTruthy();
    fireEvent.click(launcher);
    await settle();
    expect(ui.queryByText('1 new message')).toBeNull();
  });

  it('unmounts completely', () => {
    const { instance } = setup();
    instance();
    expect(document.querySelector('parley-chat')).toBeNull();
    instance();
  });
});

describe('isolation', () => {
  it('styles through adopted sheets only: no style attributes, no <style> elements', async () => {
    const { ui, host } = setup(
      server(() => sseResponse(answer('**Styled** answer'))),
      {
        accent: '#0f766e',
        zIndex: 42,
        starters: ['One'],
      },
    );
    await openPanel(ui);
    fireEvent.keyDown(await type(ui, 'x'), { key: 'Enter' });
    await settle();
    expect(host.hasAttribute('style')).toBe(false);
    expect(host.shadowRoot.querySelectorAll('[style], style')).toHaveLength(0);
    expect(host.shadowRoot.adoptedStyleSheets).toHaveLength(2);
    const own = host.shadowRoot.adoptedStyleSheets[1]?.cssRules[0] as CSSStyleRule;
    expect(own.style.getPropertyValue('--parley-accent')).toBe('#0f766e');
    expect(own.style.getPropertyValue('z-index')).toBe('42');
  });

  it('ignores an accent the browser does not take for a colour', () => {
    // happy-dom's CSS.supports accepts anything; browsers refuse this value.
    const supports = vi.fn(() => false);
    vi.stubGlobal('CSS', { supports });
    const { host } = setup(server(), { accent: 'red; } * { display: none' });
    expect(supports).toHaveBeenCalledWith('color', 'red; } * { display: none');
    const own = host.shadowRoot.adoptedStyleSheets[1]?.cssRules[0] as CSSStyleRule;
    expect(own.style.getPropertyValue('--parley-accent')).toBe('');
  });

  it('applies the theme and position as classes', () => {
    const { host } = setup(server(), { theme: 'dark', position: 'bottom-left' });
    expect(host.shadowRoot.querySelector('.root')?.className).toBe('root dark left');
  });
});
