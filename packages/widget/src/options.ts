import { WIDGET_CONFIG_DEFAULTS, type WidgetConfig, type WidgetLanguage } from '@parley/shared';
import { pickLanguage } from './i18n';

/**
 * Options for {@link mount}: the script tag's `data-*` settings as typed values, plus the server.
 * Text left out (title, greeting...) comes from the UI language.
 */
export interface MountOptions extends Partial<Omit<WidgetConfig, 'server'>> {
  /** Base URL of the Parley server, e.g. `https://chat.example.com`. */
  server: string;
  /** Where `<parley-chat>` is appended; defaults to `document.body`. */
  target?: ParentNode;
}

/** Options after defaults are applied; the language is settled. */
export interface ResolvedOptions extends WidgetConfig {
  server: string;
  lang: WidgetLanguage;
}

/**
 * The one place defaults are merged in: the contract's defaults, the same ones the script tag's
 * attributes fall back to.
 */
export function resolveOptions({
  target: _target,
  server,
  ...options
}: MountOptions): ResolvedOptions {
  // An option set to `undefined` means "not given", so it must not override a default.
  const given: Partial<WidgetConfig> = Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  );
  const merged: WidgetConfig = { ...WIDGET_CONFIG_DEFAULTS, starters: [], ...given };
  return { ...merged, server, lang: pickLanguage(merged.lang, document.documentElement.lang) };
}
