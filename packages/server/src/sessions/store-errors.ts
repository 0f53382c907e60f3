/**
 * Thrown by store writes (items, transcript, idempotency) aimed at a session that is unknown,
 * expired or deleted. Writing must never bring a session back: a turn that finishes after the
 * visitor deleted their data fails with this error instead of resurrecting the history.
 */
export class SessionNotFoundError extends Error {
  readonly sessionId: string;
  constructor(sessionId: string) {
    super('Session not found (unknown, expired or deleted)');
    this.name = new.target.name;
    this.sessionId = sessionId;
  }
}

/** Thrown by `listTickets` / `listFeedback` for a cursor no store ever produced. */
export class InvalidCursorError extends Error {
  constructor() {
    super('Invalid page cursor');
    this.name = new.target.name;
  }
}

/** What a visitor is told while the store cannot be reached. */
export const STORE_UNAVAILABLE_MESSAGE =
  'Chat is temporarily unavailable. Please try again in a moment.';

const UNAVAILABLE_MESSAGES = [
  // ioredis, while disconnected (the offline queue is off) or when the socket drops mid-command.
  "Stream isn't writeable",
  'Connection is closed',
  'Reached the max retries per request limit',
  // Redis itself, while it loads its data after a restart or has lost its primary.
  'LOADING ',
  'MASTERDOWN ',
  'TRYAGAIN ',
  // better-sqlite3 after the database was closed (a shutdown racing a request).
  'The database connection is not open',
];
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
]);

/**
 * Whether an error (or one of its causes) means the store could not be reached or was too busy,
 * rather than a bug: Redis down or restarting, SQLite locked by another writer. Such requests are
 * answered 503 `model_unavailable`, retryable, instead of 500.
 */
export function isStoreUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { name, message, code } = current as {
      name?: unknown;
      message?: unknown;
      code?: unknown;
    };
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((m) => message.startsWith(m)))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
