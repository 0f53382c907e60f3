import type { StreamEvent } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from './message';
import { applyStreamEvent } from './turn';

const waiting: ChatMessage = { id: 'a', role: 'assistant', text: '', phase: 'waiting' };
const fold = (events: StreamEvent[]) => events.reduce(applyStreamEvent, waiting);

describe('applyStreamEvent', () => {
  it('appends deltas and marks the answer as streaming', () => {
    expect(
      fold([
        { event: 'delta', data: { text: 'Hel' } },
        { event: 'delta', data: { text: 'lo' } },
      ]),
    ).toMatchObject({
      phase: 'streaming',
      text: 'Hello',
    });
  });

  it('shows a tool while it runs and hides it when it ends or text arrives', () => {
    const started: StreamEvent = {
      event: 'tool',
      data: { name: 't', status: 'started', label: 'Working…' },
    };
    expect(fold([started]).tool).toEqual({ name: 't', label: 'Working…' });
    expect(
      fold([started, { event: 'tool', data: { name: 't', status: 'failed', label: '' } }]).tool,
    ).toBeUndefined();
    expect(fold([started, { event: 'delta', data: { text: 'x' } }]).tool).toBeUndefined();
  });

  it('remembers the latest handoff', () => {
    expect(fold([{ event: 'handoff', data: { agent: 'Billing' } }]).handoff).toBe('Billing');
  });

  it('takes the final text, id, citations and ticket from done', () => {
    const done = fold([
      { event: 'delta', data: { text: 'draft' } },
      {
        event: 'done',
        data: { messageId: 'm', text: 'final', toolsUsed: [], citations: [], ticketId: 'T-1' },
      },
    ]);
    expect(done).toMatchObject({
      phase: 'done',
      text: 'final',
      messageId: 'm',
      ticketId: 'T-1',
      citations: [],
    });
  });

  it('leaves the message alone for session and error events', () => {
    expect(fold([{ event: 'session', data: { token: 't' } }])).toBe(waiting);
    expect(
      fold([{ event: 'error', data: { code: 'internal', message: 'x', retryable: true } }]),
    ).toBe(waiting);
  });
});
