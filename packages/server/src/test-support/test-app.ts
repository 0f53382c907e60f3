import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Model } from '@openai/agents';
import type { Logger } from 'pino';
import { OfflineModel } from '../agent/models/offline-model.js';
import { createApp, type ParleyApp } from '../app.js';
import { type Clock, ManualClock } from '../clock.js';
import { type Config, loadConfig } from '../config.js';
import { createKnowledgeBase, DEFAULT_KB_DIR } from '../knowledge/knowledge-base.js';
import type { KnowledgeBase } from '../knowledge/types.js';
import { createLogger } from '../logger.js';
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
  /** By default the app logs at debug level into {@link TestApp.logs}, checked for leaks. */
  logger?: Logger;
  /** The built widget to serve at `/widget.js` (browser tests); without it `/widget.js` is 503. */
  widget?: WidgetAsset;
}

/**
 * Every line the app logged, and what must never appear in one: the raw ids of the sessions it
 * created and the text of the messages it stored.
 */
export interface LogCapture {
  lines: string[];
  /** Throws naming each raw session id or message text found in the log lines. */
  assertNoLeaks(): void;
}

/**
 * A debug-level logger that keeps its lines, over a store that remembers the secrets that must
 * not reach them. Every test app uses one unless a test brings its own logger, so each integration
 * test doubles as a check that nothing it does logs a session id or a message.
 */
function captureLogs(
  store: ParleyStore,
  checkContent: boolean,
): { logger: Logger; store: ParleyStore; capture: LogCapture } {
  const lines: string[] = [];
  const sessionIds = new Set<string>();
  const texts = new Set<string>();
  // Short texts ("hi") occur in ordinary words; only distinctive ones are checked.
  const MIN_TEXT = 12;
  const watched = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'createSession') {
        return (id: string) => {
          sessionIds.add(id);
          return value.call(target, id);
        };
      }
      if (property === 'appendMessage') {
        return (sessionId: string, message: { content: string }) => {
          if (message.content.trim().length >= MIN_TEXT) texts.add(message.content.trim());
          return value.call(target, sessionId, message);
        };
      }
      return value.bind(target);
    },
  });
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  return {
    logger,
    store: watched,
    capture: {
      lines,
      assertNoLeaks() {
        const all = lines.join('\n');
        const leaks = [
          ...[...sessionIds].filter((id) => all.includes(id)).map((id) => `session id ${id}`),
          ...(checkContent
            ? [...texts].filter((text) => all.includes(text)).map((t) => `message "${t}"`)
            : []),
        ];
        if (leaks.length > 0) throw new Error(`The logs leaked: ${leaks.join(', ')}`);
      },
    },
  };
}

export interface TestApp {
  baseUrl: string;
  config: Config;
  store: ParleyStore;
  clock: Clock;
  parley: ParleyApp;
  server: Server;
  /** What the app logged (absent when the test passed its own logger). */
  logs: LogCapture | undefined;
  /** Stops the app; fails when the logs leaked a session id or a message. */
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
  const baseStore =
    options.store ??
    new MemoryStore({
      clock,
      limits: {
        sessionTtlMs: config.sessionTtlMs,
        sessionMaxAgeMs: config.sessionMaxAgeMs,
        idempotencyTtlMs: config.sessionTtlMs,
      },
    });
  const captured = options.logger ? undefined : captureLogs(baseStore, !config.logContent);
  const store = captured?.store ?? baseStore;
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
    logger: options.logger ?? captured!.logger,
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
    logs: captured?.capture,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await parley.drain(1000);
      if (!options.store) await store.close();
      captured?.capture.assertNoLeaks();
    },
  };
}
