import type { KnowledgeSearchResult } from '@parley/shared';
import type { ConsoleClient } from '../api/client';
import { cell } from './cell';
import { latestLoad } from './latest';

/** The knowledge-base tester: a question and what the agent's search would return for it. */
export function createKnowledgeState(options: { client: Pick<ConsoleClient, 'searchKnowledge'> }) {
  const result = cell<KnowledgeSearchResult | undefined>(undefined);
  const loading = cell(false);
  const error = cell<string | undefined>(undefined);
  const latest = latestLoad(loading, error);

  return {
    result,
    loading,
    error,
    async search(question: string): Promise<void> {
      const q = question.trim();
      if (!q) {
        error.value = 'Type a question first.';
        return;
      }
      await latest.run(
        () => options.client.searchKnowledge(q),
        (found) => {
          result.value = found;
        },
      );
    },
  };
}

export type KnowledgeState = ReturnType<typeof createKnowledgeState>;
