import type { Message, StreamEvent } from '@parley/shared';
import {
  type ConversationEvents,
  liveEventId,
  type StreamPosition,
  storedEventId,
} from '../events/conversation-events.js';
import type { SseStream } from '../http/sse.js';
import type { Store } from '../store/store.js';
import { visitorState } from './visitor-state.js';

/** How an assistant answer, and any other stored message, goes out on a stream. */
export function messageEvent(message: Message): StreamEvent {
  return message.role === 'assistant'
    ? { event: 'done', data: message }
    : { event: 'message', data: message };
}

export interface FollowOptions {
  store: Store;
  events: ConversationEvents;
  /** The conversation's session id and public id. */
  conversation: { id: string; publicId: string };
  /** Where the client is: from `Last-Event-ID`, or the end of the log it already has. */
  from: StreamPosition;
  sse: SseStream;
}

/**
 * Follows one conversation on one open stream: first what the client missed since `from` (stored
 * messages from the log, then the running answer's events from the live buffer), then everything
 * as it happens, on whichever instance it happens. It listens before it catches up, and every
 * catch-up is serialised and deduplicated by position, so nothing is lost in between and nothing
 * is sent twice. Returns the function that stops following.
 *
 * Positions: a stored message is sent with its log position as id (`"12"`); the `n`-th event of
 * the answer to the message at 12 as `"12.n"`. An answer that completed while the client was away
 * comes as its remaining live events (when this instance still has them) and then `done` with the
 * whole text, so a client that concatenates deltas and one that takes `done` agree.
 */
export function followConversation(options: FollowOptions): () => void {
  const { store, events, conversation, sse } = options;
  let position = { ...options.from };
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  const sendLive = () => {
    for (const live of events.live.after(conversation.publicId, position.seq, position.n)) {
      // Only contiguous events: one that overtook its predecessor waits for it.
      if (live.n !== position.n + 1) break;
      sse.send(live.event, liveEventId(position.seq, live.n));
      position = { seq: position.seq, n: live.n };
    }
  };

  const catchUp = async () => {
    for (;;) {
      const missed = await store.log.after(conversation.id, position.seq, 200);
      for (const message of missed) {
        if (stopped) return;
        // The rest of an answer the client saw part of, before the stored answer itself.
        if (message.role === 'assistant' && position.n > 0) sendLive();
        sse.send(messageEvent(message), storedEventId(message.seq));
        position = { seq: message.seq, n: 0 };
      }
      if (missed.length < 200) break;
    }
    sendLive();
    if (position.seq > 0) await store.conversations.markSeen(conversation.id, position.seq);
  };

  const sendState = async () => {
    const current = await store.conversations.get(conversation.id);
    if (current && !stopped) sse.send({ event: 'status', data: visitorState(current) });
  };

  const serially = (work: () => Promise<void>) => {
    chain = chain.then(work).catch(() => {
      // A store hiccup: the next bus message, or the client reconnecting, catches up again.
    });
  };

  const unfollow = events.follow(conversation.publicId, (message) => {
    if (stopped) return;
    if (message.type === 'logged' && message.seq > position.seq) serially(catchUp);
    else if (message.type === 'live' && message.base === position.seq)
      serially(async () => sendLive());
    else if (message.type === 'state') serially(sendState);
    else if (message.type === 'resync') {
      serially(sendState);
      serially(catchUp);
    }
  });
  serially(sendState);
  serially(catchUp);

  return () => {
    stopped = true;
    unfollow();
  };
}
