import type { Message, StreamEvent } from '@parley/shared';
import { followEvents, getHistory, sendChat } from '@parley/testkit/chat-client';
import {
  browserAvailable,
  CHROMIUM_PATH,
  launchChromium,
  screenshotDir,
} from '@parley/testkit/chromium';
import { describeWithService } from '@parley/testkit/services';
import { type StaticSite, startStaticSite } from '@parley/testkit/static-site';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { scanPage } from './support/axe';
import { type Operator, type ParleyForConsole, startParley } from './support/parley';

/*
 * The operator console in Chromium against a real Parley server: sign-in and its defences, the
 * CSP, and the human loop from the operator's side while a visitor talks over the chat API (the
 * widget's own e2e covers the visitor's screen). One signed-in page runs through the whole story
 * without ever reloading.
 */

const SCREENSHOTS = screenshotDir();
const DANA: Operator = {
  email: 'dana@acme.test',
  name: 'Dana Reyes',
  password: 'correct horse battery 7',
};
const SAM: Operator = {
  email: 'sam@acme.test',
  name: 'Sam Okafor',
  password: 'another long password 9',
};
const LEE: Operator = {
  email: 'lee@acme.test',
  name: 'Lee Park',
  password: 'a third long password 3',
};
const DESKTOP = { width: 1280, height: 800 };
const TABLET = { width: 768, height: 1024 };

