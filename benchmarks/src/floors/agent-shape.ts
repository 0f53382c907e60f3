/**
 * The agents the floors run: Parley's own, built from the server's public surface exactly as
 * `createApp` builds them — `createSupportAgents` with the default company, instructions and
 * specialists, and the three real tools over the sample knowledge base (search with its cache,
 * business hours on the system clock). Only two things differ, both outside the agent's work in
 * every bench turn: the ticket tool's service is a stub (the fake model never opens a ticket),
 * and there is no input guardrail (a Parley feature, part of what Parley costs).
 */
import type { Model } from '@openai/agents';
import {
  type Config,
  createGetBusinessHoursTool,
  createKnowledgeBase,
  createSearchKnowledgeBaseTool,
  createSupportAgents,
  createSupportTicketTool,
  DEFAULT_KB_DIR,
  type KnowledgeBase,
  loadConfig,
  type SupportAgents,
  systemClock,
} from '@parley/server';

export interface FloorAgents {
  agents: SupportAgents;
  knowledgeBase: KnowledgeBase;
  /** The configuration the agents were built from (defaults plus `env`). */
  config: Config;
}

/**
 * Builds Parley's agents over `model`.
 *
 * @example
 * const { agents } = await floorAgents(model);
 * await new Runner().run(agents.entry, 'How do I reset my password?', { stream: true });
 */
export async function floorAgents(
  model: Model,
  options: { env?: Record<string, string> } = {},
): Promise<FloorAgents> {
  const config = loadConfig(options.env ?? {});
  const file = config.file;
  const knowledgeBase = await createKnowledgeBase({
    dir: config.kbDir ?? DEFAULT_KB_DIR,
    watch: false,
  });
  const agents = createSupportAgents({
    companyName: file.companyName,
    extraInstructions: file.instructions,
    specialists: file.specialists,
    model,
    tools: [
      createSearchKnowledgeBaseTool(knowledgeBase),
      createGetBusinessHoursTool({ hours: file.hours, clock: systemClock }),
      createSupportTicketTool({ open: async () => ({ status: 'limit_reached', count: 3 }) }),
    ],
  });
  return { agents, knowledgeBase, config };
}
