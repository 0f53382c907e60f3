import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ErrorBody, ErrorCode, ErrorIssue, RETRYABLE_ERROR_CODES } from './errors.js';

describe('ERROR_CODES', () => {
  it('lists each code once', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('only marks known codes as retryable', () => {
    for (const code of RETRYABLE_ERROR_CODES) expect(ERROR_CODES).toContain(code);
  });

  it.each(['rate_limited', 'turn_in_progress', 'model_unavailable', 'internal'] as const)(
    'marks %s as retryable',
    (code) => {
      expect(RETRYABLE_ERROR_CODES.has(code)).toBe(true);
    },
  );

  it.each([
    'invalid_request',
    'unsupported_media_type',
    'payload_too_large',
    'origin_not_allowed',
    'session_invalid',
    'idempotency_conflict',
    'budget_exhausted',
    'not_found',
  ] as const)('does not mark %s as retryable', (code) => {
    expect(RETRYABLE_ERROR_CODES.has(code)).toBe(false);
  });
});

describe('ErrorCode', () => {
  it.each(ERROR_CODES)('accepts %s', (code) => {
    expect(ErrorCode.parse(code)).toBe(code);
  });

  it.each([
    ['an unknown code', 'teapot'],
    ['a known code in upper case', 'NOT_FOUND'],
    ['a known code with padding', ' internal '],
    ['an empty string', ''],
    ['an HTTP status', 404],
    ['null', null],
  ])('rejects %s', (_label, code) => {
    expect(ErrorCode.safeParse(code).success).toBe(false);
  });
});

describe('ErrorIssue', () => {
  it('accepts a dotted path and a message', () => {
    const issue = { path: 'message', message: 'must not be empty' };
    expect(ErrorIssue.parse(issue)).toStrictEqual(issue);
  });

  it.each([
    ['a missing path', { message: 'x' }],
    ['a path given as an array', { path: ['message'], message: 'x' }],
    ['a missing message', { path: 'message' }],
  ])('rejects %s', (_label, issue) => {
    expect(ErrorIssue.safeParse(issue).success).toBe(false);
  });
});

describe('ErrorBody', () => {
  it.each(ERROR_CODES)('accepts a body with the code %s', (code) => {
    const body = { error: { code, message: 'Something happened.' } };
    expect(ErrorBody.parse(body)).toStrictEqual(body);
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
    expect(ErrorBody.parse(input)).toStrictEqual(input);
  });

  it.each([
    { label: 'an unknown code', input: { error: { code: 'teapot', message: 'x' } } },
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
    { label: 'null', input: null },
  ])('rejects $label', ({ input }) => {
    expect(ErrorBody.safeParse(input).success).toBe(false);
  });
});
