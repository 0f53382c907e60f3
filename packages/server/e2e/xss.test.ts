import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Model, ModelRequest, protocol } from '@openai/agents';
import { assistantMessage, modelStream, ScriptedModel } from '@openai/agents/testing';
import { createKnowledgeBase, DEFAULT_KB_DIR, OfflineModel } from '@parley/server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithBrowser, launchChromium } from './support/browser.js';
import { embedPage } from './support/host-site.js';
import {
  auditContinuously,
  auditWidget,
  type ScriptTrap,
  trapScripts,
} from './support/inertness.js';
import { type Stack, startStack } from './support/stack.js';
import {
  ask,
  guardRequests,
  lastAnswerDone,
  openPanel,
  type RequestLog,
  widget,
} from './support/widget.js';

/** Model output that would run script or load an image if any of it were treated as HTML. */
const MODEL_PAYLOAD = [
  'Here you go: <img src=x onerror="window.__xss=1;alert(1)"> <script>window.__xss=2</script>',
  '',
  '[click me](javascript:window.__xss=3) [data](data:text/html,<script>alert(4)</script>) ' +
    '[tab](java\tscript:alert(5)) [vb](vbscript:msgbox(6))',
  '',
  '![i](http://127.0.0.1:1/leak.png) ![j](//127.0.0.1:1/leak-2.png) <img src="http://127.0.0.1:1/leak-3.png">',
  '',
  '<svg onload="window.__xss=7"></svg> <iframe srcdoc="<script>parent.__xss=8</script>"></iframe>',
  '<a href="javascript:window.__xss=9">raw anchor</a> <style>*{display:none}</style>',
  '',
  '**bold <b onmouseover="window.__xss=10">hover</b>** `<img src=x onerror=alert(11)>`',
  '',
  '```html',
  '<img src=x onerror=alert(12)>',
  '```',
].join('\n');

/** The visitor's own message can be hostile too. */
const VISITOR_PAYLOAD = '<img src=x onerror="window.__xss=13"> hi <script>alert(14)</script>';

/** An article whose title, URL and body all carry markup, for the offline model to quote. */
const HOSTILE_ARTICLE = `---
title: 'Router setup <img src=x onerror="window.__xss=20"> guide'
url: 'https://help.acme.example/articles/router-setup?x="><img src=x onerror=alert(21)>'
tags: [router, setup]
---
To set up the Acme router, plug it in and open the app. <script>window.__xss=22</script>
<img src="http://127.0.0.1:1/kb-leak.png" onerror="window.__xss=23"> ![diagram](http://127.0.0.1:1/kb-leak-2.png)
See [the router setup steps](javascript:window.__xss=24) or <a href="javascript:alert(25)">this link</a>.
`;

/** Delegates to whichever model the current test needs, so one server serves the whole file. */
class SwitchModel implements Model {
  constructor(public current: Model) {}
  getResponse(request: ModelRequest) {
    return this.current.getResponse(request);
  }
  getStreamedResponse(request: ModelRequest) {
    return this.current.getStreamedResponse(request);
  }
}

/** A raw model stream that cuts the payload mid-tag and mid-URL. */
function splitPayloadStream(pieces: readonly string[]): protocol.StreamEvent[] {
  const text = pieces.join('');
  return [
    { type: 'response_started' },
    ...pieces.map((delta) => ({ type: 'output_text_delta' as const, delta })),
    {
      type: 'response_done',
      response: {
        id: 'resp_split',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        output: [assistantMessage(text)],
      },
    },
  ];
}

