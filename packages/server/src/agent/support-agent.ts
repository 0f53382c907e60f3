import { Agent, type InputGuardrail, type Model, type Tool } from '@openai/agents';
import type { SpecialistConfig } from '../config-file.js';
import type { TurnContext } from './context.js';
import { specialistInstructions, supportInstructions } from './instructions.js';
import { GET_BUSINESS_HOURS } from './tools/get-business-hours.js';

export interface SupportAgentOptions {
  companyName: string;
  extraInstructions: string;
  specialists: readonly SpecialistConfig[];
  /** search_knowledge_base, get_business_hours, create_support_ticket. */
  tools: Tool<TurnContext>[];
  model: Model;
  /** Screens the visitor's message before any model call (entry agent only). */
  inputGuardrails?: InputGuardrail[];
}

/** The agent graph for a process: built once at start-up and reused by every turn. */
export interface SupportAgents {
  entry: Agent<TurnContext>;
  /** Display names by agent name, for the stream's `handoff` event. */
  displayNames: ReadonlyMap<string, string>;
}

/**
 * Builds the support agent and its specialists. Specialists get the knowledge-base and ticket
 * tools too, so answers after a handoff stay grounded and cited.
 */
export function createSupportAgents(options: SupportAgentOptions): SupportAgents {
  const specialistTools = options.tools.filter((t) => t.name !== GET_BUSINESS_HOURS);
  const specialists = options.specialists.map(
    (s) =>
      new Agent<TurnContext>({
        name: s.name,
        handoffDescription: s.handoffDescription,
        instructions: specialistInstructions(
          options.companyName,
          s.instructions,
          options.extraInstructions,
        ),
        tools: specialistTools,
        model: options.model,
      }),
  );
  const entry = new Agent<TurnContext>({
    name: 'support',
    instructions: supportInstructions(options.companyName, options.extraInstructions),
    tools: options.tools,
    handoffs: specialists,
    model: options.model,
    inputGuardrails: options.inputGuardrails ?? [],
  });
  const displayNames = new Map(options.specialists.map((s) => [s.name, s.displayName]));
  displayNames.set('support', 'Support');
  return { entry, displayNames };
}
