import { postgresTestUrl } from '@parley/testkit/postgres';
import pg from 'pg';

/** Runs one query on `url` (default: the test server's admin database) on a connection of its own. */
export async function query<R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  params: unknown[] = [],
  url = postgresTestUrl,
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Every table and column of a database's public schema, as `table.column type` lines. */
export async function schemaOf(url: string): Promise<string[]> {
  const rows = await query<{ line: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type AS line
     FROM information_schema.columns WHERE table_schema = 'public'
     ORDER BY table_name, ordinal_position`,
    [],
    url,
  );
  return rows.map((r) => r.line);
}
