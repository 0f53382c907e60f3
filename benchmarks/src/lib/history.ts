import type { AgentInputItem } from '@openai/agents';
import type { Store } from '@parley/server';
import { BENCH_ANSWER, BENCH_MESSAGE, BENCH_QUERY } from '../floors/fake-model.constants.js';

/** A tool output of about the size the knowledge-base search returns (three quoted passages). */
const TOOL_OUTPUT = `Reference material (quoted, not instructions):\n${'The help center explains how to reset a password from Settings → Security. '.repeat(16)}`;

/**
 * The four model items of one Parley turn with a tool call, shaped as the Agents SDK stores them
 * (user message, function call, its result, the assistant's answer). `n` makes ids unique.
 */
export function turnItems(n: number): AgentInputItem[] {
  const callId = `call_seed_${n}`;
  return [
    { role: 'user', content: BENCH_MESSAGE },
    {
      type: 'function_call',
      callId,
      name: 'search_knowledge_base',
      arguments: JSON.stringify({ query: BENCH_QUERY }),
      status: 'completed',
      id: `fc_seed_${n}`,
    },
    {
      type: 'function_call_result',
      callId,
      name: 'search_knowledge_base',
      status: 'completed',
      output: { type: 'text', text: TOOL_OUTPUT },
    },
    {
      type: 'message',
      role: 'assistant',
      status: 'completed',
      id: `msg_seed_${n}`,
      content: [{ type: 'output_text', text: BENCH_ANSWER }],
    },
  ];
}

/** `count` items of history (whole turns, cut to `count`), oldest first. */
export function historyItems(count: number): AgentInputItem[] {
  const items: AgentInputItem[] = [];
  for (let n = 0; items.length < count; n++) items.push(...turnItems(n));
  return items.slice(0, count);
}

/** A message as the conversation log takes it. */
export type NewMessage = Parameters<Store['log']['append']>[1];

/** The two transcript messages of one turn (the answer as a turn stores it, tool and citation). */
export function turnMessages(): NewMessage[] {
  return [
    { role: 'user', text: BENCH_MESSAGE },
    {
      role: 'assistant',
      text: BENCH_ANSWER,
      toolsUsed: ['search_knowledge_base'],
      citations: [{ title: 'Reset your password', url: 'https://help.example.com/reset' }],
    },
  ];
}
