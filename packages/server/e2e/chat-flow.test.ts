import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, launchChromium } from './support/browser.js';
import { demoPage } from './support/host-site.js';
import { type Stack, startStack } from './support/stack.js';
import {
  ask,
  focusedMatches,
  guardRequests,
  lastAnswerDone,
  openPanel,
  type RequestLog,
  recordStream,
  waitForFocus,
  waitForLauncher,
  watchProblems,
  widget,
} from './support/widget.js';

const QUESTION = 'How do I reset my password?';
const ARTICLE = 'https://help.acme.example/articles/reset-password';

await describeWithBrowser('widget on a customer site (Chromium)', () => {
  let browser: Browser;
  let stack: Stack;
  let context: BrowserContext;
  let requests: RequestLog;
  let url: string;

  beforeAll(async () => {
    [browser, stack] = await Promise.all([launchChromium(), startStack()]);
    url = stack.host.set('/', {
      html: demoPage({ server: stack.parley.baseUrl, attributes: { title: 'Acme help' } }),
    });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  afterEach(async () => {
    // Whatever a test did, the page talked to nobody but the host site and Parley.
    expect(requests.blocked).toEqual([]);
    await context.close();
  });

  async function newPage(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    // Fail with Playwright's description of what it waited for, well before the test times out.
    context.setDefaultTimeout(8_000);
    requests = await guardRequests(context, [stack.host.origin, stack.parley.baseUrl]);
    return context.newPage();
  }

  it('loads from one script tag on another site and opens with a click', async () => {
    const page = await newPage();
    const problems = await watchProblems(page);
    await page.goto(url);
    const w = widget(page);

    const launcher = await waitForLauncher(page);
    expect(new URL(page.url()).origin).not.toBe(stack.parley.baseUrl);
    await expect(launcher.getAttribute('aria-expanded')).resolves.toBe('false');
    // No session yet, so a closed widget costs the page nothing but the script.
    expect(requests.urls.filter((u) => u.startsWith(stack.parley.baseUrl))).toEqual([
      `${stack.parley.baseUrl}/widget.js`,
    ]);

    await launcher.click();
    await w.panel.waitFor();
    await expect(w.panel.getAttribute('aria-labelledby')).resolves.toBe('parley-title');
    await expect(w.host.locator('#parley-title').textContent()).resolves.toBe('Acme help');
    await expect(launcher.getAttribute('aria-expanded')).resolves.toBe('true');
    await waitForFocus(page, 'textarea');
    expect(problems.console).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
  });

  it('streams a grounded answer: typing dots, the tool, growing text, then citations', async () => {
    const page = await newPage();
    await page.goto(url);
    await openPanel(page);
    const samples = await recordStream(page);

    await ask(page, QUESTION);
    const w = widget(page);
    await expect(w.userMessages.last().textContent()).resolves.toBe(QUESTION);
    await expect(w.textbox.inputValue()).resolves.toBe('');
    const answer = await lastAnswerDone(page);

    const seen = await samples();
    const firstText = seen.findIndex((s) => s.text > 0);
    expect(firstText).toBeGreaterThan(0);
    expect(seen.slice(0, firstText).some((s) => s.typing)).toBe(true);
    expect(seen.slice(0, firstText).map((s) => s.tool)).toContain('Searching the help center…');
    // The text grows in many steps over time instead of arriving at once...
    const lengths = [...new Set(seen.map((s) => s.text).filter((n) => n > 0))];
    expect(lengths.length).toBeGreaterThanOrEqual(5);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    const growing = seen.filter((s) => s.text > 0);
    expect(growing.at(-1)!.t - growing[0]!.t).toBeGreaterThanOrEqual(200);
    // ...and the sources show once the answer is complete, not while it streams.
    expect(seen.filter((s) => s.citations > 0).every((s) => s.text === lengths.at(-1))).toBe(true);

    await expect(answer.locator('.md').textContent()).resolves.toContain('Forgot password?');
    const source = answer.locator('.cites a').first();
    await expect(source.textContent()).resolves.toBe('Reset a forgotten password');
    await expect(source.getAttribute('href')).resolves.toBe(ARTICLE);
    await expect(source.getAttribute('target')).resolves.toBe('_blank');
    await expect(source.getAttribute('rel')).resolves.toBe('noopener noreferrer');
    await expect(answer.getAttribute('aria-busy')).resolves.toBe('false');
  });

  it('restores the conversation after a reload, by token and by the partitioned cookie', async () => {
    const page = await newPage();
    await page.goto(url);
    await openPanel(page);
    await ask(page, QUESTION);
    await lastAnswerDone(page);
    const tokenKey = `parley:token:${stack.parley.baseUrl}`;
    const token = await page.evaluate((key) => localStorage.getItem(key), tokenKey);
    expect(token).toBeTruthy();

    const restored = async () => {
      const w = widget(page);
      // The tab remembers that the panel was open.
      await w.textbox.waitFor();
      const answer = await lastAnswerDone(page);
      await expect(w.userMessages.allTextContents()).resolves.toEqual([QUESTION]);
      await expect(answer.locator('.cites a').first().getAttribute('href')).resolves.toBe(ARTICLE);
    };
    await page.reload();
    await restored();

    // Without the stored token the third-party cookie alone carries the session. Chromium keeps
    // it because it is `Partitioned` (CHIPS), keyed by the host site.
    const [cookie] = await context.cookies(stack.parley.baseUrl);
    expect(cookie).toMatchObject({
      name: '__Host-parley_session',
      value: token,
      httpOnly: true,
      secure: true,
      sameSite: 'None',
      partitionKey: 'http://localhost',
    });
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await restored();

    // With neither, the visitor starts over.
    await context.clearCookies();
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await widget(page).textbox.waitFor();
    await page.waitForLoadState('networkidle');
    await expect(widget(page).answers.count()).resolves.toBe(0);
  });

  it('works with the keyboard alone', async () => {
    const page = await newPage();
    await page.goto(url);
    const w = widget(page);
    await waitForLauncher(page);

    // Tab through the page's own links until the launcher has focus.
    let presses = 0;
    while (!(await focusedMatches(page, 'button.launcher'))) {
      expect(++presses).toBeLessThan(40);
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await w.panel.waitFor();
    await waitForFocus(page, 'textarea');

    await page.keyboard.type(QUESTION);
    await page.keyboard.press('Enter');
    await lastAnswerDone(page);
    // Focus stays in the composer, ready for a follow-up.
    await waitForFocus(page, 'textarea');

    await page.keyboard.press('Escape');
    await w.panel.waitFor({ state: 'detached' });
    await waitForFocus(page, 'button.launcher');
    await expect(w.launcher.getAttribute('aria-expanded')).resolves.toBe('false');

    await page.keyboard.press('Enter');
    await w.panel.waitFor();
    await waitForFocus(page, 'textarea');
    await expect(w.userMessages.allTextContents()).resolves.toEqual([QUESTION]);
  });

  it('"New conversation" asks first, then clears the transcript and ends the session', async () => {
    const page = await newPage();
    await page.goto(url);
    await openPanel(page);
    await ask(page, QUESTION);
    await lastAnswerDone(page);
    const w = widget(page);
    const dialog = w.host.getByRole('alertdialog');

    // Cancel is the safe default, focus is held on the two buttons, Escape backs out.
    await w.newChat.click();
    await dialog.waitFor();
    await waitForFocus(page, '.confirm .btn:not(.primary)');
    await page.keyboard.press('Tab');
    await waitForFocus(page, '.confirm .btn.primary');
    await page.keyboard.press('Tab');
    await waitForFocus(page, '.confirm .btn:not(.primary)');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect(w.panel.isVisible()).resolves.toBe(true);
    await waitForFocus(page, '[aria-label="New conversation"]');
    await expect(w.userMessages.count()).resolves.toBe(1);

    await page.keyboard.press('Enter');
    await waitForFocus(page, '.confirm .btn:not(.primary)');
    await page.keyboard.press('Tab');
    await waitForFocus(page, '.confirm .btn.primary');
    const ended = page.waitForResponse(
      (r) => r.url().endsWith('/api/chat/session') && r.request().method() === 'DELETE',
    );
    await page.keyboard.press('Enter');
    expect((await ended).ok()).toBe(true);
    await dialog.waitFor({ state: 'detached' });
    await expect(w.answers.count()).resolves.toBe(0);
    await expect(w.userMessages.count()).resolves.toBe(0);
    await waitForFocus(page, 'textarea');

    // The old conversation is gone on the server too, even though the cookie was sent.
    await page.reload();
    await w.textbox.waitFor();
    await page.waitForLoadState('networkidle');
    await expect(w.answers.count()).resolves.toBe(0);
  });
});
