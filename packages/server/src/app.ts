import type { Model } from '@openai/agents';
import type { HealthResponse } from '@parley/shared';
import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { adminRoutes } from './admin/routes.js';
import { chatRoutes } from './chat/routes.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { consoleAuthRoutes } from './console/auth-routes.js';
import { createConsoleSessions } from './console/console-sessions.js';
import type { Coordination } from './coordination/coordination.js';
import { operatorRoutes } from './handoff/operator-routes.js';
import { visitorHandoffRoutes } from './handoff/visitor-routes.js';
import { errorHandler, notFound, visitorErrors } from './http/errors.js';
import { jsonBody } from './http/json-body.js';
import { operatorOf, requireOperator } from './http/operator-auth.js';
import { corsForWidget, ownOriginResolver, requireAllowedOrigin } from './http/origin-policy.js';
import { refuseControlCharactersInPath } from './http/path-guard.js';
import { createRateLimits } from './http/rate-limits.js';
import { securityHeaders } from './http/security-headers.js';
import { createSessionIdentity } from './http/session-identity.js';
import { limitConcurrentStreams } from './http/stream-limits.js';
import { insightsRoute } from './insights/insights-route.js';
import { knowledgeSearchRoute } from './knowledge/search-route.js';
import type { KnowledgeBase } from './knowledge/types.js';
import { readinessRoute } from './lifecycle/readiness.js';
import { createTurnTracker, type TurnTracker } from './lifecycle/turn-tracker.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { metricsRoute } from './observability/metrics-route.js';
import { requestLogger } from './observability/request-logger.js';
import { createServices, type Services } from './services.js';
import { createTokenSigner } from './sessions/tokens.js';
import type { Store } from './store/store.js';
import { ticketRoutes } from './tickets/ticket-routes.js';
import { consoleApp } from './web/console-app.js';
import { demoPage } from './web/demo-page.js';
import { serveWidget, serveWidgetPart, type WidgetAsset } from './web/widget-asset.js';

/** Everything the app is built from; tests pass their own (scripted model, memory store, clock). */
export interface AppDeps {
  config: Config;
  store: Store;
  /** Turn locks, rate-limit counters and the event bus shared by instances. */
  coordination: Coordination;
  model: Model;
  /** What `/healthz` reports: the real provider, the offline model, or something a test injected. */
  modelKind: HealthResponse['model'];
  knowledgeBase: KnowledgeBase;
  clock: Clock;
  logger: Logger;
  sessionSecrets: readonly string[];
  widget: WidgetAsset | undefined;
  /** The built console (`resolveConsoleDir()`); without it `/console` says how to build it. */
  consoleDir?: string | undefined;
  version?: string;
  metrics?: Metrics;
  /** For the ticket webhook; tests inject one. */
  fetch?: typeof fetch;
}

export interface ParleyApp {
  app: Express;
  metrics: Metrics;
  tracker: TurnTracker;
  /** The domain behind the routes (jobs, handoffs, events); tests drive it directly too. */
  services: Services;
  /** Stops listening for events and closes the mail transport. Does not close injected deps. */
  close(): Promise<void>;
}

