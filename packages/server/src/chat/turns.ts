import { createHash } from 'node:crypto';
import type { AgentInputItem } from '@openai/agents';
import type { ConversationState, Message, StreamEvent } from '@parley/shared';
import type { Logger } from 'pino';
import { type ContactReason, createTurnContext, type TurnContext } from '../agent/context.js';
import type { Clock } from '../clock.js';
import type { TurnLock, TurnLocks } from '../coordination/turn-locks.js';
import { type ConversationEvents, storedEventId } from '../events/conversation-events.js';
import { HttpError } from '../http/errors.js';
import type { ConversationRecord } from '../store/conversations.js';
import type { Store } from '../store/store.js';
import { type AgentRunDeps, type AgentRunResult, runAgent } from './agent-run.js';
import { readHistoryWindow } from './history-window.js';
import type { TurnBudget } from './turn-budget.js';
import { visitorState } from './visitor-state.js';

export interface TurnsDeps extends AgentRunDeps {
  store: Store;
  locks: TurnLocks;
  events: ConversationEvents;
  clock: Clock;
  logger: Logger;
  historyWindow: { maxItems: number; maxTokens?: number };
  /** The per-conversation daily budget of turns and tokens; checked before any model call. */
  budget?: TurnBudget;
  /** How long a turn may hold its conversation's lock; longer than the turn timeout. */
  lockTtlMs?: number;
  /** Told when a visitor's message went to the people handling the conversation. */
  onForwarded?: (conversation: ConversationRecord, message: Message) => void;
}

export interface TurnRequest {
  conversation: ConversationRecord;
  message: string;
  idempotencyKey: string | undefined;
  /** Aborted by Stop, the stream deadline or a shutdown; never by the visitor going away. */
  signal: AbortSignal;
  /** Each event for the visitor's own stream, with its SSE id. */
  emit: (event: StreamEvent, id: string) => void;
  /** Whether the visitor's own stream is still open (the answer then counts as seen). */
  connected?: () => boolean;
  /**
   * Called once the turn is accepted (idempotency and the lock settled) and before anything runs,
   * so a streaming route can still answer 409/422/429 with a real status before it.
   */
  onAccepted?: () => void;
}

/** What a turn produced: a fresh answer, a message to a person, or an earlier identical answer. */
export interface TurnOutcome {
  question: Message;
  /** Absent while people handle the conversation: the message went to them. */
  answer?: Message;
  conversation: ConversationState;
  replayed: boolean;
  /** Present when the assistant ran. */
  run?: AgentRunResult;
  /** Set when the team needs a way to reach the visitor (the widget shows the email form). */
  contactRequested?: ContactReason;
  /** True when the turn handed the conversation to people (the stream says so). */
  stateChanged?: boolean;
}

/**
 * One visitor message, end to end, and the one place a turn's writes happen: idempotency, one
 * turn at a time per conversation, the budget, then
 * 1. the question, in the log and in the model's items, before any model call (a crash mid-turn
 *    never loses it, and the next turn's model sees it);
 * 2. while a person handles the conversation, nothing more: operators are told instead;
 * 3. otherwise the agent's run, streamed (and offered to other instances for resuming);
 * 4. on success, the run's items and the answer, each in one write; on failure nothing more.
 * The turn runs to its end even if the visitor's connection drops: only Stop, the deadline or a
 * shutdown abort it, and the answer is there when they reconnect.
 */
