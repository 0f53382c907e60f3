/**
 * The runtime values of the shared contract that the widget needs, restated here on purpose.
 *
 * Why not import them: any runtime import from `@parley/shared` pulls in zod/mini, because the
 * package builds its schemas at module top level and bundlers cannot prove those calls pure. That
 * costs at least 5 KiB gzip even for a constant, and about 9.5 KiB for `parseWidgetConfig` plus
 * `createSseParser`, half the widget's 20 KiB budget. So the widget imports only types, and keeps
 * each value tied to the contract:
 * - literal values are typed `typeof <shared export>`, so a change in shared fails to compile here;
 * - the rest is checked against `@parley/shared` by `contract.test.ts`, `config.test.ts` and
 *   `api/sse.test.ts`, which run shared's own parsers side by side with ours.
 */
import type {
  DEFAULT_MAX_MESSAGE_LENGTH,
  ErrorCode,
  IDEMPOTENCY_KEY_HEADER,
  WIDGET_LANGUAGES,
  WidgetLanguage,
} from '@parley/shared';

export const MAX_MESSAGE_LENGTH: typeof DEFAULT_MAX_MESSAGE_LENGTH = 4000;

export const IDEMPOTENCY_HEADER: typeof IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

export const LANGUAGES: typeof WIDGET_LANGUAGES = ['en', 'es', 'de', 'fr', 'ar'];

/** Mirrors `RETRYABLE_ERROR_CODES`. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'turn_in_progress',
  'model_unavailable',
  'internal',
]);

/** Mirrors `normaliseLang`: `de-AT` and `DE` both mean German. */
export function normaliseLang(raw: string): string {
  return raw.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}

export function isWidgetLanguage(value: string): value is WidgetLanguage {
  return (LANGUAGES as readonly string[]).includes(value);
}
