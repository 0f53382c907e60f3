import { describe, expect, expectTypeOf, it } from 'vitest';
import { fieldNames, mutate, pick } from '../test/mutate.js';
import { prng } from '../test/prng.js';
import {
  array,
  arrayOfValid,
  boolean,
  type Check,
  type Infer,
  number,
  object,
  oneOf,
  optional,
  parseWith,
  string,
} from './check.js';
import { ErrorBody } from './errors.js';
import { ChatReply, HistoryResponse } from './history.js';

/** Whether `check` accepts `value` (the check throws on anything else). */
const accepts = (check: Check<unknown>, value: unknown): boolean => {
  try {
    check(value);
    return true;
  } catch {
    return false;
  }
};

/** Values of no contract type at all: each primitive check refuses every one of them. */
const NOT_DATA: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['an object', {}],
  ['an array', []],
  ['a function', () => 'x'],
  ['a symbol', Symbol('x')],
  ['a bigint', 1n],
];

describe('string', () => {
  it.each(['', 'Hi', 'Grüße 👋🏽', 'a\nb', '\u0000', '\ud800'])('accepts %j as is', (value) => {
    expect(string(value)).toBe(value);
  });

  it.each([
    ...NOT_DATA,
    ['a number', 1],
    ['a boolean', true],
    ['a boxed string', new String('Hi')],
    ['an object with a toString', { toString: () => 'Hi' }],
    ['an array of one string', ['Hi']],
  ])('refuses %s', (_label, value) => {
    expect(() => string(value)).toThrow(TypeError);
  });
});

describe('number', () => {
  it.each([0, -1, 1.5, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MAX_VALUE])(
    'accepts the finite number %d as is',
    (value) => {
      expect(number(value)).toBe(value);
    },
  );

  it.each([
    // JSON writes these as `null`, so they could never arrive as numbers.
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ...NOT_DATA,
    ['a numeric string', '1'],
    ['an empty string', ''],
    ['a boxed number', new Number(1)],
    ['a boolean', true],
  ])('refuses %s', (_label, value) => {
    expect(() => number(value)).toThrow(TypeError);
  });
});

describe('boolean', () => {
  it.each([true, false])('accepts %s as is', (value) => {
    expect(boolean(value)).toBe(value);
  });

  it.each([
    ...NOT_DATA,
    ['0', 0],
    ['1', 1],
    ['the string "true"', 'true'],
    ['the string "false"', 'false'],
    ['a boxed boolean', new Boolean(true)],
  ])('refuses %s', (_label, value) => {
    expect(() => boolean(value)).toThrow(TypeError);
  });
});

describe('oneOf', () => {
  const status = oneOf(['started', 'done']);

  it.each(['started', 'done'])('accepts %j', (value) => {
    expect(status(value)).toBe(value);
  });

  it.each([
    ['another string', 'failed'],
    ['a different case', 'Done'],
    ['padding', ' done'],
    ['an empty string', ''],
    ['a prototype member name', 'toString'],
    ['a boxed string', new String('done')],
    ['an array holding a value', ['done']],
    ...NOT_DATA,
  ])('refuses %s', (_label, value) => {
    expect(() => status(value)).toThrow(TypeError);
  });

  it('refuses everything when the list is empty', () => {
    expect(accepts(oneOf([]), '')).toBe(false);
  });
});

describe('optional', () => {
  const maybeText = optional(string);

  it('accepts undefined, as an absent field', () => {
    expect(maybeText(undefined)).toBeUndefined();
  });

  it('checks any other value', () => {
    expect(maybeText('Hi')).toBe('Hi');
    expect(() => maybeText(1)).toThrow(TypeError);
  });

  it('refuses null: null is a value, not an absent field', () => {
    expect(() => maybeText(null)).toThrow(TypeError);
  });

  it('marks the check as optional, which object() reads', () => {
    expect(maybeText.optional).toBe(true);
  });
});

