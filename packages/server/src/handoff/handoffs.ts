import type { AgentInputItem } from '@openai/agents';
import type { ConversationState, InboxEvent, Message } from '@parley/shared';
import type { Logger } from 'pino';
import { visitorState } from '../chat/visitor-state.js';
import type { Clock } from '../clock.js';
import type { ConversationEvents } from '../events/conversation-events.js';
import { supportStatus } from '../hours/business-hours.js';
import type { BusinessHoursConfig } from '../hours/schedule.js';
import { conversationEnded, HttpError } from '../http/errors.js';
import type { ConversationRecord, OperatorRef } from '../store/conversations.js';
import type { Store } from '../store/store.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { estimateWaitMinutes, WAIT_SAMPLE_WINDOW_MS } from './wait-estimate.js';

/** What asking for a person led to. */
export type HumanRequest =
  | { kind: 'waiting'; state: ConversationState }
  | { kind: 'already'; state: ConversationState }
  | {
      kind: 'after_hours';
      state: ConversationState;
      /** The ticket opened with the transcript, unless the conversation's ticket cap was reached. */
      ticketId: string | undefined;
      /** ISO 8601, when support opens next. */
      nextOpensAt: string | undefined;
    };

/** Something that happened in the human loop, for webhooks and mail. */
export type HandoffNotice =
  | { type: 'waiting'; conversation: ConversationRecord }
  | { type: 'visitor_message'; conversation: ConversationRecord; message: Message }
  | { type: 'operator_message'; conversation: ConversationRecord; message: Message };

export interface HandoffsDeps {
  store: Store;
  events: ConversationEvents;
  clock: Clock;
  logger: Logger;
  hours: BusinessHoursConfig;
  tickets: Pick<TicketService, 'open'>;
  /** Told about each notice (webhooks, mail); must not throw. */
  notify?: (notice: HandoffNotice) => void;
}

/**
 * The human half of support: a conversation moves from the assistant (`bot`) to `waiting` when a
 * person is asked for, to `human` when an operator joins (the assistant is then silent), and back
 * to `bot` (hand-back) or to `closed`. Every change is compare-and-set in the store, announced to
 * the visitor's streams and the operators' inboxes on every instance.
 */
