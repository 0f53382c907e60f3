import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { scanWidget } from './support/axe.js';
import { describeWithBrowser, launchChromium } from './support/browser.js';
import { demoPage, embedPage } from './support/host-site.js';
import { type Stack, startStack } from './support/stack.js';
import {
  ask,
  guardRequests,
  lastAnswerDone,
  openPanel,
  type RequestLog,
  type StyleFingerprint,
  styleFingerprint,
  waitForFocus,
  waitForLauncher,
  watchProblems,
  widget,
} from './support/widget.js';

/**
 * A page that fights the widget with everything global CSS can do: resets on every element,
 * `!important` fonts and colours, hidden buttons, bordered divs, and rules aimed at the widget's
 * own element and custom properties.
 */
const HOSTILE_CSS = `
  * { all: unset; font-size: 40px !important; color: red !important;
      font-family: "Comic Sans MS", cursive !important; line-height: 3 !important;
      letter-spacing: 6px !important; text-transform: uppercase !important;
      box-sizing: content-box !important; cursor: wait !important; }
  html, body { display: block; background: #ffe !important; }
  button { display: none !important; }
  div { border: 5px solid lime !important; padding: 20px !important; }
  p, h2 { margin: 40px !important; }
  textarea { font-size: 8px !important; }
  svg { width: 300px !important; height: 300px !important; fill: red !important; }
  body > * { position: relative !important; transform: rotate(3deg) !important; }
  parley-chat { display: none !important; visibility: hidden !important; opacity: 0 !important;
      position: static !important; transform: scale(0.2) !important; filter: blur(4px) !important;
      pointer-events: none !important; zoom: 3 !important; }
  :root { --parley-accent: red; --accent: red; --bg: black; --fg: lime; }
`;

const PARTS = [
  ':host',
  '.root',
  '.launcher',
  '.launcher svg',
  '.panel',
  '.head',
  'h2',
  '.icon-btn',
  '.log',
  '.msg.bot .bubble',
  '.msg.user .bubble',
  '.md p',
  '.cites a',
  'textarea',
  '.send',
];

