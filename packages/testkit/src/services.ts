import { describe, it } from 'vitest';

/**
 * `describe` for suites that need a real service (Redis, PostgreSQL, Chromium). Without it the
 * suite is skipped with one warning, unless the variable `require` names is `1` (CI sets them
 * all), where it fails, so a missing service can never pass silently.
 *
 * @example
 * await describeWithService({ name: 'PostgreSQL', available: postgresAvailable, require:
 *   'PARLEY_REQUIRE_POSTGRES', where: '127.0.0.1:5432' }, 'contract on PostgreSQL', () => { … });
 */
export async function describeWithService(
  service: {
    name: string;
    available: () => Promise<boolean> | boolean;
    require: string;
    where: string;
    hint: string;
  },
  suite: string,
  fn: () => void,
): Promise<void> {
  if (await service.available()) {
    describe(suite, fn);
    return;
  }
  if (process.env[service.require] === '1') {
    describe(suite, () => {
      it(`has ${service.name} to test against`, () => {
        throw new Error(
          `${service.name} required (${service.require}=1) but ${service.where} does not answer`,
        );
      });
    });
    return;
  }
  console.warn(`Skipping ${suite}: no ${service.name} at ${service.where}. ${service.hint}`);
  describe.skip(suite, fn);
}

/** Resolves `false` after `ms`, for probes that must never hang a test run. */
export function within<T>(ms: number, probe: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  return Promise.race([probe, timeout]).finally(() => clearTimeout(timer));
}