export function createHandoffs(deps: HandoffsDeps) {
  const { store, events } = deps;

  const announce = (conversation: ConversationRecord, change: InboxEvent['change']) => {
    events.stateChanged(conversation.publicId);
    events.inbox(conversation.publicId, change);
  };

  async function stateOf(conversation: ConversationRecord): Promise<ConversationState> {
    if (conversation.status !== 'waiting') return visitorState(conversation);
    const waits = await store.inbox.recentWaits(deps.clock.now() - WAIT_SAMPLE_WINDOW_MS);
    const waitMinutes = estimateWaitMinutes(waits);
    return visitorState(conversation, waitMinutes === undefined ? {} : { waitMinutes });
  }

  async function byPublicId(publicId: string): Promise<ConversationRecord> {
    const conversation = await store.conversations.byPublicId(publicId);
    if (!conversation) throw new HttpError('not_found', 'No conversation with this id');
    return conversation;
  }

  /** Puts `operator` in charge of the conversation (from waiting, the assistant, or closed). */
  async function joinRecord(
    conversation: ConversationRecord,
    operator: OperatorRef,
  ): Promise<ConversationRecord> {
    if (conversation.status === 'human') {
      if (conversation.operator?.id === operator.id) return conversation;
      throw new HttpError(
        'conflict',
        `${conversation.operator?.name ?? 'Someone'} is already handling this conversation`,
      );
    }
    const joined = await store.conversations.changeStatus(conversation.id, {
      to: 'human',
      from: ['waiting', 'bot', 'closed'],
      operator,
    });
    if (!joined) throw new HttpError('conflict', 'The conversation changed meanwhile; try again');
    deps.logger.info(
      { conversation: conversation.publicId, operator: operator.id },
      'operator joined',
    );
    announce(joined, 'status');
    return joined;
  }

  return {
    stateOf,

    /**
     * The visitor (through the assistant's `request_human` tool) asks for a person. Open hours:
     * the conversation waits for one, and operators hear of it. Closed: a ticket is opened with
     * the transcript and the visitor is asked how the team can reach them.
     */
    async requestHuman(conversationId: string): Promise<HumanRequest> {
      const conversation = await store.conversations.get(conversationId);
      if (!conversation) throw conversationEnded();
      if (conversation.status === 'waiting' || conversation.status === 'human') {
        return { kind: 'already', state: await stateOf(conversation) };
      }
      const hours = supportStatus(deps.hours, deps.clock.now());
      if (!hours.open) {
        const ticket = await deps.tickets.open(conversationId, {
          subject: 'Visitor asked for a person outside business hours',
          description:
            'The visitor asked to talk to a person while support was closed. The conversation is attached.',
          priority: 'medium',
        });
        return {
          kind: 'after_hours',
          state: visitorState(conversation),
          ticketId: ticket.status === 'created' ? ticket.ticket.id : undefined,
          nextOpensAt: hours.nextOpensAt,
        };
      }
      const waiting = await store.conversations.changeStatus(conversationId, {
        to: 'waiting',
        from: ['bot', 'closed'],
      });
      if (!waiting) return { kind: 'already', state: await stateOf(conversation) };
      deps.logger.info({ conversation: waiting.publicId }, 'visitor waiting for a person');
      announce(waiting, 'waiting');
      deps.notify?.({ type: 'waiting', conversation: waiting });
      return { kind: 'waiting', state: await stateOf(waiting) };
    },

    /** An operator takes the conversation over; the assistant stops answering it. */
    async join(publicId: string, operator: OperatorRef): Promise<ConversationRecord> {
      return joinRecord(await byPublicId(publicId), operator);
    },

    /** Hands the conversation back to the assistant. */
    async release(publicId: string): Promise<ConversationRecord> {
      const conversation = await byPublicId(publicId);
      const released = await store.conversations.changeStatus(conversation.id, {
        to: 'bot',
        from: ['human', 'waiting'],
        operator: null,
      });
      if (!released) {
        throw new HttpError(
          'conflict',
          `The conversation is ${conversation.status}, not handled by a person`,
        );
      }
      announce(released, 'status');
      return released;
    },

    async close(publicId: string): Promise<ConversationRecord> {
      const conversation = await byPublicId(publicId);
      if (conversation.status === 'closed') return conversation;
      const closed = await store.conversations.changeStatus(conversation.id, {
        to: 'closed',
        from: ['bot', 'waiting', 'human'],
      });
      if (!closed) throw new HttpError('conflict', 'The conversation changed meanwhile; try again');
      announce(closed, 'status');
      return closed;
    },

    /**
     * A reply from the team. An operator who answers a conversation nobody handles takes it over
     * (as replying does in every help desk); a closed one must be reopened by joining first.
     */
    async reply(publicId: string, operator: OperatorRef, text: string): Promise<Message> {
      let conversation = await byPublicId(publicId);
      if (conversation.status === 'closed') {
        throw new HttpError('conflict', 'The conversation is closed; take it over to reopen it');
      }
      if (conversation.status !== 'human') conversation = await joinRecord(conversation, operator);
      const message = await store.log.append(
        conversation.id,
        { role: 'operator', text, author: { name: operator.name } },
        // The model sees the team's replies as its own side of the conversation, attributed, so
        // after a hand-back it answers knowing what the person said.
        { touch: true, items: [operatorItem(operator.name, text)] },
      );
      await store.conversations.markOperatorReplied(conversation.id);
      events.logged(conversation.publicId, message.seq);
      events.inbox(conversation.publicId, 'message');
      deps.notify?.({ type: 'operator_message', conversation, message });
      return message;
    },

    /** A visitor's message reached the people handling their conversation. */
    visitorMessaged(conversation: ConversationRecord, message: Message): void {
      deps.notify?.({ type: 'visitor_message', conversation, message });
    },
  };
}

export type Handoffs = ReturnType<typeof createHandoffs>;

/** An operator's reply as a model item: an assistant message that says who wrote it. */
function operatorItem(name: string, text: string): AgentInputItem {
  return {
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text: `[${name}, from the support team, wrote:] ${text}` }],
  };
}