await describeWithBrowser('untrusted text in real Chromium (XSS)', () => {
  let browser: Browser;
  let stack: Stack;
  let model: SwitchModel;
  let offline: OfflineModel;
  let kbDir: string;
  let context: BrowserContext;
  let requests: RequestLog;
  let trap: ScriptTrap;
  let url: string;

  beforeAll(async () => {
    kbDir = await mkdtemp(path.join(tmpdir(), 'parley-e2e-kb-'));
    const sample = 'device-names-special-characters.md';
    await copyFile(path.join(DEFAULT_KB_DIR, sample), path.join(kbDir, sample));
    await writeFile(path.join(kbDir, 'router-setup.md'), HOSTILE_ARTICLE);
    const knowledgeBase = await createKnowledgeBase({ dir: kbDir, watch: false });
    offline = new OfflineModel({ companyName: 'Acme', specialists: [] });
    model = new SwitchModel(offline);
    [browser, stack] = await Promise.all([launchChromium(), startStack({ model, knowledgeBase })]);
    url = stack.host.set('/', { html: embedPage({ server: stack.parley.baseUrl }) });
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    if (kbDir) await rm(kbDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    // Nothing ran, nothing was fetched from an address in the text, nothing left for elsewhere.
    expect(trap.dialogs).toEqual([]);
    await expect(trap.marks()).resolves.toEqual([]);
    expect(requests.urls.filter((u) => /leak/.test(u))).toEqual([]);
    expect(requests.blocked).toEqual([]);
    const origins = new Set(requests.urls.map((u) => new URL(u).origin));
    expect([...origins].sort()).toEqual([stack.host.origin, stack.parley.baseUrl].sort());
    await context.close();
  });

  async function newPage(): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(8_000);
    requests = await guardRequests(context, [stack.host.origin, stack.parley.baseUrl]);
    const page = await context.newPage();
    trap = await trapScripts(page);
    return page;
  }

  it('renders HTML, script URLs and images in model output as inert text', async () => {
    model.current = new ScriptedModel([[assistantMessage(MODEL_PAYLOAD)]]);
    const page = await newPage();
    await page.goto(url);
    await openPanel(page);
    const audit = await auditContinuously(page);

    await ask(page, VISITOR_PAYLOAD);
    const answer = await lastAnswerDone(page);
    const w = widget(page);
    // Hover and focus everything a handler could hang on.
    await answer.hover();
    await answer.locator('b, strong').first().hover();
    await w.userMessages.last().hover();

    await expect(w.userMessages.last().textContent()).resolves.toBe(VISITOR_PAYLOAD);
    // The Markdown renderer is a part loaded on demand; until it is, the raw text shows.
    await answer.locator('.md a').first().waitFor();
    const text = (await answer.locator('.md').textContent()) ?? '';
    for (const literal of ['<img src=x onerror=', '<script>window.__xss=2</script>', '<iframe']) {
      expect(text).toContain(literal);
    }
    // Safe links stay links (an image becomes a link to its source, a bare URL is linked); no
    // script URL survives.
    const hrefs = await answer
      .locator('a')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(['http://127.0.0.1:1/leak.png', 'http://127.0.0.1:1/leak-3.png']);
    expect(await audit()).toEqual([]);
    expect(await auditWidget(page)).toEqual([]);

    // The stored transcript replays just as inertly.
    await page.reload();
    const replayed = await lastAnswerDone(page);
    await replayed.locator('.md a').first().waitFor();
    await expect(widget(page).answers.locator('.md').textContent()).resolves.toBe(text);
    expect(await auditWidget(page)).toEqual([]);
  });

  it('never has a live element, not even for a moment, while a payload streams in pieces', async () => {
    model.current = new ScriptedModel([
      modelStream(
        splitPayloadStream([
          'Try <im',
          'g src=x one',
          'rror="window.__xss=30;alert(30)"> or [this](java',
          'script:window.__xss=31) and ![logo](http://127.0.0.1:1/',
          'leak-4.png) <scr',
          'ipt>window.__xss=32</scr',
          'ipt> **<b onclick="window.__xss=33">',
          'done</b>**',
        ]),
      ),
    ]);
    const page = await newPage();
    await page.goto(url);
    await openPanel(page);
    const audit = await auditContinuously(page);
    await ask(page, 'Show me the logo');
    const answer = await lastAnswerDone(page);
    await answer.locator('strong').click();
    await expect(answer.locator('.md').textContent()).resolves.toContain(
      '<script>window.__xss=32</script>',
    );
    expect(await audit()).toEqual([]);
  });

  it('shows markup from knowledge-base articles and questions as text, in answers and sources', async () => {
    model.current = offline;
    const page = await newPage();
    await page.goto(url);
    await openPanel(page);
    const audit = await auditContinuously(page);

    await ask(page, "My camera is named <script>alert('hi')</script> Garage, is that a problem?");
    const first = await lastAnswerDone(page);
    const firstSource = first.locator('.cites a').first();
    await expect(firstSource.textContent()).resolves.toBe(
      'Special characters in device and room names',
    );

    await ask(page, 'How do I set up the router?');
    const second = await lastAnswerDone(page);
    const source = second.locator('.cites a').first();
    await expect(source.textContent()).resolves.toBe(
      'Router setup <img src=x onerror="window.__xss=20"> guide',
    );
    // The quotes and brackets in the article's URL stay inside the URL, percent-encoded.
    await expect(source.getAttribute('href')).resolves.toBe(
      'https://help.acme.example/articles/router-setup?x=%22%3E%3Cimg%20src=x%20onerror=alert(21)%3E',
    );
    await second.hover();
    expect(await audit()).toEqual([]);
    expect(await auditWidget(page)).toEqual([]);
  });
});
