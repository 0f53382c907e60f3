import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChatRequest } from './chat.js';
import {
  characterCount,
  DEFAULT_MAX_MESSAGE_LENGTH,
  ERROR_CODES,
  fitsLength,
  isWidgetLanguage,
  normaliseLang,
  RETRYABLE_ERROR_CODES,
  WIDGET_CONFIG_DEFAULTS,
  WIDGET_LANGUAGES,
} from './constants.js';
import { ErrorCode } from './errors.js';
import { WidgetConfig } from './widget-config.js';

describe('constants', () => {
  it('lists only known error codes as retryable', () => {
    for (const code of RETRYABLE_ERROR_CODES) expect(ERROR_CODES).toContain(code);
    expect(ErrorCode.options).toStrictEqual(ERROR_CODES);
  });

  it('holds the defaults of the WidgetConfig schema', () => {
    expect(WidgetConfig.parse({})).toStrictEqual(WIDGET_CONFIG_DEFAULTS);
  });

  it('gives every parse its own starters list', () => {
    const first = WidgetConfig.parse({});
    first.starters.push('x');
    expect(WidgetConfig.parse({}).starters).toStrictEqual([]);
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
});

/**
 * What the widget bundles from this package must not load zod, or 5-10 KiB gzip of its 20 KiB
 * budget go to a schema library it never calls. Type-only imports are erased, so they may point
 * anywhere; every runtime import must stay inside this set.
 */
const ZOD_FREE = ['constants.ts', 'sse.ts', 'stream-event-guard.ts', 'widget-config-parser.ts'];

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
