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
