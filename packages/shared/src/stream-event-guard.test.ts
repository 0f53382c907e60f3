import { describe, expect, it } from 'vitest';
import { ERROR_CODES, STREAM_EVENT_NAMES, TOOL_STATUSES } from './constants.js';
import { toStreamEvent } from './stream-event-guard.js';
import { StreamEvent } from './stream-events.js';
import { prng } from './test-support/prng.js';

/**
 * The guard must agree with the zod schema: it accepts exactly what `StreamEvent.safeParse`
 * accepts, and returns the same data.
 */
function expectAgreement(name: string, data: unknown, label: string): boolean {
  const expected = StreamEvent.safeParse({ event: name, data });
  const actual = toStreamEvent(name, data);
  expect(actual !== undefined, `${label}: accepted`).toBe(expected.success);
  if (expected.success) expect(actual, `${label}: data`).toStrictEqual(expected.data);
  return expected.success;
}

const done = {
  messageId: 'msg_2',
  text: 'Open Settings, then Security.',
  toolsUsed: ['search_help_center'],
  citations: [{ title: 'Reset your password', url: 'https://help.example.com/reset' }],
};

/** Valid payloads of every kind: the seeds of the mutation loop. */
const VALID: Array<[string, unknown]> = [
  ['session', { token: 'tok.abc' }],
  ['delta', { text: 'Hel' }],
  ['delta', { text: '' }],
  ...TOOL_STATUSES.map((status): [string, unknown] => [
    'tool',
    { name: 'search_help_center', status, label: 'Searching the help center…' },
  ]),
  ['handoff', { agent: 'billing' }],
  ['done', done],
  ['done', { ...done, ticketId: 'T-1' }],
  ['done', { ...done, text: '', toolsUsed: [], citations: [] }],
  ...ERROR_CODES.map((code): [string, unknown] => [
    'error',
    { code, message: 'Try again.', retryable: code === 'internal' },
  ]),
];

/** Payloads at the edges of what a schema library does: prototypes, holes, wrappers, extras. */
const EDGES: Array<[string, string, unknown]> = [
  ['an unknown field', 'delta', { text: 'Hi', index: 3 }],
  [
    'unknown fields in a citation',
    'done',
    { ...done, citations: [{ title: 't', url: 'u', x: 1 }] },
  ],
  [
    'an array with extra properties',
    'done',
    { ...done, toolsUsed: Object.assign(['a'], { x: 1 }) },
  ],
  ['an optional field sent as undefined', 'done', { ...done, ticketId: undefined }],
  ['an optional field sent as null', 'done', { ...done, ticketId: null }],
  ['an inherited field', 'delta', Object.create({ text: 'inherited' })],
  ['an object without a prototype', 'session', Object.assign(Object.create(null), { token: 't' })],
  ['an own __proto__ field', 'session', JSON.parse('{"__proto__":{"token":"t"}}')],
  ['a Date', 'delta', new Date(0)],
  ['a Map', 'handoff', new Map([['agent', 'billing']])],
  ['an array', 'delta', ['Hi']],
  ['an array with the field', 'delta', Object.assign(['Hi'], { text: 'Hi' })],
  ['null', 'delta', null],
  ['undefined', 'delta', undefined],
  ['a string', 'delta', 'Hi'],
  ['a number', 'delta', 1],
  ['a boxed string', 'delta', { text: new String('Hi') }],
  ['a boxed boolean', 'error', { code: 'internal', message: 'x', retryable: new Boolean(true) }],
  ['a number as boolean', 'error', { code: 'internal', message: 'x', retryable: 0 }],
  ['an array with holes', 'done', { ...done, toolsUsed: new Array(2) }],
  ['an array-like object', 'done', { ...done, toolsUsed: { 0: 'a', length: 1 } }],
  ['a null citation', 'done', { ...done, citations: [null] }],
  ['a citation as an array', 'done', { ...done, citations: [['t', 'u']] }],
  ['a citation without a url', 'done', { ...done, citations: [{ title: 't' }] }],
  ['a number among tools', 'done', { ...done, toolsUsed: ['a', 1] }],
  [
    'an error code named after a prototype member',
    'error',
    { code: 'toString', message: 'x', retryable: true },
  ],
  ['an upper-case error code', 'error', { code: 'INTERNAL', message: 'x', retryable: true }],
  ['an upper-case tool status', 'tool', { name: 'x', status: 'Started', label: 'x' }],
  ['the generic SSE name', 'message', { text: 'Hi' }],
  ['an upper-case name', 'DELTA', { text: 'Hi' }],
  ['an empty name', '', { text: 'Hi' }],
  ['a __proto__ name', '__proto__', {}],
  ['a toString name', 'toString', {}],
  ['a hasOwnProperty name', 'hasOwnProperty', { text: 'Hi' }],
  ['a name with a space', 'delta ', { text: 'Hi' }],
];

