import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

/** Control characters (C0, DEL, C1): no id, file name or route of ours has one. */
const CONTROL = /\p{Cc}/u;

/**
 * Answers 404 to a path with a control character in it once decoded (`/api/operator/tickets/%00`).
 * Route parameters reach the database as they are, and PostgreSQL cannot even compare a text
 * with a NUL in it: each route would turn it into a 500. No resource has such a name, so here,
 * before any route, it is simply not found.
 */
export function refuseControlCharactersInPath(): RequestHandler {
  return function pathGuard(req, _res, next) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(req.path);
    } catch {
      // Not valid percent-encoding: Express answers that itself when it decodes a parameter.
      next();
      return;
    }
    if (CONTROL.test(decoded)) {
      next(new HttpError('not_found', 'No resource has a control character in its name'));
      return;
    }
    next();
  };
}
