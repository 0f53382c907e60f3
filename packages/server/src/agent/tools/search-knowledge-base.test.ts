import { Agent, RunContext, run, setTracingDisabled } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_RESULTS, REFERENCE_NOTE } from '../../knowledge/format-results.js';
import { createKnowledgeBase, DEFAULT_KB_DIR } from '../../knowledge/knowledge-base.js';
import type { KnowledgeBase, SearchHit } from '../../knowledge/types.js';
import { createTurnContext, type TurnContext } from '../context.js';
import { createSearchKnowledgeBaseTool } from './search-knowledge-base.js';

beforeAll(() => setTracingDisabled(true));

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await createKnowledgeBase({ dir: DEFAULT_KB_DIR });
  return () => kb.close();
});

/** Runs one turn in which the model searches for `query`; returns the tool output and context. */
async function searchTurn(query: string, context: TurnContext = createTurnContext('s_1')) {
  const model = new ScriptedModel([
    [functionCall('search_knowledge_base', { query }, { callId: 'call_kb' })],
    [assistantMessage('Here is what I found.')],
  ]);
  const agent = new Agent<TurnContext>({
    name: 'Support',
    instructions: 'Answer from the help center.',
    model,
    tools: [createSearchKnowledgeBaseTool(kb)],
  });
  const result = await run(agent, query, { context });
  expect(result.finalOutput).toBe('Here is what I found.');
  model.assertComplete();

  const input = model.calls[1]?.request.input;
  const toolResult = (Array.isArray(input) ? input : []).find(
    (item) => item.type === 'function_call_result' && item.callId === 'call_kb',
  );
  if (toolResult?.type !== 'function_call_result') throw new Error('no function_call_result');
  const output = toolResult.output;
  if (typeof output === 'string') return { output, context };
  if (!Array.isArray(output) && output.type === 'text') return { output: output.text, context };
  throw new Error(`unexpected tool output ${JSON.stringify(output)}`);
}

describe('search_knowledge_base', () => {
  it('offers the model a single query argument of 1 to 500 characters', () => {
    const searchTool = createSearchKnowledgeBaseTool(kb);
    expect(searchTool.name).toBe('search_knowledge_base');
    expect(searchTool.parameters).toMatchObject({
      type: 'object',
      properties: { query: { type: 'string', minLength: 1, maxLength: 500 } },
      required: ['query'],
    });
  });

  it('returns the top three articles as quoted reference material and cites them best first', async () => {
    const expected = kb.search('How do I reset my password?', 3);
    expect(expected[0]?.id).toBe('reset-password');

    const { output, context } = await searchTurn('How do I reset my password?');
    expect(output.startsWith(REFERENCE_NOTE)).toBe(true);
    expect(output).toContain(
      '[1] Reset a forgotten password\nURL: https://help.acme.example/articles/reset-password\n> ',
    );
    expect(context.citations).toEqual(expected.map(({ title, url }) => ({ title, url })));
  });

  it('cites nothing and says so when nothing matches', async () => {
    const { output, context } = await searchTurn('asdfgh qwerty');
    expect(output).toBe(NO_RESULTS);
    expect(context.citations).toEqual([]);
  });

  it('adds to the citations of earlier searches in the same turn without duplicates', async () => {
    const context = createTurnContext('s_2');
    await searchTurn('reset my password', context);
    const first = context.citations.map((c) => c.url);
    await searchTurn('refund policy for my subscription', context);
    const urls = context.citations.map((c) => c.url);

    expect(urls.slice(0, first.length)).toEqual(first);
    expect(urls).toContain('https://help.acme.example/articles/refund-policy');
    expect(new Set(urls).size).toBe(urls.length);
  });

  it('still answers when invoked without a turn context', async () => {
    const searchTool = createSearchKnowledgeBaseTool(kb);
    const output = await searchTool.invoke(
      new RunContext<TurnContext>(),
      JSON.stringify({ query: 'reset my password' }),
    );
    expect(output).toContain('https://help.acme.example/articles/reset-password');
  });

  it('tells the model the search is unavailable when the knowledge base throws', async () => {
    const broken = {
      search(): SearchHit[] {
        throw new Error('index gone');
      },
    };
    const context = createTurnContext('s_3');
    const output = await createSearchKnowledgeBaseTool(broken).invoke(
      new RunContext(context),
      JSON.stringify({ query: 'password' }),
    );
    expect(output).toMatch(/search is unavailable/);
    expect(context.failedTools.has('search_knowledge_base')).toBe(true);
    expect(context.citations).toEqual([]);
  });
});
