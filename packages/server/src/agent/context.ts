import type { Citation } from '@parley/shared';

/**
 * Per-turn state handed to every tool through the SDK's run context. Identity (the session) comes
 * from here and never from model-chosen arguments, so a prompt-injected tool call cannot act on
 * another visitor's behalf.
 */
export interface TurnContext {
  sessionId: string;
  /** Articles the answer draws on, best first, without duplicates. */
  citations: Citation[];
  /** Set once the agent opened a ticket during this turn. */
  ticketId?: string;
  /** Names of tools whose last call this turn failed, so the stream can say `failed`. */
  failedTools: Set<string>;
}

export function createTurnContext(sessionId: string): TurnContext {
  return { sessionId, citations: [], failedTools: new Set() };
}

/** Adds citations in order, skipping any URL already cited this turn. */
export function addCitations(context: TurnContext, citations: readonly Citation[]): void {
  for (const citation of citations) {
    if (!context.citations.some((c) => c.url === citation.url)) context.citations.push(citation);
  }
}
