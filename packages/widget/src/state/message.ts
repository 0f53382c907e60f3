import type { Citation, Message } from '@parley/shared';
import type { FailureCode } from '../api/errors';

/**
 * Where a message is in its life. Stored messages are `done`; an answer goes `waiting` (typing
 * dots) → `streaming` → `done`, or ends `stopped` or `failed`. A message sent while a person
 * handles the conversation gets no answer: its placeholder is `sending`, which shows nothing.
 */
export type Phase = 'sending' | 'waiting' | 'streaming' | 'done' | 'stopped' | 'failed';

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
  role: Message['role'];
  text: string;
  phase: Phase;
  /** Its position in the conversation's log, once stored. */
  seq?: number | undefined;
  /** Answers: the position of the question they answer (live event ids are `"<base>.<n>"`). */
  base?: number | undefined;
  /** The server's id of a stored message; feedback on an answer refers to it. */
  messageId?: string | undefined;
  /** Operator messages: who wrote it. */
  author?: string | undefined;
  /** Loaded from history rather than received live (screen readers are not told about it). */
  past?: boolean;
  /** The name of the tool running right now, if any. */
  tool?: string | undefined;
  /** The specialist the conversation was last handed to during this answer. */
  handoff?: string | undefined;
  citations?: Citation[] | undefined;
  ticketId?: string | undefined;
  rating?: 'up' | 'down' | undefined;
  failure?: Failure | undefined;
  request?: TurnRequest | undefined;
}

/** A stored message (from history, or the stream's `message` and `done`) as a finished bubble. */
export function fromStored(message: Message, past = false): ChatMessage {
  return {
    id: `s${message.seq}`,
    role: message.role,
    text: message.text,
    phase: 'done',
    seq: message.seq,
    messageId: message.id,
    author: message.author?.name,
    past,
    handoff: message.handoffs?.at(-1),
    citations: message.citations,
    ticketId: message.ticketId,
  };
}

/** A random id that fits the shared `ClientId` rules; works outside secure contexts too. */
export function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}
