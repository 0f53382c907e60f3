import {
  type AgentInputItem,
  InputGuardrailTripwireTriggered,
  type Runner,
  type RunStreamEvent,
} from '@openai/agents';
import type { Citation, StreamEvent } from '@parley/shared';
import type { Logger } from 'pino';
import { createTurnContext, type TurnContext } from '../agent/context.js';
import { GUARDRAIL_REFUSAL } from '../agent/guardrails/input-guardrail.js';
import type { SupportAgents } from '../agent/support-agent.js';
import { readHistoryWindow } from '../sessions/history-window.js';
import type { ParleyStore } from '../sessions/store.js';
import { toolLabel } from './tool-labels.js';
import { classifyTurnError, TurnFailedError } from './turn-errors.js';

/** Said when a model returns nothing at all: a complete, honest turn that offers a way forward. */
export const EMPTY_ANSWER_FALLBACK =
  "Sorry, I couldn't come up with an answer to that. Would you like me to open a support ticket so our team can help?";

export interface AgentTurnDeps {
  store: ParleyStore;
  agents: SupportAgents;
  runner: Runner;
  logger: Logger;
  historyWindow: { maxItems: number; maxTokens?: number };
  maxTurns: number;
  turnTimeoutMs: number;
}

export interface AgentTurnInput {
  sessionId: string;
  message: string;
  /**
   * Aborted when the client goes away or presses Stop (any reason), or by the server with a
   * {@link TurnFailedError} as reason (shutdown, stream deadline) that the visitor is told about.
   */
  signal: AbortSignal;
  /** Receives tool, handoff and delta events as they happen. */
  emit: (event: StreamEvent) => void;
}

export interface AgentTurnResult {
  text: string;
  toolsUsed: string[];
  citations: Citation[];
  ticketId: string | undefined;
  agent: string;
  usage: { inputTokens: number; outputTokens: number; totalTokens: number; requests: number };
  /** True when the input guardrail refused the message (and no model was called). */
  refused: boolean;
}

/**
 * Runs the support agent for one visitor message, streaming as it goes, through the SDK Runner
 * with the history window of the session as input.
 *
 * Parley writes the conversation itself rather than handing the Runner an SDK `Session`, so what
 * is stored and when is plain to see here, whatever the SDK version:
 * - the visitor's question, before any model call: a crash or failure mid-turn never loses it,
 *   and the next turn's model sees it as the transcript does;
 * - on success, everything the run produced (tool calls with their outputs, handoffs, the
 *   answer) in one write;
 * - on failure (model error, cut stream, timeout, client abort) nothing more, so no half answer
 *   or orphan tool call is fed to the model next turn. The turn lock means nobody else writes
 *   in between.
 */
