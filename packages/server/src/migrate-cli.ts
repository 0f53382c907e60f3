import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { openDatabase } from './store/database.js';
import { migrateToLatest } from './store/migrate.js';
import { redactUrl } from './store/store-spec.js';

/**
 * `npm run migrate`: brings the database `PARLEY_STORE` names up to date and exits, for operators
 * who migrate before deploying rather than letting the first instance do it at start-up. Safe to
 * run while instances are up (PostgreSQL: under the same advisory lock they take).
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const spec = config.store;
  const where =
    spec.kind === 'postgres' ? redactUrl(spec.url) : spec.kind === 'sqlite' ? spec.path : 'memory';
  const database = openDatabase(spec);
  try {
    const ran = await migrateToLatest(database.db, database.dialect);
    console.log(
      ran.length === 0
        ? `${where}: the schema is up to date.`
        : `${where}: applied ${ran.length} migration${ran.length === 1 ? '' : 's'}: ${ran.join(', ')}`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? `Cannot migrate.\n${error.message}`
      : `Migration failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
