import {
  type AgentInputItem,
  InputGuardrailTripwireTriggered,
  type Runner,
  type RunStreamEvent,
} from '@openai/agents';
import type { StreamEvent } from '@parley/shared';
import type { TurnContext } from '../agent/context.js';
import { GUARDRAIL_REFUSAL } from '../agent/guardrails/input-guardrail.js';
import type { SupportAgents } from '../agent/support-agent.js';
import { classifyTurnError, TurnFailedError } from './turn-errors.js';

/** Said when a model returns nothing at all: a complete, honest turn that offers a way forward. */
export const EMPTY_ANSWER_FALLBACK =
  "Sorry, I couldn't come up with an answer to that. Would you like me to open a support ticket so our team can help?";

export interface AgentRunDeps {
  agents: SupportAgents;
  runner: Runner;
  maxTurns: number;
  turnTimeoutMs: number;
}

export interface AgentRunInput {
  /** The turn's context: who it is for; tools record citations, tickets and handoffs on it. */
  context: TurnContext;
  /** The model's view of the conversation so far (a window of stored items). */
  history: AgentInputItem[];
  /** The visitor's message, as an input item. */
  question: AgentInputItem;
  /**
   * Aborted when the visitor presses Stop, or by the server with a {@link TurnFailedError} as
   * reason (shutdown, stream deadline) that the visitor is told about. A visitor who merely goes
   * away does not abort the run: the answer is stored for when they come back.
   */
  signal: AbortSignal;
  /** Receives tool, handoff and delta events as they happen. */
  emit: (event: StreamEvent) => void;
}

/** What a completed run produced; nothing of it is stored yet. */
export interface AgentRunResult {
  text: string;
  toolsUsed: string[];
  /** The agent that gave the answer (its name). */
  agent: string;
  /** The specialists the conversation was handed to, by display name, in order. */
  handoffs: string[];
  /** The items to store for the model's next turn (the run's output, or Parley's own answer). */
  items: AgentInputItem[];
  usage: { inputTokens: number; outputTokens: number; totalTokens: number; requests: number };
  /** True when the input guardrail refused the message (and no model was called). */
  refused: boolean;
}

/**
 * Runs the support agent for one visitor message, streaming as it goes, through the SDK Runner
 * with the history window as input. It stores nothing: the turn (`turns.ts`) writes the question
 * before and what this returns after, so what is stored and when is plain in one place.
 * On failure (model error, cut stream, timeout, Stop) it throws, and nothing of the run is kept:
 * no half answer or orphan tool call is fed to the model next turn.
 */
export async function runAgent(deps: AgentRunDeps, input: AgentRunInput): Promise<AgentRunResult> {
  const { context } = input;
  const { signal, timedOut, dispose } = withTimeout(input.signal, deps.turnTimeoutMs);

  let text = '';
  const toolsUsed: string[] = [];
  const handoffs: string[] = [];
  let agent = deps.agents.entry.name;
  try {
    const result = await deps.runner.run(deps.agents.entry, [...input.history, input.question], {
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
      if (mapped.event === 'handoff') handoffs.push(mapped.data.agent);
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
      input.emit({ event: 'delta', data: { text } });
    }
    const usage = result.state.usage;
    return {
      text,
      toolsUsed,
      agent,
      handoffs,
      // An empty answer is stored as the fallback alone: its tool calls led nowhere worth replaying.
      items: text === EMPTY_ANSWER_FALLBACK ? [assistantReply(text)] : result.output,
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
      input.emit({ event: 'delta', data: { text: GUARDRAIL_REFUSAL } });
      return {
        text: GUARDRAIL_REFUSAL,
        toolsUsed: [],
        agent,
        handoffs: [],
        items: [assistantReply(GUARDRAIL_REFUSAL)],
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
    return { event: 'tool', data: { name: item.rawItem.name, status: 'started' } };
  }
  if (event.name === 'tool_output' && item.type === 'tool_call_output_item') {
    const name = 'name' in item.rawItem ? String(item.rawItem.name) : 'tool';
    const status = context.failedTools.delete(name) ? 'failed' : 'done';
    return { event: 'tool', data: { name, status } };
  }
  if (event.name === 'handoff_occurred' && item.type === 'handoff_output_item') {
    const target = item.targetAgent.name;
    return { event: 'handoff', data: { agent: displayNames.get(target) ?? target } };
  }
  return undefined;
}
