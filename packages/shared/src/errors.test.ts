import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseWith } from './check.js';
import {
  ERROR_CODES,
  ErrorBody,
  type ErrorCode,
  ErrorIssue,
  RETRYABLE_ERROR_CODES,
} from './errors.js';

describe('ERROR_CODES', () => {
  it('lists each code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('only marks known codes as retryable', () => {
    for (const code of RETRYABLE_ERROR_CODES) expect(ERROR_CODES).toContain(code);
  });

  const retryable = ['rate_limited', 'turn_in_progress', 'model_unavailable', 'internal'] as const;

  it.each(retryable)('marks %s as retryable', (code) => {
    expect(RETRYABLE_ERROR_CODES.has(code)).toBe(true);
  });

  // Every other code, including any added later: a retry must be opted into.
  it.each(ERROR_CODES.filter((code) => !(retryable as readonly string[]).includes(code)))(
    'does not mark %s as retryable',
    (code) => {
      expect(RETRYABLE_ERROR_CODES.has(code)).toBe(false);
    },
  );

  it('types ErrorCode as one of the listed codes', () => {
    expectTypeOf<ErrorCode>().toEqualTypeOf<(typeof ERROR_CODES)[number]>();
  });
});

describe('ErrorIssue', () => {
  it('is a dotted path and a message', () => {
    const issue = { path: 'message', message: 'must not be empty' };
    expect(parseWith(ErrorIssue, issue)).toStrictEqual(issue);
  });

  it.each([
    ['a missing path', { message: 'x' }],
    ['a path given as an array', { path: ['message'], message: 'x' }],
    ['a missing message', { path: 'message' }],
  ])('refuses %s', (_label, issue) => {
    expect(parseWith(ErrorIssue, issue)).toBeUndefined();
  });
});

describe('ErrorBody', () => {
  it.each(ERROR_CODES)('accepts a body with the code %s', (code) => {
    const body = { error: { code, message: 'Something happened.' } };
    expect(parseWith(ErrorBody, body)).toStrictEqual(body);
  });

  it.each([
    {
      label: 'issues pointing at fields',
      input: {
        error: {
          code: 'invalid_request',
          message: 'message: must not be empty',
          issues: [{ path: 'message', message: 'must not be empty' }],
        },
      },
    },
    {
      label: 'an empty issue list',
      input: { error: { code: 'invalid_request', message: 'Invalid.', issues: [] } },
    },
    {
      label: 'an empty message',
      input: { error: { code: 'internal', message: '' } },
    },
  ])('accepts $label', ({ input }) => {
    expect(parseWith(ErrorBody, input)).toStrictEqual(input);
  });

  it('drops fields it does not know, such as a stack trace', () => {
    expect(
      parseWith(ErrorBody, {
        error: { code: 'internal', message: 'Oops', stack: 'Error: at x.ts:1' },
        requestId: 'r1',
      }),
    ).toStrictEqual({ error: { code: 'internal', message: 'Oops' } });
  });

  it.each([
    { label: 'an unknown code', input: { error: { code: 'teapot', message: 'x' } } },
    { label: 'a known code in upper case', input: { error: { code: 'NOT_FOUND', message: 'x' } } },
    { label: 'a known code with padding', input: { error: { code: ' internal ', message: 'x' } } },
    { label: 'an HTTP status as the code', input: { error: { code: 404, message: 'x' } } },
    { label: 'a missing code', input: { error: { message: 'x' } } },
    { label: 'a missing message', input: { error: { code: 'internal' } } },
    { label: 'a numeric message', input: { error: { code: 'internal', message: 500 } } },
    { label: 'a flat body', input: { code: 'internal', message: 'x' } },
    { label: 'a string error', input: { error: 'internal' } },
    {
      label: 'a malformed issue',
      input: { error: { code: 'invalid_request', message: 'x', issues: [{ path: 'a' }] } },
    },
    {
      label: 'issues given as an object',
      input: { error: { code: 'invalid_request', message: 'x', issues: { path: 'a' } } },
    },
    {
      label: 'null issues',
      input: { error: { code: 'invalid_request', message: 'x', issues: null } },
    },
    { label: 'null', input: null },
  ])('refuses $label', ({ input }) => {
    expect(parseWith(ErrorBody, input)).toBeUndefined();
  });

  it('has the type of its check', () => {
    expectTypeOf<ErrorBody>().toEqualTypeOf<{
      error: { code: ErrorCode; message: string; issues?: ErrorIssue[] };
    }>();
  });
});
