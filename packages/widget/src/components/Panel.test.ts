import { fireEvent, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { answer, settle, sseResponse } from '../../test/fake-fetch';
import {
  freshPageForEachTest,
  mountWidget,
  openPanel,
  sendMessage,
  server,
  typeMessage,
} from '../../test/widget-harness';

freshPageForEachTest();

describe('launcher and panel', () => {
  it('starts closed with an accessible launcher', () => {
    const { ui, host } = mountWidget();
    const launcher = ui.getByRole('button', { name: 'Open chat' });
    expect(launcher.getAttribute('aria-expanded')).toBe('false');
    expect(ui.queryByRole('dialog')).toBeNull();
    expect(host.shadowRoot.mode).toBe('open');
  });

  it('opens a dialog named by its title and moves focus into the message box', async () => {
    const { ui, active } = mountWidget(server(), {
      title: 'Acme help',
      subtitle: 'We reply in minutes',
    });
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
    const { ui, active } = mountWidget();
    await openPanel(ui);
    fireEvent.keyDown(ui.getByRole('textbox', { name: 'Message' }), { key: 'Escape' });
    await settle();
    expect(ui.queryByRole('dialog')).toBeNull();
    expect(active()).toBe(ui.getByRole('button', { name: 'Open chat' }));
  });

  it('closes from the header button and keeps the draft', async () => {
    const { ui } = mountWidget();
    await openPanel(ui);
    await typeMessage(ui, 'half a thought');
    fireEvent.click(within(ui.getByRole('dialog')).getByRole('button', { name: 'Close chat' }));
    await settle();
    expect(ui.queryByRole('dialog')).toBeNull();
    await openPanel(ui);
    expect((ui.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement).value).toBe(
      'half a thought',
    );
  });

  it('opens on load with data-open without stealing focus from the page', async () => {
    const { ui, active } = mountWidget(server(), { open: true });
    await settle();
    expect(ui.getByRole('dialog')).toBeTruthy();
    expect(active()).toBeNull();
  });

  it('shows the greeting and starters, and a starter sends its question', async () => {
    const { ui, requests } = mountWidget(
      server(() => sseResponse(answer('We are open 9–5.'))),
      {
        greeting: 'Hello there!',
        starters: ['Opening hours?', 'Pricing'],
      },
    );
    const dialog = await openPanel(ui);
    expect(within(dialog).getByText('Hello there!')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Opening hours?' }));
    await settle();
    expect(requests.find((r) => r.path === '/api/chat')?.body).toMatchObject({
      message: 'Opening hours?',
    });
    expect(within(dialog).queryByRole('button', { name: 'Pricing' })).toBeNull();
    // What the visitor sent and what came back are announced: they are in the live log.
    const log = ui.getByRole('log');
    expect(within(log).getByText('Opening hours?')).toBeTruthy();
    expect(within(log).getByText('We are open 9–5.')).toBeTruthy();
  });
});

describe('new conversation', () => {
  it('confirms inside the widget, then clears and ends the session', async () => {
    const confirm = vi.fn(() => true);
    vi.stubGlobal('confirm', confirm);
    const { ui, active, requests } = mountWidget(server(() => sseResponse(answer('First answer'))));
    await openPanel(ui);
    await sendMessage(ui, 'first');

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
    const { ui, active, requests } = mountWidget();
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
