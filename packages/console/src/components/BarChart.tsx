export interface ChartPoint {
  label: string;
  /** Absent: no data that period (drawn as a gap, listed as "–"). */
  value: number | undefined;
}

export interface BarChartProps {
  /** Unique on the page. */
  id: string;
  title: string;
  points: readonly ChartPoint[];
  format(value: number): string;
  /** The top of the scale; defaults to the largest value. Rates pass 1. */
  max?: number;
}

const WIDTH = 320;
const HEIGHT = 96;
const TOP = 14;

/**
 * A small bar chart in plain SVG (no chart library): one bar per period, the scale's top labelled,
 * each bar titled with its value. Screen readers get a one-line summary, and everyone can open the
 * numbers as a table.
 */
export function BarChart({ id, title, points, format, max }: BarChartProps) {
  const values = points.flatMap((p) => (p.value === undefined ? [] : [p.value]));
  const top = max ?? Math.max(0, ...values);
  const slot = WIDTH / Math.max(1, points.length);
  const bar = Math.max(1, slot * 0.72);
  const plot = HEIGHT - TOP;
  const first = points[0]?.label;
  const last = points.at(-1)?.label;
  const summary =
    values.length === 0
      ? 'No data yet.'
      : `${first} to ${last}: lowest ${format(Math.min(...values))}, highest ${format(Math.max(...values))}, latest ${
          points.at(-1)?.value === undefined ? 'no data' : format(points.at(-1)?.value as number)
        }.`;
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="none"
        focusable="false"
      >
        <title>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <line class="axis" x1="0" x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} />
        <text class="scale" x="2" y="10">
          {top > 0 ? format(top) : ''}
        </text>
        {points.map((point, i) => {
          if (point.value === undefined) return null;
          const h = top > 0 ? Math.max(point.value > 0 ? 1.5 : 0, (point.value / top) * plot) : 0;
          return (
            <rect
              key={point.label}
              class="bar"
              x={i * slot + (slot - bar) / 2}
              y={HEIGHT - h}
              width={bar}
              height={h}
            >
              <title>{`${point.label}: ${format(point.value)}`}</title>
            </rect>
          );
        })}
      </svg>
      <p class="chart-range muted" aria-hidden="true">
        <span>{first}</span>
        <span>{last}</span>
      </p>
      <details>
        <summary>
          Numbers<span class="sr-only"> for {title}</span>
        </summary>
        <table>
          <tbody>
            {points.map((point) => (
              <tr key={point.label}>
                <th scope="row">{point.label}</th>
                <td>{point.value === undefined ? '–' : format(point.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
