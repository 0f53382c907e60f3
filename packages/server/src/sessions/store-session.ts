/**
 * The Agents SDK's `Session` over a {@link ParleyStore}: the Runner reads the conversation from it
 * and writes each finished turn back.
 *
 * When the SDK Runner (@openai/agents 0.20) reads and writes a session — measured with
 * `ScriptedModel` and pinned by store-session.test.ts, so an SDK upgrade that changes it fails a
 * test:
 *
 * - Read: `getItems()` once, without a limit, before the first model call. The model input is
 *   that history plus the new input.
 * - Write on success, streamed or not: ONE `addItems([new input, ...every generated item])` after
 *   the final model response: the user message, every tool call and its output, the answer. Nothing
 *   is written before or between model calls. Non-streamed, it lands before `run()` resolves;
 *   streamed, before the event stream ends (so before `result.completed` resolves).
 * - A model call throws (also `MaxTurnsExceededError` without an error handler), for example
 *   the second call, after a tool ran:
 *     non-streamed: nothing is written; `run()` rejects. The store is as before the turn.
 *     streamed: only the new input (the user message) is written, then the stream throws
 *     and `completed` rejects. The tool call and its output are NOT written.
 * - Aborted through `signal`:
 *     non-streamed, during a model call: nothing is written.
 *     non-streamed, while a tool runs: the finished step is written (user message, call and its
 *     output, no answer), then `run()` rejects with the abort.
 *     streamed: only the user message is written; the stream ends and `completed` RESOLVES with
 *     `error === null`, so callers must check `signal.aborted` themselves.
 * - So the runner never wrote an orphan tool call in these runs, but a failed or aborted turn can
 *   leave a user message with no answer (and a non-streamed abort a call + output with no answer).
 *   Callers that want "the visitor's message only" after a failure roll back to the item count
 *   they saw before the turn (`countItems` / `popItem`), as the chat turn does.
 * - `popItem` and `clearSession` are not called by a plain run; the runner uses them only for
 *   compaction and resumed runs, which Parley does not use.
 */
import type { AgentInputItem, Session } from '@openai/agents';
import { type HistoryWindowOptions, isUserMessage, windowHistory } from './history-window.js';
import type { ParleyStore } from './store.js';

export interface StoreSessionOptions {
  /** How much history the model sees each turn; the store keeps everything. */
  historyWindow: HistoryWindowOptions;
}

/**
 * One visitor's conversation as an SDK `Session`. `getItems` returns a window (see
 * {@link windowHistory}), so the model gets bounded input however long the conversation grows,
 * while `addItems` stores every item.
 *
 * @example
 * const session = new StoreSession(store, sessionId, { historyWindow: { maxItems: 40 } });
 * await runner.run(agent, message, { session, stream: true });
 */
export class StoreSession implements Session {
  readonly #store: ParleyStore;
  readonly #sessionId: string;
  readonly #window: HistoryWindowOptions;

  constructor(store: ParleyStore, sessionId: string, options: StoreSessionOptions) {
    this.#store = store;
    this.#sessionId = sessionId;
    this.#window = options.historyWindow;
  }

  async getSessionId(): Promise<string> {
    return this.#sessionId;
  }

  /**
   * The recent history the model should see. `limit` tightens `maxItems`; like it, it is applied
   * at turn boundaries, so fewer items may come back, and more only when the latest turn alone is
   * longer.
   */
  async getItems(limit?: number): Promise<AgentInputItem[]> {
    if (limit !== undefined && limit <= 0) return [];
    const maxItems =
      limit === undefined ? this.#window.maxItems : Math.min(limit, this.#window.maxItems);
    const options = { ...this.#window, maxItems };
    // A window never holds more than maxItems items, except a latest turn longer than that; so
    // read only the tail, and everything only in that rare case.
    const tail = await this.#store.getItems(this.#sessionId, maxItems);
    const items = tail.some(isUserMessage) ? tail : await this.#store.getItems(this.#sessionId);
    return windowHistory(items, options);
  }

  async addItems(items: AgentInputItem[]): Promise<void> {
    await this.#store.addItems(this.#sessionId, items);
  }

  async popItem(): Promise<AgentInputItem | undefined> {
    return this.#store.popItem(this.#sessionId);
  }

  /** Forgets the model items; the visible transcript is the store's business and stays. */
  async clearSession(): Promise<void> {
    await this.#store.clearItems(this.#sessionId);
  }
}
