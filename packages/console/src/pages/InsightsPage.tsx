import type { InsightsPeriod, UnansweredQuestion } from '@parley/shared';
import { useEffect, useState } from 'preact/hooks';
import { BarChart, type ChartPoint } from '../components/BarChart';
import { type Chip, Chips } from '../components/Chips';
import { Notice } from '../components/Notice';
import { useCell } from '../state/cell';
import { formatDay, formatPercent, formatSeconds } from '../state/format';
import { INSIGHTS_RANGES, type InsightsState } from '../state/insights';
import { pathOf } from '../state/router';

export interface InsightsPageProps {
  insights: InsightsState;
}

interface Metric {
  key: string;
  title: string;
  value(period: InsightsPeriod): number | undefined;
  format(value: number): string;
  /** Rates are drawn on a 0-100% scale. */
  rate?: boolean;
}

const count = (n: number) => String(n);
const percent = (n: number) => formatPercent(n);
const seconds = (n: number) => formatSeconds(n);

/** The numbers a support lead asks for, in the order the page shows them. */
export const METRICS: readonly Metric[] = [
  { key: 'conversations', title: 'Conversations', value: (p) => p.conversations, format: count },
  {
    key: 'deflection',
    title: 'Deflection rate (no person needed)',
    value: (p) => p.deflectionRate,
    format: percent,
    rate: true,
  },
  {
    key: 'escalation',
    title: 'Escalation rate (asked for a person)',
    value: (p) => p.escalationRate,
    format: percent,
    rate: true,
  },
  { key: 'csat', title: 'CSAT (thumbs up)', value: (p) => p.csat, format: percent, rate: true },
  {
    key: 'first-reply',
    title: 'Median time to a person’s first reply',
    value: (p) => p.medianFirstReplySeconds,
    format: seconds,
  },
  { key: 'opened', title: 'Tickets opened', value: (p) => p.ticketsOpened, format: count },
  { key: 'solved', title: 'Tickets solved', value: (p) => p.ticketsSolved, format: count },
];

const PER: ReadonlyArray<Chip<'days' | 'weeks'>> = [
  { value: 'days', label: 'Per day' },
  { value: 'weeks', label: 'Per week' },
];

const REASONS: Record<UnansweredQuestion['reasons'][number], string> = {
  no_citation: 'no article cited',
  thumbs_down: 'thumbs down',
};

/** Insights: totals, small charts per day or week, and the questions the assistant missed. */
export function InsightsPage({ insights }: InsightsPageProps) {
  const data = useCell(insights.data);
  const days = useCell(insights.days);
  const error = useCell(insights.error);
  const loading = useCell(insights.loading);
  const [per, setPer] = useState<'days' | 'weeks'>('days');

  useEffect(() => {
    void insights.load();
  }, [insights]);

  const periods = data ? data[per] : [];
  return (
    <div class="page insights">
      <h1 tabIndex={-1}>Insights</h1>
      <div class="toolbar">
        <label>
          Period{' '}
          <select
            value={days}
            onChange={(event) =>
              insights.setDays(Number((event.currentTarget as HTMLSelectElement).value))
            }
          >
            {INSIGHTS_RANGES.map((n) => (
              <option key={n} value={n}>
                Last {n} days
              </option>
            ))}
          </select>
        </label>
        <Chips legend="Charts per" chips={PER} selected={per} onSelect={(next) => setPer(next)} />
        {loading && <span class="muted">Loading…</span>}
      </div>
      {error && <Notice kind="error">{error}</Notice>}
      {data && (
        <>
          <section aria-labelledby="totals-title">
            <h2 id="totals-title">Last {days} days</h2>
            <dl class="stats">
              {METRICS.map((metric) => {
                const value = metric.value(data.totals);
                return (
                  <div key={metric.key} class="stat" data-metric={metric.key}>
                    <dt>{metric.title}</dt>
                    <dd>{value === undefined ? '–' : metric.format(value)}</dd>
                  </div>
                );
              })}
            </dl>
            <p class="muted">
              {data.totals.ratings} rating{data.totals.ratings === 1 ? '' : 's'} behind the CSAT.
            </p>
          </section>
          <section aria-labelledby="charts-title">
            <h2 id="charts-title">{per === 'days' ? 'Per day' : 'Per week'}</h2>
            <div class="charts">
              {METRICS.map((metric) => {
                const points: ChartPoint[] = periods.map((p) => ({
                  label: per === 'days' ? formatDay(p.start) : `Week of ${formatDay(p.start)}`,
                  value: metric.value(p),
                }));
                return (
                  <BarChart
                    key={metric.key}
                    id={`chart-${metric.key}`}
                    title={metric.title}
                    points={points}
                    format={metric.format}
                    {...(metric.rate ? { max: 1 } : {})}
                  />
                );
              })}
            </div>
          </section>
          <section aria-labelledby="unanswered-title">
            <h2 id="unanswered-title">Top unanswered questions</h2>
            <p class="muted">
              Questions answered without citing an article, or rated thumbs down, grouped by similar
              wording: the gaps in the knowledge base.
            </p>
            {data.unanswered.length === 0 ? (
              <p>None in this period.</p>
            ) : (
              <ol class="unanswered">
                {data.unanswered.map((q) => (
                  <li key={q.text}>
                    <p>
                      <strong>{q.text}</strong>{' '}
                      <span class="badge">
                        {q.count} time{q.count === 1 ? '' : 's'}
                      </span>{' '}
                      <span class="muted">{q.reasons.map((r) => REASONS[r]).join(', ')}</span>{' '}
                      <a href={pathOf({ page: 'knowledge', q: q.text })}>
                        Test in the knowledge base
                      </a>
                    </p>
                    {q.examples.length > 0 && (
                      <ul class="examples">
                        {q.examples.map((example) => (
                          <li key={example}>{example}</li>
                        ))}
                      </ul>
                    )}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </>
      )}
    </div>
  );
}
