import { ModelBehaviorError, tool } from '@openai/agents';
import { z } from 'zod';
import type { TicketService } from '../../tickets/ticket-service.js';
import { requireTurnContext, type TurnContext } from '../context.js';

export const CREATE_SUPPORT_TICKET = 'create_support_ticket';

/**
 * What the model may choose. There is deliberately no session or email field: who the ticket is
 * for comes from the run context, and unknown fields the model adds are stripped by the schema.
 */
export const CreateSupportTicketParameters = z.object({
  subject: z.string().min(3).max(200),
  description: z.string().min(1).max(4000),
  priority: z.enum(['low', 'medium', 'high', 'urgent']),
});

/** Told to the model when the ticket could not be saved; internal details stay in the logs. */
export const TICKET_FAILED_MESSAGE =
  'The ticket could not be created because of a temporary problem on our side. Do not retry now; ' +
  'apologise, and ask the visitor to try again in a few minutes or to contact support by email.';

/**
 * Told to the model when its arguments break the schema, so it can correct them. The SDK redacts
 * the validation details by default (tool data stays out of logs), so the rules are spelt out here.
 */
export const TICKET_INVALID_ARGUMENTS_MESSAGE =
  'The ticket was not created: the arguments were invalid. The subject needs 3 to 200 characters, ' +
  'the description 1 to 4000 characters, and the priority must be one of low, medium, high or ' +
  'urgent. Fix them and call create_support_ticket again.';

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The `create_support_ticket` tool. The session always comes from `runContext.context`, never from
 * the model's arguments, so a prompt-injected call cannot file tickets for another visitor, and the
 * service's per-session cap keeps injected ticket spam bounded. On success it records the ticket id
 * on the turn context for the reply.
 *
 * @example
 * const agent = new Agent<TurnContext>({ name: 'Support', tools: [createSupportTicketTool(tickets)] });
 * await run(agent, 'I need a human', { context: createTurnContext(conversationId) });
 */
export function createSupportTicketTool(service: Pick<TicketService, 'open'>) {
  return tool<typeof CreateSupportTicketParameters, TurnContext>({
    name: CREATE_SUPPORT_TICKET,
    description:
      'Open a support ticket so a human from the support team follows up by email. Use it only when ' +
      'the visitor asks for a human or the problem cannot be solved in this chat. Summarise the ' +
      'problem in the description; the conversation so far is attached automatically.',
    parameters: CreateSupportTicketParameters,
    async execute(input, runContext) {
      const context = requireTurnContext(runContext, CREATE_SUPPORT_TICKET);
      const result = await service.open(context.conversationId, input);
      if (result.status === 'limit_reached') {
        return (
          `This conversation already has ${plural(result.count, 'open ticket')} (the limit); do not ` +
          'create another — tell the visitor their existing ticket is being handled.'
        );
      }
      context.ticketId = result.ticket.id;
      if (!result.ticket.contact) context.contactRequested ??= 'follow_up';
      const contact = result.ticket.contact
        ? 'the team replies by email to the address they gave.'
        : 'the chat now shows them a form for their email address so the team can reply; ask them to fill it in (never ask for it in the chat).';
      return `Ticket ${result.ticket.id} created with priority ${result.ticket.priority}. Tell the visitor their ticket number; ${contact}`;
    },
    // The service already logged any store failure. Either way the model gets a message it can act
    // on instead of the run failing (invalid arguments surface as a ModelBehaviorError), and the
    // call is marked failed for the stream. Not `toolFailure`: its advice is to open a ticket.
    errorFunction: (runContext, error) => {
      runContext.context?.failedTools?.add(CREATE_SUPPORT_TICKET);
      return error instanceof ModelBehaviorError
        ? TICKET_INVALID_ARGUMENTS_MESSAGE
        : TICKET_FAILED_MESSAGE;
    },
  });
}