const noStore: RequestHandler = function noStore(_req, res, next) {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * Builds the Express app from injected parts: middleware, routes, and the error handler last.
 * Agents, tools and the Runner are built once here and reused by every turn.
 *
 * @example
 * const { app } = createApp({ config, store, model, modelKind: 'offline', ... });
 * app.listen(8787);
 */

export function createApp(deps: AppDeps): ParleyApp {
  const { config, store, clock, logger, coordination } = deps;
  const file = config.file;
  const metrics = deps.metrics ?? createMetrics();
  const tracker = createTurnTracker();

  const services = createServices({
    config,
    store,
    coordination,
    model: deps.model,
    knowledgeBase: deps.knowledgeBase,
    clock,
    logger,
    metrics,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const { turns, events } = services;
  const identity = createSessionIdentity({
    signer: createTokenSigner(deps.sessionSecrets),
    store,
    ttlMs: config.sessionTtlMs,
    clock,
    onCreated: () => metrics.sessionCreated(),
  });
  const limits = createRateLimits({
    config: config.limits,
    logger,
    onLimited: (limiter) => metrics.rateLimited(limiter),
    onStoreError: (limiter) => metrics.rateLimitStoreError(limiter),
    onStoreStateChange: (limiter, failing) => metrics.rateLimitStoreFailing(limiter, failing),
    storeFor: (limiter) => coordination.rateLimitStore(limiter),
  });
  const streams = limitConcurrentStreams({
    maxPerIp: config.limits.maxStreamsPerIp,
    enabled: config.limits.enabled,
    onLimited: () => metrics.rateLimited('streams'),
  });
  const eventStreams = limitConcurrentStreams({
    maxPerIp: config.limits.maxEventStreamsPerIp,
    enabled: config.limits.enabled,
    onLimited: () => metrics.rateLimited('event-streams'),
  });
  const origins = {
    allowedOrigins: config.allowedOrigins,
    ownOrigin: ownOriginResolver(config.publicUrl),
  };
  const consoleSessions = createConsoleSessions({
    store,
    idleMs: config.consoleIdleMs,
    ownOrigin: origins.ownOrigin,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxyHops);
  app.set('etag', false);

  app.use(requestLogger({ logger, trustRequestId: config.trustProxyHops > 0 }));
  app.use(securityHeaders());
  app.use(refuseControlCharactersInPath());
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
  app.use(readinessRoute({ store, coordination, tracker, rateLimits: limits.health }));
  app.use(metricsRoute({ metrics, token: config.metricsToken, authFailures: limits.authFailures }));
  app.get('/widget.js', serveWidget(deps.widget));
  app.get('/widget/:file', serveWidgetPart(deps.widget));
  app.use(demoPage({ companyName: file.companyName, widgetAttributes: file.widget }));
  app.use(consoleApp(deps.consoleDir));

  // Only the widget's routes are readable from the customer's pages. The operator, console and
  // admin APIs answer no cross-origin request: an allowed site is often the same *site* as
  // Parley (www.acme.com and chat.acme.com), so the console's SameSite=Strict cookie would travel.
  app.use('/api/chat', corsForWidget(origins));
  app.use('/api/chat', requireAllowedOrigin(origins));
  app.use('/api', jsonBody({ limit: '16kb' }));
  app.use(
    adminRoutes({ store, token: config.adminToken, authFailures: limits.authFailures, logger }),
  );
  // The operator API: the console signed in, or integrations with the admin token.
  app.use(
    '/api/operator',
    limits.authFailures,
    requireOperator({
      token: config.adminToken,
      sessions: consoleSessions.resolve,
      accountsExist: consoleSessions.accountsExist,
    }),
    noStore,
  );
  app.use(
    operatorRoutes({
      store,
      handoffs: services.handoffs,
      events,
      clock,
      // The admin token cannot be revoked while the server runs; a console session can.
      stillAllowed: async (req, res) =>
        operatorOf(res).kind === 'token' || (await consoleSessions.current(req)) !== undefined,
    }),
  );
  app.use(ticketRoutes({ store, handoffs: services.handoffs }));
  app.use(insightsRoute({ store, clock }));
  app.use(knowledgeSearchRoute(deps.knowledgeBase));
  app.use(
    consoleAuthRoutes({
      store,
      sessions: consoleSessions,
      logger,
      throttle: { perAddress: limits.signInAddress, perAccount: limits.signInAccount },
    }),
  );
  app.use(
    visitorHandoffRoutes({
      store,
      identity,
      handoffs: services.handoffs,
      events,
      clock,
      limits,
      identitySecret: config.identitySecret,
      locks: coordination.locks,
      ...(services.mailer ? { mailer: services.mailer } : {}),
    }),
  );
  app.use(
    chatRoutes({
      turns,
      identity,
      store,
      events,
      clock,
      maxMessageLength: config.maxMessageLength,
      maxStreamDurationMs: config.limits.maxStreamDurationMs,
      limits,
      streams,
      eventStreams,
      tracker,
      metrics,
      observer: { metrics, logger, logContent: config.logContent, now: () => clock.now() },
    }),
  );

  app.use('/api/chat', visitorErrors());
  app.use(notFound());
  app.use(errorHandler({ logger }));

  return {
    app,
    metrics,
    tracker,
    services,
    close: async () => {
      await services.close();
    },
  };
}
