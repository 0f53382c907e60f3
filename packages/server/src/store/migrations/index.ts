import type { Kysely } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely/migration';
import type { SqlDialect } from '../database.js';
import * as records from './0001-records.js';
import * as humanLoop from './0002-human-loop.js';
import * as console_ from './0003-console.js';

/**
 * Every migration, in order. Forward only: a migration is never edited once released, and there
 * is no `down`; a fix is a new migration. Each one is tested from the schema before it, with data.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their time.
type Up = (db: Kysely<any>, dialect: SqlDialect) => Promise<void>;
export const MIGRATIONS: ReadonlyArray<readonly [name: string, up: Up]> = [
  ['0001-records', records.up],
  ['0002-human-loop', humanLoop.up],
  ['0003-console', console_.up],
];

/** The migrations for Kysely's Migrator, bound to the dialect they run on. */
export function migrationProvider(dialect: SqlDialect, upTo?: string): MigrationProvider {
  return {
    async getMigrations() {
      const migrations: Record<string, Migration> = {};
      for (const [name, up] of MIGRATIONS) {
        migrations[name] = { up: (db) => up(db, dialect) };
        if (name === upTo) break;
      }
      return migrations;
    },
  };
}
