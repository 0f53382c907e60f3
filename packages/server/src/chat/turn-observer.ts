import type { StreamEvent } from '@parley/shared';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { isStoreUnavailable } from '../errors.js';
import { HttpError } from '../http/errors.js';
import { type Metrics, modelErrorKind, type TurnOutcomeLabel } from '../observability/metrics.js';
import { addLogFields } from '../observability/request-logger.js';
import { TurnAbortedError, TurnFailedError } from './turn-errors.js';
import type { TurnOutcome } from './turns.js';

export interface TurnObserverDeps {
  metrics: Metrics;
  logger: Logger;
  /** PARLEY_LOG_CONTENT=1: also log the visitor's message and the answer. */
  logContent: boolean;
  now: () => number;
}

/**
 * Watches one turn for operators: metrics (time to first delta, tools, outcome, duration, tokens)
 * and the fields of its request log line. Routes only pass events and the result through it.
 */
export function observeTurn(deps: TurnObserverDeps, res: Response, conversation: string) {
  const { metrics } = deps;
  let startedAt = deps.now();
  let sawDelta = false;
  let handoffs = 0;

  return {
    /** Marks the moment the turn was accepted (after idempotency and the lock). */
    accepted(): void {
      startedAt = deps.now();
    },
    /** Wraps the route's event sink. */
    emit(send: (event: StreamEvent, id: string) => void): (event: StreamEvent, id: string) => void {
      return (event, id) => {
        if (event.event === 'delta' && !sawDelta) {
          sawDelta = true;
          metrics.firstDelta(deps.now() - startedAt);
        } else if (event.event === 'tool' && event.data.status !== 'started') {
          metrics.toolCalled(event.data.name, event.data.status === 'failed' ? 'failed' : 'ok');
        } else if (event.event === 'handoff') {
          handoffs++;
        }
        send(event, id);
      };
    },
    /** Records how the turn ended; `message` is only logged when the operator allows content. */
    finished(outcome: TurnOutcome | undefined, error: unknown, message: string): void {
      const label = outcomeLabel(outcome, error);
      if (!label) return;
      metrics.turnFinished(label, deps.now() - startedAt);
      const run = outcome?.run;
      if (run) metrics.modelTokens(run.usage);
      if (
        label === 'failed' &&
        error instanceof TurnFailedError &&
        error.code === 'model_unavailable' &&
        // A store outage shares the visitor-facing code but is not the model's failure.
        !isStoreUnavailable(error.cause)
      ) {
        metrics.modelError(modelErrorKind(error.cause));
      }
      addLogFields(res, {
        conversation,
        outcome: label,
        ...(run
          ? {
              agent: run.agent,
              toolsUsed: run.toolsUsed,
              handoffs,
              usage: { ...run.usage },
            }
          : {}),
        ...(error instanceof TurnFailedError ? { errorCode: error.code } : {}),
      });
      if (deps.logContent) {
        deps.logger.info({ conversation, message, answer: outcome?.answer?.text }, 'turn content');
      }
    },
  };
}

function outcomeLabel(
  outcome: TurnOutcome | undefined,
  error: unknown,
): TurnOutcomeLabel | undefined {
  if (outcome) {
    if (outcome.replayed) return 'replayed';
    if (!outcome.run) return 'forwarded';
    return outcome.run.refused ? 'refused' : 'answered';
  }
  if (error instanceof TurnAbortedError) return 'aborted';
  if (error instanceof TurnFailedError) return 'failed';
  // Refusals before the run (409, 422, 429, 401) are not turns.
  if (error instanceof HttpError) return undefined;
  return 'failed';
}