export function createTurns(deps: TurnsDeps) {
  const lockTtlMs = deps.lockTtlMs ?? deps.turnTimeoutMs + 30_000;
  const { store, events } = deps;

  async function turn(request: TurnRequest): Promise<TurnOutcome> {
    const { idempotencyKey } = request;
    const id = request.conversation.id;
    let lock: TurnLock | undefined;
    // The question as stored: by an earlier attempt with this key that failed, or by this one.
    const attempt: Attempt = {};
    if (idempotencyKey) {
      // A retry must carry the same message; the hash is what the store compares.
      const requestHash = createHash('sha256').update(request.message).digest('base64url');
      const begun = await store.idempotency.begin(id, idempotencyKey, requestHash, lockTtlMs);
      if (begun.state === 'done') {
        request.onAccepted?.();
        // The route read the conversation for this request; no lock is held, so reading it
        // again would be no fresher.
        return { ...begun.turn, conversation: visitorState(request.conversation), replayed: true };
      }
      if (begun.state === 'conflict') {
        throw new HttpError(
          'idempotency_conflict',
          'This Idempotency-Key was already used for a different message',
        );
      }
      if (begun.state === 'retry') {
        attempt.question = begun.question;
        attempt.liveEvents = begun.liveEvents;
      }
      if (begun.state === 'running') {
        // Running means another turn holds the lock — unless it died with its instance, and then
        // the lock is free and this retry takes the record over.
        lock = await deps.locks.tryLock(id, lockTtlMs);
        if (!lock) throw turnInProgress();
        const failed = await store.idempotency.restart(id, idempotencyKey, lockTtlMs);
        if (failed) {
          attempt.question = failed.question;
          attempt.liveEvents = failed.liveEvents;
        }
      }
    }
    // Gives the key back after a failure: a retry answers the question already stored, if any.
    const release = async () => {
      if (!idempotencyKey) return;
      if (attempt.question) {
        await store.idempotency.fail(id, idempotencyKey, {
          question: attempt.question,
          liveEvents: attempt.liveEvents ?? 0,
        });
      } else await store.idempotency.abandon(id, idempotencyKey);
    };
    lock ??= await deps.locks.tryLock(id, lockTtlMs);
    if (!lock) {
      await release();
      throw turnInProgress();
    }
    try {
      // Read again under the lock: an operator may have joined since the route looked.
      const conversation = (await store.conversations.get(id)) ?? request.conversation;
      const answering = conversation.status === 'bot' || conversation.status === 'closed';
      if (answering) {
        const allowance = await deps.budget?.check(id);
        if (allowance && !allowance.allowed)
          throw budgetExhausted(allowance.resetsAt, deps.clock.now());
      }
      request.onAccepted?.();
      const outcome = answering
        ? await answer(request, conversation, attempt)
        : await forward(request, conversation, attempt);
      if (idempotencyKey) {
        await store.idempotency.complete(id, idempotencyKey, {
          question: outcome.question,
          ...(outcome.answer ? { answer: outcome.answer } : {}),
        });
      }
      return outcome;
    } catch (error) {
      await release().catch(() => {});
      throw error;
    } finally {
      await lock.release().catch(() => {});
    }
  }

  /**
   * Stores the visitor's message (with its model item, when the assistant will answer it) and
   * tells the visitor's stream, other instances and operators. A retry of a turn that failed
   * after storing it answers the stored one instead, while it is still the conversation's last
   * message (`reused`: its model item is already in the history); once the conversation moved
   * on, the message is asked again at its end.
   */
  async function storeQuestion(
    request: TurnRequest,
    conversation: ConversationRecord,
    attempt: Attempt,
    item?: AgentInputItem,
  ): Promise<{ question: Message; reused: boolean }> {
    const earlier = attempt.question;
    if (earlier && earlier.seq === conversation.lastSeq) {
      request.emit({ event: 'message', data: earlier }, storedEventId(earlier.seq));
      return { question: earlier, reused: true };
    }
    const question = await store.log.append(
      conversation.id,
      { role: 'user', text: request.message },
      { touch: true, ...(item ? { items: [item] } : {}) },
    );
    attempt.question = question;
    request.emit({ event: 'message', data: question }, storedEventId(question.seq));
    events.logged(conversation.publicId, question.seq);
    return { question, reused: false };
  }

  /**
   * While people handle the conversation: the message is for them; no model is called. It still
   * joins the model's items, so after a hand-back the assistant knows what was said meanwhile.
   */
  async function forward(
    request: TurnRequest,
    conversation: ConversationRecord,
    attempt: Attempt,
  ): Promise<TurnOutcome> {
    const { question } = await storeQuestion(request, conversation, attempt, {
      role: 'user',
      content: request.message,
    });
    events.inbox(conversation.publicId, 'message');
    deps.onForwarded?.(conversation, question);
    return { question, conversation: visitorState(conversation), replayed: false };
  }

  async function answer(
    request: TurnRequest,
    before: ConversationRecord,
    attempt: Attempt,
  ): Promise<TurnOutcome> {
    let conversation = before;
    if (conversation.status === 'closed') {
      // Writing again reopens a closed conversation, with the assistant answering.
      conversation =
        (await store.conversations.changeStatus(conversation.id, {
          to: 'bot',
          from: ['closed'],
          operator: null,
        })) ?? conversation;
      events.stateChanged(conversation.publicId);
    }
    const history = await readHistoryWindow(store.items, conversation.id, deps.historyWindow);
    const questionItem: AgentInputItem = { role: 'user', content: request.message };
    const { question, reused } = await storeQuestion(request, conversation, attempt, questionItem);
    // A reused question's item is already in the history: the model gets it once, as the question.
    if (reused) {
      const stored = history.findLastIndex((item) => isQuestionItem(item, request.message));
      if (stored >= 0) history.splice(stored, 1);
    }

    const live = events.liveWriter(
      conversation.publicId,
      question.seq,
      reused ? (attempt.liveEvents ?? 0) : 0,
    );
    const context: TurnContext = createTurnContext(conversation.id);
    let run: AgentRunResult;
    try {
      run = await runAgent(deps, {
        context,
        history,
        question: questionItem,
        signal: request.signal,
        emit: (event) => {
          for (const numbered of live.push(event)) request.emit(numbered.event, numbered.id);
        },
      });
    } finally {
      attempt.liveEvents = live.numbered();
      await live.flush();
    }
    const answer = await store.log.append(
      conversation.id,
      {
        role: 'assistant',
        text: run.text,
        toolsUsed: run.toolsUsed,
        citations: context.citations,
        ...(context.ticketId ? { ticketId: context.ticketId } : {}),
        ...(run.handoffs.length > 0 ? { handoffs: run.handoffs } : {}),
      },
      { items: run.items, seen: request.connected?.() ?? false },
    );
    events.logged(conversation.publicId, answer.seq);
    await deps.budget?.record(conversation.id, run.usage).catch((error: Error) => {
      deps.logger.warn({ err: { message: error.message } }, 'could not record turn usage');
    });
    // Nobody else changes a conversation the assistant is answering (the turn holds its lock;
    // a tool that hands it to people reports the new state), so the record read before is current.
    const state = context.state ?? visitorState(conversation);
    return {
      question,
      answer,
      conversation: state,
      replayed: false,
      run,
      ...(context.contactRequested ? { contactRequested: context.contactRequested } : {}),
      ...(context.state ? { stateChanged: true } : {}),
    };
  }

  return { turn };
}

export type Turns = ReturnType<typeof createTurns>;

/** One try at a turn: the question as stored (by it, or an earlier try that failed) and its live events. */
interface Attempt {
  question?: Message;
  liveEvents?: number;
}

/** Whether `item` is the visitor's message `text` as stored for the model. */
function isQuestionItem(item: AgentInputItem, text: string): boolean {
  return 'role' in item && item.role === 'user' && item.content === text;
}

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
