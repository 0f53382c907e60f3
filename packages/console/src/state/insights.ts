import type { Insights } from '@parley/shared';
import type { ConsoleClient } from '../api/client';
import { cell } from './cell';
import { latestLoad } from './latest';

/** The periods the insights page offers, in days. */
export const INSIGHTS_RANGES = [7, 28, 90] as const;

/** The insights page: the numbers for the last `days` days. */
export function createInsightsState(options: { client: Pick<ConsoleClient, 'insights'> }) {
  const days = cell<number>(28);
  const data = cell<Insights | undefined>(undefined);
  const loading = cell(false);
  const error = cell<string | undefined>(undefined);
  const latest = latestLoad(loading, error);

  async function load(): Promise<void> {
    await latest.run(
      () => options.client.insights(days.peek()),
      (insights) => {
        data.value = insights;
      },
    );
  }

  return {
    days,
    data,
    loading,
    error,
    load,
    setDays(next: number): void {
      days.value = next;
      void load();
    },
  };
}

export type InsightsState = ReturnType<typeof createInsightsState>;
