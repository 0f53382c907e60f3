/**
 * Floor (a): a bare Express handler that makes the same two model calls as a Parley turn (the
 * tool call, then the answer, with the same instructions and tool definitions), runs the tool the
 * model asked for (the real knowledge-base search) and pipes the answer as SSE. No agent run
 * loop, no `openai` client (plain fetch), no session. Nothing a real server could do per turn
 * costs less.
 *
 * Env: BENCH_MODEL_URL (required), BENCH_API (responses | chat_completions).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FunctionTool, getHandoff, RunContext } from '@openai/agents';
import { createTurnContext } from '@parley/server';
import { encodeSseEvent, type StreamEvent } from '@parley/shared';
import express from 'express';
import { floorAgents } from './agent-shape.js';
import { listenForBench } from './hooks.js';

const modelUrl = process.env.BENCH_MODEL_URL;
if (!modelUrl) throw new Error('BENCH_MODEL_URL is required');
const api = process.env.BENCH_API === 'chat_completions' ? 'chat_completions' : 'responses';
const MODEL = 'gpt-5.4-mini';

// The request parts, taken once from the same agents the SDK floor runs.
const { agents } = await floorAgents({} as never);
const { entry } = agents;
const instructions = typeof entry.instructions === 'string' ? entry.instructions : '';
const toolsByName = new Map(entry.tools.map((t) => [t.name, t as FunctionTool]));

/** Runs the tool a model call asked for, as the SDK would, and returns its output text. */
async function runTool(call: ToolCall): Promise<string> {
  const tool = toolsByName.get(call.name);
  if (!tool) return `unknown tool ${call.name}`;
  const output = await tool.invoke(new RunContext(createTurnContext('floor')), call.arguments);
  return typeof output === 'string' ? output : JSON.stringify(output);
}
const functions = [
  ...entry.tools.map((t) => {
    const f = t as FunctionTool;
    return { name: f.name, description: f.description, parameters: f.parameters, strict: f.strict };
  }),
  ...entry.handoffs.map((h) => {
    const handoff = getHandoff(h);
    return {
      name: handoff.toolName,
      description: handoff.toolDescription,
      parameters: handoff.inputJsonSchema,
      strict: handoff.strictJsonSchema,
    };
  }),
];
const tools =
  api === 'responses'
    ? functions.map((f) => ({ type: 'function', ...f }))
    : functions.map(({ strict, ...f }) => ({ type: 'function', function: { ...f, strict } }));

interface ToolCall {
  callId: string;
  name: string;
  arguments: string;
}

/** Streams one model call, calling `onText` per text delta; returns the tool call, if any. */
async function callModel(
  input: unknown[],
  onText: (text: string) => void,
): Promise<ToolCall | undefined> {
  const body =
    api === 'responses'
      ? { model: MODEL, instructions, input, tools, stream: true }
      : {
          model: MODEL,
          messages: [{ role: 'system', content: instructions }, ...input],
          tools,
          stream: true,
          stream_options: { include_usage: true },
        };
  const response = await fetch(
    `${modelUrl}/${api === 'responses' ? 'responses' : 'chat/completions'}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
      body: JSON.stringify(body),
    },
  );
  if (!response.ok || !response.body) throw new Error(`model answered ${response.status}`);
  let call: ToolCall | undefined;
  const chatCall = { callId: '', name: '', arguments: '' };
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of response.body) {
    buffered += decoder.decode(chunk as Uint8Array, { stream: true });
    let end = buffered.indexOf('\n\n');
    while (end !== -1) {
      const record = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf('\n\n');
      const dataLine = record.split('\n').find((line) => line.startsWith('data: '));
      if (!dataLine || dataLine === 'data: [DONE]') continue;
      const data = JSON.parse(dataLine.slice(6));
      if (api === 'responses') {
        if (data.type === 'response.output_text.delta') onText(data.delta);
        else if (data.type === 'response.output_item.done' && data.item.type === 'function_call') {
          call = {
            callId: data.item.call_id,
            name: data.item.name,
            arguments: data.item.arguments,
          };
        }
      } else {
        const delta = data.choices?.[0]?.delta;
        if (delta?.content) onText(delta.content);
        const piece = delta?.tool_calls?.[0];
        if (piece) {
          if (piece.id) chatCall.callId = piece.id;
          if (piece.function?.name) chatCall.name = piece.function.name;
          chatCall.arguments += piece.function?.arguments ?? '';
        }
        if (data.choices?.[0]?.finish_reason === 'tool_calls') call = { ...chatCall };
      }
    }
  }
  return call;
}

function followUp(user: unknown, call: ToolCall, toolOutput: string): unknown[] {
  if (api === 'responses') {
    return [
      user,
      { type: 'function_call', call_id: call.callId, name: call.name, arguments: call.arguments },
      { type: 'function_call_output', call_id: call.callId, output: toolOutput },
    ];
  }
  return [
    user,
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: call.callId,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        },
      ],
    },
    { role: 'tool', tool_call_id: call.callId, content: toolOutput },
  ];
}

const app = express();
app.post('/api/chat', express.json({ limit: '16kb' }), async (req, res) => {
  const message = String((req.body as { message?: unknown }).message ?? '');
  let id = 1;
  const send = (event: StreamEvent) => res.write(encodeSseEvent(event, id++));
  try {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    res.flushHeaders();
    const user = { role: 'user', content: message };
    const call = await callModel([user], () => {});
    let text = '';
    const onText = (delta: string) => {
      text += delta;
      send({ event: 'delta', data: { text: delta } });
    };
    if (call) await callModel(followUp(user, call, await runTool(call)), onText);
    send({
      event: 'done',
      data: {
        id: 'msg_bench',
        seq: 2,
        role: 'assistant',
        text,
        createdAt: new Date().toISOString(),
      },
    });
    res.end();
  } catch (error) {
    if (!res.headersSent) res.status(500);
    res.end(String(error));
  }
});

await listenForBench(app as unknown as (req: IncomingMessage, res: ServerResponse) => void);
