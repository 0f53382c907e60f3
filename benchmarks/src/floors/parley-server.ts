/**
 * Parley itself (c), started the way production starts it: `loadConfig` over an environment, then
 * `startServer` (store opened and migrated, coordination, knowledge base, the configured model
 * behind its circuit breaker, the app, the listener), logging at LOG_LEVEL (default info) to
 * stdout through Parley's own non-blocking output. The bench only adds a control port beside it
 * (CPU, loop, profiler) and `/__bench/seed`, which plants a conversation of N items (for the
 * history-growth section) and hands back its session token.
 *
 * Env: BENCH_MODEL_URL (required), BENCH_API (responses | chat_completions), BENCH_STORE (a
 * PARLEY_STORE value; default a SQLite file in a temporary folder, removed on exit), BENCH_REDIS
 * (a PARLEY_REDIS_URL); LOG_LEVEL, PARLEY_HISTORY_MAX_ITEMS and PARLEY_HISTORY_MAX_TOKENS pass through. Rate limits are
 * off: every bench visitor comes from one address.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  createLogOutput,
  createSessionId,
  createTokenSigner,
  loadConfig,
  startServer,
} from '@parley/server';
import { historyItems, turnMessages } from '../lib/history.js';
import { listenForBench } from './hooks.js';

const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const modelUrl = process.env.BENCH_MODEL_URL;
if (!modelUrl) throw new Error('BENCH_MODEL_URL is required');

const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const passThrough = ['LOG_LEVEL', 'PARLEY_HISTORY_MAX_ITEMS', 'PARLEY_HISTORY_MAX_TOKENS'];

const config = loadConfig({
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  PARLEY_RATE_LIMITS: 'off',
  PARLEY_DATA_DIR: dataDir,
  PARLEY_STORE: process.env.BENCH_STORE ?? `sqlite:${join(dataDir, 'parley.db')}`,
  ...(process.env.BENCH_REDIS ? { PARLEY_REDIS_URL: process.env.BENCH_REDIS } : {}),
  PARLEY_SESSION_SECRET: SECRET,
  OPENAI_API_KEY: 'bench',
  OPENAI_BASE_URL: modelUrl,
  OPENAI_API: process.env.BENCH_API === 'chat_completions' ? 'chat_completions' : 'responses',
  OPENAI_MAX_RETRIES: '0',
  ...Object.fromEntries(
    passThrough.flatMap((name) => {
      const value = process.env[name];
      return value ? [[name, value]] : [];
    }),
  ),
});
const output = createLogOutput();
const logger = createLogger(config.logLevel, output.stream);
const running = await startServer(config, { logger });
const { store } = running;
const signer = createTokenSigner([SECRET]);

await listenForBench(undefined, {
  ready: { url: running.url },
  inFlight: () => running.parley.tracker.active,
  onStop: async () => {
    await running.stop(1000);
    await output.flush(1000);
  },
  routes: {
    /** Plants a conversation of `items` model items (and its transcript); returns its token. */
    seed: async (_req, _res, body) => {
      const { items } = JSON.parse(body || '{}') as { items?: number };
      const id = createSessionId();
      await store.conversations.create(id);
      const seeded = historyItems(items ?? 0);
      await store.items.add(id, seeded);
      for (let n = 0; n < Math.ceil(seeded.length / 4); n++) {
        for (const message of turnMessages()) await store.log.append(id, message);
      }
      return { token: signer.sign(id) };
    },
  },
});
