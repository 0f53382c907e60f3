import { writeReport } from './write-report.js';

/**
 * Vitest global setup: names this run (test files inherit the variable, so their results share
 * one run id), and once every file has finished renders docs/reliability.md from the results.
 */
export function setup(): () => void {
  const runId = `run-${Date.now()}-${process.pid}`;
  process.env.PARLEY_RELIABILITY_RUN_ID = runId;
  return () => {
    const outcome = writeReport({ runId });
    if (outcome.written)
      console.log(`Reliability report: ${outcome.file} (${outcome.checks} checks)`);
  };
}
