import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';

/**
 * The human loop: who answers a conversation (status, operator), how to reach the visitor
 * (contact, verified identity), what the visitor has seen, and an outbox for mail and webhooks.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their time.
export async function up(db: Kysely<any>, dialect: SqlDialect): Promise<void> {
  const columns: [string, 'text' | 'bigint' | 'integer', string?][] = [
    ['status', 'text', "'bot'"],
    ['status_changed_at', 'bigint'],
    ['waiting_since', 'bigint'],
    ['operator_id', 'text'],
    ['operator_name', 'text'],
    ['contact_email', 'text'],
    ['contact_name', 'text'],
    ['identity_sub', 'text'],
    ['identity_email', 'text'],
    ['identity_name', 'text'],
    ['visitor_seen_seq', 'integer', '0'],
    ['escalated_at', 'bigint'],
    ['first_operator_reply_at', 'bigint'],
    ['last_wait_ms', 'bigint'],
    ['closed_at', 'bigint'],
  ];
  // SQLite adds one column per ALTER TABLE.
  for (const [name, type, fallback] of columns) {
    await db.schema
      .alterTable('conversations')
      .addColumn(name, type, (c) =>
        fallback === undefined ? c : c.notNull().defaultTo(fallbackValue(fallback)),
      )
      .execute();
  }
  await db.schema
    .createIndex('conversations_status')
    .on('conversations')
    .columns(['status', 'waiting_since'])
    .execute();
  await db.schema
    .createIndex('conversations_identity')
    .on('conversations')
    .column('identity_sub')
    .execute();

  for (const [name, type, fallback] of [
    ['contact_email', 'text'],
    ['contact_name', 'text'],
    ['status', 'text', "'open'"],
    ['assignee_id', 'text'],
    ['assignee_name', 'text'],
    ['updated_at', 'bigint'],
    ['solved_at', 'bigint'],
  ] as [string, 'text' | 'bigint', string?][]) {
    await db.schema
      .alterTable('tickets')
      .addColumn(name, type, (c) =>
        fallback === undefined ? c : c.notNull().defaultTo(fallbackValue(fallback)),
      )
      .execute();
  }
  await db.schema
    .createIndex('tickets_status')
    .on('tickets')
    .columns(['status', 'created_at'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('claimed_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['done_at', 'due_at']).execute();
  await db.schema
    .createIndex('outbox_conversation')
    .on('outbox')
    .columns(['conversation_id', 'kind'])
    .execute();
}

function fallbackValue(literal: string): string | number {
  return literal.startsWith("'") ? literal.slice(1, -1) : Number(literal);
}
