import {
  type ChatReply,
  type ChatRequest,
  ClientId,
  createChatRequestSchema,
  FeedbackRequest,
  HistoryQuery,
  type HistoryResponse,
  IDEMPOTENCY_KEY_HEADER,
  RETRYABLE_ERROR_CODES,
  type StreamEvent,
} from '@parley/shared';
import { type RequestHandler, Router } from 'express';
import type { Clock } from '../clock.js';
import {
  type ConversationEvents,
  parseStreamPosition,
  storedEventId,
} from '../events/conversation-events.js';
import { asVisitorError, HttpError, toHttpError } from '../http/errors.js';
import type { RateLimits } from '../http/rate-limits.js';
import { type SessionIdentity, sessionOf } from '../http/session-identity.js';
import { startSse } from '../http/sse.js';
import { parseInput } from '../http/validate.js';
import type { TurnTracker } from '../lifecycle/turn-tracker.js';
import type { Metrics } from '../observability/metrics.js';
import type { Store } from '../store/store.js';
import { followConversation, messageEvent } from './event-stream.js';
import { TurnAbortedError, TurnFailedError } from './turn-errors.js';
import { observeTurn, type TurnObserverDeps } from './turn-observer.js';
import type { TurnOutcome, Turns } from './turns.js';
import { visitorState } from './visitor-state.js';

/** An event stream of a conversation is ended after this long; the widget reconnects. */
export const EVENT_STREAM_MAX_MS = 30 * 60_000;

export interface ChatRoutesDeps {
  turns: Turns;
  identity: SessionIdentity;
  store: Store;
  events: ConversationEvents;
  clock: Clock;
  maxMessageLength: number;
  /** An answer's stream still open after this long is ended with a retryable error. */
  maxStreamDurationMs: number;
  limits: Pick<
    RateLimits,
    'ipMessages' | 'ipSessions' | 'sessionMessages' | 'ipReads' | 'ipFeedback'
  >;
  /** Concurrent answer streams, and concurrent event streams, per address. */
  streams: RequestHandler;
  eventStreams: RequestHandler;
  tracker: TurnTracker;
  metrics: Metrics;
  observer: TurnObserverDeps;
}

/**
 * `/api/chat`: send a message (JSON or SSE), follow the conversation (SSE, resumable), stop an
 * answer, read history page by page, erase the conversation, rate an answer. The routes map HTTP
 * to a turn and back; the rules live in `turns.ts`.
 */
