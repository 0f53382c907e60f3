import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStoreSpec, redactUrl } from './store-spec.js';

describe('parseStoreSpec', () => {
  it('reads a SQLite file, relative to the working directory', () => {
    expect(parseStoreSpec('sqlite:data/parley.db')).toEqual({
      kind: 'sqlite',
      path: resolve('data/parley.db'),
    });
    expect(parseStoreSpec('  sqlite:/var/lib/parley.db ')).toEqual({
      kind: 'sqlite',
      path: '/var/lib/parley.db',
    });
  });

  it('reads SQLite in memory, by either name', () => {
    expect(parseStoreSpec('memory')).toEqual({ kind: 'memory' });
    expect(parseStoreSpec('sqlite::memory:')).toEqual({ kind: 'memory' });
  });

  it('reads a PostgreSQL URL as given', () => {
    for (const url of [
      'postgres://parley:pw@db:5432/parley',
      'postgresql://db/parley?sslmode=require',
    ]) {
      expect(parseStoreSpec(url)).toEqual({ kind: 'postgres', url });
    }
  });

  it('refuses Redis, saying what to use instead and never repeating the password', () => {
    const result = parseStoreSpec('redis://:hunter2@cache:6379');
    expect(result).toEqual({ error: expect.stringMatching(/PARLEY_STORE=postgres:\/\//) });
    const { error } = result as { error: string };
    expect(error).toMatch(/PARLEY_REDIS_URL=redis:\/\/\*\*\*@cache:6379/);
    expect(error).not.toContain('hunter2');
    expect(parseStoreSpec('rediss://cache:6380')).toHaveProperty('error');
  });

  it.each([
    ['sqlite:', /needs a file path/],
    ['postgres://[::1/parley', /not a valid PostgreSQL URL/],
    ['mysql://root:secret@db/parley', /must be "sqlite:<path>", "postgres:\/\/…" or "memory"/],
    ['', /must be/],
  ])('refuses %j, saying what to write', (value, message) => {
    const result = parseStoreSpec(value);
    expect(result).toEqual({ error: expect.stringMatching(message) });
    expect(JSON.stringify(result)).not.toContain('secret');
  });
});

describe('redactUrl', () => {
  it('hides the credentials of a URL and keeps messages short', () => {
    expect(redactUrl('postgres://user:pw@db:5432/x')).toBe('postgres://***@db:5432/x');
    expect(redactUrl('postgres://db/x')).toBe('postgres://db/x');
    expect(redactUrl(`postgres://db/${'x'.repeat(200)}`)).toHaveLength(80);
  });
});
