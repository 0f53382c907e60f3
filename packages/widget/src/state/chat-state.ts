import { DEFAULT_MAX_MESSAGE_LENGTH, fitsLength } from '@parley/shared';
import type { ApiClient } from '../api/client';
import { type FailureCode, type ParleyError, toParleyError } from '../api/errors';
import { readStorage, writeStorage } from '../api/storage';
import { type Cell, cell, type ReadonlyCell } from './cell';
import { createEmitter, type Emitter } from './emitter';
import { type ChatMessage, fromHistory, randomId } from './message';
import { streamTurn } from './turn';

/** One bubble; each has its own cell so a streaming answer re-renders only itself. */
export type MessageCell = Cell<ChatMessage>;

/** Events of the public `on` / `off` API. */
export interface ParleyEvents {
  open: undefined;
  close: undefined;
  /** A message was sent, or an answer finished. `id` is the server's id for answers. */
  message: { role: 'user' | 'assistant'; text: string; id: string };
  error: { code: FailureCode; message: string };
}

export interface ChatStateOptions {
  client: ApiClient;
  /** sessionStorage key under which the open/closed state is kept for the tab. */
  openKey: string;
  /** Open on load when the tab has no remembered state (`data-open`). */
  startOpen: boolean;
  maxLength?: number;
}

/** The widget's whole state and every action on it; components only read and call. */
export interface ChatState {
  readonly messages: ReadonlyCell<readonly MessageCell[]>;
  /** True while a turn is streaming (the composer shows Stop). */
  readonly busy: ReadonlyCell<boolean>;
  readonly isOpen: ReadonlyCell<boolean>;
  /** Answers that finished while the panel was closed. */
  readonly unread: ReadonlyCell<number>;
  readonly online: ReadonlyCell<boolean>;
  /** The composer's text, kept here so it survives closing the panel. */
  readonly draft: Cell<string>;
  readonly events: Emitter<ParleyEvents>;
  readonly maxLength: number;
  /** Opens or closes the panel; `focus: false` opens without moving focus (page load). */
  setOpen(open: boolean, options?: { focus?: boolean }): void;
  /** True once after an open that should move focus into the composer. */
  consumeFocusRequest(): boolean;
  /** Sends a visitor message; false when empty, too long, or a turn is still running. */
  send(text: string): boolean;
  /** Sends a failed turn again with the same Idempotency-Key. */
  retry(message: MessageCell): void;
  /** Aborts the running turn, keeping what has streamed so far. */
  stop(): void;
  /** Ends the server session and clears the transcript. */
  newConversation(): Promise<void>;
  rate(message: MessageCell, rating: 'up' | 'down'): Promise<void>;
  dispose(): void;
}

/** Any promise the widget starts without awaiting ends here, so none can reject unhandled. */
function guard(promise: Promise<unknown>): void {
  promise.catch((error: unknown) => console.error('Parley:', error));
}

/**
 * Creates the chat state for one mounted widget.
 *
 * @example
 * const state = createChatState({ client, openKey: 'parley:open:https://chat.example.com', startOpen: false });
 * state.send('How do I reset my password?');
 */
