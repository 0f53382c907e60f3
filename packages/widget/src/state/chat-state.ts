import {
  type ContactRequest,
  type ConversationState,
  DEFAULT_MAX_MESSAGE_LENGTH,
  fitsLength,
  type ParsedSseEvent,
  type StreamEventData,
} from '@parley/shared';
import { type ApiClient, NO_HISTORY } from '../api/client';
import { type FailureCode, type ParleyError, toParleyError } from '../api/errors';
import { readStorage, writeStorage } from '../api/storage';
import { type Cell, cell, type ReadonlyCell } from './cell';
import { createEmitter, type Emitter } from './emitter';
import { createFollower } from './follow';
import { type ChatMessage, randomId } from './message';
import { createTranscript, type MessageCell } from './transcript';
import { settled, streamTurn } from './turn';

export type { MessageCell } from './transcript';

/** Events of the public `on` / `off` API. */
export interface ParleyEvents {
  open: undefined;
  close: undefined;
  /** A message was sent, an answer finished, or an operator wrote. `id` is the server's id for those. */
  message: { role: ChatMessage['role']; text: string; id: string };
  error: { code: FailureCode; message: string };
}

/** Where the conversation stands, and whether a person just handed it back to the assistant. */
export interface Standing extends ConversationState {
  handedBack?: boolean;
}

/** The email form: why the team asks, and where they will reply once the visitor said. */
export interface ContactAsk {
  reason: StreamEventData<'contact'>['reason'];
  sentTo?: string;
}

export interface ChatStateOptions {
  client: ApiClient;
  /** sessionStorage key under which the open/closed state is kept for the tab. */
  openKey: string;
  /** Open on load when the tab has no remembered state (`data-open`). */
  startOpen: boolean;
  /** A signed identity token from the site (`data-identity-token`), sent before anything else. */
  identityToken?: string | undefined;
  maxLength?: number;
}

/** The widget's whole state and every action on it; components only read and call. */
export interface ChatState {
  readonly messages: ReadonlyCell<readonly MessageCell[]>;
  /** True while a turn is streaming (the composer shows Stop). */
  readonly busy: ReadonlyCell<boolean>;
  readonly isOpen: ReadonlyCell<boolean>;
  /** Answers and operator messages that arrived while the panel was closed. */
  readonly unread: ReadonlyCell<number>;
  readonly online: ReadonlyCell<boolean>;
  readonly standing: ReadonlyCell<Standing>;
  readonly contact: ReadonlyCell<ContactAsk | undefined>;
  /** True while the server has messages older than those shown. */
  readonly older: ReadonlyCell<boolean>;
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
  /** Stops the running answer here and on the server, keeping what has streamed so far. */
  stop(): void;
  /** Loads the page of messages before those shown. */
  loadOlder(): Promise<void>;
  /** Gives the team the visitor's email; resolves with what went wrong, if anything. */
  sendContact(contact: ContactRequest): Promise<FailureCode | undefined>;
  /** Proves who the visitor is; their conversation from another device replaces this one. */
  identify(token: string): Promise<void>;
  /** Ends the server session and clears the transcript. */
  newConversation(): Promise<void>;
  rate(message: MessageCell, rating: 'up' | 'down'): Promise<void>;
  dispose(): void;
}

/** Any promise the widget starts without awaiting ends here, so none can reject unhandled. */
function guard(promise: Promise<unknown>): void {
  promise.catch((error: unknown) => console.error('Parley:', error));
}

const withPeople = ({ status }: ConversationState) => status === 'waiting' || status === 'human';

/**
 * Creates the chat state for one mounted widget. It follows the conversation's event stream while
 * the panel is open, while people handle the conversation (their messages count as unread), and
 * while an answer whose own stream dropped is still being written.
 *
 * @example
 * const state = createChatState({ client, openKey: 'parley:open:https://chat.example.com', startOpen: false });
 * state.send('How do I reset my password?');
 */
