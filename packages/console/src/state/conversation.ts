import type { Message, OperatorConversation } from '@parley/shared';
import type { ConsoleClient } from '../api/client';
import { messageOf } from '../api/errors';
import { cell } from './cell';
import { debounce } from './debounce';
import { latestLoad } from './latest';

/** What an operator can do to a conversation. */
export type ConversationAction = 'join' | 'release' | 'close';

/** How often the console says an operator still has a conversation open (the server forgets after 45 s). */
export const VIEWING_EVERY_MS = 20_000;

export interface ConversationStateOptions {
  client: Pick<ConsoleClient, 'conversation' | 'join' | 'release' | 'close' | 'reply' | 'viewing'>;
  debounceMs?: number;
  viewingEveryMs?: number;
  /** Told after every change the operator made, so the inbox follows at once. */
  onChanged?: () => void;
}

/** Merges messages by id (a reply may arrive both from its POST and from a reload), by `seq`. */
export function mergeMessages(
  current: readonly Message[],
  incoming: readonly Message[],
): Message[] {
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The conversation open in the inbox: its transcript, contact, tickets, status and viewers, the
 * operator's actions on it, and live updates (an event about it refetches it, debounced). While
 * it is open the server hears that this operator views it, so others see them.
 */
export function createConversationState(options: ConversationStateOptions) {
  const { client } = options;
  const id = cell<string | undefined>(undefined);
  const data = cell<OperatorConversation | undefined>(undefined);
  const loading = cell(false);
  const error = cell<string | undefined>(undefined);
  /** The action (or reply) being sent, so its button can say so and not be pressed twice. */
  const busy = cell<ConversationAction | 'reply' | undefined>(undefined);
  /** The last action's failure, shown beside the actions. */
  const actionError = cell<string | undefined>(undefined);
  const latest = latestLoad(loading, error);
  let viewing: ReturnType<typeof setInterval> | undefined;

  /** Tells the server, now and then every so often, that this operator has `conversation` open. */
  function followPresence(conversation: string | undefined): void {
    clearInterval(viewing);
    viewing = undefined;
    if (!conversation) return;
    const ping = () => void client.viewing(conversation).catch(() => {});
    ping();
    viewing = setInterval(ping, options.viewingEveryMs ?? VIEWING_EVERY_MS);
  }

  async function load(): Promise<void> {
    const current = id.peek();
    if (!current) return;
    await latest.run(
      () => client.conversation(current),
      (conversation) => {
        data.value = conversation;
      },
    );
  }

  const reloadSoon = debounce(() => void load(), options.debounceMs ?? 150);

  return {
    id,
    data,
    loading,
    error,
    busy,
    actionError,

    /** Shows a conversation (or none). */
    open(next: string | undefined): void {
      if (id.peek() === next) return;
      latest.drop();
      reloadSoon.cancel();
      id.value = next;
      data.value = undefined;
      error.value = undefined;
      actionError.value = undefined;
      busy.value = undefined;
      followPresence(next);
      if (next) void load();
    },

    /** An inbox event named this conversation: fetch it again (debounced). */
    changed(conversation: string): void {
      if (conversation === id.peek()) reloadSoon();
    },

    /** Take over, hand back or close. @returns whether it worked. */
    async act(action: ConversationAction): Promise<boolean> {
      const current = id.peek();
      if (!current || busy.peek()) return false;
      busy.value = action;
      actionError.value = undefined;
      try {
        await client[action](current);
        await load();
        options.onChanged?.();
        return true;
      } catch (failure) {
        actionError.value = messageOf(failure);
        await load();
        return false;
      } finally {
        busy.value = undefined;
      }
    },

    /** Sends a reply as the signed-in operator. @returns whether it was delivered. */
    async reply(text: string): Promise<boolean> {
      const current = id.peek();
      const trimmed = text.trim();
      if (!current || !trimmed || busy.peek()) return false;
      busy.value = 'reply';
      actionError.value = undefined;
      try {
        const message = await client.reply(current, trimmed);
        const shown = data.peek();
        if (shown && id.peek() === current) {
          data.value = { ...shown, messages: mergeMessages(shown.messages, [message]) };
        }
        // Replying takes a conversation over when nobody had it: fetch the new status.
        reloadSoon();
        options.onChanged?.();
        return true;
      } catch (failure) {
        actionError.value = messageOf(failure);
        return false;
      } finally {
        busy.value = undefined;
      }
    },
  };
}

export type ConversationState = ReturnType<typeof createConversationState>;
