import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/**
 * Whether the request carries `Authorization: Bearer <expected>`. Both sides are hashed before the
 * constant-time comparison, so neither the token's content nor its length leaks through timing.
 * Used by the operator endpoints (`/metrics`, `/api/admin/*`), never by visitor sessions.
 *
 * @example
 * if (!bearerTokenMatches(req, config.adminToken)) throw new HttpError('not_found', '...');
 */
export function bearerTokenMatches(req: Request, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  const presented = match?.[1];
  if (!presented) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
