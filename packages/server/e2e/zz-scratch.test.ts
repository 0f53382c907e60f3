import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { describeWithBrowser, launchChromium } from './support/browser.js';
import { demoPage } from './support/host-site.js';
import { startStack, type Stack } from './support/stack.js';
import { ask, guardRequests, lastAnswerDone, openPanel, recordStream, watchProblems, widget } from './support/widget.js';

describeWithBrowser('scratch', () => {
  let browser: Browser; let stack: Stack;
  beforeAll(async () => { [browser, stack] = await Promise.all([launchChromium(), startStack()]); });
  afterAll(async () => { await browser?.close(); await stack?.close(); });
  it('explores', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const log = await guardRequests(context, [stack.parley.baseUrl, stack.host.origin]);
    const page = await context.newPage();
    const problems = await watchProblems(page);
    const url = stack.host.set('/', { html: demoPage({ server: stack.parley.baseUrl, attributes: { title: 'Acme help', starters: 'How do I reset my password?|Where is my order?' } }) });
    const t0 = Date.now();
    await page.goto(url);
    await openPanel(page);
    const samples = await recordStream(page);
    await ask(page, 'How do I reset my password?');
    const a = await lastAnswerDone(page);
    console.log('answer ms', Date.now() - t0);
    console.log(await a.innerHTML());
    console.log(JSON.stringify(await samples()));
    console.log(await context.cookies());
    console.log(await page.evaluate(() => JSON.stringify(localStorage)));
    
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await widget(page).textbox.waitFor();
    await page.waitForTimeout(1000);
    console.log('after reload without token, messages:', await widget(page).userMessages.count());
    console.log(log, problems.console, problems.pageErrors, await problems.violations());
    await context.close();
  });
});