await describeWithService(
  {
    name: 'Chromium',
    available: browserAvailable,
    require: 'PARLEY_REQUIRE_BROWSER',
    where: CHROMIUM_PATH,
    hint: 'Install it with `apt-get install -y chromium`; CI sets PARLEY_REQUIRE_BROWSER=1.',
  },
  'operator console (Chromium)',
  () => {
    let parley: ParleyForConsole;
    let other: StaticSite;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    const problems: string[] = [];
    // The visitor: a session token and everything their event stream delivered.
    let visitorToken = '';
    let conversationId = '';
    const visitorEvents: StreamEvent[] = [];
    const stopVisitorStream = new AbortController();

    const visitorSays = async (message: string) => {
      const reply = await sendChat(
        parley.url,
        { message },
        visitorToken ? { token: visitorToken } : {},
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      visitorToken = reply.body.sessionToken;
      return reply.body;
    };

    beforeAll(async () => {
      [parley, other, browser] = await Promise.all([
        startParley([DANA, SAM, LEE]),
        // Another origin (port) on the same site as Parley, so the SameSite=Strict cookie still
        // travels: what stops a forged change must be the console's CSRF defence.
        startStaticSite('127.0.0.1'),
        launchChromium(),
      ]);
      context = await browser.newContext({
        viewport: DESKTOP,
        colorScheme: 'light',
        reducedMotion: 'reduce',
      });
      context.setDefaultTimeout(8_000);
      page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && !/status of (401|403|429)/.test(message.text())) {
          problems.push(`console: ${message.text()}`);
        }
      });
      await page.addInitScript(() => {
        window.addEventListener('securitypolicyviolation', (event) => {
          console.error(`CSP violation: ${event.effectiveDirective} ${event.blockedURI}`);
        });
      });
    });

    afterAll(async () => {
      stopVisitorStream.abort();
      await browser?.close();
      await Promise.all([parley?.close(), other?.close()]);
    });

    it('serves the console under a strict CSP, with no inline script or style', async () => {
      const response = await fetch(`${parley.url}/console/inbox`);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self'/);
      expect(csp).toMatch(/style-src 'self'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      const html = await response.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=/);
    });

    it('answers the operator API without credentials with 401 and WWW-Authenticate', async () => {
      const response = await fetch(`${parley.url}/api/operator/conversations`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('refuses a wrong password, and throttles an account after repeated failures', async () => {
      await page.goto(`${parley.url}/console/`);
      await page
        .getByRole('heading', { level: 1, name: 'Sign in to the Parley console' })
        .waitFor();
      expect(new URL(page.url()).pathname).toBe('/console/inbox');
      await expect(signIn(page, DANA.email, 'not the password')).resolves.toBe(401);
      await expect(alertText(page)).resolves.toMatch(/wrong email or password/i);

      // Sam's account: five wrong passwords, then even the right one is throttled (429).
      for (let i = 0; i < 5; i++) {
        await expect(signIn(page, SAM.email, `wrong guess ${i}`)).resolves.toBe(401);
        await expect(alertText(page)).resolves.toMatch(/wrong email or password/i);
      }
      await expect(signIn(page, SAM.email, SAM.password)).resolves.toBe(429);
      await expect(alertText(page)).resolves.toMatch(/too many/i);
    });

    it('signs in and shows the inbox', async () => {
      await expect(signIn(page, DANA.email, DANA.password)).resolves.toBe(200);
      await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
      // Focus moved from the vanished form to the page's heading.
      await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Inbox');
      await expect(page.getByRole('navigation', { name: 'Console' }).isVisible()).resolves.toBe(
        true,
      );
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      // Set once; a reload would lose it. Checked at the end.
      await page.evaluate(() => {
        (window as unknown as { __noReload: boolean }).__noReload = true;
      });
    });

    it('lists a visitor who asks for a person, live, with the count in the title', async () => {
      await visitorSays('How do I reset my password?');
      const history = await getHistory(parley.url, { token: visitorToken });
      expect(history.status).toBe(200);
      void followEvents(parley.url, {
        token: visitorToken,
        signal: stopVisitorStream.signal,
        onEvent: (event) => visitorEvents.push(event),
      });
      const asked = await visitorSays('I want to talk to a person');
      expect(asked.conversation.status).toBe('waiting');

      const waiting = page.getByRole('region', { name: /^Waiting/ });
      await waiting.getByRole('link').first().waitFor();
      await expect(page.title()).resolves.toMatch(/^\(1\) Inbox · Parley console$/);
      await expect(waiting.getByRole('link').first().textContent()).resolves.toMatch(
        /waiting \d+ s/,
      );
      conversationId =
        (await waiting.getByRole('link').first().getAttribute('data-conversation')) ?? '';
      expect(conversationId).not.toBe('');
    });

    it('takes the conversation over and replies; the visitor gets it with the operator’s name', async () => {
      await page
        .getByRole('region', { name: /^Waiting/ })
        .getByRole('link')
        .first()
        .click();
      const conversation = page.getByRole('region', { name: /^Visitor / });
      await conversation
        .getByRole('log', { name: 'Transcript' })
        .getByText('I want to talk to a person')
        .waitFor();
      // The assistant's steps show plainly: its tool for the handoff.
      await conversation.getByText('request_human').first().waitFor();
      await conversation.getByRole('button', { name: 'Take over' }).click();
      await conversation.getByText('You are in charge').waitFor();
      await expect.poll(() => page.title()).toBe('Inbox · Parley console');

      const box = conversation.getByRole('textbox', { name: /^Reply to/ });
      await box.fill('Hi, Dana here. I can help with your order.');
      await box.press('Shift+Enter');
      await box.pressSequentially('What is the order number?');
      await box.press('Enter');
      await expect.poll(() => box.inputValue()).toBe('');

      const text = 'Hi, Dana here. I can help with your order.\nWhat is the order number?';
      await expect
        .poll(
          () => visitorEvents.find((e) => e.event === 'message' && e.data.role === 'operator'),
          {
            timeout: 5_000,
          },
        )
        .toMatchObject({ data: { text, author: { name: DANA.name } } });
      const history = await getHistory(parley.url, { token: visitorToken });
      const fromDana = history.body.messages.find((m: Message) => m.role === 'operator');
      expect(fromDana).toMatchObject({ text, author: { name: DANA.name } });
      expect(history.body.conversation).toMatchObject({
        status: 'human',
        operator: { name: DANA.name },
      });
    });

    it('shows who else has the conversation open, live, in both consoles', async () => {
      const lee = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
      const leePage = await lee.newPage();
      await leePage.goto(`${parley.url}/console/inbox/${conversationId}`);
      await expect(signIn(leePage, LEE.email, LEE.password)).resolves.toBe(200);
      await leePage.getByText(`${DANA.name} is in charge`).waitFor();
      await leePage.getByText(`Also viewing: ${DANA.name}`).waitFor();
      await page.getByText(`Also viewing: ${LEE.name}`).waitFor({ timeout: 5_000 });
      await lee.close();
    });

    it('shows the visitor’s answer live', async () => {
      const reply = await visitorSays('It is order 4417, thanks Dana!');
      expect(reply.answer).toBeUndefined();
      await page
        .getByRole('log', { name: 'Transcript' })
        .getByText('It is order 4417, thanks Dana!')
        .waitFor({ timeout: 5_000 });
    });

    it('lists another visitor who asks for a person first, by name, with a ticking wait', async () => {
      const started = await sendChat(parley.url, { message: 'My parcel never arrived' });
      const token = started.body.sessionToken;
      const contact = await fetch(`${parley.url}/api/chat/contact`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
          Origin: parley.url,
        },
        body: JSON.stringify({ email: 'maria.lopez@example.com', name: 'Maria Lopez' }),
      });
      expect(contact.status).toBe(200);
      const asked = await sendChat(
        parley.url,
        { message: 'Can I speak to a human please?' },
        { token },
      );
      expect(asked.body.conversation.status).toBe('waiting');

      const waiting = page.getByRole('region', { name: /^Waiting/ });
      await waiting.getByText('Maria Lopez').waitFor();
      const groups = await page.locator('.conversation-list h2').allTextContents();
      expect(groups).toEqual(['Waiting (1)', 'With a person (1)']);
      await expect.poll(() => page.title()).toBe('(1) Inbox · Parley console');
      const wait = waiting.locator('time.wait');
      const before = await wait.textContent();
      await expect.poll(() => wait.textContent(), { timeout: 3_000 }).not.toBe(before);
    });

    it('takes screenshots: 1280×800 light and dark, and a 768 px tablet', async () => {
      await page.mouse.move(1, 1);
      await shot(page, 'console-light.png');
      await page.emulateMedia({ colorScheme: 'dark' });
      await shot(page, 'console-dark.png');
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize(TABLET);
      await shot(page, 'console-tablet.png');
      await page.setViewportSize(DESKTOP);
    });

    it('hands back: the assistant answers the next question', async () => {
      const conversation = page.getByRole('region', { name: /^Visitor / });
      await conversation.getByRole('button', { name: 'Hand back to the assistant' }).click();
      await conversation.getByText('The assistant answers').waitFor();
      const reply = await visitorSays('How do I turn on two-factor authentication?');
      expect(reply.conversation.status).toBe('bot');
      expect(reply.answer?.role).toBe('assistant');
      const log = page.getByRole('log', { name: 'Transcript' });
      await log
        .getByText(reply.answer?.text.slice(0, 40) ?? '?')
        .first()
        .waitFor({ timeout: 5_000 });
      await log.getByText('search_knowledge_base').last().waitFor();
    });

    it('refuses a change posted from another origin with the operator’s cookie (CSRF)', async () => {
      const target = `${parley.url}/api/operator/conversations/${conversationId}/close`;
      const url = other.set('/attack', {
        html: `<!doctype html><title>Win a prize</title><script>
          fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', credentials: 'include' });
        </script>`,
      });
      const attacker = await context.newPage();
      // The page may not read the answer (that is the point), so it is read from the network log.
      const answer = await watchRequest(context, attacker, target);
      await attacker.goto(url);
      const { status, cookieSent } = await answer.result;
      expect(status).toBe(403);
      // The cookie went along (same site, another port): only the CSRF check stopped the change.
      expect(cookieSent).toBe(true);
      await attacker.close();
      const after = await parley.server.store.conversations.byPublicId(conversationId);
      expect(after?.status).toBe('bot');
    });

    it('solves a ticket from the console', async () => {
      const reply = await visitorSays('Please open a ticket: my thermostat arrived broken');
      expect(reply.answer?.ticketId).toBeDefined();
      const ticketId = reply.answer?.ticketId ?? '';

      await page.keyboard.press('g');
      await page.keyboard.press('t');
      await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
      await expect(page.evaluate(() => document.activeElement?.tagName)).resolves.toBe('H1');
      const ticket = page.getByRole('article').first();
      await ticket.waitFor();
      await ticket.getByRole('button', { name: 'Assign to me' }).click();
      await ticket.getByText(`assigned to ${DANA.name}`).waitFor();
      await ticket.getByRole('combobox', { name: /Status/ }).selectOption('solved');
      await expect
        .poll(async () => (await parley.server.store.tickets.get(ticketId))?.status)
        .toBe('solved');
      expect((await parley.server.store.tickets.get(ticketId))?.assignee?.name).toBe(DANA.name);
      // Everything so far happened in one page load.
      await expect(
        page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload),
      ).resolves.toBe(true);
    });

    it('has no serious or critical axe violations on any console page, light or dark', {
      timeout: 180_000,
    }, async () => {
      const scans: Record<string, Awaited<ReturnType<typeof scanPage>>> = {};
      const scanBoth = async (on: Page, name: string) => {
        for (const scheme of ['light', 'dark'] as const) {
          await on.emulateMedia({ colorScheme: scheme });
          scans[`${name} (${scheme})`] = await scanPage(on);
        }
        await on.emulateMedia({ colorScheme: 'light' });
      };
      await page.goto(`${parley.url}/console/inbox/${conversationId}`);
      await page.getByRole('log', { name: 'Transcript' }).waitFor();
      await scanBoth(page, 'inbox');
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await scanBoth(page, 'shortcuts dialog');
      await page.keyboard.press('Escape');
      for (const [path, heading] of [
        ['tickets', 'Tickets'],
        ['insights', 'Insights'],
        ['knowledge?q=reset my password', 'Knowledge-base tester'],
        ['nowhere', 'Page not found'],
      ] as const) {
        await page.goto(`${parley.url}/console/${path}`);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        if (path === 'insights') await page.getByRole('heading', { name: 'Per day' }).waitFor();
        if (path.startsWith('knowledge')) await page.locator('.kb-results li').first().waitFor();
        await scanBoth(page, path);
      }
      const signedOut = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'reduce' });
      const signInPage = await signedOut.newPage();
      await signInPage.goto(`${parley.url}/console/`);
      await signInPage.getByRole('heading', { level: 1 }).waitFor();
      await scanBoth(signInPage, 'sign-in');
      await signedOut.close();

      expect(Object.keys(scans)).toHaveLength(14);
      for (const [name, scan] of Object.entries(scans)) {
        expect(scan.blocking, `${name}: ${JSON.stringify(scan.all, null, 2)}`).toEqual([]);
      }
    });

    it('shows insights and the knowledge-base tester from the real server', async () => {
      await page.goto(`${parley.url}/console/insights`);
      const conversations = page.locator('[data-metric="conversations"] dd');
      await expect.poll(() => conversations.textContent()).toMatch(/^[1-9]\d*$/);
      await page.getByRole('heading', { name: 'Top unanswered questions' }).waitFor();
      await shot(page, 'console-insights.png');

      await page.goto(`${parley.url}/console/knowledge`);
      await page.getByRole('searchbox', { name: 'Question' }).fill('How do I reset my password?');
      await page.getByRole('button', { name: 'Search' }).click();
      const first = page.locator('.kb-results li').first();
      await first.waitFor();
      await expect(first.locator('.score strong').textContent()).resolves.toMatch(/^\d+\.\d{3}$/);
      expect(new URL(page.url()).searchParams.get('q')).toBe('How do I reset my password?');
    });

    it('ran without page errors or CSP violations', () => {
      expect(problems).toEqual([]);
    });

    /** Fills the sign-in form, submits it, and waits for the server's answer. */
    async function signIn(on: Page, email: string, password: string): Promise<number> {
      await on.getByRole('textbox', { name: 'Email' }).fill(email);
      await on.getByLabel('Password').fill(password);
      const answered = on.waitForResponse((r) => r.url().endsWith('/api/console/sign-in'));
      await on.getByRole('button', { name: 'Sign in' }).click();
      return (await answered).status();
    }
  },
);

