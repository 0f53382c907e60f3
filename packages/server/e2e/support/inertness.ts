import type { Page } from 'playwright-core';

interface AuditState {
  /** Everything any audit since installation found. */
  found: Set<string>;
}

/**
 * Runs in the page. Checks that nothing in the widget's shadow root can run script or load
 * anything: no `img`, `script`, `iframe`, `style`, `object`, `embed`, `link`, media, `base` or
 * `meta` elements, no form but the composer and the email form, no SVG other than the widget's
 * own icons, no `on*`,
 * `style` or `srcdoc` attributes, and only `http(s):` or `mailto:` links, opened with
 * `noopener noreferrer`. The first call also starts a MutationObserver that repeats the audit on
 * every change, so a dangerous element that exists for a moment while an answer streams (half a
 * tag, half a link) is caught too. Returns the problems found now, one line each.
 */
function auditInPage(): string[] {
  const audit = (): string[] => {
    const root = document.querySelector('parley-chat')?.shadowRoot;
    if (!root) return ['no widget'];
    const problems: string[] = [];
    const forbidden =
      'img,script,iframe,frame,style,object,embed,link,video,audio,source,base,meta';
    for (const el of root.querySelectorAll(forbidden)) problems.push(`<${el.localName}> element`);
    for (const form of root.querySelectorAll('form:not(.composer):not(.contact)')) {
      problems.push(`<form action=${JSON.stringify(form.getAttribute('action'))}>`);
    }
    for (const svg of root.querySelectorAll('svg')) {
      if (!/^i-[a-z]+$/.test(svg.getAttribute('class') ?? '')) problems.push('foreign <svg>');
    }
    for (const el of root.querySelectorAll('*')) {
      for (const { name, value } of el.attributes) {
        if (/^on/i.test(name) || name === 'style' || name === 'srcdoc') {
          problems.push(`${el.localName}[${name}=${JSON.stringify(value)}]`);
        }
      }
    }
    for (const a of root.querySelectorAll('a')) {
      const href = a.getAttribute('href');
      if (href === null) continue;
      const protocol = new URL(href, location.href).protocol;
      if (!['http:', 'https:', 'mailto:'].includes(protocol)) problems.push(`a[href=${href}]`);
      if (a.getAttribute('rel') !== 'noopener noreferrer') problems.push(`a[href=${href}] rel`);
    }
    return problems;
  };
  const page = window as unknown as { __parleyAudit?: AuditState };
  const root = document.querySelector('parley-chat')?.shadowRoot;
  if (!page.__parleyAudit && root) {
    const state: AuditState = { found: new Set() };
    new MutationObserver(() => {
      for (const problem of audit()) state.found.add(problem);
    }).observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    page.__parleyAudit = state;
  }
  const now = audit();
  for (const problem of now) page.__parleyAudit?.found.add(problem);
  return now;
}

/** The audit, now (and from now on, in the background). */
export function auditWidget(page: Page): Promise<string[]> {
  return page.evaluate(auditInPage);
}

/**
 * Starts auditing every change to the widget, and returns a reader of everything found since.
 */
export async function auditContinuously(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(auditInPage);
  return () =>
    page.evaluate(() => [
      ...((window as unknown as { __parleyAudit?: AuditState }).__parleyAudit?.found ?? []),
    ]);
}

/** What a page did that it should not have: dialogs opened and the `__xss` marker set. */
export interface ScriptTrap {
  dialogs: string[];
  /** Values ever written to `window.__xss` (or `top.__xss`), read from the page. */
  marks(): Promise<unknown[]>;
}

/**
 * Catches script execution: every payload either opens a dialog (`alert`) or writes
 * `window.__xss`. A setter records writes even if a payload deletes the property afterwards.
 */
export async function trapScripts(page: Page): Promise<ScriptTrap> {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  await page.addInitScript(() => {
    const marks: unknown[] = [];
    Object.defineProperty(window, '__xssMarks', { value: marks });
    Object.defineProperty(window, '__xss', {
      configurable: false,
      get: () => marks.at(-1),
      set: (value) => marks.push(value),
    });
  });
  return {
    dialogs,
    marks: () => page.evaluate(() => (window as unknown as { __xssMarks: unknown[] }).__xssMarks),
  };
}
