import type { ConversationState } from '@parley/shared';
import type { ConversationRecord } from '../store/conversations.js';

/**
 * What the visitor may know of where their conversation stands: who answers it and whether the
 * team can reach them. Operator ids, identity and internal times stay on the server.
 */
export function visitorState(
  conversation: ConversationRecord,
  options: { waitMinutes?: number } = {},
): ConversationState {
  return {
    status: conversation.status,
    ...(conversation.status === 'human' && conversation.operator
      ? { operator: { name: conversation.operator.name } }
      : {}),
    ...(conversation.status === 'waiting' && options.waitMinutes !== undefined
      ? { waitMinutes: options.waitMinutes }
      : {}),
    contactKnown: conversation.contact !== undefined,
  };
}
