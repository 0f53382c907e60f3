import { isWidgetLanguage, normaliseLang, type WidgetLanguage } from '@parley/shared';
import { loadPart } from '../parts';
import { en, type Strings } from './en';

export type { Strings } from './en';
export { en } from './en';

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

/**
 * The sentences of one UI language (Arabic carries `dir: 'rtl'`). English is in the bundle; the
 * others load as parts. English fills any sentence a part lacks, so a part cached from an older
 * widget version never leaves a gap.
 *
 * @example
 * const strings = await loadStrings('de');
 */
export async function loadStrings(lang: WidgetLanguage): Promise<Strings> {
  if (lang === 'en') return en;
  const part = (await loadPart(`lang-${lang}`)) as Record<WidgetLanguage, Strings>;
  return { ...en, ...part[lang] };
}
