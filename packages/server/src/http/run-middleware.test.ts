import type { Request, RequestHandler, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { HttpError } from './errors.js';
import { runMiddleware } from './run-middleware.js';

const req = {} as Request;
const res = { locals: {} } as Response;

describe('runMiddleware', () => {
  it('resolves when the middleware calls next()', async () => {
    const seen: unknown[] = [];
    const middleware: RequestHandler = (_req, response, next) => {
      seen.push(response.locals.sessionId);
      next();
    };
    res.locals.sessionId = 's_1';
    await expect(runMiddleware(middleware, req, res)).resolves.toBeUndefined();
    expect(seen).toEqual(['s_1']);
  });

  it('waits for an asynchronous next()', async () => {
    const middleware: RequestHandler = (_req, _res, next) => {
      setTimeout(() => next(), 10);
    };
    await expect(runMiddleware(middleware, req, res)).resolves.toBeUndefined();
  });

  it('rejects with the error passed to next(error)', async () => {
    const refusal = new HttpError('rate_limited', 'Slow down');
    const middleware: RequestHandler = (_req, _res, next) => next(refusal);
    await expect(runMiddleware(middleware, req, res)).rejects.toBe(refusal);
  });

  it('rejects when the middleware throws or its promise rejects', async () => {
    const throwing: RequestHandler = () => {
      throw new Error('sync');
    };
    const rejecting = (async () => {
      throw new Error('async');
    }) as unknown as RequestHandler;
    await expect(runMiddleware(throwing, req, res)).rejects.toThrow('sync');
    await expect(runMiddleware(rejecting, req, res)).rejects.toThrow('async');
  });
});
