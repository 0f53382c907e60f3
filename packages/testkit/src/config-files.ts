import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ALL_DAY = [['00:00', '24:00']];

/**
 * Writes a PARLEY_CONFIG file (JSON) to a temporary folder and returns its path.
 *
 * @example
 * env: { PARLEY_CONFIG: writeConfigFile({ hours: ALWAYS_OPEN }) }
 */
export function writeConfigFile(config: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'parley-config-')), 'parley.config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** Business hours that are always open (UTC), so a test's outcome never depends on the time of day. */
export const ALWAYS_OPEN = {
  timezone: 'UTC',
  weekly: {
    mon: ALL_DAY,
    tue: ALL_DAY,
    wed: ALL_DAY,
    thu: ALL_DAY,
    fri: ALL_DAY,
    sat: ALL_DAY,
    sun: ALL_DAY,
  },
};

/** Business hours that are never open. */
export const ALWAYS_CLOSED = { timezone: 'UTC', weekly: {} };
