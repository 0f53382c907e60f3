import { WIDGET_LANGUAGES } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import { CONTACT_STRINGS } from './contact';
import { en } from './en';
import { loadStrings, pickLanguage } from './index';

describe('i18n', () => {
  it('ships every widget language with the same keys and tool words as English', async () => {
    for (const lang of WIDGET_LANGUAGES) {
      // Loaded as the widget loads them: English from the bundle, the others as parts.
      const { de, es, fr, ar } = {
        de: (await import('./de')).de,
        es: (await import('./es')).es,
        fr: (await import('./fr')).fr,
        ar: (await import('./ar')).ar,
      };
      const own = { en, de, es, fr, ar }[lang];
      expect(Object.keys(own).sort(), lang).toEqual(Object.keys(en).sort());
      expect(Object.keys(own.tools).sort(), lang).toEqual(Object.keys(en.tools).sort());
      const strings = await loadStrings(lang);
      for (const [key, value] of Object.entries(strings)) {
        if (typeof value === 'string') expect(value, `${lang}.${key}`).not.toBe('');
      }
      expect(strings.ticket('T-1')).toContain('T-1');
      expect(strings.handoff('Billing')).toContain('Billing');
      expect(strings.wait(30)).toContain('30');
      expect(strings.joined('Dana')).toContain('Dana');
      expect(strings.waiting(2)).toContain('2');
      expect(strings.waiting(undefined)).not.toMatch(/\d|undefined/);
      if (lang !== 'en') expect(strings.back, lang).not.toBe(en.back);
    }
  });

  it('words the tools the server knows, in every language', () => {
    expect(Object.keys(en.tools).sort()).toEqual([
      'create_support_ticket',
      'get_business_hours',
      'request_human',
      'search_knowledge_base',
    ]);
  });

  it("ships the email form's words for every language, with the address in the thanks", () => {
    for (const lang of WIDGET_LANGUAGES) {
      const strings = CONTACT_STRINGS[lang];
      expect(Object.keys(strings).sort(), lang).toEqual(Object.keys(CONTACT_STRINGS.en).sort());
      for (const [key, value] of Object.entries(strings)) {
        if (typeof value === 'string') expect(value, `${lang}.${key}`).not.toBe('');
      }
      expect(strings.sent('sam@example.com')).toContain('sam@example.com');
      if (lang !== 'en') expect(strings.afterHours, lang).not.toBe(CONTACT_STRINGS.en.afterHours);
    }
  });

  it('lays out Arabic right to left and the others left to right', async () => {
    const rtl: string[] = [];
    for (const lang of WIDGET_LANGUAGES)
      if ((await loadStrings(lang)).dir === 'rtl') rtl.push(lang);
    expect(rtl).toEqual(['ar']);
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
