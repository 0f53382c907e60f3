import { Agent, run, setTracingDisabled } from '@openai/agents';
import {
  assistantMessage,
  functionCall,
  type RecordedModelCall,
  ScriptedModel,
} from '@openai/agents/testing';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { openStore, type Store } from '../../store/store.js';
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

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

/** A store with the conversations `s_visitor`, `s_victim` and `s_1`, and the ticket service over it. */
async function setup(storeOverride?: (store: Store) => Store) {
  const clock = new ManualClock(NOW);
  const store = await openStore(
    { kind: 'memory' },
    { clock, limits: { sessionTtlMs: HOUR, sessionMaxAgeMs: 24 * HOUR, idempotencyTtlMs: HOUR } },
  );
  stores.push(store);
  for (const id of ['s_visitor', 's_victim', 's_1']) await store.conversations.create(id);
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
  it('stores a ticket for the conversation in the run context, ignoring an injected session id', async () => {
    const { store, service } = await setup();
    const visitor = await store.conversations.get('s_visitor');
    await store.log.append('s_visitor', { role: 'user', text: 'I was charged twice' });

    const { context, outputs } = await turn(service, 's_visitor', [
      { ...ARGS, sessionId: 's_victim' },
    ]);

    const ticketId = context.ticketId;
    expect(ticketId).toMatch(/^T-[A-Z2-7]{8}$/);
    // No email on file yet: the widget shows the form, and the model is told so.
    expect(outputs).toEqual([
      `Ticket ${ticketId} created with priority high. Tell the visitor their ticket number; the chat now shows them a form for their email address so the team can reply; ask them to fill it in (never ask for it in the chat).`,
    ]);
    expect(context.contactRequested).toBe('follow_up');
    const ticket = await store.tickets.get(ticketId ?? '');
    expect(ticket).toMatchObject({
      conversation: visitor?.publicId,
      subject: 'Refund for order 42',
      description: 'Charged twice.',
      priority: 'high',
      createdAt: '2026-01-05T15:00:00.000Z',
      transcript: [{ seq: 1, role: 'user', text: 'I was charged twice' }],
    });
    expect(await store.tickets.countFor('s_victim')).toBe(0);
    expect(context.failedTools.size).toBe(0);
  });

  it('tells the model the team replies by email when the visitor already gave one', async () => {
    const { store, service } = await setup();
    await store.conversations.setContact('s_1', { email: 'sam@example.com' });
    const { context, outputs } = await turn(service, 's_1', [ARGS]);
    expect(outputs).toEqual([
      `Ticket ${context.ticketId} created with priority high. Tell the visitor their ticket number; the team replies by email to the address they gave.`,
    ]);
    expect(context.contactRequested).toBeUndefined();
  });

  it('caps tickets at 3 per session, even when the model asks for many at once', async () => {
    const { store, service } = await setup();

    const first = await turn(service, 's_1', [ARGS, ARGS, ARGS, ARGS, ARGS]);
    expect(first.outputs.filter((o) => o.startsWith('Ticket T-'))).toHaveLength(3);
    expect(first.outputs.filter((o) => o.startsWith('This conversation already'))).toHaveLength(2);
    expect(await store.tickets.countFor('s_1')).toBe(3);

    const second = await turn(service, 's_1', [ARGS]);
    expect(second.outputs).toEqual([
      'This conversation already has 3 open tickets (the limit); do not create another — tell the visitor their existing ticket is being handled.',
    ]);
    expect(second.context.ticketId).toBeUndefined();
    expect(await store.tickets.countFor('s_1')).toBe(3);
  });

  it('tells the model about a store failure and lets the run complete', async () => {
    const { service } = await setup((store) => ({
      ...store,
      tickets: {
        ...store.tickets,
        create: async () => {
          throw new Error('SQLITE_FULL: database or disk is full');
        },
      },
    }));

    const { context, outputs } = await turn(service, 's_1', [ARGS]);

    expect(outputs).toEqual([TICKET_FAILED_MESSAGE]);
    expect(outputs[0]).not.toContain('SQLITE');
    expect(context.ticketId).toBeUndefined();
    expect([...context.failedTools]).toEqual(['create_support_ticket']);
  });

  it('explains arguments outside the schema so the model can fix them', async () => {
    const { store, service } = await setup();

    const { context, outputs } = await turn(service, 's_1', [
      { ...ARGS, priority: 'critical', subject: 'x' },
    ]);

    expect(outputs).toEqual([TICKET_INVALID_ARGUMENTS_MESSAGE]);
    expect([...context.failedTools]).toEqual(['create_support_ticket']);
    expect(await store.tickets.countFor('s_1')).toBe(0);
  });
});
