/**
 * Fails with a readable one-line message (the report shows an error's first line) when
 * `problems` is not empty: what they are, how many, and the first few.
 *
 * @example
 * expectNone(report.failures, 'turns not answered');
 * // Error: turns not answered: 2 (v3 t2: 503 model_unavailable; v9 t4: 503 model_unavailable)
 */
export function expectNone(problems: readonly string[], what: string): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 3).join('; ');
  throw new Error(`${what}: ${problems.length} (${shown}${problems.length > 3 ? '; …' : ''})`);
}
