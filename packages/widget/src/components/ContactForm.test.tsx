import { fireEvent, render, within } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { answer, BOT, errorResponse, historyPage, settle, stored } from '../../test/fake-fetch';
import {
  contactServer,
  conversationServer,
  freshPageForEachTest,
  mountWidget,
  openPanel,
  returningVisitor,
  sendMessage,
} from '../../test/widget-harness';
import type { FailureCode } from '../api/errors';
import type { ContactAsk } from '../state/chat-state';
import { ContactForm } from './ContactForm';

freshPageForEachTest();

/** The form alone, in a shadow root as in the widget, with `onSubmit` answering as told. */
function renderForm(
  answers: Array<FailureCode | undefined>,
  ask: ContactAsk = { reason: 'after_hours' },
) {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  const container = document.createElement('div');
  root.append(container);
  const onSubmit = vi.fn(async () => answers.shift());
  const view = render(<ContactForm ask={ask} lang="en" onSubmit={onSubmit} />, { container });
  const ui = within(container);
  const email = () => ui.getByRole('textbox', { name: 'Email' }) as HTMLInputElement;
  const submit = async (value: string, name = '') => {
    email().value = value;
    (ui.getByRole('textbox', { name: 'Name (optional)' }) as HTMLInputElement).value = name;
    fireEvent.submit(ui.getByRole('form'));
    await settle();
  };
  return { ui, root, email, submit, onSubmit, view };
}

describe('ContactForm', () => {
  it('is a named form with labelled fields, and its styles join the shadow root', () => {
    const { ui, root } = renderForm([]);
    const form = ui.getByRole('form');
    expect(form.getAttribute('aria-labelledby')).toBe('parley-contact');
    expect(within(form).getByText(/Our team is offline right now/)).toBeTruthy();
    expect(ui.getByRole('textbox', { name: 'Email' }).getAttribute('autocomplete')).toBe('email');
    expect(ui.getByRole('textbox', { name: 'Email' }).getAttribute('aria-required')).toBe('true');
    expect(ui.getByRole('button', { name: 'Send' })).toBeTruthy();
    expect(root.adoptedStyleSheets).toHaveLength(1);
  });

  it('asks for a follow-up address in other words', () => {
    const { ui } = renderForm([], { reason: 'follow_up' });
    expect(ui.getByText('Leave your email so the team can follow up.')).toBeTruthy();
  });

  it('explains a missing or invalid address on the field, and moves focus there', async () => {
    const { ui, root, email, submit, onSubmit } = renderForm([]);
    await submit('  ');
    expect(email().getAttribute('aria-invalid')).toBe('true');
    expect(email().getAttribute('aria-describedby')).toBe('parley-contact-error');
    expect(ui.getByText('Enter your email address.').id).toBe('parley-contact-error');
    expect(root.activeElement).toBe(email());
    await submit('sam@example');
    expect(ui.getByText('Enter a valid email address, like name@example.com.')).toBeTruthy();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('sends the address and the name, then thanks the visitor with focus on the thanks', async () => {
    const { ui, root, submit, onSubmit, view } = renderForm([undefined]);
    await submit(' sam@example.com ', ' Sam ');
    expect(onSubmit).toHaveBeenCalledWith({ email: 'sam@example.com', name: 'Sam' });
    view.rerender(
      <ContactForm
        ask={{ reason: 'after_hours', sentTo: 'sam@example.com' }}
        lang="en"
        onSubmit={onSubmit}
      />,
    );
    await settle();
    const thanks = ui.getByText('Thanks! The team will reply to sam@example.com.');
    expect(root.activeElement).toBe(thanks);
    expect(ui.queryByRole('form')).toBeNull();
  });

  it('leaves the name out when none was given', async () => {
    const { submit, onSubmit } = renderForm([undefined]);
    await submit('sam@example.com');
    expect(onSubmit).toHaveBeenCalledWith({ email: 'sam@example.com' });
  });

  it('announces a failed send, and puts a refused address back on the field', async () => {
    const { ui, email, submit } = renderForm(['network', 'invalid_request']);
    await submit('sam@example.com');
    expect(ui.getByRole('alert').textContent).toBe("Couldn't send it. Please try again.");
    expect(email().getAttribute('aria-invalid')).toBe('false');
    await submit('sam@example.co');
    expect(ui.queryByRole('alert')).toBeNull();
    expect(email().getAttribute('aria-invalid')).toBe('true');
  });

  it('speaks the visitor\u2019s language, the address left to right', () => {
    const { container } = render(
      <ContactForm ask={{ reason: 'after_hours' }} lang="ar" onSubmit={vi.fn()} />,
    );
    const ui = within(container as HTMLElement);
    expect(ui.getByRole('textbox', { name: 'البريد الإلكتروني' }).getAttribute('dir')).toBe('ltr');
    expect(ui.getByRole('button', { name: 'إرسال' })).toBeTruthy();
  });
});

describe('the email form in the widget', () => {
  it('appears when the team asks for an address, and sends it to the conversation', async () => {
    const server = contactServer([
      ...answer('Our team is offline right now.', { ticketId: 'T-7' }),
      { event: 'contact', data: { reason: 'after_hours' } },
    ]);
    const { ui, requests } = mountWidget(server.handler);
    await openPanel(ui);
    await sendMessage(ui, 'I want to talk to a person');
    const log = ui.getByRole('log');
    const form = await vi.waitFor(() => within(log).getByRole('form'));
    const email = within(form).getByRole('textbox', { name: 'Email' }) as HTMLInputElement;
    email.value = 'sam@example.com';
    fireEvent.submit(form);
    await vi.waitFor(() => ui.getByText('Thanks! The team will reply to sam@example.com.'));
    expect(requests.find((r) => r.path === '/api/chat/contact')?.body).toEqual({
      email: 'sam@example.com',
    });
  });

  it('asks again after a reload while a ticket waits for an address', async () => {
    returningVisitor();
    const server = conversationServer({
      history: () =>
        historyPage([
          stored('user', 'I want a person'),
          stored('assistant', 'Ticket opened.', { ticketId: 'T-1' }),
        ]),
    });
    const { ui } = mountWidget(server.handler);
    await openPanel(ui);
    await vi.waitFor(() => ui.getByText('Leave your email so the team can follow up.'));
  });

  it('stays away when the team already has an address', async () => {
    returningVisitor();
    const server = conversationServer({
      history: () =>
        historyPage([stored('assistant', 'Ticket opened.', { ticketId: 'T-1' })], {
          conversation: { ...BOT, contactKnown: true },
        }),
      other: () => errorResponse(500, 'internal'),
    });
    const { ui } = mountWidget(server.handler);
    await openPanel(ui);
    await settle();
    expect(ui.queryByRole('form', { name: /email/i })).toBeNull();
    expect(ui.queryByRole('textbox', { name: 'Email' })).toBeNull();
  });
});
