import { Agent, type AgentInputItem, Runner, tool } from '@openai/agents';
import {
  assistantMessage,
  functionCall,
  modelError,
  ScriptedModel,
  type ScriptedModelInput,
} from '@openai/agents/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../clock.js';
import { StoreSession } from './store-session.js';
import { MemoryStore } from './stores/memory-store.js';

const limits = {
  sessionTtlMs: 60 * 60_000,
  sessionMaxAgeMs: 24 * 60 * 60_000,
  idempotencyTtlMs: 60_000,
};
const SESSION_ID = 'session-1';

/** A MemoryStore that logs every write with how many model calls had happened by then. */
class RecordingStore extends MemoryStore {
  readonly log: string[] = [];
  model: ScriptedModel | undefined;
  override async addItems(sessionId: string, items: AgentInputItem[]): Promise<void> {
    this.log.push(
      `after ${this.model?.calls.length} model calls: addItems ${items.map(kind).join(',')}`,
    );
    await super.addItems(sessionId, items);
  }
}

function kind(item: AgentInputItem): string {
  return 'role' in item && (item.type === undefined || item.type === 'message')
    ? item.role
    : (item.type ?? '?');
}

function inputOf(model: ScriptedModel, call: number): AgentInputItem[] {
  const input = model.calls[call]?.request.input;
  if (!Array.isArray(input)) throw new Error(`model call ${call} had no item input`);
  return input;
}

function userText(item: AgentInputItem): string | undefined {
  return 'role' in item && item.role === 'user' && typeof item.content === 'string'
    ? item.content
    : undefined;
}

