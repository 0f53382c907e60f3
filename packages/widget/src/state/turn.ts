import type { ParsedSseEvent } from '@parley/shared';
import type { ApiClient } from '../api/client';
import { ParleyError, toParleyError } from '../api/errors';
import type { Cell } from './cell';
import type { ChatMessage, TurnRequest } from './message';

/**
 * How long a resumed answer may go without news before it is given up (and offered for Retry,
 * which the Idempotency-Key makes safe): the server's live events say nothing of a turn that
 * failed after its visitor's connection dropped.
 */
export const RESUME_IDLE_MS = 60_000;

/**
 * How a turn's stream ended: with the answer; with the message delivered to the people handling
 * the conversation (no answer comes); or cut after the question was stored, so the server is
 * still writing the answer and the conversation's event stream will carry the rest.
 */
export type TurnEnd = 'answered' | 'forwarded' | 'cut';

/**
 * Streams one `POST /api/chat` and hands every event to `receive`, which folds it into the
 * transcript (binding the stored question to `reply`). Rejects with a `ParleyError` for an
 * `error` event, or for a stream lost before the question was stored (sending again is safe: the
 * Idempotency-Key makes the server replay or run it once), and with the abort reason when
 * `signal` aborts.
 */
export async function streamTurn(
  client: ApiClient,
  { message, clientMessageId, idempotencyKey }: TurnRequest,
  reply: Cell<ChatMessage>,
  signal: AbortSignal,
  receive: (event: ParsedSseEvent) => void,
): Promise<TurnEnd> {
  let forwarded = false;
  try {
    for await (const parsed of client.chat({ message, clientMessageId }, idempotencyKey, signal)) {
      const { event } = parsed;
      if (event.event === 'error') {
        const { code, message: text, retryable } = event.data;
        // The conversation ended under the turn (erased meanwhile): its token opens nothing now,
        // as after a 401, so the resend starts afresh.
        if (code === 'session_invalid') client.setToken(undefined);
        throw new ParleyError(code, text, { retryable });
      }
      // A status update closes a turn that had no answer: a person handles the conversation.
      if (event.event === 'status') forwarded = true;
      receive(parsed);
    }
  } catch (error) {
    const failure = toParleyError(error);
    if (signal.aborted || failure.code !== 'network' || reply.peek().base === undefined)
      throw signal.aborted ? error : failure;
    return 'cut';
  }
  const { phase, base } = reply.peek();
  if (phase === 'done') return 'answered';
  if (forwarded && phase !== 'streaming') return 'forwarded';
  if (base !== undefined) return 'cut';
  throw new ParleyError('network', 'The answer stream ended before it was complete');
}

/**
 * Resolves once an answer is settled (done, failed or stopped). Rejects with a `network`
 * `ParleyError` when it goes `idleMs` without any change, and with the abort reason when `signal`
 * aborts.
 */
export function settled(
  reply: Cell<ChatMessage>,
  signal: AbortSignal,
  idleMs = RESUME_IDLE_MS,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe = () => {};
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      clearTimeout(timer);
      if (!['sending', 'waiting', 'streaming'].includes(reply.peek().phase)) return resolve();
      timer = setTimeout(
        () => reject(new ParleyError('network', 'The answer stopped arriving')),
        idleMs,
      );
    };
    unsubscribe = reply.subscribe(check);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    check();
  }).finally(() => {
    clearTimeout(timer);
    unsubscribe();
  });
}
