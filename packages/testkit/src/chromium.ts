import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

// Shared by the browser suites and the host-page benchmark, so it must not import vitest.

/** Debian's Chromium; nothing here ever downloads a browser. */
export const CHROMIUM_PATH = process.env.PARLEY_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that keep headless Chromium off the network and quiet on a locked-down machine. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function browserAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Where the suites save their screenshots, with a trailing slash. A test run saves them in the
 * temporary folder, so `npm test` never changes tracked files; `PARLEY_UPDATE_SCREENSHOTS=1`
 * (`npm run screenshots`) saves them over the README's, in `docs/screenshots/`.
 */
export function screenshotDir(): string {
  const dir =
    process.env.PARLEY_UPDATE_SCREENSHOTS === '1'
      ? fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))
      : join(tmpdir(), 'parley-screenshots/');
  mkdirSync(dir, { recursive: true });
  return dir.endsWith('/') ? dir : `${dir}/`;
}
