import * as shared from '@parley/shared';
import { describe, expect, it } from 'vitest';
import {
  IDEMPOTENCY_HEADER,
  isWidgetLanguage,
  LANGUAGES,
  MAX_MESSAGE_LENGTH,
  normaliseLang,
  RETRYABLE_CODES,
} from './contract';

// contract.ts restates shared values so the bundle stays free of zod; these keep them honest.
describe('contract values', () => {
  it('match @parley/shared', () => {
    expect(MAX_MESSAGE_LENGTH).toBe(shared.DEFAULT_MAX_MESSAGE_LENGTH);
    expect(IDEMPOTENCY_HEADER).toBe(shared.IDEMPOTENCY_KEY_HEADER);
    expect(LANGUAGES).toEqual(shared.WIDGET_LANGUAGES);
    expect([...RETRYABLE_CODES].sort()).toEqual([...shared.RETRYABLE_ERROR_CODES].sort());
  });

  it.each(['de-AT', ' EN ', 'es_MX', 'ar', 'zh-Hant', ''])(
    'normaliseLang(%j) matches shared',
    (raw) => {
      expect(normaliseLang(raw)).toBe(shared.normaliseLang(raw));
    },
  );

  it('knows the widget languages', () => {
    expect(LANGUAGES.every(isWidgetLanguage)).toBe(true);
    expect(isWidgetLanguage('pt')).toBe(false);
  });
});
