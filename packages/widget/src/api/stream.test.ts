import { encodeSseEvent } from '@parley/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openStream } from '../../test/fake-fetch';
import { ParleyError } from './errors';
import { readEventStream } from './stream';

afterEach(() => {
  vi.useRealTimers();
});

function streamOf(chunks: string[]) {
  const encoder = new TextEncoder();
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, wasCancelled: () => cancelled };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('readEventStream', () => {
  it('reassembles frames split across chunks, each with its id', async () => {
    const frame = encodeSseEvent({ event: 'delta', data: { text: 'héllo' } }, '4.1');
    const cut = Math.floor(frame.length / 2);
    const next = encodeSseEvent({ event: 'delta', data: { text: '👋' } }, '4.2');
    const { body } = streamOf([`: ping\n\n${frame.slice(0, cut)}`, frame.slice(cut), next]);
    expect(await collect(readEventStream(body))).toEqual([
      { event: { event: 'delta', data: { text: 'héllo' } }, id: '4.1' },
      { event: { event: 'delta', data: { text: '👋' } }, id: '4.2' },
    ]);
  });

  it('drops frames that do not match the contract, and an unfinished last frame', async () => {
    const { body } = streamOf([
      encodeSseEvent({ event: 'delta', data: { txt: 'no' } }),
      encodeSseEvent({ event: 'from_the_future', data: {} }),
      encodeSseEvent({ event: 'tool', data: { name: 'search_knowledge_base', status: 'done' } }),
      'event: delta\ndata: {"text":"cut"}\n',
    ]);
    expect(await collect(readEventStream(body))).toEqual([
      {
        event: { event: 'tool', data: { name: 'search_knowledge_base', status: 'done' } },
        id: undefined,
      },
    ]);
  });

  it('releases the connection when the consumer stops early', async () => {
    const frame = encodeSseEvent({ event: 'delta', data: { text: 'a' } });
    const encoder = new TextEncoder();
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode(frame));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _event of readEventStream(body)) break;
    expect(cancelled).toBe(true);
  });

  it('rejects with the abort reason when the request is aborted mid-stream', async () => {
    const controller = new AbortController();
    const stream = openStream(controller.signal);
    const body = stream.response.body as ReadableStream<Uint8Array>;
    const events = readEventStream(body);
    stream.send({ event: 'delta', data: { text: 'partial' } });
    expect((await events.next()).value).toEqual({
      event: { event: 'delta', data: { text: 'partial' } },
      id: undefined,
    });
    const pending = events.next();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('gives up on a stream that goes silent', async () => {
    vi.useFakeTimers();
    const stream = openStream();
    const events = readEventStream(stream.response.body as ReadableStream<Uint8Array>, 1000);
    const failure = events.next().catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1001);
    expect(await failure).toBeInstanceOf(ParleyError);
    expect(await failure).toMatchObject({ code: 'network', retryable: true });
  });

  it('keeps a stream alive while pings arrive', async () => {
    vi.useFakeTimers();
    const stream = openStream();
    const events = readEventStream(stream.response.body as ReadableStream<Uint8Array>, 1000);
    const pending = events.next();
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(800);
      stream.ping();
    }
    stream.send({ event: 'delta', data: { text: 'late' } });
    expect((await pending).value?.event).toEqual({ event: 'delta', data: { text: 'late' } });
  });
});
