import { Agent, run, setTracingDisabled } from '@openai/agents';
import {
  assistantMessage,
  functionCall,
  type RecordedModelCall,
  ScriptedModel,
} from '@openai/agents/testing';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import type { ParleyStore } from '../../sessions/store.js';
import { MemoryStore } from '../../sessions/stores/memory-store.js';
import { createTicketService } from '../../tickets/ticket-service.js';
import { createTurnContext, type TurnContext } from '../context.js';
import {
  createSupportTicketTool,
  TICKET_FAILED_MESSAGE,
  TICKET_INVALID_ARGUMENTS_MESSAGE,
} from './create-support-ticket.js';

beforeAll(() => setTracingDisabled(true));

const HOUR = 3_600_000;
const NOW = Date.parse('2026-01-05T15:00:00.000Z');
const ARGS = { subject: 'Refund for order 42', description: 'Charged twice.', priority: 'high' };

function setup(storeOverride?: (store: MemoryStore) => ParleyStore) {
  const clock = new ManualClock(NOW);
  const store = new MemoryStore({
    clock,
    limits: { sessionTtlMs: HOUR, sessionMaxAgeMs: 24 * HOUR, idempotencyTtlMs: HOUR },
  });
  const service = createTicketService({
    store: storeOverride ? storeOverride(store) : store,
    clock,
    logger: pino({ level: 'silent' }),
  });
  return { store, service };
}

/**
 * One turn: the model makes the given tool calls in a single response, then answers. Returns the
 * context after the run and the text of each tool result the model received, by call id.
 */
async function turn(
  service: ReturnType<typeof createTicketService>,
  sessionId: string,
  calls: Array<Record<string, unknown>>,
) {
  const model = new ScriptedModel([
    calls.map((args, i) => functionCall('create_support_ticket', args, { callId: `call_${i}` })),
    [assistantMessage('Done.')],
  ]);
  const agent = new Agent<TurnContext>({
    name: 'Support',
    instructions: 'Open tickets when asked.',
    model,
    tools: [createSupportTicketTool(service)],
  });
  const context = createTurnContext(sessionId);
  const result = await run(agent, 'Please get me a human.', { context });
  expect(result.finalOutput).toBe('Done.');
  model.assertComplete();
  return { context, outputs: toolOutputs(model.calls[1]) };
}

function toolOutputs(call: RecordedModelCall | undefined): string[] {
  const input = call?.request.input;
  if (!Array.isArray(input)) throw new Error('the second model call got no item list');
  return input.flatMap((item) => {
    if (item.type !== 'function_call_result') return [];
    const { output } = item;
    if (typeof output === 'string') return [output];
    return !Array.isArray(output) && output.type === 'text' ? [output.text] : [];
  });
}

describe('create_support_ticket', () => {
  it('stores a ticket for the session in the run context, ignoring an injected session id', async () => {
    const { store, service } = setup();
    await store.createSession('s_visitor');
    await store.appendMessage('s_visitor', {
      id: 'm1',
      role: 'user',
      content: 'I was charged twice',
      createdAt: new Date(NOW).toISOString(),
    });

    const { context, outputs } = await turn(service, 's_visitor', [
      { ...ARGS, sessionId: 's_victim' },
    ]);

    const ticketId = context.ticketId;
    expect(ticketId).toMatch(/^T-[A-Z2-7]{8}$/);
    expect(outputs).toEqual([
      `Ticket ${ticketId} created with priority high. Tell the visitor their ticket number; the team replies by email within one business day.`,
    ]);
    const ticket = await store.getTicket(ticketId ?? '');
    expect(ticket).toMatchObject({
      sessionId: 's_visitor',
      subject: 'Refund for order 42',
      description: 'Charged twice.',
      priority: 'high',
      createdAt: '2026-01-05T15:00:00.000Z',
      transcript: [{ id: 'm1', role: 'user', content: 'I was charged twice' }],
    });
    expect(ticket).not.toHaveProperty('sessionId', 's_victim');
    expect(await store.countTickets('s_victim')).toBe(0);
    expect(context.failedTools.size).toBe(0);
  });

  it('caps tickets at 3 per session, even when the model asks for many at once', async () => {
    const { store, service } = setup();

    const first = await turn(service, 's_1', [ARGS, ARGS, ARGS, ARGS, ARGS]);
    expect(first.outputs.filter((o) => o.startsWith('Ticket T-'))).toHaveLength(3);
    expect(first.outputs.filter((o) => o.startsWith('This conversation already'))).toHaveLength(2);
    expect(await store.countTickets('s_1')).toBe(3);

    const second = await turn(service, 's_1', [ARGS]);
    expect(second.outputs).toEqual([
      'This conversation already has 3 open tickets (the limit); do not create another — tell the visitor their existing ticket is being handled.',
    ]);
    expect(second.context.ticketId).toBeUndefined();
    expect(await store.countTickets('s_1')).toBe(3);
  });

  it('tells the model about a store failure and lets the run complete', async () => {
    const { service } = setup((store) =>
      Object.assign(Object.create(store) as MemoryStore, {
        createTicket: async () => {
          throw new Error('SQLITE_FULL: database or disk is full');
        },
      }),
    );

    const { context, outputs } = await turn(service, 's_1', [ARGS]);

    expect(outputs).toEqual([TICKET_FAILED_MESSAGE]);
    expect(outputs[0]).not.toContain('SQLITE');
    expect(context.ticketId).toBeUndefined();
    expect([...context.failedTools]).toEqual(['create_support_ticket']);
  });

  it('explains arguments outside the schema so the model can fix them', async () => {
    const { store, service } = setup();

    const { context, outputs } = await turn(service, 's_1', [
      { ...ARGS, priority: 'critical', subject: 'x' },
    ]);

    expect(outputs).toEqual([TICKET_INVALID_ARGUMENTS_MESSAGE]);
    expect([...context.failedTools]).toEqual(['create_support_ticket']);
    expect(await store.countTickets('s_1')).toBe(0);
  });
});
