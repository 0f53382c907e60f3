import { tool } from '@openai/agents';
import { z } from 'zod';
import type { Handoffs } from '../../handoff/handoffs.js';
import { requireTurnContext, type TurnContext } from '../context.js';
import { toolFailure } from './tool-failure.js';

export const REQUEST_HUMAN = 'request_human';

/** The model may say why; who asks comes from the run context, never from arguments. */
const RequestHumanParameters = z.object({
  reason: z.string().max(500).describe('One sentence: why a person is needed.'),
});

/**
 * The `request_human` tool: hands the conversation to the support team. In business hours the
 * conversation waits for a person and the assistant goes quiet once one joins; outside them a
 * ticket is opened with the transcript and the widget asks the visitor for an email address
 * (which never passes through the model). The turn context records the new state for the widget.
 *
 * @example
 * const agent = new Agent<TurnContext>({ name: 'Support', tools: [createRequestHumanTool(handoffs)] });
 */
export function createRequestHumanTool(handoffs: Pick<Handoffs, 'requestHuman'>) {
  return tool<typeof RequestHumanParameters, TurnContext>({
    name: REQUEST_HUMAN,
    description:
      'Hand the conversation to a person on the support team. Use it when the visitor asks for a ' +
      'human, or when you cannot help after trying (the knowledge base has nothing, or the ' +
      'problem needs account access). Do not use it for questions you can answer.',
    parameters: RequestHumanParameters,
    async execute(_input, runContext) {
      const context = requireTurnContext(runContext, REQUEST_HUMAN);
      const result = await handoffs.requestHuman(context.conversationId);
      if (result.kind === 'waiting') context.state = result.state;
      if (result.kind === 'after_hours') {
        if (!result.state.contactKnown) context.contactRequested = 'after_hours';
        if (result.ticketId) context.ticketId = result.ticketId;
        const opens = result.nextOpensAt ? ` Support opens again at ${result.nextOpensAt}.` : '';
        const ticket = result.ticketId
          ? ` Ticket ${result.ticketId} was opened with this conversation.`
          : ' The conversation already has the maximum number of tickets.';
        const contact = result.state.contactKnown
          ? ' The team has their email and will reply there.'
          : ' The chat now shows the visitor a form for their email address: ask them to fill it in. Never ask for the address in the chat yourself.';
        return `Support is closed right now, so no person can join.${opens}${ticket}${contact}`;
      }
      if (result.kind === 'already') {
        return result.state.status === 'human'
          ? 'A person from the team is already in this conversation; let them answer.'
          : 'The visitor is already waiting for a person; tell them someone will join soon.';
      }
      const wait =
        result.state.waitMinutes === undefined
          ? ''
          : ` The wait is about ${result.state.waitMinutes} minute${result.state.waitMinutes === 1 ? '' : 's'}.`;
      return `The visitor is now waiting for a person from the team, who will join this chat.${wait} Tell them briefly; do not answer further questions in the meantime.`;
    },
    errorFunction: toolFailure(REQUEST_HUMAN, 'Asking for a person failed.'),
  });
}
