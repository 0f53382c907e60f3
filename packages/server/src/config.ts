import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { ConfigFile } from './config-file.js';
import { parseDurationMs } from './duration.js';
import { ConfigError } from './errors.js';
import { weakSecretReason } from './secret-strength.js';
import { parseStoreSpec } from './store/store-spec.js';

export { ConfigError } from './errors.js';

/*
 * Parley's configuration. This module is the only reader of `process.env`: everything else gets a
 * typed `Config` injected, so tests build one with {@link loadConfig} from a plain object. The
 * schema below is the one declaration: it validates each variable and builds the `Config` value,
 * whose type is inferred from it.
 */

/** A duration such as `90` (seconds), `30s`, `15m`, `24h` or `7d`; `0` only where allowed. */
const duration = (fallback: string, options: { zero?: boolean } = {}) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      if (options.zero && /^\s*0\s*[a-z]*\s*$/i.test(value)) return 0;
      const ms = parseDurationMs(value);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a duration such as 90, 30s, 15m, 24h or 7d',
        });
        return z.NEVER;
      }
      return ms;
    });

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const flag = z
  .enum(['0', '1', 'true', 'false', 'on', 'off', ''])
  .default('0')
  .transform((v) => v === '1' || v === 'true' || v === 'on');

const originList = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const origins: string[] = [];
    for (const raw of value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      try {
        const url = new URL(raw);
        if (url.origin === 'null' || url.origin !== raw.replace(/\/$/, '')) throw new Error();
        origins.push(url.origin);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `"${raw}" is not an origin like https://www.example.com`,
        });
      }
    }
    return origins;
  });

/** Estimated entropy an access token must have, and a session-signing secret. */
export const MIN_TOKEN_BITS = 48;
export const MIN_SECRET_BITS = 80;
/** HMAC-SHA256 keys shorter than this are too easy to guess offline. */
export const MIN_SESSION_SECRET_LENGTH = 32;

/** A bearer token an operator chose: long enough and not obviously guessable. */
const token = z
  .string()
  .min(16, 'must be at least 16 characters')
  .superRefine((value, ctx) => {
    const weak = weakSecretReason(value, MIN_TOKEN_BITS);
    if (weak) ctx.addIssue({ code: 'custom', message: weak });
  });

/** One secret or a comma-separated list, newest first (the first signs, all verify). */
const secretList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const secrets = (value ?? '')
      .split(',')
      .map((secret) => secret.trim())
      .filter((secret) => secret.length > 0);
    secrets.forEach((secret, index) => {
      const weak =
        secret.length < MIN_SESSION_SECRET_LENGTH
          ? `is shorter than ${MIN_SESSION_SECRET_LENGTH} characters; generate one with \`openssl rand -hex 32\``
          : weakSecretReason(secret, MIN_SECRET_BITS);
      if (weak) ctx.addIssue({ code: 'custom', message: `secret #${index + 1} ${weak}` });
    });
    return secrets.length > 0 ? secrets : undefined;
  });

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined);

const storeSpec = z
  .string()
  .default('sqlite:./data/parley.db')
  .transform((value, ctx) => {
    const spec = parseStoreSpec(value);
    if ('error' in spec) {
      ctx.addIssue({ code: 'custom', message: spec.error });
      return z.NEVER;
    }
    return spec;
  });

