import type { Clock } from '../clock.js';
import type { StoreContext, StoreLimits } from './context.js';
import { conversationLog } from './conversation-log.js';
import { conversations } from './conversations.js';
import { type Database, openDatabase, type PostgresOptions, pingDatabase } from './database.js';
import { feedback } from './feedback.js';
import { idempotency } from './idempotency.js';
import { inbox } from './inbox.js';
import { insightFacts } from './insight-facts.js';
import { migrateToLatest } from './migrate.js';
import { modelItems } from './model-items.js';
import { operators } from './operators.js';
import { outbox } from './outbox.js';
import { retention } from './retention.js';
import type { StoreSpec } from './store-spec.js';
import { tickets } from './tickets.js';
import { usage } from './usage.js';

/**
 * Everything Parley keeps, one concern per file over one SQL implementation for SQLite and
 * PostgreSQL. The same contract suites run against every backend.
 */
export interface Store {
  /** What `/healthz` reports. */
  readonly kind: StoreSpec['kind'];
  readonly context: StoreContext;
  readonly conversations: ReturnType<typeof conversations>;
  readonly log: ReturnType<typeof conversationLog>;
  readonly items: ReturnType<typeof modelItems>;
  readonly tickets: ReturnType<typeof tickets>;
  readonly feedback: ReturnType<typeof feedback>;
  readonly idempotency: ReturnType<typeof idempotency>;
  readonly usage: ReturnType<typeof usage>;
  readonly outbox: ReturnType<typeof outbox>;
  readonly retention: ReturnType<typeof retention>;
  readonly inbox: ReturnType<typeof inbox>;
  readonly operators: ReturnType<typeof operators>;
  readonly insights: ReturnType<typeof insightFacts>;
  /** Throws when the database does not answer (used by `/readyz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  clock: Clock;
  limits: StoreLimits;
  postgres?: Partial<PostgresOptions>;
  /** Connection errors of idle pooled connections (logged; the pool replaces them). */
  onPoolError?: (error: Error) => void;
  /** Bring the schema up to date first (default); `false` for `npm run migrate` style control. */
  migrate?: boolean;
}

/** The store over an open database. */
export function createStore(database: Database, clock: Clock, limits: StoreLimits): Store {
  const context: StoreContext = { db: database.db, dialect: database.dialect, clock, limits };
  return {
    kind: database.kind,
    context,
    conversations: conversations(context),
    log: conversationLog(context),
    items: modelItems(context),
    tickets: tickets(context),
    feedback: feedback(context),
    idempotency: idempotency(context),
    usage: usage(context),
    outbox: outbox(context),
    retention: retention(context),
    inbox: inbox(context),
    operators: operators(context),
    insights: insightFacts(context),
    ping: () => pingDatabase(database.db),
    close: () => database.close(),
  };
}

/**
 * Opens the store a {@link StoreSpec} names and migrates its schema to the latest version.
 *
 * @example
 * const store = await openStore({ kind: 'memory' }, { clock: systemClock, limits });
 */
export async function openStore(spec: StoreSpec, options: OpenStoreOptions): Promise<Store> {
  const database = openDatabase(spec, {
    ...(options.postgres ? { postgres: options.postgres } : {}),
    ...(options.onPoolError ? { onPoolError: options.onPoolError } : {}),
  });
  try {
    if (options.migrate !== false) await migrateToLatest(database.db, database.dialect);
  } catch (error) {
    await database.close();
    throw error;
  }
  return createStore(database, options.clock, options.limits);
}
