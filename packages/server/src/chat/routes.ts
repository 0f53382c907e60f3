import {
  type ChatReply,
  ClientId,
  createChatRequestSchema,
  FeedbackRequest,
  type HistoryResponse,
  IDEMPOTENCY_KEY_HEADER,
  RETRYABLE_ERROR_CODES,
  type StreamEvent,
} from '@parley/shared';
import { Router } from 'express';
import type { Clock } from '../clock.js';
import { HttpError } from '../http/errors.js';
import type { SessionIdentity } from '../http/session-identity.js';
import { startSse } from '../http/sse.js';
import { parseInput } from '../http/validate.js';
import type { ParleyStore } from '../sessions/store.js';
import type { ChatService, TurnOutcome } from './chat-service.js';
import { TurnAbortedError, TurnFailedError } from './turn-errors.js';

export interface ChatRoutesDeps {
  chat: ChatService;
  identity: SessionIdentity;
  store: ParleyStore;
  clock: Clock;
  maxMessageLength: number;
  /** Observes every finished turn (metrics, logs). */
  onTurn?: (outcome: TurnOutcome | undefined, error: unknown) => void;
}

/** `/api/chat`: send a message (JSON or SSE), read history, erase the session, rate an answer. */
export function chatRoutes(deps: ChatRoutesDeps): Router {
  const router = Router();
  const ChatRequest = createChatRequestSchema(deps.maxMessageLength);

  router.post('/api/chat', async (req, res) => {
    const body = parseInput(ChatRequest, req.body);
    const rawKey = req.get(IDEMPOTENCY_KEY_HEADER);
    const idempotencyKey = rawKey === undefined ? undefined : parseInput(ClientId, rawKey);
    const session = await deps.identity.findOrCreate(req, res);
    const controller = new AbortController();
    const base = {
      sessionId: session.id,
      message: body.message,
      idempotencyKey,
      signal: controller.signal,
    };

    if (!wantsEventStream(req.get('accept'))) {
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      const outcome = await observe(deps, deps.chat.turn({ ...base, emit: () => {} }));
      const reply: ChatReply = { ...outcome.reply, sessionToken: session.token };
      res.json(reply);
      return;
    }

    let sse: ReturnType<typeof startSse> | undefined;
    const emit = (event: StreamEvent) => sse?.send(event);
    try {
      const outcome = await observe(
        deps,
        deps.chat.turn({
          ...base,
          emit,
          onAccepted: () => {
            sse = startSse(res, { onClientGone: () => controller.abort() });
            if (session.created) emit({ event: 'session', data: { token: session.token } });
          },
        }),
      );
      if (outcome.replayed) emit({ event: 'delta', data: { text: outcome.reply.reply } });
      const { messageId, reply: text, toolsUsed, citations, ticketId } = outcome.reply;
      emit({
        event: 'done',
        data: { messageId, text, toolsUsed, citations, ...(ticketId ? { ticketId } : {}) },
      });
    } catch (error) {
      // Before the stream started, errors are ordinary JSON responses with a status.
      if (!sse) throw error;
      if (!(error instanceof TurnAbortedError))
        emit({ event: 'error', data: toErrorEventData(error) });
    } finally {
      sse?.close();
    }
  });

  router.get('/api/chat/history', async (req, res) => {
    const session = await deps.identity.find(req, res);
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

  router.post('/api/chat/feedback', async (req, res) => {
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

async function observe(deps: ChatRoutesDeps, turn: Promise<TurnOutcome>): Promise<TurnOutcome> {
  try {
    const outcome = await turn;
    deps.onTurn?.(outcome, undefined);
    return outcome;
  } catch (error) {
    deps.onTurn?.(undefined, error);
    if (error instanceof TurnFailedError) {
      throw new HttpError(error.code, error.message, { cause: error });
    }
    throw error;
  }
}

function toErrorEventData(error: unknown): Extract<StreamEvent, { event: 'error' }>['data'] {
  if (error instanceof HttpError) {
    const cause = error.cause;
    const retryable =
      cause instanceof TurnFailedError ? cause.retryable : RETRYABLE_ERROR_CODES.has(error.code);
    return { code: error.code, message: error.message, retryable };
  }
  return {
    code: 'internal',
    message: 'Something went wrong while answering. Please try again.',
    retryable: true,
  };
}