/** The host page's policy: nothing at all but Parley's script and its API calls. */
function strictCsp(parley: string): string {
  return [
    "default-src 'none'",
    `script-src ${parley}`,
    `connect-src ${parley}`,
    "style-src 'none'",
    "img-src 'none'",
    "font-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
}

await describeWithBrowser('widget against hostile and locked-down host pages (Chromium)', () => {
  let browser: Browser;
  let stack: Stack;
  let contexts: BrowserContext[] = [];
  let requests: RequestLog[] = [];

  beforeAll(async () => {
    [browser, stack] = await Promise.all([launchChromium(), startStack({ deltaDelayMs: 5 })]);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    expect(requests.flatMap((log) => log.blocked)).toEqual([]);
    contexts = [];
    requests = [];
  });

  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      reducedMotion: 'reduce',
      ...options,
    });
    context.setDefaultTimeout(8_000);
    contexts.push(context);
    requests.push(await guardRequests(context, [stack.host.origin, stack.parley.baseUrl]));
    return context.newPage();
  }

  it('looks and works the same on a page whose CSS attacks it', async () => {
    const server = stack.parley.baseUrl;
    const pages = {
      clean: stack.host.set('/clean', { html: embedPage({ server }) }),
      hostile: stack.host.set('/hostile', {
        html: embedPage({
          server,
          css: HOSTILE_CSS,
          body: '<div><p>Welcome</p><button id="own">Page button</button></div>',
        }),
      }),
    };
    const looks: Record<string, StyleFingerprint> = {};
    for (const [name, url] of Object.entries(pages)) {
      const page = await newPage();
      await page.goto(url);
      if (name === 'hostile') {
        // The attack is live: it restyles and hides the page's own elements.
        await expect(page.locator('#own').isVisible()).resolves.toBe(false);
        await expect(page.locator('p').evaluate((p) => getComputedStyle(p).fontSize)).resolves.toBe(
          '40px',
        );
      }
      // Playwright's click checks that the launcher is visible, stable, and receives the click.
      await openPanel(page);
      await ask(page, 'How do I reset my password?');
      await lastAnswerDone(page);
      // The same scroll position on both, and the launcher at rest (hover scales it).
      await page.mouse.move(0, 0);
      // The click scrolled the launcher into view; measure against the viewport at the top.
      await page.evaluate(() => window.scrollTo(0, 0));
      await widget(page).log.evaluate((log) => log.scrollTo(0, 0));
      const look = await styleFingerprint(page, PARTS);
      // The host is an empty inline box wherever the page's flow ends; everything in it is fixed.
      for (const part of [':host', '.root']) delete look[part]?.box;
      looks[name] = look;
    }
    expect(looks.hostile).toEqual(looks.clean);
    // A sanity check that the fingerprint read real parts.
    const clean = looks.clean!;
    expect(Object.entries(clean).filter(([, style]) => style.missing)).toEqual([]);
    expect(clean['.launcher']).toMatchObject({ box: '1124 724 56 56', display: 'flex' });
    expect(clean['.panel']).toMatchObject({ box: '800 108 380 600' });
    expect(clean['.msg.bot .bubble']).toMatchObject({
      'font-size': '15px',
      color: 'rgb(29, 33, 48)',
    });
  });

  it('works end to end under a strict CSP with Trusted Types, with no violation', async () => {
    const url = stack.host.set('/strict', {
      html: embedPage({ server: stack.parley.baseUrl, body: '<main><h1>Locked down</h1></main>' }),
      headers: { 'Content-Security-Policy': strictCsp(stack.parley.baseUrl) },
    });
    const page = await newPage();
    const problems = await watchProblems(page);
    await page.goto(url);
    await openPanel(page);
    await ask(page, 'How do I reset my password?');
    const answer = await lastAnswerDone(page);
    await expect(answer.locator('.cites a').count()).resolves.toBeGreaterThan(0);
    // Styles come from constructed sheets, which `style-src 'none'` does not block.
    await expect(
      widget(page).launcher.evaluate((el) => getComputedStyle(el).backgroundColor),
    ).resolves.toBe('rgb(79, 70, 229)');
    await page.keyboard.press('Escape');
    await waitForFocus(page, 'button.launcher');

    expect(await problems.violations()).toEqual([]);
    expect(problems.console).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    // The listener itself works under this policy: the page's own inline style is reported.
    await page.evaluate(() => {
      const el = document.createElement('div');
      el.setAttribute('style', 'color: red');
      document.body.append(el);
    });
    await expect.poll(() => problems.violations()).toEqual([expect.stringMatching(/^style-src/)]);
  });

  it('speaks German, and Arabic right to left, from parts loaded across origins under the strict CSP', async () => {
    for (const [lang, open, message, dir] of [
      ['de', 'Chat öffnen', 'Nachricht', 'ltr'],
      ['ar', 'فتح المحادثة', 'الرسالة', 'rtl'],
    ] as const) {
      const url = stack.host.set(`/strict-${lang}`, {
        html: embedPage({ server: stack.parley.baseUrl, attributes: { lang } }),
        headers: { 'Content-Security-Policy': strictCsp(stack.parley.baseUrl) },
      });
      const page = await newPage();
      const problems = await watchProblems(page);
      await page.goto(url);
      const w = widget(page);
      await w.host.getByRole('button', { name: open }).click();
      await w.host.getByRole('textbox', { name: message }).waitFor();
      await expect(w.host.locator('.root').getAttribute('dir')).resolves.toBe(dir);
      await expect(w.host.locator('.root').getAttribute('lang')).resolves.toBe(lang);
      expect(requests.at(-1)?.urls).toContain(`${stack.parley.baseUrl}/widget/lang-${lang}.js`);
      expect(await problems.violations()).toEqual([]);
      expect(problems.console).toEqual([]);
    }
  });

  it('fills a phone screen, with a 16px message box that iOS will not zoom into', async () => {
    const url = stack.host.set('/phone', {
      html: demoPage({ server: stack.parley.baseUrl, attributes: { title: 'Acme help' } }),
    });
    const page = await newPage({
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
    });
    await page.goto(url);
    const w = widget(page);
    await (await waitForLauncher(page)).tap();
    await w.panel.waitFor();
    await expect(w.panel.boundingBox()).resolves.toEqual({ x: 0, y: 0, width: 375, height: 667 });
    // The launcher under the full-screen panel is hidden, so Tab can never land on it unseen.
    await expect(w.launcher.isVisible()).resolves.toBe(false);
    await expect(w.textbox.evaluate((el) => getComputedStyle(el).fontSize)).resolves.toBe('16px');
    const box = await w.textbox.boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(667);

    await w.textbox.tap();
    await page.keyboard.type('How do I reset my password?');
    await w.host.getByRole('button', { name: 'Send' }).tap();
    const answer = await lastAnswerDone(page);
    const answerBox = await answer.boundingBox();
    expect(answerBox!.x).toBeGreaterThanOrEqual(0);
    expect(answerBox!.x + answerBox!.width).toBeLessThanOrEqual(375);
    // Nothing makes the page scroll sideways.
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBe(375);

    await w.panel.getByRole('button', { name: 'Close chat' }).tap();
    await w.panel.waitFor({ state: 'detached' });
    await expect(w.launcher.isVisible()).resolves.toBe(true);

    // Escape with a keyboard hands focus back to the launcher, visible again.
    await w.launcher.tap();
    await waitForFocus(page, 'textarea');
    await page.keyboard.press('Escape');
    await waitForFocus(page, 'button.launcher');
    await expect(w.launcher.isVisible()).resolves.toBe(true);
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no axe violations, closed, answered and confirming (${colorScheme})`, async () => {
      const url = stack.host.set('/a11y', {
        html: demoPage({
          server: stack.parley.baseUrl,
          attributes: { title: 'Acme help', subtitle: 'Answers from our help center' },
        }),
      });
      const page = await newPage({ colorScheme });
      await page.goto(url);
      await waitForLauncher(page);
      const scans = [await scanWidget(page)];

      await openPanel(page);
      await ask(page, 'How do I reset my password?');
      await lastAnswerDone(page);
      scans.push(await scanWidget(page));

      await widget(page).newChat.click();
      await widget(page).host.getByRole('alertdialog').waitFor();
      scans.push(await scanWidget(page));

      for (const scan of scans) {
        expect(scan.shadowNodesChecked).toBeGreaterThan(0);
        expect(scan.blocking, JSON.stringify(scan.all, null, 2)).toEqual([]);
        // Moderate and minor ones too: there are none today, so any new one is news.
        expect(scan.all).toEqual([]);
      }
    });
  }
});
