import type { BrowserContext, Locator, Page } from 'playwright-core';

/**
 * Locators for the widget inside `<parley-chat>`'s open shadow root. Playwright's CSS and role
 * selectors pierce open shadow roots, so these read like selectors on a plain page.
 */
export function widget(page: Page) {
  const host = page.locator('parley-chat');
  return {
    host,
    launcher: host.locator('button.launcher'),
    panel: host.getByRole('dialog'),
    textbox: host.getByRole('textbox', { name: 'Message' }),
    /** The transcript's scroll container: history, then the live region (`role="log"`). */
    log: host.locator('.log'),
    /** Where new messages arrive while the panel is open; screen readers hear these. */
    live: host.getByRole('log'),
    /** The polite status line: offline, waiting for a person, who joined, handed back. */
    status: host.getByRole('status'),
    /** Messages from people on the support team. */
    operatorMessages: host.locator('.msg.op'),
    /** The email form the team asks for when nobody can answer now. */
    contactForm: host.locator('form.contact'),
    /** Assistant answers (the greeting bubble is not one: it carries no `aria-busy`). */
    answers: host.locator('.msg.bot[aria-busy]'),
    userMessages: host.locator('.msg.user .bubble'),
    newChat: host.getByRole('button', { name: 'New conversation' }),
  };
}

/** Waits for the script to mount the launcher. */
export async function waitForLauncher(page: Page): Promise<Locator> {
  const { launcher } = widget(page);
  await launcher.waitFor({ state: 'visible' });
  return launcher;
}

/** Opens the panel with a click and waits for the message box to take focus. */
export async function openPanel(page: Page): Promise<void> {
  const w = widget(page);
  await (await waitForLauncher(page)).click();
  await w.textbox.waitFor({ state: 'visible' });
}

/** Types a question into the open panel and presses Enter. */
export async function ask(page: Page, question: string): Promise<void> {
  const w = widget(page);
  await w.textbox.fill(question);
  await w.textbox.press('Enter');
}

/**
 * Waits until the last answer is finished (its feedback buttons show, which needs the server's
 * message id) and returns it, pinned by position so later answers do not shift the locator.
 */
export async function lastAnswerDone(page: Page, timeout = 15_000): Promise<Locator> {
  const { answers } = widget(page);
  await answers.last().locator('.rate').waitFor({ state: 'visible', timeout });
  return answers.nth((await answers.count()) - 1);
}

function isFocused(selector: string): boolean {
  const host = document.querySelector('parley-chat');
  const active = host?.shadowRoot?.activeElement;
  return document.activeElement === host && active instanceof Element && active.matches(selector);
}

/** Whether `document.activeElement`, followed into the shadow root, matches `selector` now. */
export function focusedMatches(page: Page, selector: string): Promise<boolean> {
  return page.evaluate(isFocused, selector);
}

/**
 * Waits until focus (inside the shadow root) is on `selector`. Components move focus in effects,
 * which run a frame after the element appears, so a test must wait for it as a person would.
 */
export async function waitForFocus(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(isFocused, selector, { timeout: 5_000 });
}

/** One observation of the answer being streamed. */
export interface StreamSample {
  t: number;
  typing: boolean;
  tool: string | undefined;
  text: number;
  citations: number;
}

/**
 * Records every change to the last answer, from inside the page: a MutationObserver on the shadow
 * root notes whether the typing dots or a tool label show and how long the text is. Unlike polling
 * from the test, it cannot miss a state that lasts a single frame.
 */