describe('StoreSession with the SDK Runner', () => {
  let store: RecordingStore;
  let session: StoreSession;
  const runner = new Runner({ tracingDisabled: true });
  const lookups: string[] = [];
  const lookup = tool({
    name: 'lookup_order',
    description: 'Looks up an order',
    parameters: z.object({ orderId: z.string() }),
    execute: async ({ orderId }) => {
      lookups.push(orderId);
      return `order ${orderId} shipped`;
    },
  });

  /** An agent whose scripted model answers with `steps`. */
  function agentWith(steps: ScriptedModelInput[]) {
    const model = new ScriptedModel(steps);
    store.model = model;
    return {
      model,
      agent: new Agent({ name: 'support', instructions: 'Help.', model, tools: [lookup] }),
    };
  }

  beforeEach(async () => {
    store = new RecordingStore({ clock: new ManualClock(), limits });
    await store.createSession(SESSION_ID);
    session = new StoreSession(store, SESSION_ID, { historyWindow: { maxItems: 20 } });
    lookups.length = 0;
  });

  it('stores a tool-using turn and shows it to the model on the next turn', async () => {
    const first = agentWith([
      [functionCall('lookup_order', { orderId: 'A1' }, { callId: 'call-1' })],
      [assistantMessage('Order A1 has shipped.')],
    ]);
    const result = await runner.run(first.agent, 'Where is order A1?', { session });
    expect(result.finalOutput).toBe('Order A1 has shipped.');
    expect(lookups).toEqual(['A1']);
    expect((await store.getItems(SESSION_ID)).map(kind)).toEqual([
      'user',
      'function_call',
      'function_call_result',
      'assistant',
    ]);

    const second = agentWith([[assistantMessage('You are welcome.')]]);
    await runner.run(second.agent, 'Thanks!', { session });
    const input = inputOf(second.model, 0);
    expect(input.map(kind)).toEqual([
      'user',
      'function_call',
      'function_call_result',
      'assistant',
      'user',
    ]);
    expect(userText(input[0]!)).toBe('Where is order A1?');
    expect(userText(input[4]!)).toBe('Thanks!');
    expect(await store.countItems(SESSION_ID)).toBe(6);
  });

  it('sends the model a window of a long history while the store keeps everything', async () => {
    const history: AgentInputItem[] = [];
    for (let turn = 0; turn < 250; turn++) {
      history.push(
        { type: 'message', role: 'user', content: `question ${turn}` },
        functionCall('lookup_order', { orderId: `O${turn}` }, { callId: `c${turn}` }),
        {
          type: 'function_call_result',
          callId: `c${turn}`,
          name: 'lookup_order',
          status: 'completed',
          output: { type: 'text', text: 'shipped' },
        },
        assistantMessage(`answer ${turn}`),
      );
    }
    await store.addItems(SESSION_ID, history);
    expect(await store.countItems(SESSION_ID)).toBe(1000);

    const { model, agent } = agentWith([[assistantMessage('ok')]]);
    await runner.run(agent, 'latest question', { session });
    const input = inputOf(model, 0);
    // 20 items of history (5 whole turns) plus the new message.
    expect(input).toHaveLength(21);
    expect(userText(input[0]!)).toBe('question 245');
    expect(userText(input[20]!)).toBe('latest question');
    expect(await store.countItems(SESSION_ID)).toBe(1002);
  });

  it('honours a token budget and a caller limit at turn boundaries', async () => {
    await store.addItems(SESSION_ID, [
      { role: 'user', content: 'x'.repeat(4000) },
      assistantMessage('long ago'),
      { role: 'user', content: 'recent' },
      assistantMessage('recent answer'),
    ]);
    const budgeted = new StoreSession(store, SESSION_ID, {
      historyWindow: { maxItems: 20, maxTokens: 200 },
    });
    expect((await budgeted.getItems()).map(kind)).toEqual(['user', 'assistant']);
    expect(await session.getItems(3)).toHaveLength(2);
    expect(await session.getItems(0)).toEqual([]);
    expect(await session.getItems()).toHaveLength(4);
  });

  it('returns the whole latest turn even when it is longer than the window', async () => {
    const turn: AgentInputItem[] = [
      { role: 'user', content: 'check five orders' },
      ...['1', '2'].flatMap((n) => [
        functionCall('lookup_order', { orderId: n }, { callId: `c${n}` }),
        {
          type: 'function_call_result' as const,
          callId: `c${n}`,
          name: 'lookup_order',
          status: 'completed' as const,
          output: { type: 'text' as const, text: 'shipped' },
        },
      ]),
      assistantMessage('all shipped'),
    ];
    await store.addItems(SESSION_ID, [{ role: 'user', content: 'earlier' }, ...turn]);
    const narrow = new StoreSession(store, SESSION_ID, { historyWindow: { maxItems: 3 } });
    expect(await narrow.getItems()).toEqual(turn);
  });

  it('delegates popItem and clearSession to the store', async () => {
    await session.addItems([{ role: 'user', content: 'a' }, assistantMessage('b')]);
    expect(await session.getSessionId()).toBe(SESSION_ID);
    expect(kind((await session.popItem())!)).toBe('assistant');
    expect(await store.countItems(SESSION_ID)).toBe(1);
    await session.clearSession();
    expect(await store.countItems(SESSION_ID)).toBe(0);
  });

  describe('when the SDK writes (pinned so an SDK upgrade that changes it fails here)', () => {
    const toolThenAnswer = (): ScriptedModelInput[] => [
      [functionCall('lookup_order', { orderId: 'A1' }, { callId: 'call-1' })],
      [assistantMessage('Shipped.')],
    ];
    const toolThenError = (): ScriptedModelInput[] => [
      [functionCall('lookup_order', { orderId: 'A1' }, { callId: 'call-1' })],
      modelError(new Error('model down')),
    ];

    it('non-streamed: one write of the whole turn after the last model call', async () => {
      const { agent } = agentWith(toolThenAnswer());
      await runner.run(agent, 'Where is A1?', { session });
      expect(store.log).toEqual([
        'after 2 model calls: addItems user,function_call,function_call_result,assistant',
      ]);
    });

    it('streamed: one write of the whole turn, before the stream ends', async () => {
      const { agent } = agentWith(toolThenAnswer());
      const result = await runner.run(agent, 'Where is A1?', { session, stream: true });
      for await (const _event of result) {
        // Drain the stream.
      }
      store.log.push('stream ended');
      await result.completed;
      expect(store.log).toEqual([
        'after 2 model calls: addItems user,function_call,function_call_result,assistant',
        'stream ended',
      ]);
    });

    it('non-streamed: a model error after a tool call writes nothing', async () => {
      const { agent } = agentWith(toolThenError());
      await expect(runner.run(agent, 'Where is A1?', { session })).rejects.toThrow('model down');
      expect(lookups).toEqual(['A1']);
      expect(store.log).toEqual([]);
      expect(await store.countItems(SESSION_ID)).toBe(0);
    });

    it('streamed: a model error after a tool call writes only the user message', async () => {
      const { agent } = agentWith(toolThenError());
      const result = await runner.run(agent, 'Where is A1?', { session, stream: true });
      await expect(
        (async () => {
          for await (const _event of result) {
            // Drain the stream.
          }
        })(),
      ).rejects.toThrow('model down');
      await expect(result.completed).rejects.toThrow('model down');
      expect(store.log).toEqual(['after 2 model calls: addItems user']);
      expect((await store.getItems(SESSION_ID)).map(kind)).toEqual(['user']);
    });

    it('non-streamed: an abort while a tool runs writes the finished step, then rejects', async () => {
      const controller = new AbortController();
      const slowLookup = tool({
        name: 'slow_lookup',
        description: 'Looks up slowly',
        parameters: z.object({}),
        execute: async () => {
          // Stands in for the visitor leaving while the tool runs.
          controller.abort();
          await new Promise((resolve) => setTimeout(resolve, 20));
          return 'found';
        },
      });
      const model = new ScriptedModel([
        [functionCall('slow_lookup', {}, { callId: 'call-1' })],
        [assistantMessage('never seen')],
      ]);
      const agent = new Agent({
        name: 'support',
        instructions: 'Help.',
        model,
        tools: [slowLookup],
      });
      await expect(
        runner.run(agent, 'Where is A1?', { session, signal: controller.signal }),
      ).rejects.toThrow(/abort/i);
      expect(model.calls).toHaveLength(1);
      expect((await store.getItems(SESSION_ID)).map(kind)).toEqual([
        'user',
        'function_call',
        'function_call_result',
      ]);
    });

    it('streamed: an abort writes only the user message and completes without an error', async () => {
      const controller = new AbortController();
      const { agent } = agentWith([
        [functionCall('lookup_order', { orderId: 'A1' }, { callId: 'call-1' })],
        // Stands in for the visitor leaving while the second model call runs.
        [assistantMessage('never seen')],
      ]);
      const result = await runner.run(agent, 'Where is A1?', {
        session,
        stream: true,
        signal: controller.signal,
      });
      for await (const event of result) {
        if (event.type === 'run_item_stream_event' && event.name === 'tool_output')
          controller.abort();
      }
      await result.completed;
      expect(result.error).toBeNull();
      expect((await store.getItems(SESSION_ID)).map(kind)).toEqual(['user']);
    });
  });
});
