import type {
  OperatorConversation,
  OperatorConversationList,
  OperatorConversationSummary,
} from '@parley/shared';
import { ALWAYS_CLOSED, ALWAYS_OPEN, writeConfigFile } from '@parley/testkit/config-files';
import { SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scanWidget } from './support/axe.js';
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
  waitForFocus,
  watchProblems,
  widget,
} from './support/widget.js';

/** What the offline model hands to a person (it calls `request_human`). */
const ASK_FOR_A_PERSON = 'I want to talk to a person';
const ADMIN_TOKEN = 'e2e-operator-token-6f1c2a9d4b7e8f03';
const IDENTITY_SECRET = 'e2e-identity-secret-3b9f0c6e1d8a4f27b5c2e9a0d7f6c1b4';

/** What a site's backend signs for a logged-in visitor, valid by the server's (manual) clock. */
function identityToken(stack: Stack, secret = IDENTITY_SECRET): Promise<string> {
  const now = Math.floor(stack.parley.clock.now() / 1000);
  return new SignJWT({ email: 'kim@example.com', name: 'Kim' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('customer-42')
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .sign(new TextEncoder().encode(secret));
}

/** The operator side, as an integration drives it: the operator HTTP API with the admin token. */
function operatorApi(stack: Stack) {
  const call = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${stack.parley.baseUrl}/api/operator${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        Authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    /** The ids of the conversations in the inbox, optionally with one status. */
    async ids(status?: OperatorConversationSummary['status']): Promise<string[]> {
      const query = status ? `?status=${status}` : '';
      const { items } = await call<OperatorConversationList>(`/conversations${query}`);
      return items.map((item) => item.id);
    },
    /** The one conversation that was not in the inbox before (each test is a new visitor). */
    async added(before: readonly string[]): Promise<string> {
      const added = (await this.ids()).filter((id) => !before.includes(id));
      expect(added).toHaveLength(1);
      return added[0]!;
    },
    conversation: (id: string) => call<OperatorConversation>(`/conversations/${id}`),
    join: (id: string) => call(`/conversations/${id}/join`, { name: 'Dana' }),
    reply: (id: string, text: string) =>
      call(`/conversations/${id}/messages`, { text, name: 'Dana' }),
    release: (id: string) => call(`/conversations/${id}/release`, {}),
  };
}

await describeWithBrowser('the human loop from the visitor’s widget (Chromium)', () => {
  let browser: Browser;
  let open: Stack;
  let closed: Stack;
  let context: BrowserContext;
  let requests: RequestLog;
  let problems: PageProblems;

  beforeAll(async () => {
    const env = (hours: object) => ({
      PARLEY_CONFIG: writeConfigFile({ hours }),
      PARLEY_ADMIN_TOKEN: ADMIN_TOKEN,
      PARLEY_IDENTITY_SECRET: IDENTITY_SECRET,
    });
    [browser, open, closed] = await Promise.all([
      launchChromium(),
      // Slow enough deltas that an answer is still streaming when the network goes.
      startStack({ env: env(ALWAYS_OPEN), deltaDelayMs: 80 }),
      startStack({ env: env(ALWAYS_CLOSED) }),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([open?.close(), closed?.close()]);
  });

  afterEach(async () => {
    expect(requests.blocked).toEqual([]);
    expect(problems.pageErrors).toEqual([]);
    await context.close();
  });

  /** A page on the customer's site (or Parley's own demo page), watched for trouble. */
  async function visit(
    stack: Stack,
    url = stack.host.set('/', { html: embedPage({ server: stack.parley.baseUrl }) }),
  ): Promise<Page> {
    // Reduced motion, so axe never measures a message halfway through fading in.
    context = await browser.newContext({
      viewport: { width: 1200, height: 800 },
      reducedMotion: 'reduce',
    });
    context.setDefaultTimeout(8_000);
    requests = await guardRequests(context, [stack.host.origin, stack.parley.baseUrl]);
    const page = await context.newPage();
    problems = await watchProblems(page);
    await page.goto(url);
    await openPanel(page);
    return page;
  }

  describe('during business hours', () => {
    it('asks for a person, hears who joined, reads their messages, and is handed back', async () => {
      const page = await visit(open);
      const w = widget(page);
      const api = operatorApi(open);
      const known = await api.ids();

      await ask(page, ASK_FOR_A_PERSON);
      await lastAnswerDone(page);
      await w.status.getByText('Waiting for a person…').waitFor();
      const id = await api.added(known);
      expect(await api.ids('waiting')).toEqual([id]);

      // The operator joins and writes on the server; the widget hears it on its event stream.
      await api.join(id);
      await w.status.getByText('Dana joined').waitFor({ timeout: 2_000 });
      await api.reply(id, 'Hi, I am Dana. What can I do for you?');
      const message = w.operatorMessages.last();
      await message.getByText('Hi, I am Dana. What can I do for you?').waitFor({ timeout: 2_000 });
      await expect(message.locator('.avatar').textContent()).resolves.toBe('D');
      await expect(message.locator('.avatar').getAttribute('aria-hidden')).resolves.toBe('true');
      await expect(message.getByText('Dana', { exact: true }).isVisible()).resolves.toBe(true);

      // While a person handles it, the visitor writes to them: no assistant bubble, no model call.
      const answers = await w.answers.count();
      await ask(page, 'My order #1234 never arrived');
      await expect
        .poll(async () =>
          (await api.conversation(id)).messages.map((m) => `${m.role}:${m.text}`).at(-1),
        )
        .toBe('user:My order #1234 never arrived');
      await expect(w.answers.count()).resolves.toBe(answers);
      await expect(w.live.locator('.typing').count()).resolves.toBe(0);

      const scan = await scanWidget(page);
      expect(scan.shadowNodesChecked).toBeGreaterThan(0);
      expect(scan.blocking, JSON.stringify(scan.all, null, 2)).toEqual([]);

      // Handed back: the assistant answers again.
      await api.release(id);
      await w.status.getByText('Back to the assistant').waitFor({ timeout: 2_000 });
      await ask(page, 'How do I reset my password?');
      const answer = await lastAnswerDone(page);
      await expect(answer.locator('.md').textContent()).resolves.toContain('Forgot password?');
      expect(problems.console).toEqual([]);
    });

    it('finishes an answer exactly once after the network drops mid-answer', async () => {
      const page = await visit(open);
      const w = widget(page);
      const api = operatorApi(open);
      const known = await api.ids();
      // What the widget reports as finished answers, in the page, in order.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { __answers: string[] }).__answers = seen;
        (
          window as unknown as {
            Parley: { on(e: string, f: (m: { role: string; text: string }) => void): void };
          }
        ).Parley.on('message', (m) => {
          if (m.role === 'assistant') seen.push(m.text);
        });
      });

      await ask(page, 'How do I reset my password?');
      const answer = w.answers.last();
      const streaming = answer.locator('.md');
      await expect
        .poll(async () => (await streaming.textContent())?.length ?? 0)
        .toBeGreaterThan(20);
      // The network goes: the browser is offline and its open connections die (Chromium's offline
      // mode alone may leave an established stream running). The server keeps writing.
      await context.setOffline(true);
      open.parley.server.closeAllConnections();
      await page.waitForTimeout(1_000);
      await expect(answer.locator('.failure').count()).resolves.toBe(0);
      await context.setOffline(false);

      await lastAnswerDone(page, 20_000);
      const id = await api.added(known);
      const stored = (await api.conversation(id)).messages.filter((m) => m.role === 'assistant');
      expect(stored).toHaveLength(1);
      const finished = await page.evaluate(
        () => (window as unknown as { __answers: string[] }).__answers,
      );
      expect(finished).toEqual([stored[0]!.text]);
      await expect(w.answers.count()).resolves.toBe(1);
      await expect(answer.locator('.failure').count()).resolves.toBe(0);
      await expect(answer.locator('.md').textContent()).resolves.toContain('Forgot password?');
      // The rest came over the conversation's event stream, resumed after the last event seen.
      expect(requests.urls.some((url) => /\/api\/chat\/events\?after=\d+\.\d+$/.test(url))).toBe(
        true,
      );
    });
  });

  describe('outside business hours', () => {
    it('opens a ticket and takes an email in a form, by keyboard, on the strict-CSP demo page', async () => {
      const api = operatorApi(closed);
      const known = await api.ids();
      const page = await visit(closed, `${closed.parley.baseUrl}/`);
      const w = widget(page);
      await ask(page, ASK_FOR_A_PERSON);
      const answer = await lastAnswerDone(page);
      await expect(answer.locator('.ticket').textContent()).resolves.toMatch(
        /^Ticket T-\w+ created$/,
      );
      const form = w.contactForm;
      await form.waitFor();
      await expect(form.getAttribute('aria-labelledby')).resolves.toBe('parley-contact');

      // Keyboard only: back from the message box into the form, a wrong address, then the right one.
      await page.keyboard.press('Shift+Tab');
      await waitForFocus(page, 'form.contact button');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      await waitForFocus(page, '#parley-email');
      await page.keyboard.type('sam@example');
      await page.keyboard.press('Enter');
      await form.getByText('Enter a valid email address, like name@example.com.').waitFor();
      await waitForFocus(page, '#parley-email[aria-invalid="true"]');
      await expect(form.locator('#parley-email').getAttribute('aria-describedby')).resolves.toBe(
        'parley-contact-error',
      );
      await page.keyboard.type('.com');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Sam');
      await page.keyboard.press('Enter');
      await w.host.getByText('Thanks! The team will reply to sam@example.com.').waitFor();
      await waitForFocus(page, 'p.contact');

      const conversation = await api.conversation(await api.added(known));
      expect(conversation.contact).toMatchObject({ email: 'sam@example.com', name: 'Sam' });
      expect(conversation.tickets).toHaveLength(1);
      // The address reached the team, never the model.
      expect(conversation.messages.some((m) => m.text.includes('sam@example.com'))).toBe(false);

      // Parley's own demo page runs under a strict CSP with Trusted Types: still nothing to report.
      const policy = await page.evaluate(async () =>
        (await fetch('/')).headers.get('content-security-policy'),
      );
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("require-trusted-types-for 'script'");
      expect(await problems.violations()).toEqual([]);
      expect(problems.console).toEqual([]);
    });

    it('has no serious accessibility problems with the form, its error and its thanks', async () => {
      const page = await visit(closed);
      const w = widget(page);
      await ask(page, ASK_FOR_A_PERSON);
      await lastAnswerDone(page);
      await w.contactForm.waitFor();
      const scans = [await scanWidget(page)];
      await w.contactForm.getByRole('button', { name: 'Send' }).click();
      await w.contactForm.getByText('Enter your email address.').waitFor();
      scans.push(await scanWidget(page));
      await w.contactForm.getByRole('textbox', { name: 'Email' }).fill('sam@example.com');
      await w.contactForm.getByRole('button', { name: 'Send' }).click();
      await w.host.getByText('Thanks! The team will reply to sam@example.com.').waitFor();
      scans.push(await scanWidget(page));
      for (const scan of scans) {
        expect(scan.shadowNodesChecked).toBeGreaterThan(0);
        expect(scan.blocking, JSON.stringify(scan.all, null, 2)).toEqual([]);
      }
      expect(problems.console).toEqual([]);
    });
  });

  describe('verified identity', () => {
    it('shows a signed-in visitor their conversation on another device, and ignores a forged token', async () => {
      const html = async (token: string) =>
        embedPage({ server: open.parley.baseUrl, attributes: { 'identity-token': token } });
      const laptop = await visit(
        open,
        open.host.set('/signed-in', { html: await html(await identityToken(open)) }),
      );
      await ask(laptop, 'How do I reset my password?');
      await lastAnswerDone(laptop);
      await context.close();

      // Another browser: no cookie, no stored token, only the site's word for who this is.
      const phone = await visit(
        open,
        open.host.set('/phone', { html: await html(await identityToken(open)) }),
      );
      const w = widget(phone);
      await w.userMessages.getByText('How do I reset my password?').waitFor();
      await expect(w.answers.count()).resolves.toBe(1);
      expect(problems.console).toEqual([]);
      await context.close();

      // A token signed with another key changes nothing: a guest, and one warning for the developer.
      const forged = await identityToken(open, 'not-the-secret-of-this-parley-server-a8f3e1c7');
      const guest = await visit(open, open.host.set('/forged', { html: await html(forged) }));
      await guest.waitForLoadState('networkidle');
      await expect(widget(guest).userMessages.count()).resolves.toBe(0);
      expect(problems.console).toEqual([
        // Chromium's own line for the 401, and the widget's one warning.
        'error: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
        'warning: Parley: identify refused (The identity token was refused: the signature is wrong).',
      ]);
    });
  });
});
