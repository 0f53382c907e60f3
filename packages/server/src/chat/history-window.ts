import type { AgentInputItem } from '@openai/agents';
import type { ModelItems } from '../store/model-items.js';

/** Rough size of a token in characters of item JSON; good enough for a budget, not for billing. */
export const CHARS_PER_TOKEN = 4;

export interface HistoryWindowOptions {
  /** At most this many items (unless the latest turn alone is longer). */
  maxItems: number;
  /** At most about this many tokens (unless the latest turn alone is larger). */
  maxTokens?: number;
}

/** Tool call item types and the output types that answer them, matched by call id. */
const CALL_TYPES = new Set([
  'function_call',
  'computer_call',
  'shell_call',
  'apply_patch_call',
  'program',
  'tool_search_call',
]);
const OUTPUT_TYPES = new Set([
  'function_call_result',
  'computer_call_result',
  'shell_call_output',
  'apply_patch_call_output',
  'program_output',
  'tool_search_output',
]);

/**
 * The most recent part of a conversation that fits the budget, cut only where a visitor's turn
 * begins, so the model never sees a tool output without its call, a call without its output, or a
 * reasoning item without what it reasoned about.
 *
 * - The window starts at a `user` message. Earlier turns are dropped whole; a start is skipped if
 *   a call/output pair straddles it (when in doubt, a later user message).
 * - When even the latest turn exceeds the budget, that turn is returned whole: the model needs the
 *   question it is answering. Without any user message the result is empty.
 * - Tool calls or outputs whose partner is not in the window (only possible in a damaged history)
 *   are left out, with the reasoning items directly before such a call.
 *
 * Pure; never mutates or copies the items it returns.
 *
 * @example
 * windowHistory(items, { maxItems: 40, maxTokens: 8000 });
 */
export function windowHistory(
  items: readonly AgentInputItem[],
  options: HistoryWindowOptions,
): AgentInputItem[] {
  const starts = userMessageIndexes(items);
  const latest = starts.at(-1);
  if (latest === undefined) return [];

  const straddled = straddledStarts(items);
  const maxTokens = options.maxTokens ?? Number.POSITIVE_INFINITY;
  let chosen: number | undefined;
  let tokens = 0;
  let counted = items.length;
  // Walk back turn by turn; budgets only grow with an earlier start, so stop at the first miss.
  for (let s = starts.length - 1; s >= 0; s--) {
    const start = starts[s]!;
    for (let i = start; i < counted; i++) tokens += estimateTokens(items[i]!);
    counted = start;
    if (items.length - start > options.maxItems || tokens > maxTokens) break;
    if (!straddled.has(start)) chosen = start;
  }
  // Nothing fits: the latest turn whole. (Should a damaged history have a call/output pair around
  // it, the budget still wins and dropUnpaired removes the half that made it in.)
  return dropUnpaired(items.slice(chosen ?? latest));
}

/** Approximate tokens of one item, from the length of its JSON. */
export function estimateTokens(item: AgentInputItem): number {
  return Math.ceil(JSON.stringify(item).length / CHARS_PER_TOKEN);
}

/** A message typed by the visitor (the SDK writes `{ role: 'user' }` with or without `type`). */
export function isUserMessage(item: AgentInputItem): boolean {
  return (
    (item.type === undefined || item.type === 'message') && 'role' in item && item.role === 'user'
  );
}

function userMessageIndexes(items: readonly AgentInputItem[]): number[] {
  const indexes: number[] = [];
  items.forEach((item, index) => {
    if (isUserMessage(item)) indexes.push(index);
  });
  return indexes;
}

type PairRole = 'call' | 'output';

/** Whether the item is a tool call or output that must travel with its partner, and its call id. */
function pairing(item: AgentInputItem): { role: PairRole; callId: string } | undefined {
  const type = item.type;
  if (type === undefined) return undefined;
  const role = CALL_TYPES.has(type) ? 'call' : OUTPUT_TYPES.has(type) ? 'output' : undefined;
  if (!role) return undefined;
  const record = item as { callId?: unknown; call_id?: unknown };
  const callId = record.callId ?? record.call_id;
  // Hosted tool search without a call id is answered server-side and needs no partner.
  return typeof callId === 'string' && callId !== '' ? { role, callId } : undefined;
}

/** Indexes of user messages that lie strictly between a call and its output. */
function straddledStarts(items: readonly AgentInputItem[]): Set<number> {
  const positions = new Map<string, number[]>();
  items.forEach((item, index) => {
    const pair = pairing(item);
    if (pair) positions.set(pair.callId, [...(positions.get(pair.callId) ?? []), index]);
  });
  const straddled = new Set<number>();
  for (const indexes of positions.values()) {
    const first = Math.min(...indexes);
    const last = Math.max(...indexes);
    for (let i = first + 1; i <= last; i++) if (isUserMessage(items[i]!)) straddled.add(i);
  }
  return straddled;
}

/** Leaves out calls without outputs, outputs without calls, and reasoning that led to a dropped call. */
function dropUnpaired(window: AgentInputItem[]): AgentInputItem[] {
  const seen = new Map<string, Set<PairRole>>();
  for (const item of window) {
    const pair = pairing(item);
    if (pair) seen.set(pair.callId, (seen.get(pair.callId) ?? new Set()).add(pair.role));
  }
  const complete = (callId: string) => seen.get(callId)?.size === 2;
  if ([...seen.keys()].every(complete)) return window;

  const kept: AgentInputItem[] = [];
  for (let i = window.length - 1, droppingReasoning = false; i >= 0; i--) {
    const item = window[i]!;
    const pair = pairing(item);
    if (pair && !complete(pair.callId)) {
      droppingReasoning = pair.role === 'call';
      continue;
    }
    if (item.type === 'reasoning' && droppingReasoning) continue;
    droppingReasoning = false;
    kept.push(item);
  }
  return kept.reverse();
}

/**
 * The window of a stored conversation the model sees next turn (see {@link windowHistory}).
 * A window never holds more than `maxItems` items, except a latest turn longer than that; so it
 * reads only the tail, and everything only in that rare case.
 */
export async function readHistoryWindow(
  items: Pick<ModelItems, 'recent'>,
  conversationId: string,
  options: HistoryWindowOptions,
): Promise<AgentInputItem[]> {
  const tail = await items.recent(conversationId, options.maxItems);
  // A tail shorter than asked for is the whole conversation already.
  const all =
    tail.length < options.maxItems || tail.some(isUserMessage)
      ? tail
      : await items.recent(conversationId, Number.MAX_SAFE_INTEGER);
  return windowHistory(all, options);
}
