import { describe, expect, it } from 'vitest';
import { isStoreUnavailable } from './store-errors.js';

/** An error as the libraries throw them: a message, sometimes a code or a custom name. */
function error(message: string, fields: { name?: string; code?: string; cause?: unknown } = {}) {
  const e = new Error(message, fields.cause === undefined ? {} : { cause: fields.cause });
  if (fields.name) Object.defineProperty(e, 'name', { value: fields.name });
  if (fields.code) Object.assign(e, { code: fields.code });
  return e;
}

describe('isStoreUnavailable', () => {
  it.each([
    [
      'ioredis while disconnected',
      error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ['ioredis when the socket drops', error('Connection is closed.')],
    [
      'ioredis after its retries',
      error('Reached the max retries per request limit (which is 2).', {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
    ['Redis loading its data', error('LOADING Redis is loading the dataset in memory')],
    [
      'a refused connection',
      error('connect ECONNREFUSED 127.0.0.1:6390', { code: 'ECONNREFUSED' }),
    ],
    ['SQLite busy', error('database is locked', { code: 'SQLITE_BUSY' })],
    ['a wrapped outage', error('turn failed', { cause: error('Connection is closed.') })],
  ])('recognises %s', (_label, e) => {
    expect(isStoreUnavailable(e)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a Redis script error', error('ERR Error running script')],
    ['a constraint violation', error('UNIQUE constraint failed', { code: 'SQLITE_CONSTRAINT' })],
    ['not an error', 'Connection is closed.'],
    ['nothing', undefined],
  ])('leaves %s alone', (_label, e) => {
    expect(isStoreUnavailable(e)).toBe(false);
  });
});
