import { Writable } from 'node:stream';
import type { StreamEvent } from '@parley/shared';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type BusMessage, type EventBus, memoryBus } from '../coordination/event-bus.js';
import {
  type ConversationEvents,
  createConversationEvents,
  LIVE_BATCH_MS,
  liveEventId,
  MAX_DELTA_CHARS,
  parseStreamPosition,
  storedEventId,
} from './conversation-events.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const silent = pino({ level: 'silent' });
const delta = (text: string): StreamEvent => ({ event: 'delta', data: { text } });

describe('stream positions', () => {
  it('names stored messages by their position and live events by answer and number', () => {
    expect(storedEventId(12)).toBe('12');
    expect(liveEventId(12, 7)).toBe('12.7');
  });

  it.each([
    ['12', { seq: 12, n: 0 }],
    ['12.7', { seq: 12, n: 7 }],
    [' 3 ', { seq: 3, n: 0 }],
    ['0', { seq: 0, n: 0 }],
  ])('reads %j', (value, position) => {
    expect(parseStreamPosition(value)).toEqual(position);
  });

  it.each([undefined, '', 'abc', '1.2.3', '-1', '1.', '.5', '1e3', '1234567890123456'])(
    'refuses %j',
    (value) => {
      expect(parseStreamPosition(value)).toBeUndefined();
    },
  );
});

describe('createConversationEvents', () => {
  const open: Array<ConversationEvents | EventBus> = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((closable) => closable.close()));
  });

  /** Two instances on one bus, as two servers on one Redis or PostgreSQL. */
  function twoInstances(bus: EventBus = memoryBus()) {
    const a = createConversationEvents({ bus, logger: silent });
    const b = createConversationEvents({ bus, logger: silent });
    open.push(a, b, bus);
    return { a, b, bus };
  }

  it('numbers the live events of an answer and sends them to every instance in batches', async () => {
    const { a, b, bus } = twoInstances();
    const sent: BusMessage[] = [];
    bus.subscribe((message) => sent.push(message));
    const writer = a.liveWriter('c_1', 4);
    const numbered = [
      ...writer.push({ event: 'tool', data: { name: 'search_knowledge_base', status: 'started' } }),
      ...writer.push(delta('Hel')),
      ...writer.push(delta('lo')),
    ];
    expect(numbered.map((e) => e.id)).toEqual(['4.1', '4.2', '4.3']);
    await writer.flush();
    await tick();
    // One bus message for the batch, not one per event.
    expect(sent.filter((m) => m.type === 'live')).toHaveLength(1);
    for (const instance of [a, b]) {
      expect(instance.live.after('c_1', 4, 1).map((e) => e.event)).toEqual([
        delta('Hel'),
        delta('lo'),
      ]);
    }
  });

  it('sends a batch by itself shortly after its first event', async () => {
    const { a, b } = twoInstances();
    a.liveWriter('c_1', 1).push(delta('Hi'));
    await new Promise((resolve) => setTimeout(resolve, LIVE_BATCH_MS * 3));
    expect(b.live.after('c_1', 1, 0)).toEqual([{ n: 1, event: delta('Hi') }]);
  });

  it('splits a long delta into numbered parts that join up, never inside a character', () => {
    const { a } = twoInstances();
    const writer = a.liveWriter('c_1', 2);
    // An emoji (a surrogate pair) straddles the first cut.
    const text = `${'a'.repeat(MAX_DELTA_CHARS - 1)}😀${'b'.repeat(2 * MAX_DELTA_CHARS)}`;
    const parts = writer.push(delta(text));
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.map((p) => p.id)).toEqual(parts.map((_, i) => `2.${i + 1}`));
    const texts = parts.map((p) => (p.event.event === 'delta' ? p.event.data.text : ''));
    expect(texts.join('')).toBe(text);
    for (const part of texts) {
      expect(part.length).toBeLessThanOrEqual(MAX_DELTA_CHARS);
      // No half of a surrogate pair at either end.
      expect(part).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    }
  });

  it('hands a conversation’s messages to its followers, and the operators’ to everyone watching', async () => {
    const { a, b } = twoInstances();
    const followed: BusMessage[] = [];
    const other: BusMessage[] = [];
    const all: BusMessage[] = [];
    b.follow('c_1', (message) => followed.push(message));
    b.follow('c_2', (message) => other.push(message));
    b.followAll((message) => all.push(message));

    a.logged('c_1', 3);
    a.stateChanged('c_1');
    a.inbox('c_1', 'waiting');
    const writer = a.liveWriter('c_1', 3);
    writer.push(delta('x'));
    await writer.flush();
    await tick();

    expect(followed.map((m) => m.type)).toEqual(['logged', 'state', 'inbox', 'live']);
    expect(other).toEqual([]);
    // The operators' stream has no use for answers being typed.
    expect(all.map((m) => m.type)).toEqual(['logged', 'state', 'inbox']);
  });

  it('tells every follower to re-read when the bus may have lost messages', async () => {
    const { b, bus } = twoInstances();
    const followed: BusMessage[] = [];
    const all: BusMessage[] = [];
    b.follow('c_1', (message) => followed.push(message));
    b.followAll((message) => all.push(message));
    await bus.publish({ type: 'resync' });
    await tick();
    expect(followed).toEqual([{ type: 'resync' }]);
    expect(all).toEqual([{ type: 'resync' }]);
  });

  it('asks whichever instance runs the turn to stop it, and tells no one else', async () => {
    const { a, b } = twoInstances();
    let stopped = 0;
    const followed: BusMessage[] = [];
    const unstop = b.onStop('c_1', () => stopped++);
    b.onStop('c_2', () => expect.unreachable('another conversation was stopped'));
    a.follow('c_1', (message) => followed.push(message));
    await a.requestStop('c_1');
    await tick();
    expect(stopped).toBe(1);
    expect(followed).toEqual([]);
    unstop();
    await a.requestStop('c_1');
    await tick();
    expect(stopped).toBe(1);
  });

  it('stops handing out messages once a follower left or the instance closed', async () => {
    const { a, b } = twoInstances();
    const followed: BusMessage[] = [];
    const unfollow = b.follow('c_1', (message) => followed.push(message));
    a.logged('c_1', 1);
    await tick();
    unfollow();
    a.logged('c_1', 2);
    await tick();
    expect(followed).toEqual([{ type: 'logged', conversation: 'c_1', seq: 1 }]);

    const all: BusMessage[] = [];
    b.followAll((message) => all.push(message));
    await b.close();
    a.logged('c_1', 3);
    await tick();
    expect(all).toEqual([]);
  });

  it('never fails a turn when the bus is down: logs the outage once, and the recovery', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    );
    let down = true;
    const inner = memoryBus();
    const flaky: EventBus = {
      publish: (message) => (down ? Promise.reject(new Error('bus down')) : inner.publish(message)),
      subscribe: (handler) => inner.subscribe(handler),
      close: () => inner.close(),
    };
    const events = createConversationEvents({ bus: flaky, logger });
    open.push(events, flaky);
    events.logged('c_1', 1);
    events.stateChanged('c_1');
    await events.requestStop('c_1');
    const writer = events.liveWriter('c_1', 1);
    writer.push(delta('x'));
    await expect(writer.flush()).resolves.toBeUndefined();
    await tick();
    expect(lines.map((l) => l.msg)).toEqual([
      'event bus unavailable: other instances miss live events until it recovers',
    ]);
    down = false;
    events.logged('c_1', 2);
    await tick();
    expect(lines.map((l) => l.msg).at(-1)).toBe('event bus recovered');
    expect(lines).toHaveLength(2);
  });
});
