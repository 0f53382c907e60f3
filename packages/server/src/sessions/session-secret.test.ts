import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEV_SECRET_FILE, resolveSessionSecrets } from './session-secret.js';

const LONG_A = 'a'.repeat(32);
const LONG_B = 'b'.repeat(40);

describe('resolveSessionSecrets', () => {
  let root: string;
  let dataDir: string;
  let warnings: string[];
  const warn = (message: string) => warnings.push(message);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'parley-secret-'));
    // A directory that does not exist yet, to prove it is created.
    dataDir = join(root, 'nested', 'data');
    warnings = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('uses the configured secrets as they are, in order', () => {
    const secrets = resolveSessionSecrets({
      configured: [LONG_A, LONG_B],
      production: true,
      dataDir,
      warn,
    });
    expect(secrets).toEqual([LONG_A, LONG_B]);
    expect(warnings).toEqual([]);
  });

  it('refuses to start in production without a secret', () => {
    for (const configured of [undefined, []]) {
      expect(() => resolveSessionSecrets({ configured, production: true, dataDir, warn })).toThrow(
        /PARLEY_SESSION_SECRET is required in production/,
      );
    }
  });

  it('generates, persists (owner-only) and reuses a development secret, warning once', () => {
    const first = resolveSessionSecrets({ production: false, dataDir, warn });
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^[0-9a-f]{64}$/);
    const file = join(dataDir, DEV_SECRET_FILE);
    expect(readFileSync(file, 'utf8').trim()).toBe(first[0]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('PARLEY_SESSION_SECRET');

    const second = resolveSessionSecrets({ production: false, dataDir, warn });
    expect(second).toEqual(first);
    expect(warnings).toHaveLength(1);
  });

  it('replaces a development secret file that is too short to be safe', () => {
    resolveSessionSecrets({ production: false, dataDir, warn });
    const file = join(dataDir, DEV_SECRET_FILE);
    writeFileSync(file, 'tiny\n');
    const [secret] = resolveSessionSecrets({ production: false, dataDir, warn });
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
  });
});