describe('object', () => {
  const Delta = object({ text: string });
  const Reply = object({
    text: string,
    ticketId: optional(string),
    tools: array(string),
    author: optional(object({ name: string })),
  });

  it('returns the declared fields and drops unknown ones', () => {
    expect(Delta({ text: 'Hi', index: 3, admin: true })).toStrictEqual({ text: 'Hi' });
  });

  it('returns a fresh copy at every level, so changing it leaves the input alone', () => {
    const input = { text: 'Hi', tools: ['search'], author: { name: 'Sam' } };
    const output = Reply(input);
    expect(output).toStrictEqual(input);
    expect(output).not.toBe(input);
    expect(output.tools).not.toBe(input.tools);
    expect(output.author).not.toBe(input.author);
    output.tools.push('open_ticket');
    if (output.author) output.author.name = 'Alex';
    expect(input).toStrictEqual({ text: 'Hi', tools: ['search'], author: { name: 'Sam' } });
  });

  it('leaves an optional field out when it is absent or undefined', () => {
    expect(Object.keys(Reply({ text: 'Hi', tools: [] }))).toStrictEqual(['text', 'tools']);
    const explicit = Reply({ text: 'Hi', tools: [], ticketId: undefined, author: undefined });
    expect(Object.keys(explicit)).toStrictEqual(['text', 'tools']);
  });

  it('keeps an optional field that has a value', () => {
    expect(Reply({ text: 'Hi', tools: [], ticketId: 'T-1' })).toStrictEqual({
      text: 'Hi',
      tools: [],
      ticketId: 'T-1',
    });
  });

  it.each([
    ['a missing required field', { tools: [] }],
    ['a required field set to undefined', { text: undefined, tools: [] }],
    ['an optional field set to null', { text: 'Hi', tools: [], ticketId: null }],
    ['an optional object set to null', { text: 'Hi', tools: [], author: null }],
    ['a nested field of the wrong type', { text: 'Hi', tools: [], author: { name: 1 } }],
    ['an item of the wrong type', { text: 'Hi', tools: ['search', 2] }],
  ])('refuses %s', (_label, value) => {
    expect(accepts(Reply, value)).toBe(false);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'Hi'],
    ['a number', 1],
    ['an array', ['Hi']],
    ['an array carrying the field', Object.assign(['Hi'], { text: 'Hi' })],
    ['a function carrying the field', Object.assign(() => 'Hi', { text: 'Hi' })],
  ])('refuses %s as an object', (_label, value) => {
    expect(accepts(Delta, value)).toBe(false);
  });

  it.each([
    ['an object without a prototype', Object.assign(Object.create(null), { text: 'Hi' })],
    ['a class instance', Object.assign(new Date(0), { text: 'Hi' })],
    ['a proxy', new Proxy({}, { get: (_target, key) => (key === 'text' ? 'Hi' : undefined) })],
  ])('reads the fields of any other object, such as %s, into a plain one', (_label, value) => {
    const output = Delta(value);
    expect(output).toStrictEqual({ text: 'Hi' });
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
  });

  it('refuses a Map, whose entries are not fields', () => {
    expect(accepts(Delta, new Map([['text', 'Hi']]))).toBe(false);
  });

  it('reads inherited fields, and returns them as own fields', () => {
    const output = Delta(Object.create({ text: 'inherited' }));
    expect(output).toStrictEqual({ text: 'inherited' });
    expect(Object.hasOwn(output, 'text')).toBe(true);
  });

  it('treats an own `__proto__` field from JSON as an unknown field, not as a prototype', () => {
    const input = JSON.parse('{"__proto__":{"text":"from proto","admin":true}}');
    expect(accepts(Delta, input)).toBe(false);
    const output = Delta(JSON.parse('{"text":"Hi","__proto__":{"admin":true}}'));
    expect(output).toStrictEqual({ text: 'Hi' });
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype);
    expect('admin' in output).toBe(false);
  });

  it('reads each field once and returns plain values, so a getter cannot change its answer', () => {
    let reads = 0;
    const input = {
      get text() {
        reads++;
        return reads === 1 ? 'checked' : 42;
      },
    };
    const output = Delta(input);
    expect(output).toStrictEqual({ text: 'checked' });
    expect(Object.getOwnPropertyDescriptor(output, 'text')).toHaveProperty('value', 'checked');
    expect(reads).toBe(1);
  });

  it('exposes its shape', () => {
    const shape = { text: string };
    expect(object(shape).shape).toBe(shape);
  });
});

