import type { Citation, ConversationState } from '@parley/shared';

/** What the conversation needs from the visitor after a tool ran: the email form, and why. */
export type ContactReason = 'after_hours' | 'follow_up';

/**
 * Per-turn state handed to every tool through the SDK's run context. Identity (the conversation)
 * comes from here and never from model-chosen arguments, so a prompt-injected tool call cannot act
 * on another visitor's behalf.
 */
export interface TurnContext {
  /** The conversation's session id (secret; never shown to the model). */
  conversationId: string;
  /** Articles the answer draws on, best first, without duplicates. */
  citations: Citation[];
  /** Set once the agent opened a ticket during this turn. */
  ticketId?: string;
  /** Names of tools whose last call this turn failed, so the stream can say `failed`. */
  failedTools: Set<string>;
  /** Set when a tool handed the conversation to people: its new state, for the widget. */
  state?: ConversationState;
  /** Set when the team needs a way to reach the visitor: the widget shows the email form. */
  contactRequested?: ContactReason;
}

export function createTurnContext(conversationId: string): TurnContext {
  return { conversationId, citations: [], failedTools: new Set() };
}

/** Adds citations in order, skipping any URL already cited this turn. */
export function addCitations(context: TurnContext, citations: readonly Citation[]): void {
  for (const citation of citations) {
    if (!context.citations.some((c) => c.url === citation.url)) context.citations.push(citation);
  }
}

/**
 * The turn context a tool runs with. Tools that act on the conversation cannot run without it:
 * identity never comes from the model's arguments.
 *
 * @throws Error when the run was started without one (a wiring mistake, not a visitor's).
 */
export function requireTurnContext(
  runContext: { context?: TurnContext } | undefined,
  toolName: string,
): TurnContext {
  const context = runContext?.context;
  if (!context?.conversationId) throw new Error(`${toolName} needs the turn context`);
  return context;
}
