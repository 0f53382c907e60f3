import { browserAvailable, CHROMIUM_PATH } from '@parley/testkit/chromium';
import { describeWithService } from '@parley/testkit/services';

export {
  browserAvailable,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  launchChromium,
} from '@parley/testkit/chromium';

/**
 * `describe` for suites that need a real browser. Without Chromium the suite is skipped with one
 * line saying how to enable it, unless PARLEY_REQUIRE_BROWSER=1 (as in CI), where it fails.
 */
export function describeWithBrowser(name: string, fn: () => void): Promise<void> {
  return describeWithService(
    {
      name: 'Chromium',
      available: browserAvailable,
      require: 'PARLEY_REQUIRE_BROWSER',
      where: CHROMIUM_PATH,
      hint: 'Install it with `apt-get install -y chromium`; CI sets PARLEY_REQUIRE_BROWSER=1.',
    },
    name,
    fn,
  );
}
