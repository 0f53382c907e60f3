/**
 * Floor (b): the least a server built on the Agents SDK does per turn for the same agent work as
 * Parley. Parley's agents with its real tools (see agent-shape.ts), run streamed per request by
 * plain Express, the SDK Runner, one OpenAI client (`createOpenAIModel`, as Parley), the turn
 * context the tools record citations on; every answer streamed as SSE `delta` events and a final
 * `done`. No session, store, limits, logging or guardrail. One client, one set of agents and one
 * Runner per process.
 *
 * Env: BENCH_MODEL_URL (required), BENCH_API (responses | chat_completions),
 * BENCH_REBUILD=1 builds client, agents and Runner for every request (the "before" of "one per
 * process"), BENCH_TRACING=noop keeps tracing on with an exporter that drops everything (no
 * network), to price tracing alone. BENCH_HISTORY=1 keeps each conversation (the floor for an SDK
 * server that remembers one): its items in a Map in memory, the model shown the same history
 * window as Parley's defaults, the new items appended after the run. The first turn sends a
 * `session` event with the conversation's id, later turns send it back as a Bearer token; no
 * signing, store, lock or transcript.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AgentInputItem,
  BatchTraceProcessor,
  Runner,
  setTraceProcessors,
  setTracingDisabled,
} from '@openai/agents';
import { createOpenAIModel, createTurnContext, loadConfig, windowHistory } from '@parley/server';
import { encodeSseEvent, type StreamEvent } from '@parley/shared';
import express from 'express';
import { floorAgents } from './agent-shape.js';
import { listenForBench } from './hooks.js';

const modelUrl = process.env.BENCH_MODEL_URL;
if (!modelUrl) throw new Error('BENCH_MODEL_URL is required');
const api = process.env.BENCH_API === 'chat_completions' ? 'chat_completions' : 'responses';
const rebuild = process.env.BENCH_REBUILD === '1';
const tracing = process.env.BENCH_TRACING === 'noop';
const keepHistory = process.env.BENCH_HISTORY === '1';
const env = {
  OPENAI_API_KEY: 'bench',
  OPENAI_BASE_URL: modelUrl,
  OPENAI_API: api,
  OPENAI_MAX_RETRIES: '0',
};
const conversations = new Map<string, AgentInputItem[]>();

if (tracing) {
  setTraceProcessors([new BatchTraceProcessor({ export: async () => {} })]);
  setTracingDisabled(false);
} else {
  setTracingDisabled(true);
}

async function build() {
  const config = loadConfig(env);
  const model = await createOpenAIModel(config.openai!);
  const { agents } = await floorAgents(model, { env });
  return {
    agents,
    config,
    runner: new Runner({ tracingDisabled: !tracing, workflowName: 'bench' }),
  };
}

const shared = rebuild ? undefined : await build();

const app = express();
app.post('/api/chat', express.json({ limit: '16kb' }), async (req, res) => {
  const { agents, runner, config } = shared ?? (await build());
  const message = String((req.body as { message?: unknown }).message ?? '');
  let id = 1;
  const send = (event: StreamEvent) => res.write(encodeSseEvent(event, id++));
  try {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    res.flushHeaders();
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const conversationId = keepHistory ? (token ?? randomUUID()) : undefined;
    if (conversationId && !token) send({ event: 'session', data: { token: conversationId } });
    const history = conversationId ? (conversations.get(conversationId) ?? []) : [];
    const question: AgentInputItem = { role: 'user', content: message };
    const window = { maxItems: config.historyMaxItems, maxTokens: config.historyMaxTokens };
    const result = await runner.run(
      agents.entry,
      [...(conversationId ? windowHistory(history, window) : []), question],
      { stream: true, context: createTurnContext(conversationId ?? 'floor') },
    );
    let text = '';
    for await (const event of result) {
      if (
        event.type === 'raw_model_stream_event' &&
        event.data.type === 'output_text_delta' &&
        event.data.delta
      ) {
        text += event.data.delta;
        send({ event: 'delta', data: { text: event.data.delta } });
      }
    }
    await result.completed;
    if (conversationId) {
      history.push(question, ...result.output);
      conversations.set(conversationId, history);
    }
    send({ event: 'done', data: doneMessage(text) });
    res.end();
  } catch (error) {
    if (!res.headersSent) res.status(500);
    res.end(String(error));
  }
});

/** The `done` payload the contract asks for: the answer as a message. */
function doneMessage(text: string): Extract<StreamEvent, { event: 'done' }>['data'] {
  return {
    id: 'msg_bench',
    seq: 2,
    role: 'assistant',
    text,
    createdAt: new Date().toISOString(),
  };
}

await listenForBench(app as unknown as (req: IncomingMessage, res: ServerResponse) => void);
