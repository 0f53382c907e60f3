import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { Fragment, jsx } from 'preact/jsx-runtime';
import { type Cell, cell, type ReadonlyCell } from './state/cell';

/**
 * What a part built to share this bundle's Preact is handed: the JSX factory and the hooks its
 * components use. The parts build resolves `preact` to these (see `build/share-runtime.ts`), so
 * their components render inside this bundle's tree; a second copy of Preact would break hooks.
 */
export const RUNTIME = { jsx, jsxs: jsx, Fragment, useState, useRef, useEffect, useLayoutEffect };
export type Runtime = typeof RUNTIME;

/**
 * The parts that load on demand, and what each exports: what only some visitors need (another
 * language, the email form) and what only a visitor who opens the chat needs (the Markdown
 * renderer). widget.js holds what every page view needs: the launcher, the panel, the stream.
 */
export interface Parts {
  markdown: typeof import('./components/MarkdownBlocks');
  'contact-form': typeof import('./components/ContactForm');
  'lang-es': typeof import('./i18n/es');
  'lang-de': typeof import('./i18n/de');
  'lang-fr': typeof import('./i18n/fr');
  'lang-ar': typeof import('./i18n/ar');
}
type Name = keyof Parts;

let base = '';
const loading: Partial<Record<Name, Promise<unknown>>> = {};
const cells: Partial<Record<Name, Cell<unknown>>> = {};

/** Where the script-tag build fetches parts: the first mounted widget's server. */
export function setPartsServer(server: string): void {
  base ||= server.replace(/\/+$/, '');
}

/**
 * Loads a part, once. The script-tag build imports `<server>/widget/<name>.js`, an ES module the
 * Parley server serves next to `widget.js` (dynamic `import()` works from a classic script, and
 * needs only the `script-src` a page already grants the server); everywhere else (the ES module
 * build, tests) the part is an ordinary dynamic import that the app's bundler splits.
 *
 * @example
 * const { de } = await loadPart('lang-de');
 */
export function loadPart<N extends Name>(name: N): Promise<Parts[N]> {
  loading[name] ??= fetchPart(name).then((loaded) => {
    const known = cells[name];
    if (known) known.value = loaded;
    else cells[name] = cell(loaded);
    return loaded;
  });
  return loading[name] as Promise<Parts[N]>;
}

/**
 * A part as a cell for components: `undefined` until it has loaded (the first call starts
 * loading it); it stays `undefined` if it cannot load, and the caller's fallback stays.
 */
export function part<N extends Name>(name: N): ReadonlyCell<Parts[N] | undefined> {
  if (!cells[name]) {
    cells[name] = cell(undefined);
    loadPart(name).catch((error: unknown) =>
      console.warn(`Parley: the ${name} part could not load`, error),
    );
  }
  return cells[name] as ReadonlyCell<Parts[N] | undefined>;
}

async function fetchPart<N extends Name>(name: N): Promise<Parts[N]> {
  if (import.meta.env.MODE !== 'production') {
    // Not in the script-tag build, where the minifier drops this branch and its imports.
    const local: { [P in Name]: () => Promise<unknown> } = {
      markdown: () => import('./components/MarkdownBlocks'),
      'contact-form': () => import('./components/ContactForm'),
      'lang-es': () => import('./i18n/es'),
      'lang-de': () => import('./i18n/de'),
      'lang-fr': () => import('./i18n/fr'),
      'lang-ar': () => import('./i18n/ar'),
    };
    return (await local[name]()) as Parts[N];
  }
  const loaded = (await import(/* @vite-ignore */ `${base}/widget/${name}.js`)) as Parts[N] & {
    bindRuntime?: (runtime: Runtime) => void;
  };
  loaded.bindRuntime?.(RUNTIME);
  return loaded;
}
