import type { ContactReply } from '@parley/shared';
import { within } from '@testing-library/preact';
import { afterEach, beforeEach, vi } from 'vitest';
import { tokenKey } from '../src/api/client';
import { type MountOptions, mount, type ParleyInstance } from '../src/index';
import { loadPart } from '../src/parts';
import {
  BOT,
  type Frame,
  fakeFetch,
  type Handler,
  historyPage,
  openStream,
  type RecordedRequest,
  SERVER,
  settle,
  sseResponse,
} from './fake-fetch';

// The address `mountWidget` gives the widget, for tests that expect it in the links it shows.
export { SERVER } from './fake-fetch';

// The Markdown renderer is a part the widget fetches when the panel opens; the widget under test
// starts with it loaded, as a visitor's first answer does (Markdown.test covers the wait).
await loadPart('markdown');

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

/** Leaves the session token an earlier visit would have: the widget resumes that conversation. */
export function returningVisitor(token = 'tok'): void {
  localStorage.setItem(tokenKey(SERVER), token);
}

/**
 * Call once in a file of widget tests: each test starts on a fresh page (as a returning visitor
 * holding `token`, when given) and ends with its widget unmounted.
 */
export function freshPageForEachTest({ token }: { token?: string } = {}): void {
  beforeEach(() => {
    freshPage();
    if (token) returningVisitor(token);
  });
  afterEach(unmountWidget);
}

/**
 * History is empty; chat turns come from the queue in order; everything else answers 204 (the
 * event stream too: there is no conversation to follow).
 */
export function server(...chatTurns: Array<(request: RecordedRequest) => Response>): Handler {
  return (request) => {
    if (request.path === '/api/chat/history') return historyPage();
    if (request.path !== '/api/chat') return new Response(null, { status: 204 });
    const next = chatTurns.shift();
    if (!next) throw new Error('unexpected chat request');
    return next(request);
  };
}

export interface ConversationServerOptions {
  /** Each `GET /api/chat/history`; an empty conversation by default. */
  history?: Handler;
  /** `POST /api/chat` answers, in order. */
  turns?: Handler[];
  /** Any other route (contact, identify, feedback…); 204 by default. */
  other?: Handler;
}

/**
 * A server with a conversation to follow: every `GET /api/chat/events` opens a stream the test
 * writes to (`events()` is the latest).
 */
export function conversationServer({ history, turns = [], other }: ConversationServerOptions = {}) {
  const streams: Array<ReturnType<typeof openStream>> = [];
  const handler: Handler = (request) => {
    if (request.path === '/api/chat/history') return history?.(request) ?? historyPage();
    if (request.path === '/api/chat/events') {
      const stream = openStream(request.signal);
      streams.push(stream);
      return stream.response;
    }
    if (request.path === '/api/chat' && request.method === 'POST') {
      const next = turns.shift();
      if (!next) throw new Error('unexpected chat request');
      return next(request);
    }
    return other?.(request) ?? new Response(null, { status: 204 });
  };
  const events = () => {
    const stream = streams.at(-1);
    if (!stream) throw new Error('the widget is not following the conversation');
    return stream;
  };
  return { handler, streams, events };
}

/**
 * A server whose one chat turn starts a session and sends `frames` (an answer and a `contact`
 * ask, say), and which takes the address the email form then posts: the team has it now.
 */
export function contactServer(frames: Frame[]) {
  const reply: ContactReply = { conversation: { ...BOT, contactKnown: true } };
  return conversationServer({
    turns: [() => sseResponse([{ event: 'session', data: { token: 'tok' } }, ...frames])],
    other: (request) =>
      request.path === '/api/chat/contact'
        ? Response.json(reply)
        : new Response(null, { status: 204 }),
  });
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
