import { type Model, Runner } from '@openai/agents';
import type { HealthResponse } from '@parley/shared';
import express, { type Express } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { adminRoutes } from './admin/routes.js';
import { createInputGuardrail } from './agent/guardrails/input-guardrail.js';
import { createSupportAgents } from './agent/support-agent.js';
import { createSupportTicketTool } from './agent/tools/create-support-ticket.js';
import { createGetBusinessHoursTool } from './agent/tools/get-business-hours.js';
import { createSearchKnowledgeBaseTool } from './agent/tools/search-knowledge-base.js';
import { createChatService } from './chat/chat-service.js';
import { chatRoutes } from './chat/routes.js';
import { createTurnBudget } from './chat/turn-budget.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { errorHandler, notFound } from './http/errors.js';
import { jsonBody } from './http/json-body.js';
import { corsForWidget, ownOriginResolver, requireAllowedOrigin } from './http/origin-policy.js';
import { createRateLimits } from './http/rate-limits.js';
import { securityHeaders } from './http/security-headers.js';
import { createSessionIdentity } from './http/session-identity.js';
import { limitConcurrentStreams } from './http/stream-limits.js';
import type { KnowledgeBase } from './knowledge/types.js';
import { readinessRoute } from './lifecycle/readiness.js';
import { createTurnTracker, type TurnTracker } from './lifecycle/turn-tracker.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { metricsRoute } from './observability/metrics-route.js';
import { requestLogger } from './observability/request-logger.js';
import type { ParleyStore } from './sessions/store.js';
import { createTokenSigner } from './sessions/tokens.js';
import { createTicketService } from './tickets/ticket-service.js';
import { createTicketWebhook } from './tickets/ticket-webhook.js';
import { demoPage } from './web/demo-page.js';
import { serveWidget, type WidgetAsset } from './web/widget-asset.js';

/** Everything the app is built from; tests pass their own (scripted model, memory store, clock). */
export interface AppDeps {
  config: Config;
  store: ParleyStore;
  model: Model;
  /** What `/healthz` reports: the real provider, the offline model, or something a test injected. */
  modelKind: HealthResponse['model'];
  knowledgeBase: KnowledgeBase;
  clock: Clock;
  logger: Logger;
  sessionSecrets: readonly string[];
  widget: WidgetAsset | undefined;
  version?: string;
  /** Shares rate-limit counters across instances (set when the store is Redis). */
  rateLimitRedis?: Redis;
  metrics?: Metrics;
  /** For the ticket webhook; tests inject one. */
  fetch?: typeof fetch;
}

export interface ParleyApp {
  app: Express;
  metrics: Metrics;
  tracker: TurnTracker;
  /** Waits for background work (ticket webhooks) to settle. Does not close injected deps. */
  drain(timeoutMs: number): Promise<void>;
}

/**
 * Builds the Express app from injected parts: middleware, routes, and the error handler last.
 * Agents, tools and the Runner are built once here and reused by every turn.
 *
 * @example
 * const { app } = createApp({ config, store, model, modelKind: 'offline', ... });
 * app.listen(8787);
 */
export function createApp(deps: AppDeps): ParleyApp {
  const { config, store, clock, logger } = deps;
  const file = config.file;
  const metrics = deps.metrics ?? createMetrics();
  const tracker = createTurnTracker();

  const webhook = file.ticketWebhook
    ? createTicketWebhook({
        config: file.ticketWebhook,
        logger,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      })
    : undefined;
  const tickets = createTicketService({
    store,
    clock,
    logger,
    maxTicketsPerSession: file.maxTicketsPerSession,
    ...(webhook ? { webhook } : {}),
  });
  const agents = createSupportAgents({
    companyName: file.companyName,
    extraInstructions: file.instructions,
    specialists: file.specialists,
    model: deps.model,
    inputGuardrails: [createInputGuardrail({ maxChars: config.maxMessageLength })],
    tools: [
      createSearchKnowledgeBaseTool(deps.knowledgeBase),
      createGetBusinessHoursTool({ hours: file.hours, clock }),
      createSupportTicketTool(tickets),
    ],
  });
  const runner = new Runner({
    tracingDisabled: !(config.tracingExport || config.traceLog),
    traceIncludeSensitiveData: config.logContent,
    workflowName: 'Parley support turn',
  });
  const chat = createChatService({
    store,
    agents,
    runner,
    clock,
    logger,
    historyWindow: { maxItems: config.historyMaxItems, maxTokens: config.historyMaxTokens },
    maxTurns: config.maxTurns,
    turnTimeoutMs: config.turnTimeoutMs,
    ...(config.limits.enabled
      ? {
          budget: createTurnBudget({
            store,
            clock,
            turnsPerDay: config.limits.turnsPerDay,
            tokensPerDay: config.limits.tokensPerDay,
          }),
        }
      : {}),
  });
  const identity = createSessionIdentity({
    signer: createTokenSigner(deps.sessionSecrets),
    store,
    ttlMs: config.sessionTtlMs,
    onCreated: () => metrics.sessionCreated(),
  });
  const limits = createRateLimits({
    config: config.limits,
    logger,
    onLimited: (limiter) => metrics.rateLimited(limiter),
    onStoreError: (limiter) => metrics.rateLimitStoreError(limiter),
    onStoreStateChange: (limiter, failing) => metrics.rateLimitStoreFailing(limiter, failing),
    ...(deps.rateLimitRedis ? { redis: deps.rateLimitRedis } : {}),
    keyPrefix: `${config.redisPrefix}rl:`,
  });
  const streams = limitConcurrentStreams({
    maxPerIp: config.limits.maxStreamsPerIp,
    enabled: config.limits.enabled,
    onLimited: () => metrics.rateLimited('streams'),
  });
  const origins = {
    allowedOrigins: config.allowedOrigins,
    ownOrigin: ownOriginResolver(config.publicUrl),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxyHops);
  app.set('etag', false);

  app.use(requestLogger({ logger, trustRequestId: config.trustProxyHops > 0 }));
  app.use(securityHeaders());
  app.get('/healthz', (_req, res) => {
    const body: HealthResponse = {
      status: 'ok',
      model: deps.modelKind,
      store: store.kind,
      version: deps.version ?? '0.0.0',
    };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });
  app.use(readinessRoute({ store, tracker, rateLimits: limits.health }));
  app.use(metricsRoute({ metrics, token: config.metricsToken, authFailures: limits.authFailures }));
  app.get('/widget.js', serveWidget(deps.widget));
  app.use(demoPage({ companyName: file.companyName, widgetAttributes: file.widget }));

  app.use('/api', corsForWidget(origins));
  app.use('/api/chat', requireAllowedOrigin(origins));
  app.use('/api', jsonBody({ limit: '16kb' }));
  app.use(adminRoutes({ store, token: config.adminToken, authFailures: limits.authFailures }));
  app.use(
    chatRoutes({
      chat,
      identity,
      store,
      clock,
      maxMessageLength: config.maxMessageLength,
      maxStreamDurationMs: config.limits.maxStreamDurationMs,
      limits,
      streams,
      tracker,
      metrics,
      observer: { metrics, logger, logContent: config.logContent, now: () => clock.now() },
    }),
  );

  app.use(notFound());
  app.use(errorHandler({ logger }));

  return {
    app,
    metrics,
    tracker,
    drain: async (timeoutMs) => {
      await tickets.drain(timeoutMs);
    },
  };
}
