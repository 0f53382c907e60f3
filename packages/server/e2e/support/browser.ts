import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describe, it } from 'vitest';

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
 * `describe` for suites that need a real browser. Without Chromium the suite is skipped with one
 * line saying how to enable it, unless PARLEY_REQUIRE_BROWSER=1 (as in CI), where it fails.
 */
export function describeWithBrowser(name: string, fn: () => void): void {
  if (browserAvailable()) {
    describe(name, fn);
    return;
  }
  if (process.env.PARLEY_REQUIRE_BROWSER === '1') {
    describe(name, () => {
      it('has Chromium to test with', () => {
        throw new Error(
          `Chromium required (PARLEY_REQUIRE_BROWSER=1) but ${CHROMIUM_PATH} is missing`,
        );
      });
    });
    return;
  }
  console.warn(
    `Skipping browser suite ${name}: no Chromium at ${CHROMIUM_PATH}. Install it with ` +
      '`apt-get install -y chromium`; CI sets PARLEY_REQUIRE_BROWSER=1.',
  );
  describe.skip(name, fn);
}