describe('array', () => {
  const words = array(string);

  it('checks every item and returns a fresh array', () => {
    const input = ['a', 'b'];
    const output = words(input);
    expect(output).toStrictEqual(['a', 'b']);
    expect(output).not.toBe(input);
  });

  it('accepts an empty array', () => {
    expect(words([])).toStrictEqual([]);
  });

  it('refuses the whole array when one item fails', () => {
    expect(accepts(words, ['a', 1, 'b'])).toBe(false);
    expect(accepts(words, ['a', null])).toBe(false);
  });

  it('reads a hole as undefined: refused, unless the item is optional', () => {
    const holes = ['a'];
    holes[2] = 'c';
    expect(accepts(words, holes)).toBe(false);
    const output = array(optional(string))(holes);
    expect(output).toStrictEqual(['a', undefined, 'c']);
    // The copy has no hole left: the middle item is there, and undefined.
    expect(1 in output).toBe(true);
  });

  it('drops extra properties of the array', () => {
    const output = words(Object.assign(['a'], { extra: 1 }));
    expect(output).toStrictEqual(['a']);
    expect(output).not.toHaveProperty('extra');
  });

  it('copies the items of an array of objects, too', () => {
    const input = [{ text: 'a', extra: 1 }];
    const output = array(object({ text: string }))(input);
    expect(output).toStrictEqual([{ text: 'a' }]);
    expect(output[0]).not.toBe(input[0]);
  });

  it.each([
    ['an array-like object', { 0: 'a', length: 1 }],
    ['a string', 'ab'],
    ['a Set', new Set(['a'])],
    ['a typed array', Uint8Array.of(1)],
    ['null', null],
    ['undefined', undefined],
  ])('refuses %s', (_label, value) => {
    expect(accepts(words, value)).toBe(false);
    expect(accepts(array(number), value)).toBe(false);
  });
});

describe('arrayOfValid', () => {
  const words = arrayOfValid(string);

  it('keeps the valid items in order and drops the rest', () => {
    expect(words(['a', 1, 'b', null, { text: 'x' }, 'c'])).toStrictEqual(['a', 'b', 'c']);
  });

  it('drops holes', () => {
    const holes = ['a'];
    holes[3] = 'd';
    expect(words(holes)).toStrictEqual(['a', 'd']);
  });

  it('returns an empty array when nothing is valid', () => {
    expect(words([1, 2, null])).toStrictEqual([]);
  });

  it('returns fresh copies of the items it keeps, unknown fields dropped', () => {
    const input = [{ text: 'a', extra: 1 }, { text: 2 }];
    const output = arrayOfValid(object({ text: string }))(input);
    expect(output).toStrictEqual([{ text: 'a' }]);
    expect(output[0]).not.toBe(input[0]);
  });

  it('drops an item whose check throws for any reason, such as a getter', () => {
    const broken = {
      get text(): string {
        throw new Error('boom');
      },
    };
    expect(arrayOfValid(object({ text: string }))([broken, { text: 'ok' }])).toStrictEqual([
      { text: 'ok' },
    ]);
  });

  it.each([
    ['an array-like object', { 0: 'a', length: 1 }],
    ['a string', 'ab'],
    ['null', null],
    ['undefined', undefined],
  ])('still refuses %s: only items may be invalid, not the list', (_label, value) => {
    expect(accepts(words, value)).toBe(false);
  });
});

