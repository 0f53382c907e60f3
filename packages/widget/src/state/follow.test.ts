import type { ParsedSseEvent } from '@parley/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { errorResponse, fakeFetch, type Handler, openStream } from '../../test/fake-fetch';
import { createApiClient } from '../api/client';
import { createFollower, FIRST_RETRY_MS, type Follower, MAX_RETRY_MS } from './follow';

let follower: Follower | undefined;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  follower?.dispose();
  vi.useRealTimers();
});

/** A follower whose event streams the test holds, one per connection. */
function setup(handler?: Handler) {
  const streams: Array<ReturnType<typeof openStream>> = [];
  const { fetch, requests } = fakeFetch(
    handler ??
      ((request) => {
        const stream = openStream(request.signal);
        streams.push(stream);
        return stream.response;
      }),
  );
  const received: ParsedSseEvent[] = [];
  let position = '3';
  follower = createFollower({
    client: createApiClient({ server: 'https://chat.example.com', fetch }),
    after: () => position,
    receive: (event) => {
      received.push(event);
      if (event.id) position = event.id;
    },
  });
  return {
    follower,
    streams,
    requests,
    received,
    afters: () => requests.map((r) => r.query.get('after')),
  };
}

const tick = () => vi.advanceTimersByTimeAsync(0);

describe('createFollower', () => {
  it('follows from the position the widget has, and hands every event on', async () => {
    const { follower, streams, requests, received } = setup();
    follower.set(true);
    await tick();
    expect(requests[0]?.path).toBe('/api/chat/events');
    expect(requests[0]?.query.get('after')).toBe('3');
    expect(requests[0]?.headers.get('Accept')).toBe('text/event-stream');
    streams[0]!.send({ event: 'status', data: { status: 'waiting', contactKnown: false } });
    streams[0]!.send({ event: 'delta', data: { text: 'x' }, id: '3.1' });
    await tick();
    expect(received).toEqual([
      {
        event: { event: 'status', data: { status: 'waiting', contactKnown: false } },
        id: undefined,
      },
      { event: { event: 'delta', data: { text: 'x' } }, id: '3.1' },
    ]);
  });

  it('reconnects after a drop, after the last event, waiting longer each time', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const { follower, streams, afters } = setup();
    follower.set(true);
    await tick();
    streams[0]!.send({ event: 'delta', data: { text: 'x' }, id: '3.1' });
    await tick();
    streams[0]!.drop();
    await tick();
    await vi.advanceTimersByTimeAsync(FIRST_RETRY_MS - 1);
    expect(streams).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(afters()).toEqual(['3', '3.1']);
    // A connection that drops before the server said anything backs off further.
    streams[1]!.drop();
    await tick();
    await vi.advanceTimersByTimeAsync(FIRST_RETRY_MS);
    expect(streams).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(FIRST_RETRY_MS);
    expect(streams).toHaveLength(3);
  });

  it('doubles the wait up to the cap, and honours Retry-After', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    const { follower, requests } = setup(() =>
      requests.length === 1
        ? errorResponse(429, 'rate_limited', { 'Retry-After': '7' })
        : errorResponse(503, 'internal'),
    );
    follower.set(true);
    await tick();
    // Seconds at which each request is made: 7 s as asked, then 2, 4, 8, 16, 30 (the cap), 30.
    let now = 0;
    for (const [at, count] of [
      [6.999, 1],
      [7, 2],
      [9, 3],
      [13, 4],
      [21, 5],
      [37, 6],
      [67, 7],
      [97, 8],
    ] as const) {
      await vi.advanceTimersByTimeAsync(at * 1000 - now);
      now = at * 1000;
      expect(requests, `at ${at} s`).toHaveLength(count);
    }
    expect(MAX_RETRY_MS).toBe(30_000);
  });

  it('waits for the browser to be online, then connects at once', async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const { follower, requests } = setup();
    follower.set(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(0);
    onLine.mockReturnValue(true);
    follower.wake();
    await tick();
    expect(requests).toHaveLength(1);
  });

  it('stops on 204 (no conversation) and on a refused session', async () => {
    for (const answer of [
      () => new Response(null, { status: 204 }),
      () => errorResponse(401, 'session_invalid'),
    ]) {
      const { follower, requests } = setup(answer);
      follower.set(true);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(requests).toHaveLength(1);
      follower.dispose();
    }
  });

  it('closes the stream when it is no longer wanted, and reopens when it is again', async () => {
    const { follower, streams, requests } = setup();
    follower.set(true);
    await tick();
    follower.set(false);
    await tick();
    expect(requests[0]?.signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(streams).toHaveLength(1);
    follower.set(true);
    await tick();
    expect(streams).toHaveLength(2);
  });
});
