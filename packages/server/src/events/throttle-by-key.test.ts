import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { throttleByKey } from './throttle-by-key.js';

describe('throttleByKey', () => {
  it('passes a key’s first value at once, and a burst’s last value when the window ends', async () => {
    const sent: string[] = [];
    const throttle = throttleByKey<string>(40, (value) => sent.push(value));
    throttle.push('c1:message', 'a');
    throttle.push('c1:message', 'b');
    throttle.push('c1:message', 'c');
    expect(sent).toEqual(['a']);
    await sleep(60);
    expect(sent).toEqual(['a', 'c']);
    // Quiet for a window: the next value goes at once again.
    await sleep(60);
    throttle.push('c1:message', 'd');
    expect(sent).toEqual(['a', 'c', 'd']);
    throttle.close();
  });

  it('keeps keys apart', () => {
    const sent: string[] = [];
    const throttle = throttleByKey<string>(1_000, (value) => sent.push(value));
    throttle.push('c1:message', 'c1 message');
    throttle.push('c1:status', 'c1 status');
    throttle.push('c2:message', 'c2 message');
    expect(sent).toEqual(['c1 message', 'c1 status', 'c2 message']);
    throttle.close();
  });

  it('sends nothing after it is closed', async () => {
    const sent: string[] = [];
    const throttle = throttleByKey<string>(20, (value) => sent.push(value));
    throttle.push('k', 'first');
    throttle.push('k', 'held');
    throttle.close();
    await sleep(40);
    expect(sent).toEqual(['first']);
  });
});
