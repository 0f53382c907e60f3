import { ContactRequest } from '@parley/shared';
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
  // Claims end up in mail headers and the console: the checks contact details get.
  const sub =
    typeof payload.sub === 'string' && payload.sub.trim() && payload.sub.length <= 255
      ? payload.sub.trim()
      : undefined;
  if (!sub || /\p{Cc}/u.test(sub)) throw refuse('`sub` must be a non-empty string');
  const email = ContactRequest.shape.email.safeParse(payload.email);
  const name = ContactRequest.shape.name.safeParse(payload.name);
  if (!email.success && payload.email !== undefined) {
    throw refuse('`email` must be an email address');
  }
  if (!name.success) {
    throw refuse('`name` must be text of at most 100 characters, without control characters');
  }
  return {
    sub,
    ...(email.data ? { email: email.data } : {}),
    ...(name.data ? { name: name.data } : {}),
  };
}
