import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { bearerTokenMatches } from './bearer-token.js';

const TOKEN = 'operator-token-0123456789';

function withAuthorization(value: string | undefined): Request {
  return {
    get: (name: string) => (name.toLowerCase() === 'authorization' ? value : undefined),
  } as Request;
}

describe('bearerTokenMatches', () => {
  it.each([
    [`Bearer ${TOKEN}`, true],
    [`bearer ${TOKEN}`, true],
    [`Bearer   ${TOKEN}  `, true],
    [undefined, false],
    ['', false],
    [TOKEN, false],
    ['Bearer ', false],
    [`Basic ${TOKEN}`, false],
    [`Bearer ${TOKEN}x`, false],
    [`Bearer ${TOKEN.slice(0, -1)}`, false],
    [`Bearer ${TOKEN} extra`, false],
  ])('Authorization %j → %s', (header, expected) => {
    expect(bearerTokenMatches(withAuthorization(header), TOKEN)).toBe(expected);
  });
});
