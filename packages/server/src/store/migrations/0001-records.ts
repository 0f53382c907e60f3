import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';

/**
 * The first schema: conversations and their log, model items, tickets, feedback, idempotency,
 * usage and rate-limit counters. `db` is untyped on purpose: a migration describes the
 * schema as it was then, not as `schema.ts` says it is now.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run against the schema of their time.
export async function up(db: Kysely<any>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('conversations_last_seen_at')
    .on('conversations')
    .column('last_seen_at')
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('meta', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('messages_pk', ['conversation_id', 'seq'])
    .execute();

  await db.schema
    .createTable('model_items')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('model_items_conversation')
    .on('model_items')
    .columns(['conversation_id', 'id'])
    .execute();

  await db.schema
    .createTable('tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text')
    .addColumn('conversation_public_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('transcript', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('tickets_created_at')
    .on('tickets')
    .columns(['created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('tickets_conversation')
    .on('tickets')
    .column('conversation_id')
    .execute();

  await db.schema
    .createTable('feedback')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('rating', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('feedback_pk', ['conversation_id', 'message_id'])
    .execute();
  await db.schema
    .createIndex('feedback_created_at')
    .on('feedback')
    .columns(['created_at', 'message_id'])
    .execute();

  await db.schema
    .createTable('idempotency')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reply', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_pk', ['conversation_id', 'key'])
    .execute();

  await db.schema
    .createTable('usage')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('turns', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tokens', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('usage_pk', ['conversation_id', 'day'])
    .execute();

  await db.schema
    .createTable('rate_limit_hits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'bigint', (c) => c.notNull())
    .execute();
}
