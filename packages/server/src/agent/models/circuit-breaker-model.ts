import type {
  Model,
  ModelRequest,
  ModelResponse,
  ModelRetryAdvice,
  ModelRetryAdviceRequest,
  protocol,
} from '@openai/agents';
import type { Clock } from '../../clock.js';

/** The first line of every answer the fallback gives, so visitors know where it came from. */
export const FALLBACK_LABEL =
  '_Our AI assistant is unavailable right now, so this answer comes straight from our help center._\n\n';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerStateChange {
  from: BreakerState;
  to: BreakerState;
  /** Consecutive failures counted when the change happened. */
  failures: number;
  /** The failure that opened (or re-opened) the breaker. */
  error?: unknown;
}

export interface CircuitBreakerModelOptions {
  /** The real model. */
  primary: Model;
  /** Answers while the primary is out (Parley passes the offline knowledge-base model). */
  fallback: Model;
  clock: Clock;
  /** Consecutive failed calls that open the breaker; default 3. */
  failureThreshold?: number;
  /** How long it stays open before one trial call; default 30 s. */
  cooldownMs?: number;
  /** Put before the fallback's answers; default {@link FALLBACK_LABEL}. */
  label?: string;
  /** Told about every state change (logs, metrics). */
  onStateChange?: (change: BreakerStateChange) => void;
  /** Which errors count against the primary; default {@link isModelOutage}. */
  isFailure?: (error: unknown) => boolean;
}

/** Whether an error says "the model is out" rather than "this request is wrong". */
export function isModelOutage(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  // A request the provider rejects for what it contains (too long, invalid) fails the same way
  // however healthy the provider is; it must not switch every other visitor to the fallback.
  return !(status === 400 || status === 404 || status === 413 || status === 422);
}

/** One call's ticket: whether it is the half-open trial. */
interface Call {
  trial: boolean;
}

/**
 * A model that stops calling a failing primary for a while and answers from a fallback instead.
 *
 * - Closed: calls go to the primary. A call that fails before producing anything (an error from
 *   `getResponse`, or from a stream before its first event: after the client's own bounded
 *   retries) counts as a failure and is answered by the fallback, which is safe because nothing
 *   was shown yet. After `failureThreshold` consecutive failures the breaker opens.
 * - Open: every call goes straight to the fallback for `cooldownMs`.
 * - Half-open: one trial call goes to the primary (others still get the fallback); its success
 *   closes the breaker, its failure opens it again for another cooldown.
 *
 * A stream that fails after it started counts as a failure too, but its error is passed on: an
 * answer cannot be swapped mid-sentence, so that turn fails and the next one may get the fallback.
 * Cancellations by the caller count for nothing, except the run's own timeout (a model too slow to
 * answer in time is a failing model).
 *
 * Fallback answers start with {@link FALLBACK_LABEL}, in the streamed deltas and in the final
 * message alike, so the stored history matches what the visitor saw.
 *
 * @example
 * const model = new CircuitBreakerModel({ primary, fallback: offlineModel, clock: systemClock });
 * model.state; // 'closed'
 */
export class CircuitBreakerModel implements Model {
  readonly #primary: Model;
  readonly #fallback: Model;
  readonly #clock: Clock;
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #label: string;
  readonly #onStateChange: ((change: BreakerStateChange) => void) | undefined;
  readonly #isFailure: (error: unknown) => boolean;
  #state: BreakerState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #trialRunning = false;

  constructor(options: CircuitBreakerModelOptions) {
    this.#primary = options.primary;
    this.#fallback = options.fallback;
    this.#clock = options.clock;
    this.#threshold = Math.max(1, options.failureThreshold ?? 3);
    this.#cooldownMs = Math.max(0, options.cooldownMs ?? 30_000);
    this.#label = options.label ?? FALLBACK_LABEL;
    this.#onStateChange = options.onStateChange;
    this.#isFailure = options.isFailure ?? isModelOutage;
  }

