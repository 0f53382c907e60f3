import { type Model, Runner } from '@openai/agents';
import type { HealthResponse } from '@parley/shared';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { createSupportAgents } from './agent/support-agent.js';
import { createSupportTicketTool } from './agent/tools/create-support-ticket.js';
import { createGetBusinessHoursTool } from './agent/tools/get-business-hours.js';
import { createSearchKnowledgeBaseTool } from './agent/tools/search-knowledge-base.js';
import { createChatService } from './chat/chat-service.js';
import { chatRoutes } from './chat/routes.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { errorHandler, notFound } from './http/errors.js';
import { jsonBody } from './http/json-body.js';
import { createSessionIdentity } from './http/session-identity.js';
import type { KnowledgeBase } from './knowledge/types.js';
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
  /** For the ticket webhook; tests inject one. */
  fetch?: typeof fetch;
}

export interface ParleyApp {
  app: Express;
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
    tools: [
      createSearchKnowledgeBaseTool(deps.knowledgeBase),
      createGetBusinessHoursTool({ hours: file.hours, clock }),
      createSupportTicketTool(tickets),
    ],
  });
  const runner = new Runner({
    tracingDisabled: !config.tracingExport,
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
  });
  const identity = createSessionIdentity({
    signer: createTokenSigner(deps.sessionSecrets),
    store,
    ttlMs: config.sessionTtlMs,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxyHops);
  app.set('etag', false);

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
  app.get('/widget.js', serveWidget(deps.widget));
  app.use(demoPage({ companyName: file.companyName, widgetAttributes: file.widget }));

  app.use('/api', jsonBody({ limit: '16kb' }));
  app.use(chatRoutes({ chat, identity, store, clock, maxMessageLength: config.maxMessageLength }));

  app.use(notFound());
  app.use(errorHandler({ logger }));

  return {
    app,
    drain: async (timeoutMs) => {
      await tickets.drain(timeoutMs);
    },
  };
}
