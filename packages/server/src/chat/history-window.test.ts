import type { AgentInputItem } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import {
  estimateTokens,
  isUserMessage,
  readHistoryWindow,
  windowHistory,
} from './history-window.js';

const user = (text: string): AgentInputItem => ({ type: 'message', role: 'user', content: text });
/** The shape the SDK and chat code also write: no `type`. */
const bareUser = (text: string): AgentInputItem => ({ role: 'user', content: text });
const assistant = (text: string): AgentInputItem => ({
  type: 'message',
  role: 'assistant',
  status: 'completed',
  content: [{ type: 'output_text', text }],
});
const call = (callId: string): AgentInputItem => ({
  type: 'function_call',
  callId,
  name: 'lookup',
  arguments: '{}',
});
const output = (callId: string): AgentInputItem => ({
  type: 'function_call_result',
  callId,
  name: 'lookup',
  status: 'completed',
  output: { type: 'text', text: 'ok' },
});
const reasoning = (text: string): AgentInputItem => ({
  type: 'reasoning',
  content: [{ type: 'input_text', text }],
});
const hosted = (name: string): AgentInputItem => ({
  type: 'hosted_tool_call',
  name,
  status: 'completed',
});
const shellCall = (callId: string): AgentInputItem => ({
  type: 'shell_call',
  callId,
  status: 'completed',
  action: { commands: ['ls'] },
});
const shellOutput = (callId: string): AgentInputItem => ({
  type: 'shell_call_output',
  callId,
  output: [],
});

/** A readable label per item, so expectations read like the conversation. */
function label(item: AgentInputItem): string {
  if ('role' in item && (item.type === undefined || item.type === 'message')) {
    const content = item.content;
    const text =
      typeof content === 'string'
        ? content
        : content.map((part) => ('text' in part ? part.text : '')).join('');
    return `${item.role === 'user' ? 'u' : 'a'}:${text}`;
  }
  if (item.type === 'function_call' || item.type === 'shell_call') return `call:${item.callId}`;
  if (item.type === 'function_call_result' || item.type === 'shell_call_output') {
    return `out:${item.callId}`;
  }
  if (item.type === 'reasoning') return 'reasoning';
  if (item.type === 'hosted_tool_call') return `hosted:${item.name}`;
  return item.type ?? 'unknown';
}

const threeTurns = [
  user('1'),
  assistant('1'),
  user('2'),
  reasoning('r'),
  call('c1'),
  output('c1'),
  assistant('2'),
  user('3'),
  assistant('3'),
];

interface Case {
  name: string;
  items: AgentInputItem[];
  maxItems: number;
  maxTokens?: number;
  expected: string[];
}

const cases: Case[] = [
  { name: 'empty history', items: [], maxItems: 10, expected: [] },
  {
    name: 'no user message to start at',
    items: [assistant('hello'), hosted('web')],
    maxItems: 10,
    expected: [],
  },
  {
    name: 'everything fits',
    items: threeTurns,
    maxItems: 9,
    expected: threeTurns.map(label),
  },
  {
    name: 'drops what comes before the first user message',
    items: [assistant('welcome'), ...threeTurns],
    maxItems: 100,
    expected: threeTurns.map(label),
  },
  {
    name: 'cuts at the turn boundary below maxItems, never mid-turn',
    items: threeTurns,
    maxItems: 8,
    expected: ['u:2', 'reasoning', 'call:c1', 'out:c1', 'a:2', 'u:3', 'a:3'],
  },
  {
    name: 'one item short of a turn drops the whole turn',
    items: threeTurns,
    maxItems: 6,
    expected: ['u:3', 'a:3'],
  },
  {
    name: 'latest turn longer than maxItems comes whole',
    items: [user('1'), assistant('1'), user('2'), call('c1'), output('c1'), assistant('2')],
    maxItems: 2,
    expected: ['u:2', 'call:c1', 'out:c1', 'a:2'],
  },
  {
    name: 'token budget drops a large earlier turn',
    items: [user('x'.repeat(400)), assistant('1'), user('2'), assistant('2')],
    maxItems: 100,
    maxTokens: 60,
    expected: ['u:2', 'a:2'],
  },
  {
    name: 'latest turn over the token budget comes whole',
    items: [user('1'), assistant('1'), user('2'), assistant('y'.repeat(2000))],
    maxItems: 100,
    maxTokens: 10,
    expected: ['u:2', `a:${'y'.repeat(2000)}`],
  },
  {
    name: 'user messages without a type field count as turn starts',
    items: [bareUser('1'), assistant('1'), bareUser('2'), assistant('2')],
    maxItems: 3,
    expected: ['u:2', 'a:2'],
  },
  {
    name: 'hosted tool calls and reasoning travel inside their turn',
    items: [
      user('1'),
      reasoning('r'),
      hosted('web_search'),
      assistant('1'),
      user('2'),
      assistant('2'),
    ],
    maxItems: 6,
    expected: ['u:1', 'reasoning', 'hosted:web_search', 'a:1', 'u:2', 'a:2'],
  },
  {
    name: 'other paired tool types (shell) are kept together',
    items: [user('1'), shellCall('s1'), shellOutput('s1'), assistant('1')],
    maxItems: 4,
    expected: ['u:1', 'call:s1', 'out:s1', 'a:1'],
  },
  {
    name: 'a start between a call and its output is skipped for an earlier one',
    items: [user('1'), call('c1'), user('2'), output('c1'), assistant('2')],
    maxItems: 5,
    expected: ['u:1', 'call:c1', 'u:2', 'out:c1', 'a:2'],
  },
  {
    name: 'a straddled latest start under a tight budget loses the output half',
    items: [user('1'), call('c1'), user('2'), output('c1'), assistant('2')],
    maxItems: 3,
    expected: ['u:2', 'a:2'],
  },
  {
    name: 'a call without output (damaged history) is left out with its reasoning',
    items: [user('1'), assistant('1'), user('2'), reasoning('r'), call('c9'), assistant('2')],
    maxItems: 10,
    expected: ['u:1', 'a:1', 'u:2', 'a:2'],
  },
  {
    name: 'an output without its call is left out',
    items: [user('1'), output('c9'), assistant('1')],
    maxItems: 10,
    expected: ['u:1', 'a:1'],
  },
  {
    name: 'a call whose output lies before the window start is not a reason to drop the turn',
    items: [
      user('1'),
      call('c1'),
      output('c1'),
      assistant('1'),
      user('2'),
      call('c2'),
      output('c2'),
    ],
    maxItems: 3,
    expected: ['u:2', 'call:c2', 'out:c2'],
  },
];

