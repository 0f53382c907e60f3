/**
 * The fake model, in its own process so its timers and JSON never share an event loop with the
 * server being measured. Every turn is two calls: the first asks for one tool call, the second
 * (whose input ends with that tool's output) streams the answer in FAKE_DELTAS pieces.
 *
 * Env: FAKE_FIRST_TOKEN_MS (50), FAKE_DELTA_MS (10), FAKE_DELTAS (20), FAKE_TOOL
 * (search_knowledge_base). Prints `BENCH_READY {"port":…,"modelUrl":"http://127.0.0.1:…/v1"}`;
 * `port` is the control port with `/__bench/model` (request counts) next to the usual stats.
 */
import { type FakeStep, type RecordedRequest, startFakeOpenAI } from '@parley/testkit/fake-openai';
import { BENCH_ANSWER, BENCH_QUERY } from './fake-model.constants.js';
import { envInt, listenForBench } from './hooks.js';

/** The tool every turn calls. */
const BENCH_TOOL = process.env.FAKE_TOOL ?? 'search_knowledge_base';

const deltas = envInt('FAKE_DELTAS', 20);
let calls = 0;
let inputItems = 0;
let requestBytes = 0;
let maxInputItems = 0;

function endsWithToolOutput(request: RecordedRequest): boolean {
  const body = request.body as { messages?: unknown[]; input?: unknown } | undefined;
  const items = request.api === 'chat_completions' ? body?.messages : body?.input;
  if (!Array.isArray(items)) return false;
  inputItems += items.length;
  maxInputItems = Math.max(maxInputItems, items.length);
  const last = items.at(-1) as { role?: string; type?: string } | undefined;
  return last?.role === 'tool' || last?.type === 'function_call_output';
}

const fake = await startFakeOpenAI({
  firstTokenDelayMs: envInt('FAKE_FIRST_TOKEN_MS', 50),
  deltaIntervalMs: envInt('FAKE_DELTA_MS', 10),
  responder: (request): FakeStep => {
    calls += 1;
    requestBytes += Number(request.headers['content-length'] ?? 0);
    const answer = endsWithToolOutput(request);
    // The fake records every request; drop them so a long run does not grow without bound.
    fake.requests.length = 0;
    if (answer) return { kind: 'text', text: BENCH_ANSWER, deltas };
    return {
      kind: 'tool_call',
      name: BENCH_TOOL,
      arguments: BENCH_TOOL === 'search_knowledge_base' ? { query: BENCH_QUERY } : {},
      // Unique per call, as a real model's are: the history window pairs calls by id.
      callId: `call_${calls.toString(36)}_${Math.random().toString(36).slice(2, 10)}`,
    };
  },
});

await listenForBench(undefined, {
  ready: { modelUrl: fake.url },
  routes: {
    model: () => ({ calls, inputItems, maxInputItems, requestBytes }),
    'model-reset': () => {
      calls = 0;
      inputItems = 0;
      maxInputItems = 0;
      requestBytes = 0;
      return { ok: true };
    },
  },
});
