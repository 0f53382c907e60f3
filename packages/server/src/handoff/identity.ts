import { errors, jwtVerify } from 'jose';
import { HttpError } from '../http/errors.js';

/** Identity tokens must expire within this long of being checked: they are meant to be short-lived. */
export const MAX_IDENTITY_TOKEN_LIFETIME_S = 24 * 3600;

/** A logged-in visitor, as the site's backend vouched for them. */
export interface VerifiedIdentity {
  sub: string;
  email?: string;
  name?: string;
}

function refuse(reason: string): HttpError {
  return new HttpError('identity_invalid', `The identity token was refused: ${reason}`);
}

/**
 * Verifies an identity token: a JWT the site's backend signed with HS256 and
 * `PARLEY_IDENTITY_SECRET`, with `sub`, `exp` and optionally `email` and `name`. Only HS256 is
 * accepted (jose's algorithm allow-list), which is what refuses `alg: none` and algorithm
 * confusion; unsigned, wrongly signed, expired, long-lived or malformed tokens are refused with a
 * 401 `identity_invalid` that says why, and nothing changes.
 *
 * @example
 * const identity = await verifyIdentityToken(token, secretKey, Date.now());
 */
export async function verifyIdentityToken(
  token: string,
  secret: Uint8Array,
  now: number,
): Promise<VerifiedIdentity> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
      currentDate: new Date(now),
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw refuse('it has expired');
    if (error instanceof errors.JOSEAlgNotAllowed) throw refuse('only HS256 tokens are accepted');
    if (error instanceof errors.JWSSignatureVerificationFailed)
      throw refuse('the signature is wrong');
    if (error instanceof errors.JWTClaimValidationFailed) throw refuse(error.message);
    throw refuse('it is not a signed JWT');
  }
  const exp = payload.exp as number;
  if (exp - now / 1000 > MAX_IDENTITY_TOKEN_LIFETIME_S) {
    throw refuse('it lives longer than 24 hours; sign short-lived tokens');
  }
  // Claims end up in mail headers and the console: no control characters, sane lengths.
  const text = (value: unknown, max: number) =>
    typeof value === 'string' && value.trim() && value.length <= max && !/\p{Cc}/u.test(value)
      ? value.trim()
      : undefined;
  const sub = text(payload.sub, 255);
  if (!sub) throw refuse('`sub` must be a non-empty string');
  const email = text(payload.email, 254);
  const name = text(payload.name, 100);
  if (payload.email !== undefined && (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) {
    throw refuse('`email` must be an email address');
  }
  if (payload.name !== undefined && !name) {
    throw refuse('`name` must be text of at most 100 characters, without control characters');
  }
  return { sub, ...(email ? { email } : {}), ...(name ? { name } : {}) };
}
