import type { Logger } from 'pino';

/** A task the server repeats, with how often. */
export interface Job {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * Runs each job on its interval, one run of a job at a time, never overlapping itself; a failing
 * run is logged (at most once a minute per job) and the job carries on. Jobs are safe to run on
 * every instance at once: each claims its work in the store. Timers are unref'd, so they never
 * keep a process alive.
 *
 * @example
 * const jobs = startJobs([{ name: 'mail', everyMs: 5_000, run: () => mailer.sendDue() }], logger);
 * await jobs.stop();
 */
export function startJobs(jobs: readonly Job[], logger: Logger): { stop(): Promise<void> } {
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<unknown>>();
  const lastLogged = new Map<string, number>();

  const schedule = (job: Job, delayMs: number) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const run = job
        .run()
        .catch((error: unknown) => {
          const now = Date.now();
          if (now - (lastLogged.get(job.name) ?? 0) < 60_000) return;
          lastLogged.set(job.name, now);
          logger.warn(
            { job: job.name, err: { message: (error as Error).message } },
            'background job failed',
          );
        })
        .finally(() => {
          running.delete(run);
          schedule(job, job.everyMs);
        });
      running.add(run);
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };

  // Spread the first runs a little, so instances started together do not all sweep at once.
  for (const job of jobs) schedule(job, Math.floor(Math.random() * Math.min(job.everyMs, 5_000)));

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled(running);
    },
  };
}
