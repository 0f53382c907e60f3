import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Model, type ModelResponse, type protocol, Usage } from '@openai/agents';
import { assistantMessage } from '@openai/agents/testing';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, launchChromium } from './support/browser.js';
import { embedPage } from './support/host-site.js';
import { type Stack, startStack } from './support/stack.js';
import {
  ask,
  guardRequests,
  lastAnswerDone,
  openPanel,
  type PageProblems,
  type RequestLog,
  watchProblems,
  widget,
} from './support/widget.js';

/** Answers every turn with `text`, streamed in about 40 deltas, as a model would. */
class StreamedTextModel implements Model {
  text = '';

  async getResponse(): Promise<ModelResponse> {
    return { usage: new Usage(), output: [assistantMessage(this.text)] };
  }

  async *getStreamedResponse(): AsyncIterable<protocol.StreamEvent> {
    const text = this.text;
    const size = Math.ceil(text.length / 40);
    yield { type: 'response_started' };
    for (let at = 0; at < text.length; at += size) {
      await sleep(20);
      yield { type: 'output_text_delta', delta: text.slice(at, at + size) };
    }
    yield {
      type: 'response_done',
      response: {
        id: randomUUID(),
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        output: [assistantMessage(text)],
      },
    };
  }
}

/** `` ` ``, ` `` `, ` ``` `... separated by spaces, about `length` characters in all. */
function growingBacktickRuns(length: number): string {
  let text = '';
  for (let run = 1; text.length < length; run++) text += `${'`'.repeat(run)} `;
  return text;
}

/**
 * An answer built to make a markdown parser rescan, under the plain-text limit so the widget
 * really parses it: unclosed emphasis before growing backtick runs (the old parser took seconds
 * of main thread on every delta), a heading padded with spaces, unmatched brackets and a list
 * split by blank lines. Everything breaks into lines easily, so what is timed is the parse and
 * not the layout of one endless word.
 */
const SLOW_ANSWER = [
  `${'*a '.repeat(700)}${growingBacktickRuns(2_500)}`,
  `# a${' '.repeat(3_000)}x`,
  `${'[a]( '.repeat(300)}${'[ '.repeat(1_000)}`,
  `- a${'\n'.repeat(2_000)}  b`,
].join('\n\n');

const DEEP_ANSWER = `${'- '.repeat(2000)}x`;

/** Every long task (50 ms or more) the host page runs, from its start, on its own clock. */
const RECORD_LONG_TASKS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const { startTime, duration } of list.getEntries())
      window.__longTasks.push({ startTime, duration });
  }).observe({ type: 'longtask', buffered: true });
`;

/** The longest task the host page ran since `from` (its clock), in ms; 0 when none took 50. */
async function longestTaskSince(page: Page, from = 0): Promise<number> {
  // Long-task entries are delivered after the task, so give the observer a moment.
  await page.waitForTimeout(300);
  return page.evaluate(
    (since) =>
      (window as unknown as { __longTasks: PerformanceEntry[] }).__longTasks
        .filter((task) => task.startTime >= since)
        .reduce((longest, task) => Math.max(longest, task.duration), 0),
    from,
  );
}

const MAX_TASK_MS = 250;

/**
 * Measures up to three times, stopping at the first run under the limit: on a shared machine one
 * slow run can be another process's doing (a trivial answer has shown a 195 ms task here), while
 * a parser that blocks does so every time (the old one did not even finish this answer in 30 s).
 */
async function bestOfThree(measure: () => Promise<number>): Promise<number[]> {
  const runs: number[] = [];
  while (runs.length < 3 && !runs.some((ms) => ms < MAX_TASK_MS)) runs.push(await measure());
  return runs;
}

await describeWithBrowser('hostile markdown in real Chromium', () => {
  let browser: Browser;
  let stack: Stack;
  let model: StreamedTextModel;
  let context: BrowserContext | undefined;
  let requests: RequestLog;
  let problems: PageProblems;
  let url: string;

  beforeAll(async () => {
    model = new StreamedTextModel();
    [browser, stack] = await Promise.all([launchChromium(), startStack({ model })]);
    url = stack.host.set('/', { html: embedPage({ server: stack.parley.baseUrl }) });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  afterEach(async () => {
    expect(requests.blocked).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    expect(problems.console).toEqual([]);
    await context?.close();
    context = undefined;
  });

  async function newPage(): Promise<Page> {
    await context?.close();
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(10_000);
    requests = await guardRequests(context, [stack.host.origin, stack.parley.baseUrl]);
    const page = await context.newPage();
    problems = await watchProblems(page);
    await page.addInitScript(RECORD_LONG_TASKS);
    return page;
  }

  it(`never blocks the host page for ${MAX_TASK_MS} ms with an answer built to be slow`, async () => {
    model.text = SLOW_ANSWER;
    expect(SLOW_ANSWER.length).toBeLessThan(20_000);
    let page!: Page;
    // Each run is a new visitor, timed from the question to the finished answer.
    const streaming = await bestOfThree(async () => {
      page = await newPage();
      await page.goto(url);
      await openPanel(page);
      const asked = await page.evaluate(() => performance.now());
      await ask(page, 'Show me something slow');
      const answer = await lastAnswerDone(page, 30_000);
      await expect(answer.locator('.md').textContent()).resolves.toContain('*a *a');
      return longestTaskSince(page, asked);
    });
    // The stored transcript is parsed again on every page view: timed from the page's start.
    const reloaded = await bestOfThree(async () => {
      await page.reload();
      await lastAnswerDone(page, 30_000);
      return longestTaskSince(page);
    });
    console.log(
      `hostile-markdown: longest host-page task ${streaming.map(Math.round).join(', ')} ms while ` +
        `streaming, ${reloaded.map(Math.round).join(', ')} ms after a reload (0: none reached 50 ms)`,
    );
    expect(Math.min(...streaming)).toBeLessThan(MAX_TASK_MS);
    expect(Math.min(...reloaded)).toBeLessThan(MAX_TASK_MS);
  }, 180_000);

  it('renders an answer nested 2,000 deep, and still shows the conversation after a reload', async () => {
    model.text = DEEP_ANSWER;
    const page = await newPage();
    await page.goto(url);
    await openPanel(page);
    await ask(page, 'Nest it');
    const check = async (answer: Locator) => {
      await expect(answer.locator('.md ul').count()).resolves.toBe(6);
      await expect(answer.locator('.md').textContent()).resolves.toBe(`${'- '.repeat(1994)}x`);
    };
    await check(await lastAnswerDone(page));

    await page.reload();
    const w = widget(page);
    await w.textbox.waitFor();
    await check(await lastAnswerDone(page));
    await expect(w.userMessages.allTextContents()).resolves.toEqual(['Nest it']);
  }, 60_000);
});
