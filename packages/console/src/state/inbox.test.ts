import type { OperatorConversationList } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import { conversation } from '../../test/fake-server';
import { createInboxState, inboxOrder } from './inbox';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 6, 15, minute)).toISOString();

describe('inbox order', () => {
  it('puts waiting first, longest wait first, then people’s, the assistant’s, closed — recent first', () => {
    const items = [
      conversation('bot-old', 'bot', { lastActivityAt: at(1) }),
      conversation('closed', 'closed', { lastActivityAt: at(50) }),
      conversation('wait-short', 'waiting', { waitingSince: at(40) }),
      conversation('bot-new', 'bot', { lastActivityAt: at(30) }),
      conversation('human', 'human', { lastActivityAt: at(2) }),
      conversation('wait-long', 'waiting', { waitingSince: at(5) }),
    ];
    expect(inboxOrder(items).map((c) => c.id)).toEqual([
      'wait-long',
      'wait-short',
      'human',
      'bot-new',
      'bot-old',
      'closed',
    ]);
  });
});

describe('inbox state', () => {
  it('drops an older answer that arrives after a newer one', async () => {
    const answers: Array<(list: OperatorConversationList) => void> = [];
    const inbox = createInboxState({
      client: {
        conversations: (query) =>
          query?.status === 'waiting'
            ? Promise.resolve({ items: [] })
            : new Promise((resolve) => answers.push(resolve)),
      },
    });
    const first = inbox.refresh();
    inbox.setFilter('closed');
    answers[1]?.({ items: [conversation('new', 'closed')] });
    answers[0]?.({ items: [conversation('old', 'bot')] });
    await first;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(inbox.items.value.map((c) => c.id)).toEqual(['new']);
  });

  it('counts the waiting, and says when there are more than it counted', async () => {
    const inbox = createInboxState({
      client: {
        conversations: async (query) =>
          query?.status === 'waiting'
            ? { items: [conversation('w', 'waiting')], nextCursor: 'more' }
            : { items: [] },
      },
    });
    await inbox.refresh();
    expect(inbox.waiting.value).toEqual({ count: 1, more: true });
  });
});
