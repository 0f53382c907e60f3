import type { Database } from 'better-sqlite3';

/**
 * The SQLite schema, one entry per version. Entry `n` moves a database from `user_version = n` to
 * `n + 1`. Never edit a shipped entry: append a new one, so every existing file upgrades the same way.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
  ) WITHOUT ROWID;

  -- Model items for the Agents SDK; seq orders them (the newest item has the largest seq).
  CREATE TABLE items (
    seq INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    json TEXT NOT NULL
  );
  CREATE INDEX items_by_session ON items (session_id, seq);

  -- The display transcript.
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    json TEXT NOT NULL
  );
  CREATE INDEX messages_by_session ON messages (session_id, seq);

  -- Tickets outlive their session on purpose: no foreign key.
  CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    sort_key TEXT NOT NULL UNIQUE,
    json TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX tickets_by_session ON tickets (session_id);

  CREATE TABLE feedback (
    session_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sort_key TEXT NOT NULL UNIQUE,
    json TEXT NOT NULL,
    PRIMARY KEY (session_id, message_id)
  ) WITHOUT ROWID;

  CREATE TABLE idempotency (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done')),
    reply TEXT,
    -- When the record was begun or completed; retention counts from here.
    written_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, key)
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_by_age ON idempotency (written_at);
  `,
  `
  -- Usage counters for the turn budget, one row per session and UTC day ('YYYY-MM-DD').
  CREATE TABLE session_usage (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    turns INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    PRIMARY KEY (session_id, day)
  ) WITHOUT ROWID;
  `,
];

/**
 * Brings the database to the latest schema, each step in its own transaction together with the
 * version bump, so a crash mid-way leaves the previous version intact.
 */
export function migrate(db: Database, migrations: readonly string[] = SQLITE_MIGRATIONS): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(
      `SQLite store schema version ${current} is newer than this Parley (${migrations.length}); ` +
        'refusing to use it.',
    );
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      // PRAGMA does not take bound parameters; the value is our own integer.
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
