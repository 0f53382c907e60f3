import { randomUUID } from 'node:crypto';
import {
  type AgentInputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
  type protocol,
  Usage,
} from '@openai/agents';
import { CREATE_SUPPORT_TICKET } from '../tools/create-support-ticket.js';
import { GET_BUSINESS_HOURS } from '../tools/get-business-hours.js';
import { REQUEST_HUMAN } from '../tools/request-human.js';
import { SEARCH_KNOWLEDGE_BASE } from '../tools/search-knowledge-base.js';
import { composeOfflineAnswer, splitIntoDeltas, type ToolOutcome } from './offline-answer.js';
import { classifyIntent, type OfflineSpecialist } from './offline-intent.js';

export interface OfflineModelOptions {
  companyName: string;
  specialists: readonly OfflineSpecialist[];
  /** Pause between streamed pieces, so the widget shows a real stream. 0 in tests. */
  deltaDelayMs?: number;
}

type Step =
  | { kind: 'call'; name: string; args: Record<string, unknown> }
  | { kind: 'answer'; text: string };

/**
 * A language model that needs no network: it picks a tool by intent, then answers from that
 * tool's output alone. It goes through the same Runner, tools, handoffs, sessions and events as a
 * real model, so the whole product works (and is testable) without an API key.
 */
export class OfflineModel implements Model {
  constructor(private readonly options: OfflineModelOptions) {}

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    return this.respond(this.decide(request));
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<protocol.StreamEvent> {
    const step = this.decide(request);
    yield { type: 'response_started' };
    if (step.kind === 'answer') {
      for (const delta of splitIntoDeltas(step.text)) {
        if (request.signal?.aborted) throw request.signal.reason;
        if (this.options.deltaDelayMs) await sleep(this.options.deltaDelayMs);
        yield { type: 'output_text_delta', delta };
      }
    }
    const response = this.respond(step);
    yield {
      type: 'response_done',
      response: {
        id: response.responseId ?? randomUUID(),
        usage: {
          inputTokens: response.usage.inputTokens,
          outputTokens: response.usage.outputTokens,
          totalTokens: response.usage.totalTokens,
        },
        output: response.output,
      },
    };
  }

  /** Reads this turn's items (everything after the visitor's last message) and picks the next step. */
  private decide(request: ModelRequest): Step {
    const items = typeof request.input === 'string' ? [userItem(request.input)] : request.input;
    const lastUser = findLastIndex(items, isUserMessage);
    const message = lastUser === -1 ? '' : textOf(items[lastUser]!);
    const turn = items.slice(lastUser + 1);
    const outcome = lastToolOutcome(turn);
    const handedOff = outcome?.name.startsWith('transfer_to_') ?? false;

    if (outcome && !handedOff) {
      return { kind: 'answer', text: composeOfflineAnswer(outcome, this.options.companyName) };
    }
    if (!message)
      return { kind: 'answer', text: composeOfflineAnswer(undefined, this.options.companyName) };

    const intent = classifyIntent(message, handedOff ? [] : this.options.specialists);
    const handoff =
      intent.kind === 'handoff' &&
      request.handoffs.find((h) => h.toolName === `transfer_to_${intent.agent}`);
    if (handoff) return { kind: 'call', name: handoff.toolName, args: {} };
    const toolNames = new Set(request.tools.map((t) => t.name));
    if (intent.kind === 'hours' && toolNames.has(GET_BUSINESS_HOURS)) {
      return { kind: 'call', name: GET_BUSINESS_HOURS, args: {} };
    }
    if (intent.kind === 'human' && toolNames.has(REQUEST_HUMAN)) {
      return { kind: 'call', name: REQUEST_HUMAN, args: { reason: summarize(message) } };
    }
    if (
      (intent.kind === 'ticket' || intent.kind === 'human') &&
      toolNames.has(CREATE_SUPPORT_TICKET)
    ) {
      return {
        kind: 'call',
        name: CREATE_SUPPORT_TICKET,
        args: {
          subject: summarize(message),
          description: message,
          priority: intent.kind === 'ticket' ? intent.priority : 'medium',
        },
      };
    }
    if (toolNames.has(SEARCH_KNOWLEDGE_BASE)) {
      return {
        kind: 'call',
        name: SEARCH_KNOWLEDGE_BASE,
        args: { query: message.slice(0, 500) },
      };
    }
    return { kind: 'answer', text: composeOfflineAnswer(undefined, this.options.companyName) };
  }

  private respond(step: Step): ModelResponse & { output: protocol.OutputModelItem[] } {
    const output: protocol.OutputModelItem[] =
      step.kind === 'call'
        ? [
            {
              type: 'function_call',
              callId: `call_${randomUUID()}`,
              name: step.name,
              arguments: JSON.stringify(step.args),
              status: 'completed',
            },
          ]
        : [
            {
              type: 'message',
              role: 'assistant',
              status: 'completed',
              content: [{ type: 'output_text', text: step.text }],
            },
          ];
    const outputTokens = Math.ceil(JSON.stringify(output).length / 4);
    return {
      responseId: `offline_${randomUUID()}`,
      usage: new Usage({ requests: 1, inputTokens: 0, outputTokens, totalTokens: outputTokens }),
      output,
    };
  }
}

function userItem(text: string): AgentInputItem {
  return { role: 'user', content: text };
}

function isUserMessage(item: AgentInputItem): boolean {
  return 'role' in item && item.role === 'user';
}

function textOf(item: AgentInputItem): string {
  if (!('content' in item)) return '';
  const { content } = item;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => ('text' in part && typeof part.text === 'string' ? part.text : ''))
    .join(' ')
    .trim();
}

/** The latest tool result of the turn, with the tool's name. */
function lastToolOutcome(turn: AgentInputItem[]): ToolOutcome | undefined {
  for (let i = turn.length - 1; i >= 0; i--) {
    const item = turn[i]!;
    if (item.type === 'function_call_result') {
      const output =
        typeof item.output === 'string'
          ? item.output
          : 'text' in item.output
            ? String(item.output.text)
            : '';
      return { name: item.name, output };
    }
  }
  return undefined;
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i]!)) return i;
  return -1;
}

function summarize(message: string): string {
  const oneLine = message.replace(/\s+/g, ' ').trim();
  const subject = oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine;
  return subject.length >= 3 ? subject : `Support request: ${subject}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
