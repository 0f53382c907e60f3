import type { RunContext } from '@openai/agents';
import type { TurnContext } from '../context.js';

/**
 * The `errorFunction` every Parley tool uses: it records the failure for the stream's `tool`
 * event and tells the model, in words it can act on, that the tool failed, so it can apologise
 * or offer a ticket instead of the run crashing.
 *
 * @example
 * tool({ ..., errorFunction: toolFailure('search_knowledge_base', 'The help center search is unavailable.') })
 */
export function toolFailure(toolName: string, message: string) {
  return (runContext: RunContext<TurnContext>, _error: unknown): string => {
    runContext.context?.failedTools?.add(toolName);
    return `${message} Apologise briefly and offer to open a support ticket instead; do not retry more than once.`;
  };
}
