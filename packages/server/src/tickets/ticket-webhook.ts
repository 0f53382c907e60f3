import type { Logger } from 'pino';
import { z } from 'zod';
import type { Ticket } from '../sessions/store.js';

/**
 * Where new tickets are POSTed (a helpdesk, Slack relay, Zapier hook...). `headers` typically
 * carries an authorization token.
 *
 * @example
 * TicketWebhookConfig.parse({ url: 'https://hooks.example.com/parley', headers: { authorization: 'Bearer x' } });
 */
export const TicketWebhookConfig = z.object({
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  headers: z.record(z.string(), z.string()).optional(),
  /** Per attempt, covering connect and response headers. */
  timeoutMs: z.number().int().min(100).max(60_000).default(5000),
  maxAttempts: z.number().int().min(1).max(10).default(3),
});
export type TicketWebhookConfig = z.infer<typeof TicketWebhookConfig>;

/** What one `deliver` call achieved; delivery never throws. */
export interface WebhookDelivery {
  delivered: boolean;
  attempts: number;
}

export interface TicketWebhook {
  deliver(ticket: Ticket): Promise<WebhookDelivery>;
}

export interface TicketWebhookOptions {
  config: TicketWebhookConfig;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  logger: Logger;
  /** Waits between attempts; injectable so tests need not wait for real backoff. */
  sleep?: (ms: number) => Promise<void>;
}

/** The first retry waits about this long; each later one twice as long as the one before. */
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;
/** A receiver's Retry-After is honoured up to this, so one slow receiver cannot park deliveries. */
const MAX_RETRY_AFTER_MS = 30_000;

type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'give_up'; reason: string };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * "Equal jitter": half the exponential delay is fixed, half random, so retries from many servers
 * spread out without ever retrying immediately.
 */
function backoffMs(attempt: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Only the delta-seconds form; an HTTP-date falls back to the normal backoff. */
function parseRetryAfter(header: string | null): number | undefined {
  if (!header || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(Number(header.trim()) * 1000, MAX_RETRY_AFTER_MS);
}

function describeError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `timed out after ${timeoutMs} ms`;
  if (error instanceof Error) {
    // undici reports "fetch failed" and hides the useful part (ECONNREFUSED...) in `cause`.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * Posts new tickets to the configured webhook as `{ "event": "ticket.created", "ticket": {...} }`.
 * Each attempt has its own timeout. Network errors, timeouts, 5xx and 429 are retried with
 * exponential backoff (429/503 `Retry-After` seconds honoured, capped) up to `maxAttempts`; any
 * other 4xx or a redirect is final, since repeating the same request cannot fix it. The ticket id
 * goes in `Idempotency-Key` because a timed-out attempt may still have arrived.
 *
 * @example
 * const webhook = createTicketWebhook({ config, logger });
 * const { delivered, attempts } = await webhook.deliver(ticket);
 */
export function createTicketWebhook(options: TicketWebhookOptions): TicketWebhook {
  const { config, logger } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? realSleep;
  // Webhook URLs often embed a secret (Slack, Zapier), so logs name only the host.
  const host = new URL(config.url).host;

  async function attempt(ticket: Ticket): Promise<AttemptOutcome> {
    let response: Response;
    try {
      response = await fetchImpl(config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Parley-Ticket-Webhook/1',
          'idempotency-key': ticket.id,
          ...config.headers,
        },
        body: JSON.stringify({ event: 'ticket.created', ticket }),
        signal: AbortSignal.timeout(config.timeoutMs),
        // Following a redirect could turn the POST into a GET or hand the ticket to another host.
        redirect: 'manual',
      });
    } catch (error) {
      return { kind: 'retry', reason: describeError(error, config.timeoutMs) };
    }
    // The body is never used; cancelling it frees the connection right away.
    await response.body?.cancel().catch(() => undefined);
    const { status } = response;
    if (status >= 200 && status < 300) return { kind: 'delivered', status };
    const reason = `HTTP ${status}`;
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      return retryAfterMs === undefined
        ? { kind: 'retry', reason }
        : { kind: 'retry', reason, retryAfterMs };
    }
    return { kind: 'give_up', reason };
  }

  return {
    async deliver(ticket) {
      const log = logger.child({ ticketId: ticket.id, webhookHost: host });
      for (let attempts = 1; ; attempts++) {
        const outcome = await attempt(ticket);
        if (outcome.kind === 'delivered') {
          log.info({ attempts, status: outcome.status }, 'ticket webhook delivered');
          return { delivered: true, attempts };
        }
        if (outcome.kind === 'give_up' || attempts >= config.maxAttempts) {
          log.error({ attempts, reason: outcome.reason }, 'ticket webhook not delivered');
          return { delivered: false, attempts };
        }
        const delayMs = outcome.retryAfterMs ?? backoffMs(attempts);
        log.warn({ attempts, reason: outcome.reason, delayMs }, 'ticket webhook attempt failed');
        await sleep(delayMs);
      }
    },
  };
}
