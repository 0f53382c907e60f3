import type { Strings } from '../i18n';
import { useCell } from '../state/cell';
import type { ChatState } from '../state/chat-state';

export interface StatusLineProps {
  state: ChatState;
  strings: Strings;
}

/**
 * A polite live region under the title: offline, and who answers the conversation once people
 * are involved ("Waiting for a person… about 2 min", "Dana joined", "Back to the assistant").
 */
export function StatusLine({ state, strings }: StatusLineProps) {
  const online = useCell(state.online);
  const { status, operator, waitMinutes, handedBack } = useCell(state.standing);
  const text =
    status === 'waiting'
      ? strings.waiting(waitMinutes)
      : status === 'human'
        ? strings.joined(operator?.name ?? strings.title)
        : status === 'closed'
          ? strings.closed
          : handedBack && strings.back;
  return (
    <div role="status">
      {!online && <p class="banner">{strings.offline}</p>}
      {text && <p class="standing">{text}</p>}
    </div>
  );
}
