import type { Citation, HistoryMessage } from '@parley/shared';
import type { FailureCode } from '../api/errors';

/** Where an assistant answer is in its life; user messages are always `done`. */
export type Phase = 'waiting' | 'streaming' | 'done' | 'stopped' | 'failed';

/** Why the last attempt failed, as the view needs it. */
export interface Failure {
  code: FailureCode;
  /** False for failures that sending again cannot fix (a message the server refuses). */
  retryable: boolean;
  /** Seconds the server asked us to wait (429 `Retry-After`). */
  retryAfter?: number | undefined;
  /** True until `retryAfter` has passed; the Retry button stays disabled meanwhile. */
  waiting?: boolean;
  /** True when the browser was offline; the turn resumes by itself on reconnect. */
  offline?: boolean;
}

/** What is needed to send (or resend) the question an assistant message answers. */
export interface TurnRequest {
  message: string;
  clientMessageId: string;
  /** One per visitor message; a retry sends the same key so the server never runs a turn twice. */
  idempotencyKey: string;
}

/** One bubble in the transcript. */
export interface ChatMessage {
  /** Local id, unique within the page. */
  id: string;
  role: 'user' | 'assistant';
  text: string;
  phase: Phase;
  /** The server's id of an answered message; feedback refers to it. */
  messageId?: string | undefined;
  /** The tool running right now, if any. */
  tool?: { name: string; label: string } | undefined;
  /** The specialist the conversation was last handed to during this answer. */
  handoff?: string | undefined;
  citations?: Citation[] | undefined;
  ticketId?: string | undefined;
  rating?: 'up' | 'down' | undefined;
  failure?: Failure | undefined;
  request?: TurnRequest | undefined;
}

/** A stored transcript entry as a finished bubble. */
export function fromHistory(entry: HistoryMessage): ChatMessage {
  return {
    id: `h_${entry.id}`,
    role: entry.role,
    text: entry.content,
    phase: 'done',
    messageId: entry.role === 'assistant' ? entry.id : undefined,
    citations: entry.citations,
    ticketId: entry.ticketId,
  };
}

/** A random id that fits the shared `ClientId` rules; works outside secure contexts too. */
export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}
