import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Model } from '@openai/agents';
import {
  type Clock,
  type Config,
  type Coordination,
  createApp,
  createCoordination,
  createKnowledgeBase,
  createLogger,
  DEFAULT_KB_DIR,
  type KnowledgeBase,
  loadConfig,
  ManualClock,
  OfflineModel,
  openStore,
  type ParleyApp,
  type Store,
  type WidgetAsset,
} from '@parley/server';
import type { Logger } from 'pino';

export const TEST_SESSION_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export interface TestAppOptions {
  model?: Model;
  /** Defaults to SQLite in memory, closed with the app. */
  store?: Store;
  /** Defaults to coordination through the store (in memory for SQLite). */
  coordination?: Coordination;
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
  /** The built console to serve at `/console` (`resolveConsoleDir()`); without it `/console` is 503. */
  consoleDir?: string;
}

/**
 * Every line the app logged, and what must never appear in one: the raw ids of the conversations
 * it created and the text of the messages it stored.
 */
export interface LogCapture {
  lines: string[];
  /** Throws naming each raw session id or message text found in the log lines. */
  assertNoLeaks(): void;
}

export interface TestApp {
  baseUrl: string;
  config: Config;
  store: Store;
  coordination: Coordination;
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
 * A debug-level logger that keeps its lines, over a store that remembers the secrets that must
 * not reach them. Every test app uses one unless a test brings its own logger, so each integration
 * test doubles as a check that nothing it does logs a session id or a message.
 */
function captureLogs(
  store: Store,
  checkContent: boolean,
): { logger: Logger; store: Store; capture: LogCapture } {
  const lines: string[] = [];
  const sessionIds = new Set<string>();
  const texts = new Set<string>();
  // Short texts ("hi") occur in ordinary words; only distinctive ones are checked.
  const MIN_TEXT = 12;
  const watched: Store = {
    ...store,
    conversations: {
      ...store.conversations,
      create: (...args) => {
        sessionIds.add(args[0]);
        return store.conversations.create(...args);
      },
    },
    log: {
      ...store.log,
      append: (...args) => {
        const text = args[1].text.trim();
        if (text.length >= MIN_TEXT) texts.add(text);
        return store.log.append(...args);
      },
    },
  };
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

/**
 * Starts the real app on 127.0.0.1 with test-friendly parts: SQLite in memory, a manual clock,
 * the offline model unless a (scripted) model is given, and captured logs. Tests talk to it over
 * HTTP.
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
    (await openStore(config.store, {
      clock,
      limits: {
        sessionTtlMs: config.sessionTtlMs,
        sessionMaxAgeMs: config.sessionMaxAgeMs,
        idempotencyTtlMs: config.sessionTtlMs,
      },
    }));
  const captured = options.logger ? undefined : captureLogs(baseStore, !config.logContent);
  const store = captured?.store ?? baseStore;
  const logger = options.logger ?? captured!.logger;
  const coordination =
    options.coordination ??
    (await createCoordination({
      store,
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      postgresUrl: config.store.kind === 'postgres' ? config.store.url : undefined,
      logger,
    }));
  const model =
    options.model ??
    new OfflineModel({
      companyName: config.file.companyName,
      specialists: config.file.specialists,
    });
  const parley = createApp({
    config,
    store,
    coordination,
    model,
    modelKind: options.model ? 'custom' : 'offline',
    knowledgeBase: options.knowledgeBase ?? (await sampleKnowledgeBase()),
    clock,
    logger,
    sessionSecrets: options.sessionSecrets ?? [TEST_SESSION_SECRET],
    widget: options.widget,
    consoleDir: options.consoleDir,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const server = parley.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    store,
    coordination,
    clock,
    parley,
    server,
    logs: captured?.capture,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await parley.close();
      if (!options.coordination) await coordination.close();
      if (!options.store) await baseStore.close();
      captured?.capture.assertNoLeaks();
    },
  };
}
