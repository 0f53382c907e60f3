import { describe, it } from 'vitest';
import { browserAvailable, CHROMIUM_PATH } from './chromium.js';

export { browserAvailable, CHROMIUM_ARGS, CHROMIUM_PATH, launchChromium } from './chromium.js';

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
