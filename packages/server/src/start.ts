import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  addTraceProcessor,
  type Model,
  setTraceProcessors,
  setTracingDisabled,
} from '@openai/agents';
import type { HealthResponse } from '@parley/shared';
import type { Logger } from 'pino';
import { registerBreakerMetrics } from './agent/models/circuit-breaker-metrics.js';
import { createApp, type ParleyApp } from './app.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import { type Coordination, createCoordination } from './coordination/coordination.js';
import { ConfigError } from './errors.js';
import { rateLimitsDisabledWarning } from './http/rate-limits.js';
import { applyServerTimeouts } from './http/server-timeouts.js';
import { startJobs } from './jobs/background-jobs.js';
import { createKnowledgeBase, DEFAULT_KB_DIR } from './knowledge/knowledge-base.js';
import type { KnowledgeBase } from './knowledge/types.js';
import { createModel } from './models.js';
import { createMetrics } from './observability/metrics.js';
import { TraceLogProcessor } from './observability/trace-log-processor.js';
import { resolveSessionSecrets } from './sessions/session-secret.js';
import { openStore, type Store } from './store/store.js';
import { resolveConsoleDir } from './web/console-app.js';
import { loadWidgetAsset, resolveWidgetPath, type WidgetAsset } from './web/widget-asset.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

export interface StartOptions {
  logger: Logger;
  clock?: Clock;
  /** A model to use instead of the configured one (tests, benchmarks). */
  model?: Model;
  knowledgeBase?: KnowledgeBase;
  widget?: WidgetAsset;
  /** Watch the knowledge-base folder and re-index on change (default true). */
  watchKnowledgeBase?: boolean;
  /** For webhooks and mail; tests inject one. */
  fetch?: typeof fetch;
}

/** A Parley server listening on its port, with everything it opened. */
export interface RunningServer {
  url: string;
  server: Server;
  parley: ParleyApp;
  store: Store;
  coordination: Coordination;
  /**
   * Stops gracefully: `/readyz` turns 503 and new turns are refused while running ones get up to
   * `graceMs` to finish, then everything is closed in order.
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Builds and starts a whole Parley server from its configuration: the store (migrated), the
 * coordination between instances, the knowledge base, the model, the app, the background jobs,
 * the listener. The entry point (`main.ts`) is this plus signals; tests and the reliability suites
 * start real servers the same way.
 *
 * @example
 * const running = await startServer(loadConfig(process.env), { logger });
 * await running.stop(20_000);
 */
export async function startServer(config: Config, options: StartOptions): Promise<RunningServer> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  configureTracing(config, logger);

  const sessionSecrets = resolveSessionSecrets({
    configured: config.sessionSecrets,
    production: config.production,
    dataDir: config.dataDir,
    warn: (message) => logger.warn(message),
  });
  const store = await openStore(config.store, {
    clock,
    limits: {
      sessionTtlMs: config.sessionTtlMs,
      sessionMaxAgeMs: config.sessionMaxAgeMs,
      idempotencyTtlMs: config.sessionTtlMs,
    },
    postgres: config.postgres,
    onPoolError: (error) =>
      logger.warn({ err: { message: error.message } }, 'database connection lost; reconnecting'),
  }).catch((error: unknown) => {
    // An unreachable or broken database stops start-up with a message naming the variable.
    throw new ConfigError(
      `PARLEY_STORE: cannot open the ${config.store.kind} store (${(error as Error).message})`,
      { cause: error },
    );
  });
  const opened: Array<() => Promise<void>> = [() => store.close()];
  const closeOpened = async () => {
    for (const close of opened.reverse()) await close().catch(() => {});
  };
  try {
    const coordination = await createCoordination({
      store,
      redisUrl: config.redisUrl,
      redisPrefix: config.redisPrefix,
      postgresUrl: config.store.kind === 'postgres' ? config.store.url : undefined,
      logger,
    });
    opened.push(() => coordination.close());
    const knowledgeBase =
      options.knowledgeBase ??
      (await createKnowledgeBase({
        dir: config.kbDir ?? DEFAULT_KB_DIR,
        watch: options.watchKnowledgeBase ?? true,
        logger,
      }));
    if (!options.knowledgeBase) opened.push(() => knowledgeBase.close());
    const chosen = options.model
      ? { model: options.model, kind: 'custom' as HealthResponse['model'], name: 'custom' }
      : await createModel(config, {
          clock,
          onBreakerStateChange: ({ from, to, failures }) => {
            const message =
              to === 'open'
                ? 'model circuit breaker open: answering from the offline model'
                : `model circuit breaker ${to}`;
            logger.warn({ breaker: { from, to, failures } }, message);
          },
        });
    if (!config.limits.enabled) logger.warn(rateLimitsDisabledWarning());
    const metrics = createMetrics();
    if ('breaker' in chosen && chosen.breaker)
      registerBreakerMetrics(metrics.registry, chosen.breaker);
    const widgetPath = options.widget ? undefined : resolveWidgetPath();
    const widget = options.widget ?? (widgetPath ? loadWidgetAsset(widgetPath) : undefined);
    if (!widget) logger.warn('widget.js is not built; run `npm run build` to serve it');

    const parley = createApp({
      config,
      store,
      coordination,
      model: chosen.model,
      modelKind: chosen.kind,
      knowledgeBase,
      clock,
      logger,
      sessionSecrets,
      widget,
      consoleDir: resolveConsoleDir(),
      version: VERSION,
      metrics,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const jobs = startJobs(parley.services.jobs, logger);
    opened.push(() => jobs.stop());
    opened.push(() => parley.close());
    const server = createServer(parley.app);
    // Slow clients may not hold sockets open forever: headers within 15 s, whole request in 30 s
    // (a streamed response is not bounded by these; the stream deadline bounds it).
    applyServerTimeouts(server, {
      headersTimeoutMs: 15_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 65_000,
    });
    server.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    logger.info(
      {
        port,
        host: config.host,
        model: chosen.name,
        modelKind: chosen.kind,
        store: store.kind,
        coordination: coordination.kind,
        articles: knowledgeBase.size,
      },
      chosen.kind === 'offline'
        ? `Parley is running at http://${host}:${port} with the offline model (set OPENAI_API_KEY for a real one)`
        : `Parley is running at http://${host}:${port} with model ${chosen.name}`,
    );

    return {
      url: `http://${host === 'localhost' ? '127.0.0.1' : host}:${port}`,
      server,
      parley,
      store,
      coordination,
      async stop(graceMs) {
        logger.info(
          { activeTurns: parley.tracker.active },
          'shutting down: draining running turns',
        );
        // From now on /readyz answers 503 and new turns get a retryable 503, so load balancers
        // and widgets move to another instance; the socket stays open until the running turns
        // are done so that health checks see "draining" rather than a refused connection.
        const result = await parley.tracker.drain({ graceMs });
        logger.info(result, 'turns drained');
        server.close();
        server.closeIdleConnections();
        await closeOpened();
        server.closeAllConnections();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await closeOpened();
    throw error;
  }
}

/**
 * Trace export to OpenAI is opt-in: conversations are the operator's data. Spans can also be
 * logged locally; without export, the local log replaces the SDK's OpenAI exporter.
 */
function configureTracing(config: Config, logger: Logger): void {
  if (config.traceLog) {
    const local = new TraceLogProcessor(logger);
    if (config.tracingExport) addTraceProcessor(local);
    else setTraceProcessors([local]);
  }
  setTracingDisabled(!(config.tracingExport || config.traceLog));
}
