import { within } from '@testing-library/preact';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeFetch, historyPage, settle } from '../test/fake-fetch';

// embed.ts runs on import, like the script tag. One page per file: the custom element registry
// cannot be reset, so the fresh-page cases run against the built bundle in test/bundle.test.ts.
const { fetch, requests } = fakeFetch(() => historyPage());
const warn = vi.fn();

beforeAll(async () => {
  vi.stubGlobal('fetch', fetch);
  vi.spyOn(console, 'warn').mockImplementation(warn);
  const script = document.createElement('script');
  script.src = 'https://chat.example.com/static/widget.js';
  script.setAttribute('data-title', 'Acme help');
  script.setAttribute('data-theme', 'sparkly');
  script.setAttribute('data-starters', 'Pricing?|Hours');
  script.setAttribute('data-open', '');
  // A second, attribute-less copy of the tag (a CMS plugin next to a pasted one). Async scripts
  // run in any order; here the second one runs first and finds the first tag's configuration.
  const copy = document.createElement('script');
  copy.src = 'https://chat.example.com/static/widget.js?ver=6.4';
  document.body.append(script, copy);
  const running = vi.spyOn(document, 'currentScript', 'get').mockReturnValue(copy);
  await import('./embed');
  running.mockRestore();
});

afterAll(() => {
  window.Parley?.destroy();
});

const shadow = () => document.querySelector('parley-chat')?.shadowRoot as ShadowRoot;

describe('script-tag bootstrap', () => {
  it('mounts <parley-chat> with the data-* configuration of the first tag, whichever copy runs', async () => {
    await settle();
    const ui = within(shadow() as unknown as HTMLElement);
    expect(ui.getByRole('dialog', { name: 'Acme help' })).toBeTruthy();
    expect(ui.getByRole('button', { name: 'Pricing?' })).toBeTruthy();
  });

  it('warns once about each invalid attribute', () => {
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      'Parley: ignoring data-theme="sparkly" (invalid value); using the default.',
    );
  });

  it("talks to the script's origin by default", () => {
    expect(requests.map((r) => r.url)).toEqual(['https://chat.example.com/api/chat/history']);
  });

  it('exposes the API on window.Parley', () => {
    expect(Object.keys(window.Parley ?? {}).sort()).toEqual(
      ['close', 'destroy', 'identify', 'off', 'on', 'open', 'send', 'toggle'].sort(),
    );
  });

  it('mounts once when the script runs again', async () => {
    vi.resetModules();
    await import('./embed');
    expect(document.querySelectorAll('parley-chat')).toHaveLength(1);
  });

  it('destroy removes the widget and the global', () => {
    window.Parley?.destroy();
    expect(document.querySelector('parley-chat')).toBeNull();
    expect(window.Parley).toBeUndefined();
  });
});
