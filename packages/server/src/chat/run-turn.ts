import { InputGuardrailTripwireTriggered, type Runner, type RunStreamEvent } from '@openai/agents';
import type { Citation, StreamEvent } from '@parley/shared';
import type { Logger } from 'pino';
import { createTurnContext, type TurnContext } from '../agent/context.js';
import { GUARDRAIL_REFUSAL } from '../agent/guardrails/input-guardrail.js';
import type { SupportAgents } from '../agent/support-agent.js';
import type { ParleyStore } from '../sessions/store.js';
import { StoreSession } from '../sessions/store-session.js';
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
 * with the session's item history.
 *
 * History stays consistent whatever happens: on failure (model error, cut stream, timeout, client
 * abort) the items this run added are rolled back and only the visitor's message is kept, so no
 * half answer or orphan tool call is fed to the model next turn.
 */
export async function runAgentTurn(
  deps: AgentTurnDeps,
  input: AgentTurnInput,
): Promise<AgentTurnResult> {
  const { store } = deps;
  const { sessionId } = input;
  const itemsBefore = await store.countItems(sessionId);
  const context = createTurnContext(sessionId);
  const session = new StoreSession(store, sessionId, { historyWindow: deps.historyWindow });
  const timeout = AbortSignal.timeout(deps.turnTimeoutMs);
  const signal = AbortSignal.any([input.signal, timeout]);

  let text = '';
  const toolsUsed: string[] = [];
  let agent = deps.agents.entry.name;
  try {
    const result = await deps.runner.run(deps.agents.entry, input.message, {
      stream: true,
      session,
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

    if (!text.trim()) {
      const finalOutput = typeof result.finalOutput === 'string' ? result.finalOutput : '';
      text = finalOutput.trim() ? finalOutput : EMPTY_ANSWER_FALLBACK;
      if (text === EMPTY_ANSWER_FALLBACK)
        await replaceTurnItems(store, sessionId, itemsBefore, input.message, text);
      input.emit({ event: 'delta', data: { text } });
    }
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
      await replaceTurnItems(store, sessionId, itemsBefore, input.message, GUARDRAIL_REFUSAL);
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
        : timeout.aborted
          ? 'timeout'
          : undefined;
    await replaceTurnItems(store, sessionId, itemsBefore, input.message).catch(
      (rollbackError: Error) => {
        deps.logger.error(
          { err: { message: rollbackError.message } },
          'could not roll back a failed turn',
        );
      },
    );
    throw serverReason ?? classifyTurnError(error, reason);
  }
}

/**
 * Puts the session's items back to how they were before the turn, plus the visitor's message
 * (and an assistant reply, when one is given). The turn lock guarantees nobody else wrote since.
 */
async function replaceTurnItems(
  store: ParleyStore,
  sessionId: string,
  itemsBefore: number,
  message: string,
  reply?: string,
): Promise<void> {
  let count = await store.countItems(sessionId);
  while (count > itemsBefore) {
    await store.popItem(sessionId);
    count--;
  }
  await store.addItems(sessionId, [
    { role: 'user', content: message },
    ...(reply
      ? [
          {
            type: 'message' as const,
            role: 'assistant' as const,
            status: 'completed' as const,
            content: [{ type: 'output_text' as const, text: reply }],
          },
        ]
      : []),
  ]);
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