export async function recordStream(page: Page): Promise<() => Promise<StreamSample[]>> {
  await page.evaluate(() => {
    const root = document.querySelector('parley-chat')?.shadowRoot;
    if (!root) throw new Error('no widget');
    const samples: StreamSample[] = [];
    const start = performance.now();
    const sample = () => {
      const answers = root.querySelectorAll('.msg.bot[aria-busy]');
      const last = answers[answers.length - 1];
      if (!last) return;
      samples.push({
        t: Math.round(performance.now() - start),
        typing: last.querySelector('.typing') !== null,
        tool: last.querySelector('.tool')?.textContent ?? undefined,
        text: last.querySelector('.md')?.textContent?.length ?? 0,
        citations: last.querySelectorAll('.cites a').length,
      });
    };
    new MutationObserver(sample).observe(root, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
    (window as unknown as { __parleySamples: StreamSample[] }).__parleySamples = samples;
  });
  return () =>
    page.evaluate(() => (window as unknown as { __parleySamples: StreamSample[] }).__parleySamples);
}

/** Every request the browser made, and the ones the guard stopped. */
export interface RequestLog {
  urls: string[];
  blocked: string[];
}

/**
 * Lets requests reach only the given origins and records all of them. Anything else is aborted
 * (so a test can never reach the internet) and listed in `blocked`, for the test to assert on.
 */
export async function guardRequests(
  context: BrowserContext,
  allowedOrigins: readonly string[],
): Promise<RequestLog> {
  const log: RequestLog = { urls: [], blocked: [] };
  context.on('request', (request) => log.urls.push(request.url()));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowedOrigins.includes(new URL(url).origin)) return route.continue();
    log.blocked.push(url);
    return route.abort('blockedbyclient');
  });
  return log;
}

/** Collects console errors and warnings, page errors and CSP violations of one page. */
export interface PageProblems {
  console: string[];
  pageErrors: string[];
  violations: () => Promise<string[]>;
}

/**
 * Watches a page for trouble. CSP violations are caught by a `securitypolicyviolation` listener
 * installed before any page script runs; the event is composed, so violations inside the shadow
 * root reach it too.
 */
export async function watchProblems(page: Page): Promise<PageProblems> {
  const problems = { console: [] as string[], pageErrors: [] as string[] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.console.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    window.addEventListener(
      'securitypolicyviolation',
      (event) => seen.push(`${event.effectiveDirective} blocked ${event.blockedURI}`),
      true,
    );
  });
  return {
    ...problems,
    violations: () =>
      page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
  };
}

/** Computed styles and boxes of the widget's parts, keyed by selector then property. */
export type StyleFingerprint = Record<string, Record<string, string>>;

const FINGERPRINT_PROPERTIES = [
  'display',
  'visibility',
  'opacity',
  'position',
  'transform',
  'filter',
  'zoom',
  'font-family',
  'font-size',
  'font-weight',
  'line-height',
  'letter-spacing',
  'text-transform',
  'color',
  'background-color',
  'border-top-width',
  'border-top-color',
  'padding-top',
  'padding-left',
  'margin-top',
  'border-top-left-radius',
  'cursor',
  'pointer-events',
];

/**
 * Reads how the widget's parts look: the computed style of each part (first match in the shadow
 * root, or the host element itself for `:host`) and its box. Two pages whose widgets match here
 * look the same to a visitor.
 */
export function styleFingerprint(
  page: Page,
  selectors: readonly string[],
): Promise<StyleFingerprint> {
  return page.evaluate(
    ({ selectors, properties }) => {
      const host = document.querySelector('parley-chat');
      const root = host?.shadowRoot;
      if (!host || !root) throw new Error('no widget');
      const result: Record<string, Record<string, string>> = {};
      for (const selector of selectors) {
        const el = selector === ':host' ? host : root.querySelector(selector);
        if (!el) {
          result[selector] = { missing: 'true' };
          continue;
        }
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        const entry: Record<string, string> = {
          box: [box.x, box.y, box.width, box.height].map((n) => Math.round(n)).join(' '),
        };
        for (const property of properties) entry[property] = style.getPropertyValue(property);
        result[selector] = entry;
      }
      return result;
    },
    { selectors, properties: FINGERPRINT_PROPERTIES },
  );
}
