import type { Message } from '@parley/shared';

/** One message a visitor sent, and the answer it got (undefined when the turn failed). */
export interface SentTurn {
  message: string;
  answer: string | undefined;
}

/**
 * Whether a history is exactly what the visitor lived through: every answered turn as its message
 * and that answer, in order; a failed turn as nothing or its message alone (a turn may fail after
 * the message was stored), never a half answer, never anything the visitor did not send.
 * Returns the first difference, or undefined.
 */
export function historyMismatch(
  messages: readonly Pick<Message, 'role' | 'text'>[],
  sent: readonly SentTurn[],
): string | undefined {
  let at = 0;
  for (const [index, turn] of sent.entries()) {
    const here = messages[at];
    if (turn.answer !== undefined) {
      const reply = messages[at + 1];
      if (here?.role !== 'user' || here.text !== turn.message)
        return `turn ${index + 1}: expected its message at position ${at}, found ${describe(here)}`;
      if (reply?.role !== 'assistant' || reply.text !== turn.answer)
        return `turn ${index + 1}: expected its answer at position ${at + 1}, found ${describe(reply)}`;
      at += 2;
    } else if (here?.role === 'user' && here.text === turn.message) {
      at += 1;
      if (messages[at]?.role === 'assistant')
        return `turn ${index + 1} failed for the visitor but its history has an answer`;
    }
  }
  return at === messages.length
    ? undefined
    : `${messages.length - at} unexpected message(s) from position ${at}`;
}

function describe(message: Pick<Message, 'role' | 'text'> | undefined): string {
  return message ? `${message.role} "${message.text.slice(0, 60)}"` : 'nothing';
}
