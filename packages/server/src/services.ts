import { type Model, Runner } from '@openai/agents';
import type { Logger } from 'pino';
import { createInputGuardrail } from './agent/guardrails/input-guardrail.js';
import { createSupportAgents } from './agent/support-agent.js';
import { createSupportTicketTool } from './agent/tools/create-support-ticket.js';
import { createGetBusinessHoursTool } from './agent/tools/get-business-hours.js';
import { createRequestHumanTool } from './agent/tools/request-human.js';
import { createSearchKnowledgeBaseTool } from './agent/tools/search-knowledge-base.js';
import { createTurnBudget } from './chat/turn-budget.js';
import { createTurns, type Turns } from './chat/turns.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Coordination } from './coordination/coordination.js';
import { type ConversationEvents, createConversationEvents } from './events/conversation-events.js';
import { createHandoffs, type HandoffNotice, type Handoffs } from './handoff/handoffs.js';
import type { Job } from './jobs/background-jobs.js';
import type { KnowledgeBase } from './knowledge/types.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import type { Metrics } from './observability/metrics.js';
import type { Store } from './store/store.js';
import { createTicketService } from './tickets/ticket-service.js';
import { createWebhooks, type Webhooks } from './webhooks/webhooks.js';

export interface ServicesDeps {
  config: Config;
  store: Store;
  coordination: Coordination;
  model: Model;
  knowledgeBase: KnowledgeBase;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  fetch?: typeof fetch;
}

/** Parley's domain, built once per process from its parts; the HTTP routes only call into it. */
export interface Services {
  events: ConversationEvents;
  handoffs: Handoffs;
  turns: Turns;
  mailer: Mailer | undefined;
  webhooks: Webhooks | undefined;
  /** What the server repeats in the background (mail, webhooks, retention). */
  jobs: Job[];
  close(): Promise<void>;
}

/** How often the background jobs run. */
const OUTBOX_EVERY_MS = 2_000;
const RETENTION_EVERY_MS = 10 * 60_000;

/**
 * Builds the agents, the turn, the human loop, mail and webhooks. Agents, tools and the Runner are
 * built once here and reused by every turn.
 */
export function createServices(deps: ServicesDeps): Services {
  const { config, store, clock, logger, coordination, metrics } = deps;
  const file = config.file;
  const events = createConversationEvents({
    bus: coordination.bus,
    logger,
    now: () => clock.now(),
  });
  const webhooks = config.webhook
    ? createWebhooks({
        config: config.webhook,
        store,
        clock,
        logger,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      })
    : undefined;
  const mailer = config.mail
    ? createMailer({
        config: { ...config.mail, companyName: file.companyName },
        store,
        clock,
        logger,
      })
    : undefined;
  // Notices never fail what caused them: queueing problems are logged.
  const queued = (what: string, work: Promise<unknown> | undefined) => {
    work?.catch((error: Error) =>
      logger.error({ err: { message: error.message } }, `could not queue ${what}`),
    );
  };
  const tickets = createTicketService({
    store,
    clock,
    logger,
    maxTicketsPerSession: file.maxTicketsPerSession,
    onCreated: (ticket, conversationId) => {
      metrics.ticketCreated();
      events.inbox(ticket.conversation, 'ticket');
      queued(
        'ticket webhook',
        webhooks?.enqueue(
          'ticket.created',
          {
            ticket: {
              id: ticket.id,
              subject: ticket.subject,
              description: ticket.description,
              priority: ticket.priority,
              conversation: ticket.conversation,
              createdAt: ticket.createdAt,
              contact: ticket.contact ?? null,
            },
          },
          conversationId,
        ),
      );
    },
  });
  const notify = (notice: HandoffNotice) => {
    const conversation = notice.conversation.publicId;
    if (notice.type === 'waiting') {
      queued(
        'waiting webhook',
        webhooks?.enqueue('conversation.waiting', { conversation }, notice.conversation.id),
      );
    } else if (notice.type === 'visitor_message') {
      queued(
        'message webhook',
        webhooks?.enqueue(
          'conversation.message',
          { conversation, message: notice.message },
          notice.conversation.id,
        ),
      );
    } else {
      queued('reply mail', mailer?.replied(notice.conversation));
    }
  };
  const handoffs = createHandoffs({
    store,
    events,
    clock,
    logger,
    hours: file.hours,
    tickets,
    notify,
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
      createRequestHumanTool(handoffs),
    ],
  });
  const runner = new Runner({
    tracingDisabled: !(config.tracingExport || config.traceLog),
    traceIncludeSensitiveData: config.logContent,
    workflowName: 'Parley support turn',
  });
  const turns = createTurns({
    store,
    locks: coordination.locks,
    events,
    agents,
    runner,
    clock,
    logger,
    historyWindow: { maxItems: config.historyMaxItems, maxTokens: config.historyMaxTokens },
    maxTurns: config.maxTurns,
    turnTimeoutMs: config.turnTimeoutMs,
    onForwarded: (conversation, message) => handoffs.visitorMessaged(conversation, message),
    ...(config.limits.enabled
      ? {
          budget: createTurnBudget({
            usage: store.usage,
            clock,
            turnsPerDay: config.limits.turnsPerDay,
            tokensPerDay: config.limits.tokensPerDay,
          }),
        }
      : {}),
  });

  const jobs: Job[] = [
    {
      name: 'retention',
      everyMs: RETENTION_EVERY_MS,
      run: async () => {
        const swept = await store.retention.sweep({
          conversationsMs: config.retentionMs,
          ticketTranscripts: config.ticketTranscripts,
        });
        if (swept.conversations > 0)
          logger.info(
            { conversations: swept.conversations },
            'retention: old conversations deleted',
          );
      },
    },
    ...(mailer ? [{ name: 'mail', everyMs: OUTBOX_EVERY_MS, run: () => mailer.sendDue() }] : []),
    ...(webhooks
      ? [{ name: 'webhooks', everyMs: OUTBOX_EVERY_MS, run: () => webhooks.deliverDue() }]
      : []),
  ];

  return {
    events,
    handoffs,
    turns,
    mailer,
    webhooks,
    jobs,
    async close() {
      await events.close();
      mailer?.close();
    },
  };
}
