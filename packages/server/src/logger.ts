import { createHash } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';
import sonicBoom, { type SonicBoom as SonicBoomClass } from 'sonic-boom';

// sonic-boom is CommonJS; under Node's ESM interop its class is `default.SonicBoom`.
const { SonicBoom } = sonicBoom as unknown as { SonicBoom: typeof SonicBoomClass };

/**
 * A session id as it may appear in logs: the first 16 hex characters of its SHA-256. Enough to
 * follow one conversation through the logs, useless for taking it over.
 *
 * @example
 * logger.info({ session: hashSessionId(id) }, 'ticket created');
 */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

/**
 * Replaces a raw `sessionId` field of any log line by its hash under `session`. It runs in the
 * logger itself, so no call site can leak a session id, whatever it passes.
 */
function hashSessionIds(object: Record<string, unknown>): Record<string, unknown> {
  if (!('sessionId' in object)) return object;
  const { sessionId, ...rest } = object;
  return { ...rest, session: typeof sessionId === 'string' ? hashSessionId(sessionId) : undefined };
}

/** What {@link createLogOutput} returns: the stream to log to, and its bounded final flush. */
export interface LogOutput {
  stream: DestinationStream;
  /** Writes what is buffered, giving up after `timeoutMs` (a stuck reader must not hold exit). */
  flush(timeoutMs: number): Promise<void>;
}

/** Log lines buffered while stdout cannot take them; beyond this they are dropped, never waited on. */
export const MAX_BUFFERED_LOG_BYTES = 4 * 1024 * 1024;

/**
 * Standard output for logs that can never block the process. pino's default destination writes
 * synchronously and, when the reader of a pipe stops reading, retries forever in a sleep loop on
 * the main thread: no timer, not even the shutdown's hard exit, runs again. This one writes
 * asynchronously, buffers at most {@link MAX_BUFFERED_LOG_BYTES} (dropping lines past that), stops
 * writing once the reader is gone (EPIPE), and registers no exit hook that could flush forever.
 */
export function createLogOutput(fd = 1): LogOutput {
  const stream = new SonicBoom({ fd, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
  let broken = false;
  stream.on('error', () => {
    // EPIPE and friends: nobody reads our logs any more. Keep running; stop trying to write.
    broken = true;
  });
  return {
    stream: {
      write(line: string) {
        if (!broken) stream.write(line);
      },
    },
    flush(timeoutMs) {
      if (broken) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        try {
          stream.flush(() => {
            clearTimeout(timer);
            resolve();
          });
        } catch {
          clearTimeout(timer);
          resolve();
        }
      });
    },
  };
}

/**
 * Structured JSON logs; `LOG_LEVEL` picks the level. Secrets and tokens are redacted by path and
 * session ids are hashed wherever they appear as `sessionId`.
 *
 * @example
 * const output = createLogOutput();
 * const logger = createLogger('info', output.stream);
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'parley' },
    formatters: { log: hashSessionIds },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.apiKey',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
