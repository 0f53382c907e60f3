import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Model } from '@openai/agents';
import pino, { type Logger } from 'pino';
import { OfflineModel } from '../agent/models/offline-model.js';
import { createApp, type ParleyApp } from '../app.js';
import { type Clock, ManualClock } from '../clock.js';
import { type Config, loadConfig } from '../config.js';
import { createKnowledgeBase, DEFAULT_KB_DIR } from '../knowledge/knowledge-base.js';
import type { KnowledgeBase } from '../knowledge/types.js';
import type { ParleyStore } from '../sessions/store.js';
import { MemoryStore } from '../sessions/stores/memory-store.js';
import type { WidgetAsset } from '../web/widget-asset.js';

export const TEST_SESSION_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface TestAppOptions {
  model?: Model;
  store?: ParleyStore;
  clock?: Clock;
  /** Environment overrides, as an operator would set them. */
  env?: Record<string, string>;
  knowledgeBase?: KnowledgeBase;
  sessionSecrets?: string[];
  fetch?: typeof fetch;
  /** Silent unless a test wants to read the log lines. */
  logger?: Logger;
  /** The built widget to serve at `/widget.js` (browser tests); without it `/widget.js` is 503. */
  widget?: WidgetAsset;
}

export interface TestApp {
  baseUrl: string;
  config: Config;
  store: ParleyStore;
  clock: Clock;
  parley: ParleyApp;
  server: Server;
  close(): Promise<void>;
}

let sharedKnowledgeBase: Promise<KnowledgeBase> | undefined;

/** The sample knowledge base, indexed once per test file. */
export function sampleKnowledgeBase(): Promise<KnowledgeBase> {
  sharedKnowledgeBase ??= createKnowledgeBase({ dir: DEFAULT_KB_DIR, watch: false });
  return sharedKnowledgeBase;
}

/**
 * Starts the real app on 127.0.0.1 with test-friendly parts: a memory store, a manual clock, the
 * offline model unless a (scripted) model is given, and silent logs. Tests talk to it over HTTP.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 0, 6, 15));
  const config = loadConfig({
    NODE_ENV: 'test',
    PARLEY_STORE: 'memory',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const store =
    options.store ??
    new MemoryStore({
      clock,
      limits: {
        sessionTtlMs: config.sessionTtlMs,
        sessionMaxAgeMs: config.sessionMaxAgeMs,
        idempotencyTtlMs: config.sessionTtlMs,
      },
    });
  const model =
    options.model ??
    new OfflineModel({
      companyName: config.file.companyName,
      specialists: config.file.specialists,
    });
  const parley = createApp({
    config,
    store,
    model,
    modelKind: options.model ? 'custom' : 'offline',
    knowledgeBase: options.knowledgeBase ?? (await sampleKnowledgeBase()),
    clock,
    logger: options.logger ?? pino({ level: 'silent' }),
    sessionSecrets: options.sessionSecrets ?? [TEST_SESSION_SECRET],
    widget: options.widget,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const server = parley.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    store,
    clock,
    parley,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await parley.drain(1000);
      if (!options.store) await store.close();
    },
  };
}
