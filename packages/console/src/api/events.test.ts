import type { InboxEvent } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import { followInbox, type StreamStatus } from './events';

const encoder = new TextEncoder();

/** A fake `openEvents` whose streams the test writes to. */
function fakeStreams(statuses: number[] = []) {
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  let opened = 0;
  return {
    streams,
    opened: () => opened,
    openEvents: async (signal: AbortSignal) => {
      opened++;
      const status = statuses.shift() ?? 200;
      if (status !== 200) return new Response(null, { status });
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          streams.push(controller);
          signal.addEventListener('abort', () =>
            controller.error(new DOMException('Aborted', 'AbortError')),
          );
        },
      });
      return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
    },
  };
}

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('following the operator event stream', () => {
  it('passes on inbox events that match the contract, and resyncs on open and on resync', async () => {
    const fake = fakeStreams();
    const events: InboxEvent[] = [];
    let resyncs = 0;
    const statuses: StreamStatus[] = [];
    const stop = followInbox({
      client: fake,
      onEvent: (e) => events.push(e),
      onResync: () => resyncs++,
      onStatus: (s) => statuses.push(s),
      onUnauthorized: () => {},
    });
    await tick();
    fake.streams[0]?.enqueue(
      encoder.encode(
        'event: inbox\ndata: {"conversation":"c_1","change":"waiting"}\n\n' +
          'event: inbox\ndata: {"conversation":"c_2","change":"exploded"}\n\n' +
          'event: inbox\ndata: not json\n\n' +
          'event: resync\ndata: {}\n\n',
      ),
    );
    await tick();
    expect(events).toEqual([{ conversation: 'c_1', change: 'waiting' }]);
    expect(resyncs).toBe(2);
    expect(statuses).toEqual(['connecting', 'live']);
    stop();
  });

  it('reconnects when the stream ends or fails, and stops for good on 401', async () => {
    const fake = fakeStreams([200, 503, 200, 401]);
    const statuses: StreamStatus[] = [];
    let unauthorized = 0;
    const stop = followInbox({
      client: fake,
      onEvent: () => {},
      onResync: () => {},
      onStatus: (s) => statuses.push(s),
      onUnauthorized: () => unauthorized++,
      retryDelayMs: () => 1,
    });
    await tick();
    fake.streams[0]?.close();
    await tick(30);
    expect(fake.opened()).toBe(3);
    expect(statuses.at(-1)).toBe('live');
    fake.streams[1]?.close();
    await tick(30);
    expect(unauthorized).toBe(1);
    expect(fake.opened()).toBe(4);
    await tick(30);
    expect(fake.opened()).toBe(4);
    stop();
  });

  it('stops reconnecting once stopped', async () => {
    const fake = fakeStreams();
    const stop = followInbox({
      client: fake,
      onEvent: () => {},
      onResync: () => {},
      onStatus: () => {},
      onUnauthorized: () => {},
      retryDelayMs: () => 1,
    });
    await tick();
    stop();
    await tick(30);
    expect(fake.opened()).toBe(1);
  });
});
