import { chatTurn, getHistory } from '@parley/testkit/chat-client';
import { percentile, roundMs, runPool } from '@parley/testkit/stats';
import { visitorTag } from '../support/model-input.js';

/**
 * The load scenario every load suite runs: `visitors` concurrent visitors, each sending `turns`
 * messages one after another (alternating SSE and JSON, so both transports interleave), then
 * reading their history. Everything a visitor saw is checked against what it alone sent.
 */
export interface LoadOptions {
  visitors: number;
  turns: number;
  /** Which instance serves turn `turn` (1-based) of `visitor`, and reads its history after. */
  baseUrlFor: (visitor: number, turn: number) => string;
}

export interface LoadReport {
  turns: number;
  answered: number;
  /** Status of every turn that was not answered, with the error code. */
  failures: string[];
  fiveXX: number;
  /** Visitors whose history is not exactly their own messages and answers, in order. */
  historyProblems: string[];
  /** Answers that carry another visitor's tag, or miss their own. */
  crossTalk: string[];
  latencies: number[];
  /** Latencies of each visitor's first turn (it opens the connection and the session). */
  firstTurnLatencies: number[];
  laterTurnLatencies: number[];
  sseTurns: number;
  jsonTurns: number;
  durationMs: number;
}

export async function runVisitors(options: LoadOptions): Promise<LoadReport> {
  const report: LoadReport = {
    turns: 0,
    answered: 0,
    failures: [],
    fiveXX: 0,
    historyProblems: [],
    crossTalk: [],
    latencies: [],
    firstTurnLatencies: [],
    laterTurnLatencies: [],
    sseTurns: 0,
    jsonTurns: 0,
    durationMs: 0,
  };
  const started = performance.now();
  const visitors = Array.from({ length: options.visitors }, (_, i) => i + 1);
  await runPool(visitors, options.visitors, async (visitor) => {
    let token: string | undefined;
    const expected: { role: string; text: string }[] = [];
    for (let turn = 1; turn <= options.turns; turn++) {
      const tag = visitorTag(visitor, turn);
      const message = `Visitor ${visitor}, question ${turn}: where is my parcel? ${tag}`;
      const sse = (visitor + turn) % 2 === 0;
      const result = await chatTurn(options.baseUrlFor(visitor, turn), message, {
        sse,
        ...(token ? { token } : {}),
      });
      report.turns++;
      if (sse) report.sseTurns++;
      else report.jsonTurns++;
      report.latencies.push(result.ms);
      (turn === 1 ? report.firstTurnLatencies : report.laterTurnLatencies).push(result.ms);
      if (result.status >= 500) report.fiveXX++;
      if (result.status !== 200 || result.error || result.text === undefined) {
        report.failures.push(
          `v${visitor} t${turn}: ${result.status} ${result.error?.code ?? result.networkError ?? 'no answer'}`,
        );
        report.historyProblems.push(`v${visitor}: stopped at turn ${turn}`);
        return;
      }
      report.answered++;
      if (
        !result.text.includes(tag) ||
        (result.text.match(/\[v\d{3}-t\d+\]/g) ?? []).length !== 1
      ) {
        report.crossTalk.push(`v${visitor} t${turn} got "${result.text.slice(0, 80)}"`);
      }
      if (sse && result.deltas !== result.text) {
        report.crossTalk.push(`v${visitor} t${turn}: streamed text differs from the done event`);
      }
      if (result.question?.text !== message) {
        report.crossTalk.push(`v${visitor} t${turn}: the stored question is not the one sent`);
      }
      token = result.token;
      expected.push({ role: 'user', text: message }, { role: 'assistant', text: result.text });
    }
    const read = await getHistory(options.baseUrlFor(visitor, options.turns + 1), {
      ...(token ? { token } : {}),
    });
    const actual = (read.body.messages ?? []).map((m) => ({ role: m.role, text: m.text }));
    if (read.status !== 200 || JSON.stringify(actual) !== JSON.stringify(expected)) {
      report.historyProblems.push(
        `v${visitor}: history ${read.status} with ${actual.length} messages, expected ${expected.length}`,
      );
    }
  });
  report.durationMs = performance.now() - started;
  return report;
}

const whole = (value: number | undefined) => roundMs(value ?? 0);

/** The numbers a load check records. */
export function loadNumbers(report: LoadReport, visitors: number): Record<string, number> {
  return {
    visitors,
    turns: report.turns,
    answered: report.answered,
    failed: report.failures.length,
    sse: report.sseTurns,
    json: report.jsonTurns,
    '5xx': report.fiveXX,
    p50_ms: whole(percentile(report.latencies, 50)),
    p99_ms: whole(percentile(report.latencies, 99)),
    max_ms: whole(Math.max(0, ...report.latencies)),
    first_turn_p50_ms: whole(percentile(report.firstTurnLatencies, 50)),
    first_turn_p99_ms: whole(percentile(report.firstTurnLatencies, 99)),
    later_turns_p50_ms: whole(percentile(report.laterTurnLatencies, 50)),
    later_turns_p99_ms: whole(percentile(report.laterTurnLatencies, 99)),
    total_ms: whole(report.durationMs),
    turns_per_s: Math.round((report.turns / report.durationMs) * 1000 * 10) / 10,
  };
}
