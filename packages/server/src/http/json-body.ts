import express, { type RequestHandler } from 'express';
import { HttpError } from './errors.js';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export interface JsonBodyOptions {
  /** Largest accepted body, e.g. `16kb`. */
  limit: string;
}

/**
 * Accepts only `application/json` bodies (415 otherwise), up to a size limit (413), and parses
 * them strictly (objects and arrays only; malformed JSON is a 400 from the error handler).
 */
export function jsonBody(options: JsonBodyOptions): RequestHandler[] {
  const requireJson: RequestHandler = function requireJsonContentType(req, _res, next) {
    if (!METHODS_WITH_BODY.has(req.method)) return next();
    const hasBody =
      req.headers['content-length'] !== '0' &&
      (req.headers['content-length'] || req.headers['transfer-encoding']);
    if (!hasBody && !req.headers['content-type']) return next();
    if (!req.is('application/json')) {
      return next(
        new HttpError('unsupported_media_type', 'Send the request body as application/json'),
      );
    }
    next();
  };
  return [
    requireJson,
    express.json({ limit: options.limit, strict: true, type: 'application/json' }),
  ];
}
