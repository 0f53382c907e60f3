import { resolve } from 'node:path';

/**
 * Where Parley keeps its records, as `PARLEY_STORE` names it:
 * - `sqlite:<path>`: a SQLite file (the embedded default), the path relative to the working
 *   directory;
 * - `postgres://…` / `postgresql://…`: a PostgreSQL database, for several instances;
 * - `memory`: SQLite in memory through the same code, lost on restart (development, tests).
 */
export type StoreSpec =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string }
  | { kind: 'memory' };

/**
 * Parses a `PARLEY_STORE` value; the error message (without the variable name) says what to write
 * instead.
 *
 * @example
 * parseStoreSpec('sqlite:data/parley.db') // { kind: 'sqlite', path: '/abs/data/parley.db' }
 */
export function parseStoreSpec(value: string): StoreSpec | { error: string } {
  const spec = value.trim();
  if (spec === 'memory' || spec === 'sqlite::memory:') return { kind: 'memory' };
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (!path) return { error: 'needs a file path, for example sqlite:data/parley.db' };
    return { kind: 'sqlite', path: resolve(path) };
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    try {
      new URL(spec);
    } catch {
      return { error: 'is not a valid PostgreSQL URL (postgres://user:password@host:5432/db)' };
    }
    return { kind: 'postgres', url: spec };
  }
  if (/^rediss?:\/\//.test(spec)) {
    return {
      error:
        'Redis no longer stores conversations (it keeps nothing that must survive it). Use ' +
        'PARLEY_STORE=postgres://… for several instances, and PARLEY_REDIS_URL=' +
        `${redactUrl(spec)} for shared rate limits, locks and events`,
    };
  }
  return {
    error: `must be "sqlite:<path>", "postgres://…" or "memory"; got "${redactUrl(spec)}"`,
  };
}

/** A URL for messages, without anything that looks like a password. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^/@]*)@/, '//***@').slice(0, 80);
}
