import type { Clock } from '@parley/server';
import { createScratchDatabase, type ScratchDatabase } from '@parley/testkit/postgres';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { killAndWait, type ServerProcess, startServerProcess } from './processes.js';
import { type Instance, SESSION_SECRET, startInstance } from './servers.js';

/**
 * Instances that share one store, as a deployment's do: a scratch PostgreSQL database created
 * before the suite's tests and dropped after them, and the instances a test starts on it, in this
 * process or as the real entry point in a child process, with the one session secret. Whatever a
 * test started is gone after it: instances stopped, processes killed with SIGKILL by their own pid.
 * Registers its hooks in the `describe` it is called in.
 *
 * @example
 * const deployment = scratchDeployment();
 * const a = await deployment.startInstance({ PARLEY_RATE_LIMITS: 'off' });
 * const b = await deployment.startProcess({ PARLEY_RATE_LIMITS: 'off' });
 */
export function scratchDeployment() {
  let scratch: ScratchDatabase | undefined;
  const instances: Instance[] = [];
  const processes: ServerProcess[] = [];

  function storeUrl(): string {
    if (!scratch) throw new Error('the scratch database is created before the first test');
    return scratch.url;
  }

  async function stopAll(): Promise<void> {
    await Promise.all(processes.splice(0).map((p) => killAndWait(p.child, 'SIGKILL')));
    await Promise.all(instances.splice(0).map((instance) => instance.stop()));
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterEach(stopAll);
  afterAll(async () => {
    await scratch?.drop();
  });

  return {
    /** The scratch database (PARLEY_STORE of every instance started here). */
    get storeUrl(): string {
      return storeUrl();
    },

    /** An instance in this process (see `startInstance`) on the shared store; `env` adds to it. */
    async startInstance(
      env: Record<string, string>,
      options: { clock?: Clock } = {},
    ): Promise<Instance> {
      const instance = await startInstance({ PARLEY_STORE: storeUrl(), ...env }, options);
      instances.push(instance);
      return instance;
    },

    /** Stops an instance now, as SIGTERM would, rather than after the test. */
    async stopInstance(instance: Instance): Promise<void> {
      const at = instances.indexOf(instance);
      if (at >= 0) instances.splice(at, 1);
      await instance.stop();
    },

    /** The real entry point (see `startServerProcess`) on the shared store; `env` adds to it. */
    async startProcess(env: Record<string, string>): Promise<ServerProcess> {
      const server = await startServerProcess({
        PARLEY_STORE: storeUrl(),
        PARLEY_SESSION_SECRET: SESSION_SECRET,
        ...env,
      });
      processes.push(server);
      return server;
    },

    /** Stops and kills, now, everything the test started. */
    stopAll,
  };
}

export type ScratchDeployment = ReturnType<typeof scratchDeployment>;
