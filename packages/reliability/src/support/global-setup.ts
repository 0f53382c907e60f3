/**
 * Vitest global setup: names this run. Test files inherit the variable, so the results they record
 * share one run id and a suite's file starts afresh in each run. The report is not written here:
 * running tests never touches a tracked file (`npm run reliability:report` renders it).
 */
export function setup(): void {
  process.env.PARLEY_RELIABILITY_RUN_ID = `run-${Date.now()}-${process.pid}`;
}
