import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_SESSION_SECRET_LENGTH } from '../config.js';

/** File in the data directory holding the generated development secret. */
export const DEV_SECRET_FILE = 'session-secret';

export interface ResolveSessionSecretsOptions {
  /** The secrets of PARLEY_SESSION_SECRET, newest first, already validated by the config. */
  configured?: readonly string[] | undefined;
  production: boolean;
  /** Where the development secret is kept between restarts. */
  dataDir: string;
  warn: (message: string) => void;
}

/**
 * Decides which secrets sign session tokens. A configured list (validated by `loadConfig`) wins. Production refuses to
 * start without one, because a generated secret would log every visitor out on each deploy (or
 * differ between replicas). Development generates one and keeps it in `<dataDir>/session-secret`
 * so sessions survive restarts.
 *
 * @example
 * resolveSessionSecrets({ configured: ['new…', 'old…'], production: true, dataDir, warn });
 * // ['new…', 'old…']
 */
export function resolveSessionSecrets(options: ResolveSessionSecretsOptions): string[] {
  if (options.configured && options.configured.length > 0) return [...options.configured];

  if (options.production) {
    throw new Error(
      'PARLEY_SESSION_SECRET is required in production: set it to a random string of at least ' +
        `${MIN_SESSION_SECRET_LENGTH} characters (e.g. \`openssl rand -hex 32\`).`,
    );
  }

  return [readOrCreateDevSecret(options.dataDir, options.warn)];
}

function readOrCreateDevSecret(dataDir: string, warn: (message: string) => void): string {
  const file = join(dataDir, DEV_SECRET_FILE);
  const existing = readSecretFile(file);
  if (existing !== undefined) return existing;

  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is filtered by the umask; make sure it really is owner-only.
  chmodSync(file, 0o600);
  warn(
    `PARLEY_SESSION_SECRET is not set; generated a development secret in ${file}. ` +
      'Set PARLEY_SESSION_SECRET before running in production.',
  );
  return secret;
}

/** The stored secret, or undefined when the file is missing or holds something unusable. */
function readSecretFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const secret = text.trim();
  return secret.length >= MIN_SESSION_SECRET_LENGTH ? secret : undefined;
}
