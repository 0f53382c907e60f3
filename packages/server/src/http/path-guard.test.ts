import type { AddressInfo } from 'node:net';
import type { ErrorBody } from '@parley/shared';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from './errors.js';
import { refuseControlCharactersInPath } from './path-guard.js';

describe('refuseControlCharactersInPath', () => {
  let baseUrl: string;
  let close: () => void;
  beforeAll(async () => {
    const app = express();
    app.use(refuseControlCharactersInPath());
    app.get('/tickets/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    app.use(errorHandler({ logger: pino({ level: 'silent' }) }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it.each(['%00', 'T-1%00', '%0A', '%1F', '%7F', 'a%00b'])(
    'answers 404 to an id with a control character (%s), before any route sees it',
    async (id) => {
      const response = await fetch(`${baseUrl}/tickets/${id}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as ErrorBody).error.code).toBe('not_found');
    },
  );

  it.each([
    ['T-ABC123', 'T-ABC123'],
    ['%C3%BCber', 'über'],
    ['a%20b', 'a b'],
  ])('lets an ordinary id through (%s)', async (id, decoded) => {
    const response = await fetch(`${baseUrl}/tickets/${id}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: decoded });
  });

  it('leaves broken percent-encoding to Express, which answers 400', async () => {
    expect((await fetch(`${baseUrl}/tickets/%E0%A4%A`)).status).toBe(400);
  });
});