export function createChatState({
  client,
  openKey,
  startOpen,
  maxLength = DEFAULT_MAX_MESSAGE_LENGTH,
}: ChatStateOptions): ChatState {
  const remembered = readStorage('sessionStorage', openKey);
  const messages = cell<readonly MessageCell[]>([]);
  const busy = cell(false);
  const isOpen = cell(remembered === undefined ? startOpen : remembered === '1');
  const unread = cell(0);
  const online = cell(navigator.onLine !== false);
  const draft = cell('');
  const events = createEmitter<ParleyEvents>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let active: AbortController | undefined;
  let historyRequested = false;
  let focusRequested = false;

  const patch = (message: MessageCell, changes: Partial<ChatMessage>) => {
    message.value = { ...message.peek(), ...changes };
  };

  async function loadHistory(): Promise<void> {
    if (historyRequested) return;
    historyRequested = true;
    try {
      const { messages: past } = await client.history();
      if (past.length > 0) {
        messages.value = [...past.map((entry) => cell(fromHistory(entry))), ...messages.peek()];
      }
    } catch {
      // Nothing to show is better than an error bubble; the next open tries again.
      historyRequested = false;
    }
  }

  async function runTurn(reply: MessageCell, mayResetSession = true): Promise<void> {
    const request = reply.peek().request;
    if (!request) return;
    const controller = new AbortController();
    active = controller;
    busy.value = true;
    patch(reply, {
      phase: 'waiting',
      text: '',
      tool: undefined,
      handoff: undefined,
      failure: undefined,
    });
    try {
      await streamTurn(client, request, reply, controller.signal);
      finish(reply);
    } catch (error) {
      if (controller.signal.aborted) return patch(reply, { phase: 'stopped', tool: undefined });
      const failure = toParleyError(error);
      // The client has already dropped the stale token: quietly send once more to get a fresh session.
      if (failure.code === 'session_invalid' && mayResetSession) return runTurn(reply, false);
      fail(reply, failure);
    } finally {
      if (active === controller) {
        active = undefined;
        busy.value = false;
      }
    }
  }

  function finish(reply: MessageCell): void {
    const { text, messageId, id } = reply.peek();
    if (!isOpen.peek()) unread.value++;
    events.emit('message', { role: 'assistant', text, id: messageId ?? id });
  }

  function fail(reply: MessageCell, error: ParleyError): void {
    const { code, retryable, retryAfter } = error;
    const waiting = retryAfter !== undefined;
    const offline = code === 'network' && navigator.onLine === false;
    patch(reply, {
      phase: 'failed',
      tool: undefined,
      failure: { code, retryable, retryAfter, waiting, offline },
    });
    if (waiting) {
      later(retryAfter * 1000, () => {
        const failure = reply.peek().failure;
        if (failure) patch(reply, { failure: { ...failure, waiting: false } });
      });
    }
    events.emit('error', { code, message: error.message });
  }

  /** Aborts the running turn; the composer is free again at once, not when the stream unwinds. */
  function cancelTurn(): void {
    active?.abort();
    active = undefined;
    busy.value = false;
  }

  function later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  }

  function retry(reply: MessageCell): void {
    const failure = reply.peek().failure;
    if (busy.peek() || !failure?.retryable || failure.waiting) return;
    guard(runTurn(reply));
  }

  const onOnline = () => {
    online.value = true;
    // Resume the last turn when it failed only because the network was gone.
    const last = messages.peek().at(-1);
    if (last?.peek().failure?.code === 'network') retry(last);
  };
  const onOffline = () => {
    online.value = false;
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);

  // Fetch the transcript up front only when there is a session to restore (or the panel shows);
  // other visitors would pay a request on every page view for nothing.
  if (client.hasToken() || isOpen.peek()) guard(loadHistory());

  return {
    messages,
    busy,
    isOpen,
    unread,
    online,
    draft,
    events,
    maxLength,
    setOpen(next, { focus = true } = {}) {
      if (isOpen.peek() === next) return;
      isOpen.value = next;
      writeStorage('sessionStorage', openKey, next ? '1' : '0');
      if (next) {
        unread.value = 0;
        focusRequested = focus;
        guard(loadHistory());
      }
      events.emit(next ? 'open' : 'close', undefined);
    },
    consumeFocusRequest() {
      const requested = focusRequested;
      focusRequested = false;
      return requested;
    },
    send(text) {
      const message = text.trim();
      if (!message || !fitsLength(message, maxLength) || busy.peek()) return false;
      const clientMessageId = randomId();
      const reply = cell<ChatMessage>({
        id: randomId(),
        role: 'assistant',
        text: '',
        phase: 'waiting',
        request: { message, clientMessageId, idempotencyKey: randomId() },
      });
      const question = cell<ChatMessage>({
        id: clientMessageId,
        role: 'user',
        text: message,
        phase: 'done',
      });
      messages.value = [...messages.peek(), question, reply];
      events.emit('message', { role: 'user', text: message, id: clientMessageId });
      guard(runTurn(reply));
      return true;
    },
    retry,
    stop: cancelTurn,
    async newConversation() {
      cancelTurn();
      messages.value = [];
      unread.value = 0;
      historyRequested = true;
      try {
        await client.endSession();
      } catch {
        // The transcript is gone locally and the token forgotten; the server expires the session.
      }
    },
    async rate(message, rating) {
      const { messageId, rating: previous } = message.peek();
      if (!messageId || previous === rating) return;
      patch(message, { rating });
      try {
        await client.feedback({ messageId, rating });
      } catch (error) {
        patch(message, { rating: previous });
        const { code, message: text } = toParleyError(error);
        events.emit('error', { code, message: text });
      }
    },
    dispose() {
      cancelTurn();
      for (const timer of timers) clearTimeout(timer);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      events.clear();
    },
  };
}
