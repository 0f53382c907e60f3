/**
 * Parley itself (c), as `src/index.ts` would run it: the real `createApp` with the real
 * OpenAI-compatible model (`createOpenAIModel`) pointed at the fake, rate limits off, logs silent,
 * tracing off, the sample knowledge base. Only the process around it is the bench's: it listens
 * next to the bench control routes, and `/__bench/seed` plants a conversation of N items (for the
 * history-growth section) and hands back its session token.
 *
 * Env: BENCH_MODEL_URL (required), BENCH_API (responses | chat_completions), BENCH_STORE
 * (memory | sqlite:<path> | redis://…; default memory), PARLEY_HISTORY_MAX_ITEMS and
 * PARLEY_HISTORY_MAX_TOKENS pass through, BENCH_KB=uncached turns the knowledge base's search
 * cache off.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTracingDisabled } from '@openai/agents';
import pino from 'pino';
import { createOpenAIModel } from '../../src/agent/models/openai-model.js';
import { createApp } from '../../src/app.js';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createKnowledgeBase, DEFAULT_KB_DIR } from '../../src/knowledge/knowledge-base.js';
import { createStoreFromConfig } from '../../src/sessions/create-store.js';
import { MemoryStore } from '../../src/sessions/stores/memory-store.js';
import { createSessionId, createTokenSigner } from '../../src/sessions/tokens.js';
import { historyItems, turnMessages } from '../lib/history.js';
import { listenForBench } from './hooks.js';

const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const modelUrl = process.env.BENCH_MODEL_URL;
if (!modelUrl) throw new Error('BENCH_MODEL_URL is required');

const config = loadConfig({
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  PARLEY_RATE_LIMITS: 'off',
  PARLEY_STORE: process.env.BENCH_STORE ?? 'memory',
  PARLEY_SESSION_SECRET: SECRET,
  OPENAI_API_KEY: 'bench',
  OPENAI_BASE_URL: modelUrl,
  OPENAI_API: process.env.BENCH_API === 'chat_completions' ? 'chat_completions' : 'responses',
  OPENAI_MAX_RETRIES: '0',
  ...(process.env.PARLEY_HISTORY_MAX_ITEMS
    ? { PARLEY_HISTORY_MAX_ITEMS: process.env.PARLEY_HISTORY_MAX_ITEMS }
    : {}),
  ...(process.env.PARLEY_HISTORY_MAX_TOKENS
    ? { PARLEY_HISTORY_MAX_TOKENS: process.env.PARLEY_HISTORY_MAX_TOKENS }
    : {}),
});
setTracingDisabled(!config.tracingExport);

const store = await createStoreFromConfig(config, systemClock);
// BENCH_KB=uncached turns the search cache off, so every turn runs a full search: the cost of a
// question nobody asked before (every bench turn asks the same one).
const knowledgeBase = await createKnowledgeBase({
  dir: DEFAULT_KB_DIR,
  watch: false,
  ...(process.env.BENCH_KB === 'uncached' ? { searchCacheSize: 0 } : {}),
});
if (!config.openai) throw new Error('the bench config has no model');
const model = await createOpenAIModel(config.openai);
const { app } = createApp({
  config,
  store,
  model,
  modelKind: 'openai',
  knowledgeBase,
  clock: systemClock,
  logger: pino({ level: 'silent' }),
  sessionSecrets: [SECRET],
  widget: undefined,
  version: 'bench',
});
const signer = createTokenSigner([SECRET]);

await listenForBench(app as unknown as (req: IncomingMessage, res: ServerResponse) => void, {
  extraStats: (): Record<string, number> =>
    store instanceof MemoryStore ? { sessions: store.sessionCount } : {},
  routes: {
    /** Plants a conversation of `items` model items (and its transcript); returns its token. */
    seed: async (_req, _res, body) => {
      const { items } = JSON.parse(body || '{}') as { items?: number };
      const id = createSessionId();
      await store.createSession(id);
      const seeded = historyItems(items ?? 0);
      await store.addItems(id, seeded);
      for (let n = 0; n < Math.ceil(seeded.length / 4); n++) {
        for (const message of turnMessages(n)) await store.appendMessage(id, message);
      }
      return { token: signer.sign(id) };
    },
  },
});
