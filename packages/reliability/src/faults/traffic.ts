import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@parley/shared';
import { chatTurn, getHistory } from '@parley/testkit/chat-client';
import { percentile, waitUntil } from '@parley/testkit/stats';
import { historyMismatch, type SentTurn } from './history-check.js';

/**
 * Visitors chatting continuously against one server while a fault is injected underneath, for
 * the infrastructure suites: every outcome is recorded with the phase it started in, and at the
 * end every history is compared with what its visitor lived through.
 */
export type Phase = 'before' | 'fault' | 'after';

export interface Outcome {
  visitor: number;
  phase: Phase;
  /** `performance.now()` when the request was sent, and when its answer (or failure) ended. */
  startedAt: number;
  endedAt: number;
  status: number;
  ms: number;
  answered: boolean;
  code: string | undefined;
  message: string | undefined;
  retryable: boolean | undefined;
  networkError: string | undefined;
}

export function startTraffic(baseUrl: string, visitors: number) {
  let phase: Phase = 'before';
  let stopping = false;
  const outcomes: Outcome[] = [];
  const sent: SentTurn[][] = Array.from({ length: visitors }, () => []);
  const tokens: (string | undefined)[] = Array.from({ length: visitors }, () => undefined);
  const answeredAfter = new Set<number>();

  const visitorLoop = async (visitor: number) => {
    for (let turn = 1; !stopping; turn++) {
      const startedIn = phase;
      const startedAt = performance.now();
      const message = `Visitor ${visitor}, message ${turn}: how do I reset my password?`;
      const token = tokens[visitor];
      const result = await chatTurn(baseUrl, message, {
        sse: turn % 2 === 0,
        timeoutMs: 15_000,
        ...(token ? { token } : {}),
      });
      const answered = result.status === 200 && result.text !== undefined;
      outcomes.push({
        visitor,
        phase: startedIn,
        startedAt,
        endedAt: performance.now(),
        status: result.status,
        ms: result.ms,
        answered,
        code: result.error?.code,
        message: result.error?.message,
        retryable: result.error?.retryable,
        networkError: result.networkError,
      });
      if (result.token) tokens[visitor] = result.token;
      if (tokens[visitor])
        sent[visitor]!.push({ message, answer: answered ? result.text : undefined });
      if (answered && startedIn === 'after') answeredAfter.add(visitor);
      await sleep(25);
    }
  };
  const loops = Array.from({ length: visitors }, (_, v) => visitorLoop(v));

  return {
    outcomes,
    tokens,
    /** Waits until every visitor has a conversation, then a little longer. */
    async warmUp() {
      await waitUntil(() => tokens.every(Boolean), {
        timeoutMs: 20_000,
        what: 'every visitor answered',
      });
      await sleep(500);
    },
    setPhase(next: Phase) {
      phase = next;
    },
    /** Milliseconds from now until one turn started after the fault was answered, then all. */
    async recovery(timeoutMs: number): Promise<{ firstMs: number; allMs: number }> {
      const started = performance.now();
      // What the visitors still waiting got after the fault, for a failure's message.
      const stillFailing = (error: Error): never => {
        const stuck = outcomes.filter((o) => o.phase === 'after' && !answeredAfter.has(o.visitor));
        const codes = [
          ...new Set(stuck.map((o) => `v${o.visitor} ${o.status} ${o.code ?? o.networkError}`)),
        ];
        throw new Error(
          `${error.message}; ${stuck.length} requests after the fault, still failing: ${codes.slice(0, 6).join(', ') || 'none finished'}`,
        );
      };
      const firstMs = await waitUntil(() => answeredAfter.size > 0, {
        timeoutMs,
        what: 'a turn answered after the fault',
      }).catch(stillFailing);
      await waitUntil(() => answeredAfter.size === visitors, {
        timeoutMs,
        what: 'every visitor answered again after the fault',
      }).catch(stillFailing);
      return { firstMs, allMs: performance.now() - started };
    },
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
    /** Visitors whose history differs from what they were told (read after `stop`). */
    async historyMismatches(): Promise<string[]> {
      const mismatches: string[] = [];
      for (let v = 0; v < visitors; v++) {
        const read = await wholeHistory(baseUrl, tokens[v]!);
        const problem = historyMismatch(read.messages, sent[v]!);
        if (read.status !== 200 || problem)
          mismatches.push(`visitor ${v}: ${read.status} ${problem}`);
      }
      return mismatches;
    },
  };
}

/**
 * Failed outcomes that are not a clean, retryable refusal: a 503 `model_unavailable` with the
 * store-outage message (JSON) or a retryable `error` event on a 200 stream (SSE).
 */
export function uncleanFailures(outcomes: readonly Outcome[], message: string): Outcome[] {
  return outcomes.filter(
    (o) =>
      !o.answered &&
      (o.networkError !== undefined ||
        o.code !== 'model_unavailable' ||
        o.message !== message ||
        (o.status !== 503 && o.status !== 200) ||
        (o.status === 200 && o.retryable !== true)),
  );
}

export function describeOutcome(o: Outcome): string {
  return `v${o.visitor} ${o.phase} ${o.status} ${o.code ?? ''} ${o.retryable ?? ''} ${o.networkError ?? o.message ?? ''}`;
}

export const p99 = (values: number[]) => Math.round(percentile(values, 99) ?? 0);

/** Every message of a conversation, paging back from the latest page. */
export async function wholeHistory(
  baseUrl: string,
  token: string,
): Promise<{ status: number; messages: Message[] }> {
  const messages: Message[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await getHistory(baseUrl, { token, limit: 100, ...(before ? { before } : {}) });
    if (page.status !== 200) return { status: page.status, messages };
    messages.unshift(...page.body.messages);
    before = page.body.before;
    if (before === undefined) return { status: 200, messages };
  }
}
