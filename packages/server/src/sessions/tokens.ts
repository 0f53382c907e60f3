import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random bytes per session id: 192 bits, well above the 128 needed to make guessing hopeless. */
const SESSION_ID_BYTES = 24;
/** Longest token we even look at; a real one is 32 + 1 + 43 characters. */
const MAX_TOKEN_LENGTH = 256;
/** `<id>.<mac>`, both unpadded base64url. */
const TOKEN_SHAPE = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/** Signs session ids so the widget can carry them and the server can trust them back. */
export interface TokenSigner {
  /** Returns `<id>.<base64url HMAC-SHA256(id)>` using the first (current) secret. */
  sign(id: string): string;
  /** Returns the session id when the token was signed by any configured secret, else undefined. */
  verify(token: unknown): string | undefined;
}

/**
 * A new session id: 24 random bytes, base64url (32 characters).
 *
 * @example
 * const id = createSessionId(); // 'q3V0…' (32 chars of [A-Za-z0-9_-])
 */
export function createSessionId(): string {
  return randomBytes(SESSION_ID_BYTES).toString('base64url');
}

/**
 * Creates a signer over one or more secrets. The first secret signs; every secret verifies, so a
 * new secret can be put first while tokens signed with the old one keep working until it is
 * removed from the list.
 *
 * @example
 * const signer = createTokenSigner([process.env.NEW_SECRET, process.env.OLD_SECRET]);
 * const token = signer.sign(createSessionId());
 * signer.verify(token); // the id
 * signer.verify('forged.token'); // undefined
 */
export function createTokenSigner(secrets: readonly string[]): TokenSigner {
  const [current] = secrets;
  if (current === undefined || secrets.some((secret) => secret.length === 0)) {
    throw new Error('createTokenSigner needs at least one non-empty secret');
  }
  // Copied so a caller mutating its array later cannot change who is trusted.
  const keys = [...secrets];
  const mac = (secret: string, id: string): string =>
    createHmac('sha256', secret).update(id).digest('base64url');

  return {
    sign(id) {
      if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error('session ids must be non-empty base64url');
      return `${id}.${mac(current, id)}`;
    },
    verify(token) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
      const match = TOKEN_SHAPE.exec(token);
      if (!match) return undefined;
      const [, id, encodedMac] = match as unknown as [string, string, string];
      // The encoded text is compared, not the decoded bytes: base64url decoding ignores the spare
      // bits of the last character, so comparing bytes would accept several spellings of one MAC.
      const given = Buffer.from(encodedMac);
      // Every key is tried even after a match so timing does not reveal which secret signed it.
      let valid = false;
      for (const key of keys) {
        const expected = Buffer.from(mac(key, id));
        // timingSafeEqual throws on a length mismatch; a wrong length is simply not valid.
        if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
      }
      return valid ? id : undefined;
    },
  };
}