describe('toStreamEvent', () => {
  it.each(VALID)('accepts a %s event like the schema', (name, data) => {
    expect(expectAgreement(name, data, name)).toBe(true);
  });

  it.each(EDGES)('treats %s as the schema does', (label, name, data) => {
    expectAgreement(name, data, label);
  });

  it('returns fresh objects, with unknown fields stripped', () => {
    const data = { text: 'Hi', index: 3 };
    const event = toStreamEvent('delta', data);
    expect(event).toStrictEqual({ event: 'delta', data: { text: 'Hi' } });
    expect(event?.data).not.toBe(data);
  });

  it('knows every event name of the schema, and no other', () => {
    expect([...(StreamEvent._zod.propValues?.event ?? [])]).toStrictEqual([...STREAM_EVENT_NAMES]);
  });

  describe('on generated payloads', () => {
    const NAMES = [...STREAM_EVENT_NAMES, 'message', 'Delta', '', '__proto__', 'constructor'];
    const KEYS = [
      ...new Set(VALID.flatMap(([, data]) => Object.keys(data as object))),
      'title',
      'url',
      'extra',
      '__proto__',
    ];
    const POOL: unknown[] = [
      undefined,
      null,
      true,
      false,
      0,
      1,
      Number.NaN,
      '',
      'x',
      'internal',
      'teapot',
      ...TOOL_STATUSES,
      [],
      ['x'],
      [1],
      [{ title: 't', url: 'u' }],
      {},
      { title: 't' },
      { title: 't', url: 'u', extra: 1 },
      { text: 'x' },
    ];

    const pick = <T>(random: () => number, list: readonly T[]): T =>
      list[Math.floor(random() * list.length)] as T;

    /** Returns a changed copy of `value`: one edit somewhere in its tree. */
    function mutate(value: unknown, random: () => number, depth = 0): unknown {
      const roll = random();
      if (depth > 3 || roll < 0.1) return pick(random, POOL);
      if (Array.isArray(value)) {
        const copy = [...value];
        const index = Math.floor(random() * (copy.length + 1));
        if (roll < 0.4) copy.splice(index, 0, pick(random, POOL));
        else if (roll < 0.6) copy.splice(index, 1);
        else copy[index] = mutate(copy[index], random, depth + 1);
        return copy;
      }
      if (typeof value === 'object' && value !== null) {
        const copy: Record<string, unknown> = { ...value };
        const own = Object.keys(copy);
        if (roll < 0.35 && own.length > 0) delete copy[pick(random, own)];
        else if (roll < 0.6) copy[pick(random, KEYS)] = pick(random, POOL);
        else if (own.length > 0) {
          const key = pick(random, own);
          copy[key] = mutate(copy[key], random, depth + 1);
        }
        return copy;
      }
      return pick(random, POOL);
    }

    it('agrees with StreamEvent.safeParse on every one', () => {
      const random = prng(0xc0ffee);
      let accepted = 0;
      const runs = 20_000;
      for (let run = 0; run < runs; run++) {
        const [seedName, seed] = pick(random, VALID);
        // Mostly the payload's own name, sometimes another kind's or one that is not a kind.
        const name = random() < 0.8 ? seedName : pick(random, NAMES);
        let data: unknown = seed;
        const edits = Math.floor(random() * 4);
        for (let i = 0; i < edits; i++) data = mutate(data, random);
        if (expectAgreement(name, data, `run ${run}: ${name} ${String(JSON.stringify(data))}`)) {
          accepted++;
        }
      }
      // Both outcomes must be well represented, or the loop proves little.
      expect(accepted).toBeGreaterThan(runs * 0.2);
      expect(accepted).toBeLessThan(runs * 0.8);
    });
  });
});
