import { describe, expect, it } from 'vitest';
import { createSessionId, createTokenSigner } from './tokens.js';

const SECRET_A = 'a'.repeat(32);
const SECRET_B = 'b'.repeat(32);

/** Replaces the character at `index` with a different base64url character. */
function flip(text: string, index: number): string {
  const at = index < 0 ? text.length + index : index;
  const replacement = text[at] === 'A' ? 'B' : 'A';
  return text.slice(0, at) + replacement + text.slice(at + 1);
}

describe('createSessionId', () => {
  it('returns 32 base64url characters (192 random bits), different every time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => createSessionId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('createTokenSigner', () => {
  const signer = createTokenSigner([SECRET_A]);

  it('round-trips a signed id', () => {
    const id = createSessionId();
    const token = signer.sign(id);
    expect(token.startsWith(`${id}.`)).toBe(true);
    expect(signer.verify(token)).toBe(id);
  });

  it('rejects a token whose id was changed', () => {
    const id = createSessionId();
    const [, mac] = signer.sign(id).split('.');
    expect(signer.verify(`${flip(id, 0)}.${mac}`)).toBeUndefined();
  });

  it('rejects a token whose mac was changed anywhere, including the last character', () => {
    const token = signer.sign(createSessionId());
    const macStart = token.indexOf('.') + 1;
    for (const index of [macStart, macStart + 10, token.length - 1]) {
      expect(signer.verify(flip(token, index))).toBeUndefined();
    }
  });

  it('rejects a token signed with a secret it does not know', () => {
    const forged = createTokenSigner([SECRET_B]).sign(createSessionId());
    expect(signer.verify(forged)).toBeUndefined();
  });

  it('accepts tokens of a rotated-out secret while it is listed, and not after removal', () => {
    const id = createSessionId();
    const oldToken = createTokenSigner([SECRET_A]).sign(id);
    const rotated = createTokenSigner([SECRET_B, SECRET_A]);
    expect(rotated.verify(oldToken)).toBe(id);
    // New tokens are signed with the new first secret.
    expect(rotated.sign(id)).toBe(createTokenSigner([SECRET_B]).sign(id));
    expect(createTokenSigner([SECRET_B]).verify(oldToken)).toBeUndefined();
  });

  it('refuses to be created without secrets', () => {
    expect(() => createTokenSigner([])).toThrow();
    expect(() => createTokenSigner([''])).toThrow();
  });

  const valid = signer.sign(createSessionId());
  const garbage: Array<[string, unknown]> = [
    ['undefined', undefined],
    ['null', null],
    ['number', 42],
    ['object', { token: valid }],
    ['array', [valid]],
    ['empty string', ''],
    ['no dot', valid.replace('.', '')],
    ['only a dot', '.'],
    ['empty id', valid.slice(valid.indexOf('.'))],
    ['empty mac', valid.slice(0, valid.indexOf('.') + 1)],
    ['two dots', `${valid}.x`],
    ['standard base64 characters', valid.replace(/.$/, '+')],
    ['padding', `${valid}=`],
    ['whitespace', ` ${valid}`],
    ['non-ASCII', `${valid}é`],
    ['too long', `${'a'.repeat(300)}.${'b'.repeat(43)}`],
    ['mac of the wrong length', `${valid}AAAA`],
  ];
  it.each(garbage)('rejects %s without throwing', (_name, input) => {
    expect(signer.verify(input)).toBeUndefined();
  });
});
