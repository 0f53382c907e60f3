/** What the offline model decides to do with a visitor's message. */
export type OfflineIntent =
  | { kind: 'hours' }
  | { kind: 'human' }
  | { kind: 'ticket'; priority: 'medium' | 'high' }
  | { kind: 'handoff'; agent: string }
  | { kind: 'search' };

/** A specialist the offline model may hand off to, with the words that point at it. */
export interface OfflineSpecialist {
  /** The agent name; its handoff tool is `transfer_to_<name>`. */
  name: string;
  keywords: readonly string[];
}

const HOURS =
  /\b(business hours|opening hours|office hours|support hours|hours|open (now|today|tomorrow|on \w+)|are you (open|closed)|when (are|do) you (open|close)|closed (today|now|on)|holidays?)\b/i;
const HUMAN =
  /\b(human|real person|live (agent|person|chat)|representative|(speak|talk|chat) (to|with) (a |an |your |some)?(one|someone|person|agent|human|staff|manager))\b/i;
const TICKET = /\b(tickets?|complain\w*|escalate)\b/i;
const URGENT = /\b(urgent|asap|immediately|furious|angry|unacceptable|complaint|lawyer|fraud)\b/i;

/**
 * Picks the tool for a message by keywords, in order of specificity: a person, a ticket, business
 * hours, a specialist's subject, otherwise a knowledge-base search. Deliberately simple and
 * predictable: it is the fallback when no language model is configured.
 *
 * @example
 * classifyIntent('When are you open?', []) // { kind: 'hours' }
 */
export function classifyIntent(
  message: string,
  specialists: readonly OfflineSpecialist[],
): OfflineIntent {
  if (HUMAN.test(message)) return { kind: 'human' };
  if (TICKET.test(message))
    return { kind: 'ticket', priority: URGENT.test(message) ? 'high' : 'medium' };
  if (HOURS.test(message)) return { kind: 'hours' };
  const words = new Set(message.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  for (const specialist of specialists) {
    if (specialist.keywords.some((keyword) => words.has(keyword.toLowerCase()))) {
      return { kind: 'handoff', agent: specialist.name };
    }
  }
  return { kind: 'search' };
}
