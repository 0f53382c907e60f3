import axe from 'axe-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { answer, fakeFetch, settle, sseResponse } from '../test/fake-fetch';
import { mount, type ParleyInstance } from './index';

let instance: ParleyInstance | undefined;
afterEach(() => {
  instance?.();
});

async function seriousViolations(): Promise<string[]> {
  const results = await axe.run(document.body, {
    resultTypes: ['violations'],
    // happy-dom does no layout, so rules that need rendered colours or boxes cannot run here.
    rules: { 'color-contrast': { enabled: false }, region: { enabled: false } },
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility (axe-core)', () => {
  it('has no serious violations closed, open, and with an answer', async () => {
    document.documentElement.lang = 'en';
    const { fetch } = fakeFetch((request) =>
      request.path === '/api/chat'
        ? sseResponse(
            answer('See [the guide](https://help.example.com) and `code`.', {
              citations: [{ title: 'Guide', url: 'https://help.example.com/guide' }],
            }),
          )
        : Response.json({ messages: [] }),
    );
    vi.stubGlobal('fetch', fetch);
    instance = mount({ server: 'https://chat.example.com', starters: ['Pricing?'] });
    expect(await seriousViolations()).toEqual([]);

    instance.open();
    await settle();
    expect(await seriousViolations()).toEqual([]);

    instance.send('Where is the guide?');
    await settle();
    expect(await seriousViolations()).toEqual([]);
  });
});