export function chatRoutes(deps: ChatRoutesDeps): Router {
  const router = Router();
  const ChatRequestBody = createChatRequestSchema(deps.maxMessageLength);
  const { store, identity } = deps;

  /** The body and Idempotency-Key, checked before anything is counted or created. */
  const validChatRequest: RequestHandler = function validChatRequest(req, res, next) {
    res.locals.chatRequest = parseInput(ChatRequestBody, req.body);
    const rawKey = req.get(IDEMPOTENCY_KEY_HEADER);
    res.locals.idempotencyKey =
      rawKey === undefined ? undefined : parseInput(ClientId, rawKey, IDEMPOTENCY_KEY_HEADER);
    next();
  };

  router.post(
    '/api/chat',
    deps.limits.ipMessages,
    deps.streams,
    validChatRequest,
    identity.resolveToWrite,
    deps.limits.ipSessions,
    identity.ensure,
    deps.limits.sessionMessages,
    async (req, res) => {
      const body = res.locals.chatRequest as ChatRequest;
      const session = sessionOf(res)!;
      const { conversation } = session;
      // One controller per turn, aborted by Stop (from any instance), the stream deadline or a
      // shutdown that stops waiting. The visitor's connection closing is not one of them.
      const abort = new AbortController();
      const tracked = deps.tracker.begin(abort);
      const deadline = streamDeadline(abort, deps.maxStreamDurationMs);
      const unstop = deps.events.onStop(conversation.publicId, () => abort.abort());
      const observer = observeTurn(deps.observer, res, conversation.publicId);
      let sse: ReturnType<typeof startSse> | undefined;
      const streaming = wantsEventStream(req.get('accept'));
      const run = deps.turns.turn({
        conversation,
        message: body.message,
        idempotencyKey: res.locals.idempotencyKey as string | undefined,
        signal: abort.signal,
        connected: () => sse !== undefined && !res.destroyed,
        emit: observer.emit((event, id) => sse?.send(event, id)),
        onAccepted: () => {
          observer.accepted();
          if (!streaming) return;
          sse = startSse(res);
          res.once('close', deps.metrics.streamOpened());
          if (session.created) sse.send({ event: 'session', data: { token: session.token } });
        },
      });
      // The turn counts as running (for a graceful shutdown) until its answer is written out.
      try {
        await respond();
      } finally {
        tracked.end();
        deadline.clear();
        unstop();
      }

      async function respond(): Promise<void> {
        let outcome: TurnOutcome | undefined;
        try {
          outcome = await run;
          observer.finished(outcome, undefined, body.message);
        } catch (error) {
          observer.finished(undefined, error, body.message);
          // Before the stream started, errors are ordinary JSON responses with a status.
          if (!sse) throw error;
          if (!(error instanceof TurnAbortedError))
            sse.send({ event: 'error', data: toErrorEventData(error) });
        }
        if (!outcome) {
          sse?.close();
          return;
        }
        if (!sse) {
          const reply: ChatReply = {
            sessionToken: session.token,
            question: outcome.question,
            ...(outcome.answer ? { answer: outcome.answer } : {}),
            conversation: outcome.conversation,
          };
          res.json(reply);
          return;
        }
        if (outcome.replayed) {
          sse.send(messageEvent(outcome.question), storedEventId(outcome.question.seq));
          if (outcome.answer) sse.send({ event: 'delta', data: { text: outcome.answer.text } });
        }
        if (outcome.answer)
          sse.send(messageEvent(outcome.answer), storedEventId(outcome.answer.seq));
        if (!outcome.answer || outcome.stateChanged)
          sse.send({ event: 'status', data: outcome.conversation });
        if (outcome.contactRequested)
          sse.send({ event: 'contact', data: { reason: outcome.contactRequested } });
        sse.close();
      }
    },
  );

  router.get(
    '/api/chat/events',
    deps.limits.ipReads,
    deps.eventStreams,
    identity.resolve,
    async (req, res) => {
      const session = sessionOf(res);
      if (!session) {
        // No conversation to follow; 204 also tells SSE clients not to reconnect.
        res.status(204).end();
        return;
      }
      const { conversation } = session;
      // Without a position the stream starts now; clients pass the end of their history page.
      // `?after=` is typed by people, so a malformed one is refused; a `Last-Event-ID` the
      // browser repeats is ours, and one we cannot read starts now. A position past the end
      // of the log (made up) starts at its end: beyond it, every new message would look seen.
      const lastEventId = req.get('last-event-id');
      const after = stringQuery(req.query.after);
      const asked = parseStreamPosition(lastEventId ?? after);
      if (lastEventId === undefined && after !== undefined && !asked) {
        throw new HttpError('invalid_request', 'after: must be a position from this stream', {
          issues: [{ path: 'after', message: 'must be a position from this stream' }],
        });
      }
      const from =
        asked && asked.seq <= conversation.lastSeq ? asked : { seq: conversation.lastSeq, n: 0 };
      const sse = startSse(res);
      res.once('close', deps.metrics.streamOpened());
      const unfollow = followConversation({ store, events: deps.events, conversation, from, sse });
      const recycle = setTimeout(() => sse.close(), EVENT_STREAM_MAX_MS);
      recycle.unref();
      res.once('close', () => {
        clearTimeout(recycle);
        unfollow();
      });
    },
  );

  router.post('/api/chat/stop', deps.limits.ipFeedback, identity.resolve, async (_req, res) => {
    const session = sessionOf(res);
    if (session) await deps.events.requestStop(session.conversation.publicId);
    res.status(204).end();
  });

  router.get('/api/chat/history', deps.limits.ipReads, identity.resolve, async (req, res) => {
    const query = parseInput(HistoryQuery, req.query);
    const session = sessionOf(res);
    const conversation = session?.conversation;
    const page = conversation
      ? await store.log.page(conversation.id, {
          ...(query.before === undefined ? {} : { before: Number(query.before) }),
          limit: query.limit,
        })
      : { messages: [] };
    const newest = page.messages.at(-1);
    if (conversation && query.before === undefined && newest)
      await store.conversations.markSeen(conversation.id, newest.seq);
    const body: HistoryResponse = {
      messages: page.messages,
      conversation: conversation
        ? visitorState(conversation)
        : { status: 'bot', contactKnown: false },
      ...(page.before === undefined ? {} : { before: String(page.before) }),
    };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.delete('/api/chat/session', async (req, res) => {
    await identity.destroy(req, res);
    res.status(204).end();
  });

  router.post('/api/chat/feedback', deps.limits.ipFeedback, async (req, res) => {
    const feedback = parseInput(FeedbackRequest, req.body);
    const session = await identity.find(req, res);
    const rated = session ? await store.log.get(session.id, feedback.messageId) : undefined;
    if (!session || rated?.role !== 'assistant')
      throw new HttpError('not_found', 'No such answer in this conversation');
    await store.feedback.save(session.id, feedback);
    deps.metrics.feedback(feedback.rating);
    res.status(204).end();
  });

  return router;
}

function stringQuery(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function wantsEventStream(accept: string | undefined): boolean {
  return (
    accept?.split(',').some((type) => type.trim().split(';')[0]?.trim() === 'text/event-stream') ??
    false
  );
}

/** Aborts the turn with a retryable error when its stream has been open too long. */
function streamDeadline(abort: AbortController, ms: number): { clear(): void } {
  const timer = setTimeout(() => {
    abort.abort(
      new TurnFailedError(
        'model_unavailable',
        'This answer took too long. Please send your message again.',
      ),
    );
  }, ms);
  timer.unref();
  return { clear: () => clearTimeout(timer) };
}

function toErrorEventData(error: unknown): Extract<StreamEvent, { event: 'error' }>['data'] {
  const known =
    toHttpError(asVisitorError(error)) ??
    new HttpError('internal', 'Something went wrong while answering. Please try again.');
  const retryable =
    known instanceof TurnFailedError ? known.retryable : RETRYABLE_ERROR_CODES.has(known.code);
  return { code: known.code, message: known.message, retryable };
}