export async function runAgentTurn(
  deps: AgentTurnDeps,
  input: AgentTurnInput,
): Promise<AgentTurnResult> {
  const { store } = deps;
  const { sessionId } = input;
  const context = createTurnContext(sessionId);
  const question: AgentInputItem = { role: 'user', content: input.message };
  const { signal, timedOut, dispose } = withTimeout(input.signal, deps.turnTimeoutMs);

  let text = '';
  const toolsUsed: string[] = [];
  let agent = deps.agents.entry.name;
  try {
    const history = await readHistoryWindow(store, sessionId, deps.historyWindow);
    await store.addItems(sessionId, [question]);
    const result = await deps.runner.run(deps.agents.entry, [...history, question], {
      stream: true,
      context,
      signal,
      maxTurns: deps.maxTurns,
      errorHandlers: {
        // A model that keeps calling tools gets a graceful stop instead of an exception.
        maxTurns: () => ({
          finalOutput:
            "I'm having trouble finishing that. Would you like me to open a support ticket?",
          includeInHistory: true,
        }),
      },
    });
    for await (const event of result) {
      if (event.type === 'run_item_stream_event' && event.item.type === 'handoff_output_item') {
        agent = event.item.targetAgent.name;
      }
      const mapped = mapRunEvent(event, context, deps.agents.displayNames);
      if (!mapped) continue;
      if (mapped.event === 'delta') text += mapped.data.text;
      if (
        mapped.event === 'tool' &&
        mapped.data.status === 'started' &&
        !toolsUsed.includes(mapped.data.name)
      ) {
        toolsUsed.push(mapped.data.name);
      }
      input.emit(mapped);
    }
    await result.completed;
    if (result.error) throw result.error;
    if (signal.aborted) throw signal.reason;

    const streamed = text.trim() !== '';
    if (!streamed) {
      const finalOutput = typeof result.finalOutput === 'string' ? result.finalOutput : '';
      text = finalOutput.trim() ? finalOutput : EMPTY_ANSWER_FALLBACK;
    }
    // An empty answer is stored as the fallback alone: its tool calls led nowhere worth replaying.
    await store.addItems(
      sessionId,
      text === EMPTY_ANSWER_FALLBACK ? [assistantReply(text)] : result.output,
    );
    if (!streamed) input.emit({ event: 'delta', data: { text } });
    const usage = result.state.usage;
    return {
      text,
      toolsUsed,
      citations: context.citations,
      ticketId: context.ticketId,
      agent,
      usage: {
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        totalTokens: usage.totalTokens,
        requests: usage.requests,
      },
      refused: false,
    };
  } catch (error) {
    if (error instanceof InputGuardrailTripwireTriggered) {
      // A polite refusal is a complete turn: stored, streamed, and no model was called.
      await store.addItems(sessionId, [assistantReply(GUARDRAIL_REFUSAL)]);
      input.emit({ event: 'delta', data: { text: GUARDRAIL_REFUSAL } });
      return {
        text: GUARDRAIL_REFUSAL,
        toolsUsed: [],
        citations: [],
        ticketId: undefined,
        agent,
        usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, requests: 0 },
        refused: true,
      };
    }
    const serverReason =
      input.signal.reason instanceof TurnFailedError ? input.signal.reason : undefined;
    const reason = serverReason
      ? undefined
      : input.signal.aborted
        ? 'client'
        : timedOut()
          ? 'timeout'
          : undefined;
    throw serverReason ?? classifyTurnError(error, reason);
  } finally {
    dispose();
  }
}

/**
 * `signal`, also aborted after `ms`. One controller, one timer and one listener, removed by
 * `dispose`: cheaper per turn than `AbortSignal.any([signal, AbortSignal.timeout(ms)])`, whose
 * combined signal and timer live on until garbage collection.
 */
function withTimeout(
  signal: AbortSignal,
  ms: number,
): { signal: AbortSignal; timedOut(): boolean; dispose(): void } {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(signal.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The turn took too long', 'TimeoutError'));
  }, ms);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose() {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/** An answer Parley gives in its own words, stored as the model would have. */
function assistantReply(text: string): AgentInputItem {
  return {
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [{ type: 'output_text', text }],
  };
}

/** Translates one SDK stream event into the widget's event, or nothing when it is not shown. */
function mapRunEvent(
  event: RunStreamEvent,
  context: TurnContext,
  displayNames: ReadonlyMap<string, string>,
): StreamEvent | undefined {
  if (event.type === 'raw_model_stream_event') {
    return event.data.type === 'output_text_delta' && event.data.delta
      ? { event: 'delta', data: { text: event.data.delta } }
      : undefined;
  }
  if (event.type !== 'run_item_stream_event') return undefined;
  const { item } = event;
  if (
    event.name === 'tool_called' &&
    item.type === 'tool_call_item' &&
    item.rawItem.type === 'function_call'
  ) {
    const name = item.rawItem.name;
    return { event: 'tool', data: { name, status: 'started', label: toolLabel(name, 'started') } };
  }
  if (event.name === 'tool_output' && item.type === 'tool_call_output_item') {
    const name = 'name' in item.rawItem ? String(item.rawItem.name) : 'tool';
    const status = context.failedTools.delete(name) ? 'failed' : 'done';
    return { event: 'tool', data: { name, status, label: toolLabel(name, status) } };
  }
  if (event.name === 'handoff_occurred' && item.type === 'handoff_output_item') {
    const target = item.targetAgent.name;
    return { event: 'handoff', data: { agent: displayNames.get(target) ?? target } };
  }
  return undefined;
}
