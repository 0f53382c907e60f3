import { createHash, randomUUID } from 'node:crypto';
import type { HistoryMessage, StreamEvent } from '@parley/shared';
import type { Clock } from '../clock.js';
import { HttpError } from '../http/errors.js';
import type { StoredReply } from '../sessions/store.js';
import { type AgentTurnDeps, type AgentTurnResult, runAgentTurn } from './run-turn.js';
import type { TurnBudget } from './turn-budget.js';

export interface ChatServiceDeps extends AgentTurnDeps {
  clock: Clock;
  /** The per-session daily budget of turns and tokens; checked before any model call. */
  budget?: TurnBudget;
  /** How long a turn may hold its session's lock; longer than the turn timeout. */
  lockTtlMs?: number;
}

export interface TurnRequest {
  sessionId: string;
  message: string;
  idempotencyKey: string | undefined;
  signal: AbortSignal;
  emit: (event: StreamEvent) => void;
  /**
   * Called once the turn is accepted (idempotency and the session lock settled) and before the
   * agent runs, so a streaming route can still answer 409/422 with a real status before it.
   */
  onAccepted?: () => void;
}

/** What a turn produced: a fresh answer, or the stored answer of an earlier identical request. */
export interface TurnOutcome {
  reply: StoredReply;
  replayed: boolean;
  /** Present for fresh answers only. */
  run?: AgentTurnResult;
}

/**
 * One visitor turn, end to end: idempotency, one turn at a time per session, the transcript, and
 * the agent run. Routes stay thin; this is where the rules live.
 */
export function createChatService(deps: ChatServiceDeps) {
  const lockTtlMs = deps.lockTtlMs ?? deps.turnTimeoutMs + 30_000;
  const now = () => new Date(deps.clock.now()).toISOString();

  async function turn(request: TurnRequest): Promise<TurnOutcome> {
    const { store } = deps;
    const { sessionId, idempotencyKey } = request;
    if (idempotencyKey) {
      // A retry must carry the same message; the hash is what the store compares.
      const requestHash = createHash('sha256').update(request.message).digest('base64url');
      const begun = await store.beginIdempotent(sessionId, idempotencyKey, requestHash);
      if (begun.state === 'done') {
        request.onAccepted?.();
        return { reply: begun.reply, replayed: true };
      }
      if (begun.state === 'running') throw turnInProgress();
      if (begun.state === 'conflict') {
        throw new HttpError(
          'idempotency_conflict',
          'This Idempotency-Key was already used for a different message',
        );
      }
    }
    const lock = await store.tryLockTurn(sessionId, lockTtlMs);
    if (!lock) {
      if (idempotencyKey) await store.abandonIdempotent(sessionId, idempotencyKey);
      throw turnInProgress();
    }
    try {
      const allowance = await deps.budget?.check(sessionId);
      if (allowance && !allowance.allowed)
        throw budgetExhausted(allowance.resetsAt, deps.clock.now());
      request.onAccepted?.();
      await store.touchSession(sessionId);
      await store.appendMessage(sessionId, message('user', request.message, now()));
      const run = await runAgentTurn(deps, request);
      await deps.budget?.record(sessionId, run.usage).catch((error: Error) => {
        deps.logger.warn({ err: { message: error.message } }, 'could not record turn usage');
      });
      const reply: StoredReply = {
        messageId: newMessageId(),
        reply: run.text,
        toolsUsed: run.toolsUsed,
        citations: run.citations,
        ...(run.ticketId ? { ticketId: run.ticketId } : {}),
      };
      await store.appendMessage(sessionId, {
        id: reply.messageId,
        role: 'assistant',
        content: reply.reply,
        createdAt: now(),
        toolsUsed: reply.toolsUsed,
        citations: reply.citations,
        ...(reply.ticketId ? { ticketId: reply.ticketId } : {}),
      });
      if (idempotencyKey) await store.completeIdempotent(sessionId, idempotencyKey, reply);
      return { reply, replayed: false, run };
    } catch (error) {
      if (idempotencyKey) await store.abandonIdempotent(sessionId, idempotencyKey).catch(() => {});
      throw error;
    } finally {
      await lock.release().catch(() => {});
    }
  }

  return { turn };
}

export type ChatService = ReturnType<typeof createChatService>;

function turnInProgress(): HttpError {
  return new HttpError(
    'turn_in_progress',
    'A reply to your previous message is still being written',
  );
}

function budgetExhausted(resetsAt: string, now: number): HttpError {
  const retryAfter = Math.max(1, Math.ceil((Date.parse(resetsAt) - now) / 1000));
  const time = new Date(resetsAt).toISOString().slice(11, 16);
  return new HttpError(
    'budget_exhausted',
    `This conversation has reached today's limit. Please come back after ${time} UTC, or start a new conversation tomorrow.`,
    { headers: { 'Retry-After': String(retryAfter) } },
  );
}

function newMessageId(): string {
  return `msg_${randomUUID().replace(/-/g, '')}`;
}

function message(role: 'user' | 'assistant', content: string, createdAt: string): HistoryMessage {
  return { id: newMessageId(), role, content, createdAt };
}