describe('parseWith', () => {
  it('returns the checked value', () => {
    expect(parseWith(object({ text: string }), { text: 'Hi', x: 1 })).toStrictEqual({ text: 'Hi' });
  });

  it('returns undefined instead of throwing', () => {
    expect(parseWith(number, Number.NaN)).toBeUndefined();
    expect(parseWith(object({ text: string }), null)).toBeUndefined();
  });

  it('cannot tell an accepted undefined from a refusal, so it is meant for checks of values', () => {
    expect(parseWith(optional(string), undefined)).toBeUndefined();
    expect(parseWith(optional(string), 1)).toBeUndefined();
  });

  const throwing = (): never => {
    throw new Error('boom');
  };
  const Citations = object({ citations: array(object({ title: string, url: string })) });
  const Delta = object({ text: string });

  /** A deeply nested value: `{ text: { text: … } }`. */
  const deep = (levels: number): unknown => {
    let value: unknown = 'bottom';
    for (let i = 0; i < levels; i++) value = { text: value };
    return value;
  };

  it.each<[string, Check<unknown>, () => unknown, unknown]>([
    [
      'a getter that throws',
      Delta,
      () => ({
        get text() {
          return throwing();
        },
      }),
      undefined,
    ],
    [
      'a proxy whose every trap throws',
      Delta,
      () => new Proxy({}, { get: throwing, has: throwing, ownKeys: throwing }),
      undefined,
    ],
    [
      'a revoked proxy of an object',
      Delta,
      () => {
        const { proxy, revoke } = Proxy.revocable({ text: 'Hi' }, {});
        revoke();
        return proxy;
      },
      undefined,
    ],
    [
      'a revoked proxy of an array',
      array(string),
      () => {
        const { proxy, revoke } = Proxy.revocable(['a'], {});
        revoke();
        return proxy;
      },
      undefined,
    ],
    [
      'a proxy of an array whose second item throws',
      array(string),
      () =>
        new Proxy(['a', 'b'], {
          get: (t, k, r) => (k === '1' ? throwing() : Reflect.get(t, k, r)),
        }),
      undefined,
    ],
    [
      'an array whose iterator throws',
      arrayOfValid(string),
      () => Object.assign(['a'], { [Symbol.iterator]: throwing }),
      undefined,
    ],
    [
      'a prototype that throws',
      Delta,
      () => Object.create(new Proxy({}, { get: throwing })),
      undefined,
    ],
    [
      'a huge array of invalid items',
      arrayOfValid(Delta),
      () => new Array(20_000).fill({ txt: 'x' }),
      [],
    ],
    [
      'a sparse array of the greatest length, refused at its first hole',
      array(string),
      () => {
        const huge: unknown[] = [];
        huge.length = 2 ** 32 - 1;
        return huge;
      },
      undefined,
    ],
    [
      'a huge list of citations, one invalid at the end',
      Citations,
      () => ({
        citations: [...new Array(50_000).fill({ title: 't', url: 'u' }), { title: 't' }],
      }),
      undefined,
    ],
    // A check reads no deeper than its shape, so nesting depth costs nothing.
    ['a value nested 100,000 levels deep', Delta, () => deep(100_000), undefined],
  ])('never throws on %s', (_label, check, make, expected) => {
    const value = make();
    let result: unknown = 'not called';
    expect(() => {
      result = parseWith(check, value);
    }).not.toThrow();
    expect(result).toStrictEqual(expected);
  });

  it('copies an array longer than any argument list, item by item', () => {
    // More items than a spread into push() or a call could take.
    const output = parseWith(array(string), new Array(300_000).fill('x'));
    expect(output).toHaveLength(300_000);
    expect(output?.every((item) => item === 'x')).toBe(true);
  });
});

