import type { OperatorConversation } from '@parley/shared';
import type { ConversationAction } from '../state/conversation';

export interface ConversationActionsProps {
  conversation: Pick<OperatorConversation, 'status' | 'operator'>;
  /** The signed-in operator's account id. */
  me: string | undefined;
  busy: ConversationAction | 'reply' | undefined;
  onAct(action: ConversationAction): void;
}

const BUSY_LABEL: Record<ConversationAction, string> = {
  join: 'Taking over…',
  release: 'Handing back…',
  close: 'Closing…',
};

/**
 * Take over, hand back, close: the buttons that make sense for the conversation's status. Taking
 * over a conversation someone else handles is the server's call (it refuses, and says who has it).
 */
export function ConversationActions({ conversation, me, busy, onAct }: ConversationActionsProps) {
  const { status, operator } = conversation;
  const mine = status === 'human' && operator?.id === me;
  const button = (action: ConversationAction, label: string, primary = false) => (
    <button
      type="button"
      class={primary ? 'primary' : undefined}
      disabled={busy !== undefined}
      onClick={() => onAct(action)}
    >
      {busy === action ? BUSY_LABEL[action] : label}
    </button>
  );
  return (
    <fieldset class="actions">
      <legend class="sr-only">Conversation actions</legend>
      {!mine && button('join', status === 'closed' ? 'Reopen and take over' : 'Take over', true)}
      {(status === 'human' || status === 'waiting') &&
        button('release', 'Hand back to the assistant')}
      {status !== 'closed' && button('close', 'Close')}
    </fieldset>
  );
}
