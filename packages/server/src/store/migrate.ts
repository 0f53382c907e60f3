import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { ParleyError } from '../errors.js';
import type { SqlDialect } from './database.js';
import { migrationProvider } from './migrations/index.js';

/** A migration failed; nothing after it ran, and on PostgreSQL the failed one was rolled back. */
export class MigrationError extends ParleyError {}

/**
 * Brings the schema up to date. Safe when several instances start on an empty database at once:
 * on PostgreSQL Kysely holds an advisory lock while migrating, so one instance migrates and the
 * others wait, then find nothing left to do. Returns the names of the migrations it ran.
 *
 * @example
 * await migrateToLatest(db, 'postgres'); // ['0001-records', …] on an empty database
 */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema.
  db: Kysely<any>,
  dialect: SqlDialect,
  options: { upTo?: string } = {},
): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect, options.upTo) });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new MigrationError(
      `Migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
