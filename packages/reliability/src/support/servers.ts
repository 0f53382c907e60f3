import { randomBytes } from 'node:crypto';
import type { Model } from '@openai/agents';
import {
  type Clock,
  createLogger,
  loadConfig,
  type RunningServer,
  startServer,
} from '@parley/server';
import { sampleKnowledgeBase } from '@parley/testkit/app';
import { expect } from 'vitest';

/**
 * One session secret for every instance this process starts, so instances sharing a database
 * accept each other's tokens, as a deployment's would.
 */
export const SESSION_SECRET = randomBytes(32).toString('hex');

/** A Parley server started in this process through `startServer`, as `main.ts` starts one. */
export interface Instance {
  url: string;
  running: RunningServer;
  /** Every line it logged at `warn` and above. */
  logs: string[];
  /** Stops it as SIGTERM would, with a short grace. */
  stop(): Promise<void>;
}

/**
 * Starts a whole Parley server (store, migrations, coordination, app, listener on a free port of
 * 127.0.0.1) from environment variables, as an operator configures one; `model` replaces the
 * configured model (a real OpenAI provider pointed at the fake server, usually); `clock` replaces
 * the system clock (a `ManualClock` moves mail and webhook retries forward without waiting).
 *
 * @example
 * const a = await startInstance({ PARLEY_STORE: scratch.url, PARLEY_REDIS_URL: redisTestUrl });
 */
export async function startInstance(
  env: Record<string, string>,
  options: { model?: Model; clock?: Clock } = {},
): Promise<Instance> {
  const logs: string[] = [];
  const logger = createLogger('warn', { write: (line: string) => void logs.push(line) });
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PARLEY_SESSION_SECRET: SESSION_SECRET,
    ...env,
  });
  const running = await startServer(config, {
    logger,
    knowledgeBase: await sampleKnowledgeBase(),
    watchKnowledgeBase: false,
    ...(options.model ? { model: options.model } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { url: running.url, running, logs, stop: () => running.stop(1_000) };
}

/**
 * Two instances on `env`, started one after the other (starting both at once on an empty database
 * is its own suite), and checked to coordinate as configured: through Redis when `env` sets
 * PARLEY_REDIS_URL, else through PostgreSQL (stopped again if not).
 */
export async function startTwoInstances(
  env: Record<string, string>,
): Promise<[Instance, Instance]> {
  const pair: [Instance, Instance] = [await startInstance(env), await startInstance(env)];
  const kind = env.PARLEY_REDIS_URL ? 'redis' : 'postgres';
  try {
    expect(pair.map((i) => i.running.coordination.kind)).toEqual([kind, kind]);
  } catch (error) {
    await Promise.all(pair.map((instance) => instance.stop()));
    throw error;
  }
  return pair;
}

/** The distinct error messages an instance logged (warnings and worse), for failure reports. */
export function loggedErrors(instance: Instance): string[] {
  const messages = new Set<string>();
  for (const line of instance.logs) {
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      if (entry.err?.message) messages.add(`${entry.msg}: ${entry.err.message}`);
    } catch {
      // Not a JSON line.
    }
  }
  return [...messages];
}