const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: integer(8787, 0, 65535),
    HOST: z.string().min(1).default('0.0.0.0'),
    OPENAI_API_KEY: optionalText,
    OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    OPENAI_MODEL: z.string().trim().min(1).default('gpt-5.4-mini'),
    OPENAI_API: z.enum(['responses', 'chat_completions']).default('responses'),
    OPENAI_TIMEOUT: duration('60s'),
    OPENAI_MAX_RETRIES: integer(2, 0, 10),
    PARLEY_CONFIG: z.string().optional(),
    PARLEY_KB_DIR: z.string().optional(),
    PARLEY_STORE: storeSpec,
    PARLEY_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    PARLEY_REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1-64 letters, digits or :_.-')
      .default('parley:'),
    PARLEY_PG_POOL_SIZE: integer(10, 1, 500),
    PARLEY_PG_STATEMENT_TIMEOUT: duration('10s'),
    PARLEY_RETENTION: z
      .string()
      .default('90d')
      .transform((value, ctx) => {
        if (value.trim() === 'off') return undefined;
        const ms = parseDurationMs(value);
        if (ms === undefined || ms < 86_400_000) {
          ctx.addIssue({ code: 'custom', message: 'must be a duration of at least 1d, or off' });
          return z.NEVER;
        }
        return ms;
      }),
    PARLEY_TICKET_TRANSCRIPTS: z.enum(['keep', 'anonymise']).default('keep'),
    PARLEY_DATA_DIR: z.string().min(1).default('./data'),
    PARLEY_SESSION_SECRET: secretList,
    PARLEY_SESSION_TTL: duration('24h'),
    PARLEY_SESSION_MAX_AGE: duration('30d'),
    PARLEY_ALLOWED_ORIGINS: originList,
    PARLEY_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    PARLEY_TRUST_PROXY: integer(0, 0, 10),
    PARLEY_MAX_MESSAGE_LENGTH: integer(4000, 1, 32_000),
    PARLEY_HISTORY_MAX_ITEMS: integer(60, 4, 10_000),
    PARLEY_HISTORY_MAX_TOKENS: integer(12_000, 500, 1_000_000),
    PARLEY_MAX_TURNS: integer(8, 1, 50),
    PARLEY_TURN_TIMEOUT: duration('120s'),
    PARLEY_RATE_LIMITS: z.enum(['on', 'off']).default('on'),
    PARLEY_RATE_IP_MESSAGES: integer(30, 1, 100_000),
    PARLEY_RATE_SESSION_MESSAGES: integer(12, 1, 100_000),
    PARLEY_RATE_IP_SESSIONS: integer(20, 1, 100_000),
    PARLEY_RATE_IP_READS: integer(120, 1, 100_000),
    PARLEY_RATE_IP_FEEDBACK: integer(30, 1, 100_000),
    PARLEY_MAX_STREAMS_PER_IP: integer(4, 1, 10_000),
    PARLEY_MAX_EVENT_STREAMS_PER_IP: integer(20, 1, 10_000),
    PARLEY_BUDGET_TURNS_PER_DAY: integer(200, 1, 1_000_000),
    PARLEY_BUDGET_TOKENS_PER_DAY: integer(300_000, 1000, 1_000_000_000),
    PARLEY_MAX_STREAM_DURATION: duration('150s'),
    PARLEY_SHUTDOWN_GRACE: duration('20s'),
    PARLEY_IDENTITY_SECRET: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        if (value === undefined) return;
        const weak =
          value.length < MIN_SESSION_SECRET_LENGTH
            ? `is shorter than ${MIN_SESSION_SECRET_LENGTH} characters`
            : weakSecretReason(value, MIN_SECRET_BITS);
        if (weak) ctx.addIssue({ code: 'custom', message: weak });
      }),
    PARLEY_SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    PARLEY_MAIL_FROM: z.string().trim().min(3).max(200).optional(),
    PARLEY_MAIL_DELAY: duration('2m', { zero: true }),
    PARLEY_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
    PARLEY_WEBHOOK_SECRET: z
      .string()
      .regex(
        /^whsec_[A-Za-z0-9+/=]{24,}$/,
        'must be whsec_ followed by at least 24 base64 characters',
      )
      .optional(),
    PARLEY_CONSOLE_IDLE: duration('8h'),
    PARLEY_METRICS_TOKEN: token.optional(),
    PARLEY_ADMIN_TOKEN: token.optional(),
    PARLEY_OPENAI_TRACING: flag,
    PARLEY_TRACE_LOG: z.enum(['0', '1', 'true', 'false', 'on', 'off']).optional(),
    PARLEY_LOG_CONTENT: flag,
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    PARLEY_BREAKER_FAILURES: integer(3, 1, 1000),
    PARLEY_BREAKER_COOLDOWN: duration('30s'),
  })
  .superRefine((e, ctx) => {
    if (e.PARLEY_WEBHOOK_URL && !e.PARLEY_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['PARLEY_WEBHOOK_SECRET'],
        message: 'is required with PARLEY_WEBHOOK_URL (webhooks are always signed)',
      });
    }
    if (e.PARLEY_SMTP_URL && !e.PARLEY_MAIL_FROM) {
      ctx.addIssue({
        code: 'custom',
        path: ['PARLEY_MAIL_FROM'],
        message: 'is required with PARLEY_SMTP_URL (the sender of reply mails)',
      });
    }
  })
  .transform((e) => ({
    production: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    /** Absolute base URL when the operator set one; else derived from each request. */
    publicUrl: e.PARLEY_PUBLIC_URL?.replace(/\/$/, ''),
    trustProxyHops: e.PARLEY_TRUST_PROXY,
    openai: e.OPENAI_API_KEY
      ? {
          apiKey: e.OPENAI_API_KEY,
          baseURL: e.OPENAI_BASE_URL,
          model: e.OPENAI_MODEL,
          api: e.OPENAI_API,
          timeoutMs: e.OPENAI_TIMEOUT,
          maxRetries: e.OPENAI_MAX_RETRIES,
        }
      : undefined,
    tracingExport: e.PARLEY_OPENAI_TRACING,
    /** Log every Agents SDK span (kind, name, duration) at debug level; no content. Tracing costs
     * CPU on every turn, so spans are only logged when someone will read them. */
    traceLog:
      e.PARLEY_TRACE_LOG === undefined
        ? e.LOG_LEVEL === 'debug' || e.LOG_LEVEL === 'trace'
        : ['1', 'true', 'on'].includes(e.PARLEY_TRACE_LOG),
    /** Abuse limits; `enabled: false` when the operator set PARLEY_RATE_LIMITS=off. */
    limits: {
      enabled: e.PARLEY_RATE_LIMITS === 'on',
      /** Messages per minute from one IP (IPv6 grouped by /56). */
      ipMessagesPerMinute: e.PARLEY_RATE_IP_MESSAGES,
      /** Messages per minute in one conversation. */
      sessionMessagesPerMinute: e.PARLEY_RATE_SESSION_MESSAGES,
      /** New conversations per hour from one IP. */
      ipSessionsPerHour: e.PARLEY_RATE_IP_SESSIONS,
      /** History pages and event streams per minute from one IP. */
      ipReadsPerMinute: e.PARLEY_RATE_IP_READS,
      /** Answer ratings (and Stop) per minute from one IP. */
      ipFeedbackPerMinute: e.PARLEY_RATE_IP_FEEDBACK,
      /** Concurrently streaming answers to one IP. */
      maxStreamsPerIp: e.PARLEY_MAX_STREAMS_PER_IP,
      /** Concurrently open conversation event streams from one IP. */
      maxEventStreamsPerIp: e.PARLEY_MAX_EVENT_STREAMS_PER_IP,
      /** Per conversation and UTC day: visitor turns, and model tokens. */
      turnsPerDay: e.PARLEY_BUDGET_TURNS_PER_DAY,
      tokensPerDay: e.PARLEY_BUDGET_TOKENS_PER_DAY,
      /** An answer's stream is ended (retryable error) after this long. */
      maxStreamDurationMs: e.PARLEY_MAX_STREAM_DURATION,
    },
    shutdownGraceMs: e.PARLEY_SHUTDOWN_GRACE,
    /** Verifies identity tokens of logged-in visitors; unset, `/api/chat/identify` does not exist. */
    identitySecret: e.PARLEY_IDENTITY_SECRET,
    /** Operators' replies by email to visitors who left; unset, no mail is sent. */
    mail:
      e.PARLEY_SMTP_URL && e.PARLEY_MAIL_FROM
        ? { smtpUrl: e.PARLEY_SMTP_URL, from: e.PARLEY_MAIL_FROM, delayMs: e.PARLEY_MAIL_DELAY }
        : undefined,
    /** Signed webhooks (Standard Webhooks); unset, none are sent. */
    webhook:
      e.PARLEY_WEBHOOK_URL && e.PARLEY_WEBHOOK_SECRET
        ? { url: e.PARLEY_WEBHOOK_URL, secret: e.PARLEY_WEBHOOK_SECRET }
        : undefined,
    /** A console session unused this long is signed out. */
    consoleIdleMs: e.PARLEY_CONSOLE_IDLE,
    metricsToken: e.PARLEY_METRICS_TOKEN,
    adminToken: e.PARLEY_ADMIN_TOKEN,
    kbDir: e.PARLEY_KB_DIR ? path.resolve(e.PARLEY_KB_DIR) : undefined,
    /** Where the records live, parsed once. */
    store: e.PARLEY_STORE,
    /** PostgreSQL connection settings. */
    postgres: {
      poolSize: e.PARLEY_PG_POOL_SIZE,
      statementTimeoutMs: e.PARLEY_PG_STATEMENT_TIMEOUT,
    },
    /** Redis for coordination (rate limits, locks, events) between instances; optional. */
    redisUrl: e.PARLEY_REDIS_URL,
    /** Prefix of every Redis key and channel Parley uses, so deployments can share one Redis. */
    redisPrefix: e.PARLEY_REDIS_PREFIX,
    /** Conversations untouched for this long are deleted; undefined keeps them. */
    retentionMs: e.PARLEY_RETENTION,
    /** What happens to a ticket's transcript when its conversation is deleted or erased. */
    ticketTranscripts: e.PARLEY_TICKET_TRANSCRIPTS,
    dataDir: path.resolve(e.PARLEY_DATA_DIR),
    /** Configured signing secrets, validated; undefined lets development generate one. */
    sessionSecrets: e.PARLEY_SESSION_SECRET,
    sessionTtlMs: e.PARLEY_SESSION_TTL,
    sessionMaxAgeMs: e.PARLEY_SESSION_MAX_AGE,
    allowedOrigins: e.PARLEY_ALLOWED_ORIGINS,
    maxMessageLength: e.PARLEY_MAX_MESSAGE_LENGTH,
    historyMaxItems: e.PARLEY_HISTORY_MAX_ITEMS,
    historyMaxTokens: e.PARLEY_HISTORY_MAX_TOKENS,
    maxTurns: e.PARLEY_MAX_TURNS,
    turnTimeoutMs: e.PARLEY_TURN_TIMEOUT,
    logLevel: e.LOG_LEVEL,
    logContent: e.PARLEY_LOG_CONTENT,
    /** The JSON config file named by PARLEY_CONFIG (company, hours, specialists, widget). */
    configFile: e.PARLEY_CONFIG,
    /** The model's circuit breaker: consecutive failures that open it, and for how long. */
    breaker: {
      failureThreshold: e.PARLEY_BREAKER_FAILURES,
      cooldownMs: e.PARLEY_BREAKER_COOLDOWN,
    },
  }));

export type Env = z.input<typeof ConfigSchema>;

/** Parley's configuration, as {@link loadConfig} builds it. */
export type Config = Omit<z.output<typeof ConfigSchema>, 'configFile'> & {
  /** The JSON config file (company, hours, specialists, widget), defaults filled in. */
  file: ConfigFile;
};

/**
 * Validates the environment and the optional JSON config file. Throws a {@link ConfigError}
 * listing every bad variable at once, so an operator fixes them in one go.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const { configFile, ...config } = parsed.data;
  return { ...config, file: loadConfigFile(configFile) };
}

function loadConfigFile(file: string | undefined): ConfigFile {
  if (!file) return ConfigFile.parse({});
  const resolved = path.resolve(file);
  if (!existsSync(resolved)) throw new ConfigError(`PARLEY_CONFIG: no file at ${resolved}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolved, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `PARLEY_CONFIG: ${resolved} is not valid JSON (${(error as Error).message})`,
    );
  }
  const parsed = ConfigFile.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ConfigError(`PARLEY_CONFIG: ${resolved} is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