export function createChatState({
  client,
  openKey,
  startOpen,
  identityToken,
  maxLength = DEFAULT_MAX_MESSAGE_LENGTH,
}: ChatStateOptions): ChatState {
  const remembered = readStorage('sessionStorage', openKey);
  const isOpen = cell(remembered === undefined ? startOpen : remembered === '1');
  const unread = cell(0);
  const events = createEmitter<ParleyEvents>();
  const transcript = createTranscript((arrived) => {
    const { role, text, messageId = '' } = arrived.peek();
    if (!isOpen.peek()) unread.value++;
    events.emit('message', { role, text, id: messageId });
  });
  const { messages } = transcript;
  const busy = cell(false);
  const online = cell(navigator.onLine !== false);
  const draft = cell('');
  const standing = cell<Standing>(NO_HISTORY.conversation);
  const contact = cell<ContactAsk | undefined>(undefined);
  const older = cell(false);
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let active: { controller: AbortController; reply: MessageCell } | undefined;
  let resuming = false;
  /** Identity checks run first; history and turns wait for them. */
  let ready: Promise<unknown> = Promise.resolve();
  let history: Promise<void> | undefined;
  let historyLoaded = false;
  let before: string | undefined;
  let loadingOlder = false;
  /** Bumped when the conversation is replaced, so late answers about the old one are dropped. */
  let generation = 0;
  let focusRequested = false;
  let identityWarned = false;
  let contactSending = false;

  const follower = createFollower({
    client,
    after: transcript.position,
    receive: (parsed) => receive(parsed),
  });

  const patch = (message: MessageCell, changes: Partial<ChatMessage>) => {
    message.value = { ...message.peek(), ...changes };
  };

  /**
   * Follow the event stream when there is a conversation, a position in it to start from (the
   * latest history page, or an event of this page's own turn), and a reason to.
   */
  function refollow(): void {
    follower.set(
      (historyLoaded || transcript.position() !== '0') &&
        (client.hasToken() || messages.peek().length > 0) &&
        (isOpen.peek() || resuming || withPeople(standing.peek())),
    );
  }

  function setStanding(next: ConversationState): void {
    const was = standing.peek();
    standing.value = {
      ...next,
      handedBack: next.status === 'bot' && (withPeople(was) || was.handedBack),
    };
    // A verified identity brought an address: the form has nothing left to ask. (Not the
    // visitor's own address arriving: the form thanks them for that one.)
    if (next.contactKnown && !contactSending && !contact.peek()?.sentTo) contact.value = undefined;
    refollow();
  }

  /** One event from either stream; `own` when it came on the running turn's own stream. */
  function receive(parsed: ParsedSseEvent, own = false): void {
    const { event } = parsed;
    if (event.event === 'session') {
      client.setToken(event.data.token);
      refollow();
    } else if (event.event === 'status') setStanding(event.data);
    else if (event.event === 'contact') {
      if (!standing.peek().contactKnown) contact.value = { reason: event.data.reason };
    } else transcript.apply(parsed, active?.reply, own);
  }

  function loadHistory(): Promise<void> {
    if (history) return history;
    const current = generation;
    history = ready
      .then(() => client.history())
      .then((page) => {
        if (current !== generation) return;
        transcript.addPage(page.messages);
        before = page.before;
        older.value = before !== undefined;
        historyLoaded = true;
        setStanding(page.conversation);
        // A ticket waits for a follow-up the team has no address for.
        if (!page.conversation.contactKnown && page.messages.some((m) => m.ticketId))
          contact.value ??= { reason: 'follow_up' };
      })
      .catch(() => {
        // Nothing to show is better than an error bubble; the next open tries again.
        if (current === generation) history = undefined;
      });
    return history;
  }

  /** Forgets the conversation shown (a new one, or the visitor's own from another device). */
  function reset(): void {
    cancelTurn();
    generation++;
    history = undefined;
    historyLoaded = false;
    before = undefined;
    transcript.clear();
    older.value = false;
    contact.value = undefined;
    standing.value = NO_HISTORY.conversation;
    unread.value = 0;
    follower.set(false);
  }

  async function runTurn(reply: MessageCell, mayResetSession = true): Promise<void> {
    const request = reply.peek().request;
    if (!request) return;
    const controller = new AbortController();
    active = { controller, reply };
    busy.value = true;
    patch(reply, {
      phase: withPeople(standing.peek()) ? 'sending' : 'waiting',
      text: '',
      tool: undefined,
      handoff: undefined,
      failure: undefined,
    });
    try {
      await ready;
      await history;
      const end = await streamTurn(client, request, reply, controller.signal, (parsed) =>
        receive(parsed, true),
      );
      if (end === 'forwarded') transcript.remove(reply);
      if (end === 'cut') await resume(reply, controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return patch(reply, { phase: 'stopped', tool: undefined });
      const failure = toParleyError(error);
      // The client has already dropped the stale token: quietly send once more to get a fresh session.
      if (failure.code === 'session_invalid' && mayResetSession) return runTurn(reply, false);
      fail(reply, failure);
    } finally {
      if (active?.controller === controller) {
        active = undefined;
        busy.value = false;
      }
    }
  }

  /**
   * The answer's own stream dropped after its question was stored: the server goes on writing it,
   * and the conversation's event stream (resumed after the last event seen) brings the rest.
   */
  async function resume(reply: MessageCell, signal: AbortSignal): Promise<void> {
    resuming = true;
    refollow();
    try {
      await settled(reply, signal);
    } finally {
      resuming = false;
      refollow();
    }
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
    active?.controller.abort();
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

  function identify(token: string): Promise<void> {
    ready = ready
      .then(() => client.identify(token))
      .then(
        (reply) => {
          if (reply.switched) reset();
          setStanding(reply.conversation);
        },
        (error: unknown) => {
          // Nothing changes: the visitor goes on as a guest. Said once, for the site's developer.
          if (identityWarned) return;
          identityWarned = true;
          console.warn(`Parley: identify refused (${toParleyError(error).message}).`);
        },
      );
    return ready.then(() => {
      if (client.hasToken() || isOpen.peek()) return loadHistory();
    });
  }

  const onOnline = () => {
    online.value = true;
    follower.wake();
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
  if (identityToken) guard(identify(identityToken));
  else if (client.hasToken() || isOpen.peek()) guard(loadHistory());

  return {
    messages,
    busy,
    isOpen,
    unread,
    online,
    standing,
    contact,
    older,
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
      refollow();
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
      transcript.push(
        cell<ChatMessage>({ id: clientMessageId, role: 'user', text: message, phase: 'done' }),
        reply,
      );
      if (standing.peek().handedBack) standing.value = { ...standing.peek(), handedBack: false };
      events.emit('message', { role: 'user', text: message, id: clientMessageId });
      guard(runTurn(reply));
      return true;
    },
    retry,
    stop() {
      if (!active) return;
      cancelTurn();
      // The server goes on writing an answer whose visitor left; only Stop ends it.
      guard(client.stop());
    },
    async loadOlder() {
      if (loadingOlder || !before) return;
      loadingOlder = true;
      const current = generation;
      try {
        const page = await client.history(before);
        if (current !== generation) return;
        transcript.addPage(page.messages);
        before = page.before;
        older.value = before !== undefined;
      } catch {
        // The next scroll to the top tries again.
      } finally {
        loadingOlder = false;
      }
    },
    async sendContact(body) {
      contactSending = true;
      try {
        const reply = await client.contact(body);
        const asked = contact.peek();
        if (asked) contact.value = { ...asked, sentTo: body.email };
        setStanding(reply.conversation);
        return undefined;
      } catch (error) {
        return toParleyError(error).code;
      } finally {
        contactSending = false;
      }
    },
    identify,
    async newConversation() {
      reset();
      // Nothing to load: the next message starts a new conversation.
      history = Promise.resolve();
      historyLoaded = true;
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
      follower.dispose();
      for (const timer of timers) clearTimeout(timer);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      events.clear();
    },
  };
}
