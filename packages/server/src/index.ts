import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addTraceProcessor, setTraceProcessors, setTracingDisabled } from '@openai/agents';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { registerBreakerMetrics } from './agent/models/circuit-breaker-metrics.js';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { rateLimitsDisabledWarning } from './http/rate-limits.js';
import { applyServerTimeouts } from './http/server-timeouts.js';
import { createKnowledgeBase, DEFAULT_KB_DIR } from './knowledge/knowledge-base.js';
import { createLogger, createLogOutput } from './logger.js';
import { createModel } from './models.js';
import { createMetrics } from './observability/metrics.js';
import { TraceLogProcessor } from './observability/trace-log-processor.js';
import { createStoreFromConfig } from './sessions/create-store.js';
import { resolveSessionSecrets } from './sessions/session-secret.js';
import { loadWidgetAsset, resolveWidgetPath } from './web/widget-asset.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logOutput = createLogOutput();
  const logger = createLogger(config.logLevel, logOutput.stream);
  if (config.production && !config.publicUrl) logger.warn(publicUrlWarning());
  // Trace export to OpenAI is opt-in: conversations are the operator's data. Spans can also be
  // logged locally; without export, the local log replaces the SDK's OpenAI exporter.
  if (config.traceLog) {
    const local = new TraceLogProcessor(logger);
    if (config.tracingExport) addTraceProcessor(local);
    else setTraceProcessors([local]);
  }
  setTracingDisabled(!(config.tracingExport || config.traceLog));

  const sessionSecrets = resolveSessionSecrets({
    configured: config.sessionSecrets,
    production: config.production,
    dataDir: config.dataDir,
    warn: (message) => logger.warn(message),
  });
  const store = await createStoreFromConfig(config, systemClock);
  const knowledgeBase = await createKnowledgeBase({
    dir: config.kbDir ?? DEFAULT_KB_DIR,
    watch: true,
    logger,
  });
  const { model, kind, name, breaker } = await createModel(config, {
    onBreakerStateChange: ({ from, to, failures }) => {
      const message =
        to === 'open'
          ? 'model circuit breaker open: answering from the offline model'
          : `model circuit breaker ${to}`;
      logger.warn({ breaker: { from, to, failures } }, message);
    },
  });
  // Rate-limit counters live in Redis too when the store does, so limits hold across instances.
  const rateLimitRedis = /^rediss?:\/\//.test(config.store)
    ? await connectRedis(config.store, logger)
    : undefined;
  if (!config.limits.enabled) logger.warn(rateLimitsDisabledWarning());
  const metrics = createMetrics();
  if (breaker) registerBreakerMetrics(metrics.registry, breaker);
  const widgetPath = resolveWidgetPath();
  const widget = widgetPath ? loadWidgetAsset(widgetPath) : undefined;
  if (!widget) logger.warn('widget.js is not built; run `npm run build` to serve it');

  const { app, drain, tracker } = createApp({
    config,
    store,
    model,
    modelKind: kind,
    knowledgeBase,
    clock: systemClock,
    logger,
    sessionSecrets,
    widget,
    version: VERSION,
    metrics,
    ...(rateLimitRedis ? { rateLimitRedis } : {}),
  });
  const server = createServer(app);
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
  logger.info(
    {
      port,
      host: config.host,
      model: name,
      modelKind: kind,
      store: store.kind,
      articles: knowledgeBase.size,
    },
    kind === 'offline'
      ? `Parley is running at http://localhost:${port} with the offline model (set OPENAI_API_KEY for a real one)`
      : `Parley is running at http://localhost:${port} with model ${name}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Whatever hangs below (a stuck store, a socket that never closes), the process still ends.
    const hardExit = setTimeout(
      () => process.exit(1),
      config.shutdownGraceMs + HARD_EXIT_MARGIN_MS,
    );
    hardExit.unref();
    logger.info({ signal, activeTurns: tracker.active }, 'shutting down: draining running turns');
    // From now on /readyz answers 503 and new turns get a retryable 503, so load balancers and
    // widgets move to another instance; the socket stays open until the running turns are done
    // so that health checks see "draining" rather than a refused connection.
    const result = await tracker.drain({ graceMs: config.shutdownGraceMs });
    logger.info(result, 'turns drained');
    server.close();
    server.closeIdleConnections();
    await drain(5_000);
    await knowledgeBase.close();
    await store.close();
    rateLimitRedis?.disconnect();
    server.closeAllConnections();
    logger.info('stopped');
    await logOutput.flush(1_000);
    process.exit(0);
  };
  // Registering our own handlers also keeps the Agents SDK from calling process.exit itself.
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** How long past the shutdown grace the process may take before it is ended anyway. */
const HARD_EXIT_MARGIN_MS = 10_000;
/** How long start-up waits for the rate-limit Redis to answer. */
const REDIS_CONNECT_TIMEOUT_MS = 5_000;

/**
 * A Redis client for the rate limiters, connected before the limiters are built: rate-limit-redis
 * loads its scripts as soon as a limiter exists, and against a client still connecting (with no
 * offline queue) that load fails and every limit would pass unchecked. An unreachable Redis stops
 * start-up with a message rather than starting without limits.
 */
async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
  });
  redis.on('error', (error: Error) =>
    logger.warn({ err: { message: error.message } }, 'rate-limit Redis error'),
  );
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new ConfigError(
      `PARLEY_STORE: the rate-limit Redis at ${new URL(url).host} does not answer (${(error as Error).message})`,
    );
  }
  return redis;
}

/** Said at start-up in production without PARLEY_PUBLIC_URL. */
function publicUrlWarning(): string {
  return (
    "PARLEY_PUBLIC_URL is not set: the server takes its own origin from each request's Host " +
    'header, so a request for another host name (DNS rebinding) counts as same-origin. Set ' +
    'PARLEY_PUBLIC_URL to the public base URL, e.g. https://chat.example.com.'
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Parley cannot start.\n${error.message}`);
  } else {
    console.error('Parley failed to start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