describe('checks on generated hostile payloads', () => {
  const message = {
    id: 'msg_2',
    seq: 2,
    role: 'assistant',
    text: 'Open **Settings**.',
    createdAt: '2026-01-06T15:00:02.000Z',
    toolsUsed: ['search_knowledge_base'],
    citations: [{ title: 'Reset', url: 'https://help.example.com/reset' }],
    author: { name: 'Sam' },
  };
  const conversation = { status: 'human', operator: { name: 'Sam' }, contactKnown: true };
  const SEEDS: Array<[string, Check<unknown>, unknown]> = [
    ['HistoryResponse', HistoryResponse, { messages: [message, message], conversation }],
    [
      'ChatReply',
      ChatReply,
      { sessionToken: 't', question: { ...message, role: 'user' }, answer: message, conversation },
    ],
    [
      'ErrorBody',
      ErrorBody,
      { error: { code: 'invalid_request', message: 'x', issues: [{ path: 'a', message: 'b' }] } },
    ],
  ];
  const KEYS = [...fieldNames(SEEDS.map(([, , seed]) => seed)), 'extra', '__proto__'];
  // Ordinary JSON values (but not -0, which JSON writes as 0: see `sse.test.ts`).
  const BENIGN: unknown[] = [
    undefined,
    null,
    true,
    0,
    7,
    '',
    'x',
    'user',
    'bot',
    'internal',
    [],
    ['x'],
    {},
    { name: 'x' },
    { title: 't', url: 'u' },
  ];
  /** Fresh hostile values, for the last edit only (they must not be descended into). */
  const hostile = (): unknown[] => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const sparse: unknown[] = [];
    sparse[3] = 'x';
    return [
      revoked,
      new Proxy(
        {},
        {
          get() {
            throw new Error('get');
          },
        },
      ),
      {
        get name() {
          throw new Error('getter');
        },
      },
      Object.create({ title: 'inherited', url: 'u' }),
      Object.assign(Object.create(null), { name: 'no prototype' }),
      sparse,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      new String('boxed'),
      new Date(0),
      () => 'x',
      Symbol('x'),
      10n,
    ];
  };

  it('never throw, and whatever they accept is plain JSON data that they accept unchanged', () => {
    const random = prng(0xc4ec);
    const runs = 4000;
    const accepted = new Map<string, number>();
    for (let run = 0; run < runs; run++) {
      const [name, check, seed] = pick(random, SEEDS);
      let data = seed;
      const edits = Math.floor(random() * 3);
      for (let i = 0; i < edits; i++) data = mutate(data, random, BENIGN, KEYS);
      if (random() < 0.5) data = mutate(data, random, hostile(), KEYS);
      const label = `run ${run} (${name})`;
      let result: unknown;
      expect(() => {
        result = parseWith(check, data);
      }, label).not.toThrow();
      if (result === undefined) continue;
      accepted.set(name, (accepted.get(name) ?? 0) + 1);
      expect(JSON.parse(JSON.stringify(result)), label).toStrictEqual(result);
      expect(parseWith(check, result), label).toStrictEqual(result);
    }
    // Both outcomes must be well represented for every shape, or the loop proves little.
    for (const [name] of SEEDS) {
      expect(accepted.get(name), name).toBeGreaterThan(runs / SEEDS.length / 10);
      expect(accepted.get(name), name).toBeLessThan((runs / SEEDS.length) * 0.9);
    }
  });
});

describe('Infer', () => {
  it('gives the type a check returns, optional fields as optional keys', () => {
    const Example = object({
      name: string,
      count: optional(number),
      tags: array(oneOf(['a', 'b'])),
      parts: arrayOfValid(object({ ok: boolean })),
      nested: optional(object({ ok: boolean })),
    });
    expectTypeOf<Infer<typeof Example>>().toEqualTypeOf<{
      name: string;
      count?: number;
      tags: Array<'a' | 'b'>;
      parts: Array<{ ok: boolean }>;
      nested?: { ok: boolean };
    }>();
  });

  it('keeps undefined in the type of an optional check on its own', () => {
    const maybe = optional(number);
    expectTypeOf<Infer<typeof maybe>>().toEqualTypeOf<number | undefined>();
    expectTypeOf(parseWith(string, 'x')).toEqualTypeOf<string | undefined>();
  });
});
