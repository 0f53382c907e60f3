import type { Clock } from '../clock.js';
import type { Usage } from '../store/usage.js';
import { nextUtcMidnight, utcDay } from '../store/usage-days.js';

export interface TurnBudgetOptions {
  usage: Usage;
  clock: Clock;
  /** Turns a session may start per UTC day; `Infinity` for no turn limit. */
  turnsPerDay: number;
  /** Model tokens a session may spend per UTC day; `Infinity` for no token limit. */
  tokensPerDay: number;
}

/** Whether a session may start a turn now; when not, when its budget comes back (ISO 8601). */
export type BudgetDecision = { allowed: true } | { allowed: false; resetsAt: string };

export interface TurnBudget {
  /**
   * Asks before a turn runs. Refuses once today's (UTC, by the injected clock) turns reach
   * `turnsPerDay` or tokens reach `tokensPerDay`; `resetsAt` is the next UTC midnight. A session
   * the store does not know has used nothing and is allowed.
   */
  check(sessionId: string): Promise<BudgetDecision>;
  /**
   * Counts a completed turn: one turn plus the run's `totalTokens`, on today's UTC day. A session
   * deleted or expired meanwhile records nothing (the store's best-effort contract); a store that
   * cannot be reached rejects, for the caller to log without failing the answered turn.
   *
   * @throws RangeError when `totalTokens` is not a non-negative integer.
   */
  record(sessionId: string, usage: { totalTokens: number }): Promise<void>;
}

/**
 * A per-session daily budget of turns and model tokens, kept in the store so every instance
 * sharing it agrees. Checked before the model is called, so a refused turn costs nothing.
 *
 * The limit is soft by one turn: a turn's tokens are only known once it has run, so the turn that
 * crosses `tokensPerDay` completes and the next one is refused. Concurrent turns of one session
 * cannot slip past together because the session's turn lock runs them one at a time.
 *
 * @example
 * const budget = createTurnBudget({ usage: store.usage, clock, turnsPerDay: 50, tokensPerDay: 200_000 });
 * const decision = await budget.check(sessionId);
 * if (!decision.allowed) return reply('budget_exhausted', decision.resetsAt);
 * const result = await runAgentTurn(deps, input);
 * await budget.record(sessionId, result.usage).catch((err) => logger.warn({ err }, 'usage lost'));
 */
export function createTurnBudget(options: TurnBudgetOptions): TurnBudget {
  const { usage, clock, turnsPerDay, tokensPerDay } = options;
  assertLimit('turnsPerDay', turnsPerDay);
  assertLimit('tokensPerDay', tokensPerDay);

  return {
    async check(sessionId) {
      const now = clock.now();
      const used = await usage.get(sessionId, utcDay(now));
      if (used.turns < turnsPerDay && used.tokens < tokensPerDay) return { allowed: true };
      return { allowed: false, resetsAt: new Date(nextUtcMidnight(now)).toISOString() };
    },

    async record(sessionId, spent) {
      const { totalTokens } = spent;
      if (!Number.isSafeInteger(totalTokens) || totalTokens < 0) {
        throw new RangeError(
          `totalTokens must be a non-negative integer; got ${String(totalTokens)}`,
        );
      }
      await usage.add(sessionId, utcDay(clock.now()), { turns: 1, tokens: totalTokens });
    },
  };
}

/** A limit must be a positive number; `Infinity` turns that limit off. */
function assertLimit(name: string, value: number): void {
  // Written as !(value > 0) so NaN and a missing value (undefined from untyped config) fail too.
  if (typeof value !== 'number' || !(value > 0)) {
    throw new RangeError(`${name} must be a positive number (or Infinity); got ${String(value)}`);
  }
}
