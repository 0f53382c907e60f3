import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';

/** The events Parley sends, per the Standard Webhooks spec (`type` in the body). */
export type WebhookEventType = 'conversation.waiting' | 'conversation.message' | 'ticket.created';

/** The JSON body of every webhook. */
export interface WebhookBody {
  type: WebhookEventType;
  /** ISO 8601, when it happened. */
  timestamp: string;
  data: Record<string, unknown>;
}

export interface WebhookConfig {
  url: string;
  /** `whsec_…` (base64 after the prefix), as the Standard Webhooks libraries generate. */
  secret: string;
}

/** Delivery attempts: the first at once, then these waits, then the delivery is given up. */
export const WEBHOOK_RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000];
/** One attempt may take this long. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** How long a claimed delivery is this instance's before another may try it. */
const LEASE_MS = 60_000;

/**
 * Signed webhooks (Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature` =
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, with the `standardwebhooks` package).
 * Events are queued in the store's outbox, so a receiver that is down loses nothing: deliveries
 * are retried with backoff from any instance, and the `webhook-id` stays the same across retries
 * so receivers can drop duplicates.
 */
export function createWebhooks(options: {
  config: WebhookConfig;
  store: Store;
  clock: Clock;
  logger: Logger;
  fetch?: typeof fetch;
}) {
  const { store, clock, logger, config } = options;
  const send = options.fetch ?? fetch;
  const signer = new Webhook(config.secret);

  return {
    /** Queues an event for delivery. */
    async enqueue(type: WebhookEventType, data: Record<string, unknown>, conversationId?: string) {
      const body: WebhookBody = { type, timestamp: new Date(clock.now()).toISOString(), data };
      await store.outbox.enqueue('webhook', body, conversationId ? { conversationId } : {});
    },

    /** Delivers what is due; returns how many were delivered. Called by the background jobs. */
    async deliverDue(): Promise<number> {
      const due = await store.outbox.claim<WebhookBody>('webhook', 20, LEASE_MS);
      let delivered = 0;
      for (const item of due) {
        const id = `msg_${item.id}`;
        const payload = JSON.stringify(item.payload);
        const sentAt = new Date(clock.now());
        try {
          const response = await send(config.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'webhook-id': id,
              'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
              'webhook-signature': signer.sign(id, sentAt, payload),
            },
            body: payload,
            signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
            redirect: 'manual',
          });
          await response.arrayBuffer().catch(() => {});
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          await store.outbox.complete(item.id);
          delivered++;
        } catch (error) {
          const reason = (error as Error).message;
          const again = await store.outbox.retryLater(item, reason, WEBHOOK_RETRY_DELAYS_MS);
          logger.warn(
            {
              webhook: id,
              type: item.payload.type,
              attempt: item.attempts + 1,
              err: { message: reason },
            },
            again ? 'webhook delivery failed; will retry' : 'webhook delivery given up',
          );
        }
      }
      return delivered;
    },
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
