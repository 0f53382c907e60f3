import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { screenshotDir } from '@parley/testkit/chromium';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, launchChromium } from './support/browser.js';
import { demoPage } from './support/host-site.js';
import { type Stack, startStack } from './support/stack.js';
import { ask, lastAnswerDone, openPanel, widget } from './support/widget.js';

/**
 * The README shows these: every run takes them from the real widget and server, and
 * `npm run screenshots` saves them over the README's (see `screenshotDir`).
 */
const SCREENSHOT_DIR = pathToFileURL(screenshotDir());

interface Shot {
  name: 'light' | 'dark' | 'mobile';
  question: string;
  context: BrowserContextOptions;
}

const DESKTOP = { width: 1200, height: 800 };
const PHONE = { width: 375, height: 667 };

const SHOTS: Shot[] = [
  {
    name: 'light',
    question: 'How do I turn on two-factor authentication?',
    context: { viewport: DESKTOP, colorScheme: 'light' },
  },
  {
    name: 'dark',
    question: 'How do I turn on two-factor authentication?',
    context: { viewport: DESKTOP, colorScheme: 'dark' },
  },
  {
    name: 'mobile',
    question: 'What does the warranty cover?',
    context: { viewport: PHONE, colorScheme: 'light', isMobile: true, hasTouch: true },
  },
];

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

await describeWithBrowser('README screenshots (Chromium)', () => {
  let browser: Browser;
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    [browser, stack] = await Promise.all([launchChromium(), startStack({ deltaDelayMs: 0 })]);
    url = stack.host.set('/', {
      html: demoPage({
        server: stack.parley.baseUrl,
        attributes: { title: 'Acme Support', subtitle: 'Answers from the Acme help center' },
      }),
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  for (const shot of SHOTS) {
    it(`saves ${shot.name}.png, the README's screenshot`, async () => {
      const context = await browser.newContext({
        ...shot.context,
        deviceScaleFactor: 1,
        reducedMotion: 'reduce',
      });
      context.setDefaultTimeout(8_000);
      try {
        const page = await context.newPage();
        await page.goto(url);
        await openPanel(page);
        await ask(page, shot.question);
        const answer = await lastAnswerDone(page);
        await expect(answer.locator('.cites a').count()).resolves.toBeGreaterThan(0);
        // At rest: no hover effect on the launcher, and the transcript scrolled to the end.
        await page.mouse.move(1, 1);
        await widget(page).log.evaluate((log) => log.scrollTo(0, log.scrollHeight));

        const file = new URL(`${shot.name}.png`, SCREENSHOT_DIR);
        await page.screenshot({ path: file.pathname, animations: 'disabled' });
        const size = pngSize(await readFile(file));
        expect(size).toEqual(shot.context.viewport);
      } finally {
        await context.close();
      }
    });
  }
});
