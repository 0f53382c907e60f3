import { describe, expect, it } from 'vitest';
import { estimateEntropyBits, weakSecretReason } from './secret-strength.js';

describe('estimateEntropyBits', () => {
  it('is zero for one repeated character and grows with varied characters', () => {
    expect(estimateEntropyBits('aaaaaaaaaaaaaaaa')).toBe(0);
    expect(estimateEntropyBits('ab'.repeat(8))).toBe(16);
    expect(estimateEntropyBits('0123456789abcdef')).toBe(64);
  });
});

describe('weakSecretReason', () => {
  it.each(['aaaaaaaaaaaaaaaa', 'abcabcabcabcabcabc', 'changemechangeme', '1111222233334444'])(
    'refuses %s',
    (value) => {
      expect(weakSecretReason(value, 56)).toMatch(/repeated|guessable/);
    },
  );

  it.each([
    'f3a9c01b7de24e86a1c3',
    'Zx8-pQ2_rT5vW9yB',
    // What the README tells operators to run: `openssl rand -hex 32`.
    '8c1f0e4b9a7d23e6f5b0c9d8a7e6f5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c',
  ])('accepts random-looking %s', (value) => {
    expect(weakSecretReason(value, 56)).toBeUndefined();
  });
});
