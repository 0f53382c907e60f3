import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChatRequest } from './chat.js';
import {
  CONTACT_REASONS,
  CONVERSATION_STATUSES,
  characterCount,
  DEFAULT_MAX_MESSAGE_LENGTH,
  ERROR_CODES,
  fitsLength,
  HISTORY_PAGE_DEFAULT,
  HISTORY_PAGE_MAX,
  isWidgetLanguage,
  MESSAGE_ROLES,
  normaliseLang,
  RETRYABLE_ERROR_CODES,
  STREAM_EVENT_NAMES,
  TOOL_STATUSES,
  WIDGET_CONFIG_DEFAULTS,
  WIDGET_LANGUAGES,
} from './constants.js';
import { parseWidgetConfig } from './widget-config.js';

describe('constants', () => {
  it('lists only known error codes as retryable', () => {
    for (const code of RETRYABLE_ERROR_CODES) expect(ERROR_CODES).toContain(code);
  });

  it('holds the defaults the widget configuration starts from', () => {
    expect(parseWidgetConfig({}).config).toStrictEqual(WIDGET_CONFIG_DEFAULTS);
  });

  it('gives every parse its own starters list', () => {
    const first = parseWidgetConfig({}).config;
    first.starters.push('x');
    expect(parseWidgetConfig({}).config.starters).toStrictEqual([]);
    expect(WIDGET_CONFIG_DEFAULTS.starters).toStrictEqual([]);
  });

  it.each(WIDGET_LANGUAGES)('knows %s as a widget language', (lang) => {
    expect(isWidgetLanguage(lang)).toBe(true);
  });

  it.each(['pt', 'EN', 'de-AT', '', 'toString'])('does not know %j', (lang) => {
    expect(isWidgetLanguage(lang)).toBe(false);
  });

  it('normalises before matching', () => {
    expect(isWidgetLanguage(normaliseLang(' AR-eg '))).toBe(true);
  });
  it.each([
    ['ERROR_CODES', ERROR_CODES],
    ['STREAM_EVENT_NAMES', STREAM_EVENT_NAMES],
    ['MESSAGE_ROLES', MESSAGE_ROLES],
    ['CONVERSATION_STATUSES', CONVERSATION_STATUSES],
    ['CONTACT_REASONS', CONTACT_REASONS],
    ['TOOL_STATUSES', TOOL_STATUSES],
    ['WIDGET_LANGUAGES', WIDGET_LANGUAGES],
  ] as Array<[string, readonly string[]]>)('lists each of %s once', (_name, list) => {
    expect(new Set(list).size).toBe(list.length);
  });

  it('pages history by default within the largest page', () => {
    expect(HISTORY_PAGE_DEFAULT).toBeGreaterThan(0);
    expect(HISTORY_PAGE_DEFAULT).toBeLessThanOrEqual(HISTORY_PAGE_MAX);
  });
});

/**
 * What the widget bundles from this package must not load zod, or 5-10 KiB gzip of its 20 KiB
 * budget go to a schema library it never calls. Type-only imports are erased, so they may point
 * anywhere; every runtime import must stay inside this set.
 */
const ZOD_FREE = [
  'check.ts',
  'constants.ts',
  'errors.ts',
  'health.ts',
  'history.ts',
  'messages.ts',
  'operator.ts',
  'sse.ts',
  'stream-events.ts',
  'widget-config.ts',
];

describe('zod-free modules', () => {
  it.each(ZOD_FREE)('%s imports at runtime only zod-free modules', (file) => {
    const source = readFileSync(new URL(file, import.meta.url), 'utf8');
    const runtimeImports = [
      ...source.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm),
    ]
      .filter(([, typeOnly]) => !typeOnly)
      .map(([, , specifier]) => specifier ?? '');
    for (const specifier of runtimeImports) {
      expect(ZOD_FREE, `${file} imports ${specifier}`).toContain(
        specifier.replace(/^\.\//, '').replace(/\.js$/, '.ts'),
      );
    }
    expect(source).not.toMatch(/from\s+'zod/);
  });
});

describe('character counting, as the contract counts', () => {
  it.each([
    ['plain text', 'hello', 5],
    ['emoji count once each', '👋👋', 2],
    ['accents precomposed', 'café', 4],
    ['empty', '', 0],
  ])('%s', (_name, text, count) => {
    expect(characterCount(text)).toBe(count);
    expect(fitsLength(text, count)).toBe(true);
    if (count > 0) expect(fitsLength(text, count - 1)).toBe(false);
  });

  it('agrees with the chat request schema at the limit', () => {
    const emoji = '😀'.repeat(DEFAULT_MAX_MESSAGE_LENGTH);
    expect(fitsLength(emoji, DEFAULT_MAX_MESSAGE_LENGTH)).toBe(true);
    expect(ChatRequest.safeParse({ message: emoji }).success).toBe(true);
    expect(ChatRequest.safeParse({ message: `${emoji}😀` }).success).toBe(false);
  });
});
