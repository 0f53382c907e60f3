import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { ConversationRecord } from '../store/conversations.js';
import type { Store } from '../store/store.js';

export interface MailConfig {
  /** `smtp://user:password@host:587` or `smtps://…` (nodemailer's SMTP URL). */
  smtpUrl: string;
  /** The sender, e.g. `Acme Support <support@acme.example>`. */
  from: string;
  /** A reply still unseen this long after it was sent goes by email; 0 sends at once. */
  delayMs: number;
  companyName: string;
}

/** Retries of a mail the SMTP server refused or could not take, then it is given up. */
export const MAIL_RETRY_DELAYS_MS = [
  60_000,
  300_000,
  900_000,
  3_600_000,
  3 * 3_600_000,
  12 * 3_600_000,
];
const LEASE_MS = 120_000;

/** What is queued: only which conversation; the mail is written from the log when it is sent. */
interface MailJob {
  conversation: string;
}

/**
 * Operators' replies by email, for visitors who left the chat. A reply queues one mail for its
 * conversation, due after the configured delay; more replies meanwhile join that same mail. When
 * it is due, the mail holds every team reply the visitor has not received in the chat (live or in
 * history) — none left means it is dropped. Queued in the store's outbox, so an SMTP outage or a
 * restart loses nothing: sending is retried with backoff from any instance.
 */
export function createMailer(options: {
  config: MailConfig;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Tests may pass their own transport. */
  transport?: Transporter;
}) {
  const { store, clock, logger, config } = options;
  const transport = options.transport ?? nodemailer.createTransport(pooled(config.smtpUrl));

  async function queue(conversation: ConversationRecord): Promise<void> {
    if (!conversation.contact) return;
    if (await store.outbox.pending('mail', conversation.id)) return;
    const job: MailJob = { conversation: conversation.publicId };
    await store.outbox.enqueue('mail', job, {
      conversationId: conversation.id,
      dueAt: clock.now() + config.delayMs,
    });
  }

  return {
    /** A reply was written: make sure a mail will follow if the visitor does not see it. */
    replied: queue,

    /** The visitor just left an address: replies they have not seen yet go out too. */
    async contactAdded(conversation: ConversationRecord): Promise<void> {
      const unseen = await store.log.after(conversation.id, conversation.visitorSeenSeq);
      if (unseen.some((message) => message.role === 'operator')) await queue(conversation);
    },

    /** Sends what is due; returns how many mails went out. Called by the background jobs. */
    async sendDue(): Promise<number> {
      const due = await store.outbox.claim<MailJob>('mail', 10, LEASE_MS);
      let sent = 0;
      for (const item of due) {
        const conversation = item.conversationId
          ? await store.conversations.byPublicId(item.payload.conversation)
          : undefined;
        const replies = conversation?.contact
          ? (await store.log.after(conversation.id, conversation.visitorSeenSeq)).filter(
              (message) => message.role === 'operator',
            )
          : [];
        if (!conversation?.contact || replies.length === 0) {
          // Seen in the chat meanwhile, or nobody to write to: nothing to send.
          await store.outbox.complete(item.id);
          continue;
        }
        try {
          await transport.sendMail({
            from: config.from,
            to: conversation.contact.name
              ? { name: conversation.contact.name, address: conversation.contact.email }
              : conversation.contact.email,
            subject: `${config.companyName} support replied to your question`,
            text: mailText(config.companyName, conversation.contact.name, replies),
          });
          await store.outbox.complete(item.id);
          sent++;
          logger.info(
            { conversation: conversation.publicId, replies: replies.length },
            'reply mailed',
          );
        } catch (error) {
          const reason = (error as Error).message;
          const again = await store.outbox.retryLater(item, reason, MAIL_RETRY_DELAYS_MS);
          logger.warn(
            {
              conversation: conversation.publicId,
              attempt: item.attempts + 1,
              err: { message: reason },
            },
            again ? 'reply mail failed; will retry' : 'reply mail given up',
          );
        }
      }
      return sent;
    },

    close(): void {
      transport.close();
    },
  };
}

export type Mailer = ReturnType<typeof createMailer>;

/** The SMTP URL with connection pooling on: one connection serves many mails. */
function pooled(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('pool', 'true');
  parsed.searchParams.set('maxConnections', '2');
  return parsed.toString();
}

function mailText(
  company: string,
  name: string | undefined,
  replies: ReadonlyArray<{ text: string; author?: { name: string } }>,
): string {
  const greeting = name ? `Hello ${name},` : 'Hello,';
  const body = replies
    .map((reply) => `${reply.author?.name ?? `${company} support`} wrote:\n\n${reply.text}`)
    .join('\n\n---\n\n');
  return `${greeting}\n\nThe ${company} support team answered you in the chat on our website.\n\n${body}\n\nYou can answer in the chat, or reply to this email.\n`;
}
