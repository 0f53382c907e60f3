import { WIDGET_LANGUAGES } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import { getStrings, pickLanguage } from './index';

describe('i18n', () => {
  it('ships every widget language with the same keys and tool labels as English', () => {
    const en = getStrings('en');
    for (const lang of WIDGET_LANGUAGES) {
      const strings = getStrings(lang);
      expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort());
      expect(Object.keys(strings.tools).sort()).toEqual(Object.keys(en.tools).sort());
      for (const [key, value] of Object.entries(strings)) {
        if (typeof value === 'string') expect(value, `${lang}.${key}`).not.toBe('');
      }
      expect(strings.ticket('T-1')).toContain('T-1');
      expect(strings.handoff('Billing')).toContain('Billing');
      expect(strings.wait(30)).toContain('30');
    }
  });

  it('lays out Arabic right to left and the others left to right', () => {
    expect(WIDGET_LANGUAGES.filter((lang) => getStrings(lang).dir === 'rtl')).toEqual(['ar']);
  });

  it.each([
    [undefined, 'de-AT', 'de'],
    [undefined, 'FR', 'fr'],
    [undefined, 'pt-BR', 'en'],
    [undefined, '', 'en'],
    ['es', 'de', 'es'],
  ] as const)('configured %s on a page in %j speaks %s', (configured, page, expected) => {
    expect(pickLanguage(configured, page)).toBe(expected);
  });
});
