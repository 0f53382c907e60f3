import { within } from '@testing-library/preact';
import { vi } from 'vitest';
import { type MountOptions, mount, type ParleyInstance } from '../src/index';
import { fakeFetch, type Handler, type RecordedRequest, settle } from './fake-fetch';

export const SERVER = 'https://chat.example.com';

let instance: ParleyInstance | undefined;

/** Forgets tokens and open state and sets the page language, as for a first visit. */
export function freshPage(lang = 'en'): void {
  localStorage.clear();
  sessionStorage.clear();
  document.documentElement.lang = lang;
}

/** Unmounts the widget a test mounted; use in `afterEach`. */
export function unmountWidget(): void {
  instance?.();
  instance = undefined;
  document.body.replaceChildren();
}

/** History is empty; chat turns come from the queue in order; everything else answers 204. */
export function server(...chatTurns: Array<(request: RecordedRequest) => Response>): Handler {
  return (request) => {
    if (request.path === '/api/chat/history') return Response.json({ messages: [] });
    if (request.path !== '/api/chat') return new Response(null, { status: 204 });
    const next = chatTurns.shift();
    if (!next) throw new Error('unexpected chat request');
    return next(request);
  };
}

/** Mounts the widget against a fake server; queries run inside its shadow root. */
export function mountWidget(handler: Handler = server(), options: Partial<MountOptions> = {}) {
  const fake = fakeFetch(handler);
  vi.stubGlobal('fetch', fake.fetch);
  instance = mount({ server: SERVER, ...options });
  const host = document.querySelector('parley-chat') as HTMLElement & { shadowRoot: ShadowRoot };
  const ui = within(host.shadowRoot as unknown as HTMLElement);
  const active = () => host.shadowRoot.activeElement;
  const chats = () => fake.requests.filter((r) => r.path === '/api/chat');
  return { host, ui, active, instance, requests: fake.requests, chats };
}

export type WidgetUi = ReturnType<typeof mountWidget>['ui'];

export async function openPanel(ui: WidgetUi): Promise<HTMLElement> {
  ui.getByRole('button', { name: 'Open chat' }).click();
  await settle();
  return ui.getByRole('dialog');
}

/** Types into the message box (as an input event) and returns it. */
export async function typeMessage(ui: WidgetUi, text: string): Promise<HTMLTextAreaElement> {
  const box = ui.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  await settle(1);
  return box;
}

/** Types a message and presses Enter. */
export async function sendMessage(ui: WidgetUi, text: string): Promise<void> {
  const box = await typeMessage(ui, text);
  box.dispatchEvent(
    new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }),
  );
  await settle();
}
