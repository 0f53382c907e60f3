import {
  type ChatReply,
  type ChatRequest,
  ClientId,
  createChatRequestSchema,
  FeedbackRequest,
  type HistoryResponse,
  IDEMPOTENCY_KEY_HEADER,
  RETRYABLE_ERROR_CODES,
  type StreamEvent,
} from '@parley/shared';
import { type RequestHandler, Router } from 'express';
import type { Clock } from '../clock.js';
import { HttpError, toHttpError } from '../http/errors.js';
import type { RateLimits } from '../http/rate-limits.js';
import { type SessionIdentity, sessionOf } from '../http/session-identity.js';
import { startSse } from '../http/sse.js';
import { parseInput } from '../http/validate.js';
import type { TurnTracker } from '../lifecycle/turn-tracker.js';
import type { Metrics } from '../observability/metrics.js';
import type { ParleyStore } from '../sessions/store.js';
import type { ChatService, TurnOutcome } from './chat-service.js';
import { TurnAbortedError, TurnFailedError } from './turn-errors.js';
import { observeTurn, type TurnObserverDeps } from './turn-observer.js';

export interface ChatRoutesDeps {
  chat: ChatService;
  identity: SessionIdentity;
  store: ParleyStore;
  clock: Clock;
  maxMessageLength: number;
  /** A stream still open after this long is ended with a retryable error. */
  maxStreamDurationMs: number;
  limits: Pick<
    RateLimits,
    'ipMessages' | 'ipSessions' | 'sessionMessages' | 'ipReads' | 'ipFeedback'
  >;
  streams: RequestHandler;
  tracker: TurnTracker;
  metrics: Metrics;
  observer: TurnObserverDeps;
}

/** `/api/chat`: send a message (JSON or SSE), read history, erase the session, rate an answer. */
export function chatRoutes(deps: ChatRoutesDeps): Router {
  const router = Router();
  const ChatRequest = createChatRequestSchema(deps.maxMessageLength);

  /** The body and Idempotency-Key, checked before anything is counted or created. */
  const validChatRequest: RequestHandler = function validChatRequest(req, res, next) {
    res.locals.chatRequest = parseInput(ChatRequest, req.body);
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
    deps.identity.resolve,
    deps.limits.ipSessions,
    deps.identity.ensure,
    deps.limits.sessionMessages,
    async (req, res) => {
      const body = res.locals.chatRequest as ChatRequest;
      const idempotencyKey = res.locals.idempotencyKey as string | undefined;
      const session = sessionOf(res)!;
      // One controller per turn, aborted by whichever comes first: the visitor leaving, the
      // stream deadline or a shutdown that stops waiting. Cheaper than combining signals.
      const abort = new AbortController();
      const tracked = deps.tracker.begin(abort);
      const deadline = streamDeadline(abort, deps.maxStreamDurationMs);
      const observer = observeTurn(deps.observer, res, session.id);
      const turn = (emit: (event: StreamEvent) => void, onAccepted?: () => void) =>
        deps.chat.turn({
          sessionId: session.id,
          message: body.message,
          idempotencyKey,
          signal: abort.signal,
          emit: observer.emit(emit),
          onAccepted: () => {
            observer.accepted();
            onAccepted?.();
          },
        });
      const finish = async (run: Promise<TurnOutcome>): Promise<TurnOutcome> => {
        try {
          const outcome = await run;
          observer.finished(outcome, undefined, body.message);
          return outcome;
        } catch (error) {
          observer.finished(undefined, error, body.message);
          throw error;
        } finally {
          tracked.end();
          deadline.clear();
        }
      };

      if (!wantsEventStream(req.get('accept'))) {
        res.on('close', () => {
          if (!res.writableFinished) abort.abort();
        });
        const outcome = await finish(turn(() => {})).catch((error: unknown) => {
          // The client hung up; there is nobody to answer.
          if (error instanceof TurnAbortedError) return undefined;
          throw error;
        });
        if (!outcome) return;
        const reply: ChatReply = { ...outcome.reply, sessionToken: session.token };
        res.json(reply);
        return;
      }

      let sse: ReturnType<typeof startSse> | undefined;
      const send = (event: StreamEvent) => sse?.send(event);
      try {
        const outcome = await finish(
          turn(send, () => {
            sse = startSse(res, { onClientGone: () => abort.abort() });
            res.once('close', deps.metrics.streamOpened());
            if (session.created) send({ event: 'session', data: { token: session.token } });
          }),
        );
        if (outcome.replayed) send({ event: 'delta', data: { text: outcome.reply.reply } });
        const { messageId, reply: text, toolsUsed, citations, ticketId } = outcome.reply;
        send({
          event: 'done',
          data: { messageId, text, toolsUsed, citations, ...(ticketId ? { ticketId } : {}) },
        });
      } catch (error) {
        // Before the stream started, errors are ordinary JSON responses with a status.
        if (!sse) throw error;
        if (!(error instanceof TurnAbortedError))
          send({ event: 'error', data: toErrorEventData(error) });
      } finally {
        sse?.close();
      }
    },
  );

  router.get('/api/chat/history', deps.limits.ipReads, deps.identity.resolve, async (_req, res) => {
    const session = sessionOf(res);
    const body: HistoryResponse = {
      messages: session ? await deps.store.getTranscript(session.id) : [],
    };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.delete('/api/chat/session', async (req, res) => {
    await deps.identity.destroy(req, res);
    res.status(204).end();
  });

  router.post('/api/chat/feedback', deps.limits.ipFeedback, async (req, res) => {
    const feedback = parseInput(FeedbackRequest, req.body);
    const session = await deps.identity.find(req, res);
    const transcript = session ? await deps.store.getTranscript(session.id) : [];
    const rated = transcript.find((m) => m.id === feedback.messageId && m.role === 'assistant');
    if (!session || !rated) throw new HttpError('not_found', 'No such answer in this conversation');
    await deps.store.saveFeedback({
      ...feedback,
      sessionId: session.id,
      createdAt: new Date(deps.clock.now()).toISOString(),
    });
    deps.metrics.feedback(feedback.rating);
    res.status(204).end();
  });

  return router;
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
    toHttpError(error) ??
    new HttpError('internal', 'Something went wrong while answering. Please try again.');
  const retryable =
    known instanceof TurnFailedError ? known.retryable : RETRYABLE_ERROR_CODES.has(known.code);
  return { code: known.code, message: known.message, retryable };
}