/**
 * The status of the request to `url` made by `page`, and whether the console's cookie went with it,
 * from the DevTools network log: it sees the raw answer even when the browser keeps it from the page.
 */
async function watchRequest(
  context: BrowserContext,
  page: Page,
  url: string,
): Promise<{ result: Promise<{ status: number; cookieSent: boolean }> }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  // The events of one request arrive in no fixed order: keep each, answer once all are in.
  const ids = new Set<string>();
  const cookies = new Map<string, boolean>();
  const statuses = new Map<string, number>();
  let settle: (value: { status: number; cookieSent: boolean }) => void = () => {};
  const result = new Promise<{ status: number; cookieSent: boolean }>((resolve) => {
    settle = resolve;
  });
  const check = () => {
    for (const id of ids) {
      const status = statuses.get(id);
      const cookieSent = cookies.get(id);
      if (status !== undefined && cookieSent !== undefined) settle({ status, cookieSent });
    }
  };
  cdp.on('Network.requestWillBeSent', (event) => {
    if (event.request.url === url) ids.add(event.requestId);
    check();
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
    cookies.set(
      event.requestId,
      event.associatedCookies.some(
        (c) => c.cookie.name === '__Host-parley_console' && c.blockedReasons.length === 0,
      ),
    );
    check();
  });
  cdp.on('Network.responseReceivedExtraInfo', (event) => {
    statuses.set(event.requestId, event.statusCode);
    check();
  });
  return { result };
}

/** The sign-in refusal, once shown. */
async function alertText(page: Page): Promise<string> {
  const alert = page.getByRole('alert');
  await alert.waitFor();
  return (await alert.textContent()) ?? '';
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SCREENSHOTS}${name}`, animations: 'disabled' });
}
