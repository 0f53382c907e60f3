/**
 * The errors Parley raises on purpose, all from one base class so `instanceof ParleyError` tells a
 * known condition from a bug. HTTP errors (`http/errors.ts`) derive from it too.
 */

/** Base class of every error Parley raises on purpose. */
export class ParleyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The store (or the coordination service beside it) could not be reached, or was too busy:
 * connections refused or dropped, a restart, a statement or lock timeout. Requests that meet it
 * are answered with a retryable 503, never a 500; the cause keeps the driver's error for logs.
 */
export class StoreUnavailableError extends ParleyError {
  constructor(cause: unknown) {
    super(`Store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

/**
 * A write aimed at a conversation that is unknown, expired or erased. Writing never brings a
 * conversation back: a turn that finishes after the visitor erased their data fails with this.
 */
export class ConversationNotFoundError extends ParleyError {
  constructor() {
    super('Conversation not found (unknown, expired or erased)');
  }
}

/** A page cursor no list ever produced. */
export class InvalidCursorError extends ParleyError {
  constructor() {
    super('Invalid page cursor');
  }
}

/** A start-up configuration problem; the message names the variable and what is wrong. */
export class ConfigError extends ParleyError {}

/** Whether an error, or one of its causes, is a {@link StoreUnavailableError}. */
export function isStoreUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof StoreUnavailableError) return true;
    current = current.cause;
  }
  return false;
}
