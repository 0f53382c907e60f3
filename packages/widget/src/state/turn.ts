import type { StreamEvent } from '@parley/shared';
import type { ApiClient } from '../api/client';
import { ParleyError } from '../api/errors';
import type { Cell } from './cell';
import type { ChatMessage, TurnRequest } from './message';

/**
 * Folds one stream event into the answer being streamed. `session` and `error` events are about
 * the turn, not the text, so the caller handles them and they leave the message unchanged.
 */
export function applyStreamEvent(message: ChatMessage, event: StreamEvent): ChatMessage {
  switch (event.event) {
    case 'delta':
      // Text arriving means any tool has finished, even if its `done` event never came.
      return {
        ...message,
        phase: 'streaming',
        text: message.text + event.data.text,
        tool: undefined,
      };
    case 'tool':
      return {
        ...message,
        tool:
          event.data.status === 'started'
            ? { name: event.data.name, label: event.data.label }
            : undefined,
      };
    case 'handoff':
      return { ...message, handoff: event.data.agent };
    case 'done':
      // The final text is authoritative: it is what was stored and what history will return.
      return {
        ...message,
        phase: 'done',
        text: event.data.text,
        tool: undefined,
        messageId: event.data.messageId,
        citations: event.data.citations,
        ticketId: event.data.ticketId,
      };
    default:
      return message;
  }
}

/**
 * Streams one turn into `reply`, event by event, and resolves once the answer is done. It rejects
 * with a `ParleyError` for an `error` event or a stream that ends early, and with the abort
 * reason when `signal` aborts. A `session` event hands the new token to the client.
 */
export async function streamTurn(
  client: ApiClient,
  { message, clientMessageId, idempotencyKey }: TurnRequest,
  reply: Cell<ChatMessage>,
  signal: AbortSignal,
): Promise<void> {
  for await (const event of client.chat({ message, clientMessageId }, idempotencyKey, signal)) {
    if (event.event === 'session') client.setToken(event.data.token);
    if (event.event === 'error') {
      const { code, message: text, retryable } = event.data;
      throw new ParleyError(code, text, { retryable });
    }
    reply.value = applyStreamEvent(reply.peek(), event);
    if (event.event === 'done') return;
  }
  throw new ParleyError('network', 'The answer stream ended before it was complete');
}