  /** The breaker's state now (an open breaker whose cooldown has passed reads `half_open`). */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#clock.now() - this.#openedAt >= this.#cooldownMs) {
      this.#transition('half_open');
    }
    return this.#state;
  }

  /** Consecutive failures of the primary so far. */
  get failures(): number {
    return this.#failures;
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const call = this.#route();
    if (!call) return labelResponse(await this.#fallback.getResponse(request), this.#label);
    let response: ModelResponse;
    try {
      response = await this.#primary.getResponse(request);
    } catch (error) {
      if (!this.#settleFailure(call, request, error)) throw error;
      return labelResponse(await this.#fallback.getResponse(request), this.#label);
    }
    this.#succeeded(call);
    return response;
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<protocol.StreamEvent> {
    const call = this.#route();
    if (!call) {
      yield* labelStream(this.#fallback.getStreamedResponse(request), this.#label);
      return;
    }
    let iterator: AsyncIterator<protocol.StreamEvent>;
    let first: IteratorResult<protocol.StreamEvent>;
    try {
      iterator = this.#primary.getStreamedResponse(request)[Symbol.asyncIterator]();
      first = await iterator.next();
    } catch (error) {
      if (!this.#settleFailure(call, request, error)) throw error;
      yield* labelStream(this.#fallback.getStreamedResponse(request), this.#label);
      return;
    }
    let settled = false;
    try {
      let next = first;
      while (!next.done) {
        yield next.value;
        next = await iterator.next();
      }
      settled = true;
      // A provider may end its stream quietly when the run is aborted: that is no success.
      if (request.signal?.aborted) this.#settleCancelled(call, request);
      else this.#succeeded(call);
    } catch (error) {
      settled = true;
      // Text may already be on the visitor's screen: count it, but let the turn fail.
      this.#settleFailure(call, request, error);
      throw error;
    } finally {
      if (!settled) {
        // The caller stopped reading.
        this.#settleCancelled(call, request);
        await iterator.return?.();
      }
    }
  }

  async getRetryAdvice(args: ModelRetryAdviceRequest): Promise<ModelRetryAdvice | undefined> {
    return this.#primary.getRetryAdvice?.(args);
  }

  /** Where this call goes: a ticket for the primary, or undefined for the fallback. */
  #route(): Call | undefined {
    const state = this.state;
    if (state === 'closed') return { trial: false };
    if (state === 'half_open' && !this.#trialRunning) {
      this.#trialRunning = true;
      return { trial: true };
    }
    return undefined;
  }

  #succeeded(call: Call): void {
    if (call.trial) {
      this.#trialRunning = false;
      this.#failures = 0;
      this.#transition('closed');
    } else if (this.#state === 'closed') {
      this.#failures = 0;
    }
  }

  /**
   * Books a failed primary call. Returns whether it counted as a failure of the model (so a
   * fallback may answer); false for the caller's own cancellation or a request-specific error.
   */
  #settleFailure(call: Call, request: ModelRequest, error: unknown): boolean {
    const signal = request.signal;
    const timedOut = signal?.aborted === true && isTimeout(signal.reason);
    if ((signal?.aborted && !timedOut) || !this.#isFailure(error)) {
      this.#release(call);
      return false;
    }
    this.#failures += 1;
    if (call.trial) {
      this.#trialRunning = false;
      this.#open(error);
    } else if (this.#state === 'closed' && this.#failures >= this.#threshold) {
      this.#open(error);
    }
    // A timed-out run is over: there is nobody left to answer.
    return !timedOut;
  }

  /**
   * A call the caller cancelled: the run's own timeout counts against a model too slow to finish;
   * any other cancellation (the visitor left) is neither a success nor a failure.
   */
  #settleCancelled(call: Call, request: ModelRequest): void {
    if (request.signal?.aborted && isTimeout(request.signal.reason)) {
      this.#settleFailure(call, request, new Error('The model did not finish in time'));
    } else {
      this.#release(call);
    }
  }

  #release(call: Call): void {
    if (call.trial) this.#trialRunning = false;
  }

  #open(error: unknown): void {
    this.#openedAt = this.#clock.now();
    this.#transition('open', error);
  }

  #transition(to: BreakerState, error?: unknown): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#onStateChange?.({
      from,
      to,
      failures: this.#failures,
      ...(error === undefined ? {} : { error }),
    });
  }
}

function isTimeout(reason: unknown): boolean {
  return (reason as { name?: unknown } | null)?.name === 'TimeoutError';
}

/** The fallback's stream with the label as its first text delta and in its final message. */
async function* labelStream(
  events: AsyncIterable<protocol.StreamEvent>,
  label: string,
): AsyncIterable<protocol.StreamEvent> {
  let labelled = false;
  for await (const event of events) {
    if (event.type === 'output_text_delta' && !labelled) {
      labelled = true;
      yield { type: 'output_text_delta', delta: label };
    }
    if (event.type === 'response_done') {
      yield {
        ...event,
        response: { ...event.response, output: labelOutput(event.response.output, label) },
      };
      continue;
    }
    yield event;
  }
}

function labelResponse(response: ModelResponse, label: string): ModelResponse {
  return { ...response, output: labelOutput(response.output, label) };
}

/** Prefixes the first text of the first assistant message; tool calls pass unchanged. */
function labelOutput<T>(output: T[], label: string): T[] {
  let done = false;
  return output.map((item) => {
    if (done || !isAssistantMessage(item)) return item;
    const index = item.content.findIndex((part) => part.type === 'output_text');
    if (index === -1) return item;
    done = true;
    const content = item.content.map((part, i) =>
      i === index && part.type === 'output_text' ? { ...part, text: label + part.text } : part,
    );
    return { ...item, content } as T;
  });
}

function isAssistantMessage(item: unknown): item is protocol.AssistantMessageItem {
  const candidate = item as { type?: unknown; role?: unknown; content?: unknown };
  return (
    candidate.type === 'message' &&
    candidate.role === 'assistant' &&
    Array.isArray(candidate.content)
  );
}