describe('windowHistory', () => {
  it.each(cases)('$name', ({ items, maxItems, maxTokens, expected }) => {
    const options = maxTokens === undefined ? { maxItems } : { maxItems, maxTokens };
    expect(windowHistory(items, options).map(label)).toEqual(expected);
  });

  it('does not change its input', () => {
    const items = [user('1'), call('c9'), assistant('1')];
    const copy = structuredClone(items);
    windowHistory(items, { maxItems: 1 });
    expect(items).toEqual(copy);
  });

  it('keeps its guarantees on many random histories', () => {
    let seed = 42;
    const random = () => {
      // A small deterministic generator (mulberry32), so a failure is reproducible.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (let run = 0; run < 300; run++) {
      const items: AgentInputItem[] = [];
      const turns = 1 + Math.floor(random() * 8);
      for (let turn = 0; turn < turns; turn++) {
        items.push(user(`${turn}`));
        const calls = Math.floor(random() * 3);
        for (let c = 0; c < calls; c++) {
          if (random() < 0.5) items.push(reasoning('r'));
          items.push(call(`c${run}-${turn}-${c}`), output(`c${run}-${turn}-${c}`));
        }
        items.push(assistant('x'.repeat(Math.floor(random() * 200))));
      }
      const maxItems = 1 + Math.floor(random() * 20);
      const maxTokens = 20 + Math.floor(random() * 400);
      const window = windowHistory(items, { maxItems, maxTokens });
      const lastTurnStart = items.findLastIndex(isUserMessage);

      expect(window.length).toBeGreaterThan(0);
      expect(isUserMessage(window[0]!)).toBe(true);
      // A suffix of the history: nothing reordered or invented.
      expect(window).toEqual(items.slice(items.length - window.length));
      const tokens = window.reduce((sum, item) => sum + estimateTokens(item), 0);
      const withinBudget = window.length <= maxItems && tokens <= maxTokens;
      expect(withinBudget || window.length === items.length - lastTurnStart).toBe(true);
      // As much as fits: the turn before the window would break the budget.
      const start = items.length - window.length;
      const previousStart = items.slice(0, start).findLastIndex(isUserMessage);
      if (withinBudget && previousStart !== -1) {
        const larger = items.slice(previousStart);
        const largerTokens = larger.reduce((sum, item) => sum + estimateTokens(item), 0);
        expect(larger.length > maxItems || largerTokens > maxTokens).toBe(true);
      }
      const callIds = window.flatMap((i) => (i.type === 'function_call' ? [i.callId] : []));
      const outputIds = window.flatMap((i) =>
        i.type === 'function_call_result' ? [i.callId] : [],
      );
      expect(callIds.sort()).toEqual(outputIds.sort());
    }
  });
});

describe('readHistoryWindow', () => {
  const CONVERSATION = 'conversation-1';
  /** Items in memory behind the `recent` read, recording the limit of every read. */
  function itemsOf(items: AgentInputItem[]) {
    const reads: number[] = [];
    return {
      reads,
      store: {
        recent: async (_id: string, limit: number) => {
          reads.push(limit);
          return items.slice(-limit);
        },
      },
    };
  }

  it('reads only the tail of a long conversation and windows it at a turn boundary', async () => {
    const turns = Array.from({ length: 100 }, (_, n) => [user(`q${n}`), assistant(`a${n}`)]);
    const { store, reads } = itemsOf(turns.flat());
    const window = await readHistoryWindow(store, CONVERSATION, { maxItems: 5 });
    expect(window).toEqual([...turns[98]!, ...turns[99]!]);
    expect(reads).toEqual([5]);
  });

  it('reads everything only when the latest turn alone is longer than the window', async () => {
    const latest = [user('check two orders'), call('c1'), output('c1'), call('c2'), output('c2')];
    const { store, reads } = itemsOf([user('earlier'), assistant('done'), ...latest]);
    expect(await readHistoryWindow(store, CONVERSATION, { maxItems: 3 })).toEqual(latest);
    expect(reads).toEqual([3, Number.MAX_SAFE_INTEGER]);
  });

  it('honours the token budget', async () => {
    const { store } = itemsOf([
      user('x'.repeat(4000)),
      assistant('long ago'),
      bareUser('recent'),
      assistant('recent answer'),
    ]);
    const window = await readHistoryWindow(store, CONVERSATION, { maxItems: 20, maxTokens: 200 });
    expect(window).toEqual([bareUser('recent'), assistant('recent answer')]);
  });
});
