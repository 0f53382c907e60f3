/**
 * Parley's agent shape with canned tool outputs, for the floors: the same agents (support plus
 * the default specialists), the same instructions, the same tool names, descriptions and
 * parameter schemas, built by Parley's own factories. Only what the tools do differs: each
 * returns a fixed text computed once at start-up, so the floors do no per-turn work of their own.
 */
import type { Model } from '@openai/agents';
import { createSupportAgents, type SupportAgents } from '../../src/agent/support-agent.js';
import { createSupportTicketTool } from '../../src/agent/tools/create-support-ticket.js';
import { createGetBusinessHoursTool } from '../../src/agent/tools/get-business-hours.js';
import { createSearchKnowledgeBaseTool } from '../../src/agent/tools/search-knowledge-base.js';
import { systemClock } from '../../src/clock.js';
import { ConfigFile } from '../../src/config-file.js';
import { formatSearchResults } from '../../src/knowledge/format-results.js';
import { createKnowledgeBase, DEFAULT_KB_DIR } from '../../src/knowledge/knowledge-base.js';
import type { SearchHit } from '../../src/knowledge/types.js';
import { BENCH_QUERY } from './fake-model.constants.js';

export const BENCH_FILE_CONFIG = ConfigFile.parse({});

/** The knowledge-base hits Parley's real search returns for the bench question, computed once. */
export async function cannedHits(): Promise<SearchHit[]> {
  const kb = await createKnowledgeBase({ dir: DEFAULT_KB_DIR, watch: false });
  const hits = kb.search(BENCH_QUERY, 3);
  await kb.close();
  return hits;
}

/** Builds the agents over `model` with tools that answer canned text. */
export function cannedAgents(model: Model, hits: readonly SearchHit[]): SupportAgents {
  const file = BENCH_FILE_CONFIG;
  return createSupportAgents({
    companyName: file.companyName,
    extraInstructions: file.instructions,
    specialists: file.specialists,
    model,
    tools: [
      // Citations need a Parley turn context; the floors pass none, so only the text is returned.
      createSearchKnowledgeBaseTool({ search: () => [...hits] }),
      createGetBusinessHoursTool({ hours: file.hours, clock: systemClock }),
      createSupportTicketTool({
        open: async () => ({ status: 'limit_reached', count: 3 }),
      }),
    ],
  });
}

/** The canned tool output as the model sees it, for the bare proxy. */
export function cannedToolOutput(hits: readonly SearchHit[]): string {
  return formatSearchResults([...hits]);
}
