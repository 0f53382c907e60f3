import { isWidgetLanguage, normaliseLang, type WidgetLanguage } from '@parley/shared';
import { ar } from './ar';
import { de } from './de';
import { en, type Strings } from './en';
import { es } from './es';
import { fr } from './fr';

export type { Strings } from './en';

const LOCALES: Record<WidgetLanguage, Strings> = { en, es, de, fr, ar };

/**
 * The UI language: `data-lang` when set, else the host page's `lang` when the widget speaks it,
 * else English.
 *
 * @example
 * pickLanguage(undefined, 'de-AT') // 'de'
 */
export function pickLanguage(
  configured: WidgetLanguage | undefined,
  pageLang: string,
): WidgetLanguage {
  if (configured) return configured;
  const page = normaliseLang(pageLang);
  return isWidgetLanguage(page) ? page : 'en';
}

/** The sentences of one UI language; Arabic carries `dir: 'rtl'`. */
export function getStrings(lang: WidgetLanguage): Strings {
  return LOCALES[lang];
}
