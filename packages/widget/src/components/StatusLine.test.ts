import { fireEvent, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { BOT, historyPage, settle, sseResponse, stored, storedFrame } from '../../test/fake-fetch';
import {
  conversationServer,
  freshPageForEachTest,
  mountWidget,
  openPanel,
  sendMessage,
} from '../../test/widget-harness';

freshPageForEachTest({ token: 'tok' });

describe('the human loop in the widget', () => {
  it('says who answers in a polite status line: waiting, who joined, back to the assistant', async () => {
    const server = conversationServer();
    const { ui } = mountWidget(server.handler);
    await openPanel(ui);
    const status = ui.getByRole('status');
    // role="status" is a polite live region: announced without interrupting.
    expect(status.textContent).toBe('');

    server.events().send({
      event: 'status',
      data: { status: 'waiting', waitMinutes: 2, contactKnown: false },
    });
    await settle();
    expect(status.textContent).toBe('Waiting for a person… about 2 min');
    server.events().send({ event: 'status', data: { status: 'waiting', contactKnown: false } });
    await settle();
    expect(status.textContent).toBe('Waiting for a person…');

    server.events().send({
      event: 'status',
      data: { status: 'human', operator: { name: 'Dana' }, contactKnown: false },
    });
    await settle();
    expect(status.textContent).toBe('Dana joined');

    server.events().send({ event: 'status', data: BOT });
    await settle();
    expect(status.textContent).toBe('Back to the assistant');

    server.events().send({ event: 'status', data: { status: 'closed', contactKnown: false } });
    await settle();
    expect(status.textContent).toBe('This conversation is closed. Write to start again.');
  });

  it("shows an operator's messages with their name and initial, and no empty bubble for the visitor's", async () => {
    const human = { status: 'human' as const, operator: { name: 'Dana' }, contactKnown: false };
    const server = conversationServer({
      history: () =>
        historyPage([stored('user', 'I want a person', { seq: 1 })], { conversation: human }),
      turns: [
        () =>
          sseResponse([
            storedFrame(stored('user', 'My order is late', { seq: 3 })),
            { event: 'status', data: human },
          ]),
      ],
    });
    const { ui, host } = mountWidget(server.handler);
    await openPanel(ui);
    server.events().send(
      storedFrame(
        stored('operator', 'Hi, I am Dana. How can I help?', {
          seq: 2,
          author: { name: 'Dana' },
        }),
      ),
    );
    await settle();
    const log = ui.getByRole('log');
    const message = within(log).getByText('Hi, I am Dana. How can I help?').closest('.msg.op');
    expect(message?.querySelector('.avatar')?.textContent).toBe('D');
    expect(message?.querySelector('.avatar')?.getAttribute('aria-hidden')).toBe('true');
    expect(within(message as HTMLElement).getByText('Dana')).toBeTruthy();
    // Operators get no thumbs: those rate the assistant.
    expect(within(message as HTMLElement).queryByRole('button')).toBeNull();

    await sendMessage(ui, 'My order is late');
    expect(within(log).getByText('My order is late')).toBeTruthy();
    expect(host.shadowRoot.querySelectorAll('.msg.bot[aria-busy]')).toHaveLength(0);
    expect(within(log).queryByText('Typing…')).toBeNull();
  });

  it('counts operator messages that arrive while the panel is closed', async () => {
    const server = conversationServer({
      history: () => historyPage([], { conversation: { status: 'waiting', contactKnown: false } }),
    });
    const { ui } = mountWidget(server.handler);
    await settle();
    server
      .events()
      .send(storedFrame(stored('operator', 'Still there?', { seq: 4, author: { name: 'Dana' } })));
    await settle();
    const launcher = ui.getByRole('button', { name: 'Open chat' });
    expect(ui.getByText('1 new message')).toBeTruthy();
    fireEvent.click(launcher);
    await settle();
    expect(within(ui.getByRole('dialog')).getByText('Still there?')).toBeTruthy();
    expect(ui.queryByText('1 new message')).toBeNull();
  });

  it('speaks the status line in the visitor\u2019s language', async () => {
    const server = conversationServer({
      history: () =>
        historyPage([], {
          conversation: { status: 'human', operator: { name: 'Dana' }, contactKnown: false },
        }),
    });
    const { ui } = mountWidget(server.handler, { lang: 'de' });
    await vi.waitFor(() => ui.getByRole('button', { name: 'Chat öffnen' }));
    fireEvent.click(ui.getByRole('button', { name: 'Chat öffnen' }));
    await settle();
    expect(ui.getByRole('status').textContent).toBe('Dana ist beigetreten');
  });
});
