import pino, { type Logger } from 'pino';

/** Structured JSON logs; `LOG_LEVEL` picks the level. Secrets and tokens are redacted by path. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'parley' },
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
  });
}
