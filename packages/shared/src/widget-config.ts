import {
  fitsLength,
  isWidgetLanguage,
  MAX_ACCENT_LENGTH,
  MAX_GREETING_LENGTH,
  MAX_LAUNCHER_LABEL_LENGTH,
  MAX_PLACEHOLDER_LENGTH,
  MAX_STARTER_LENGTH,
  MAX_STARTERS,
  MAX_SUBTITLE_LENGTH,
  MAX_TITLE_LENGTH,
  MAX_Z_INDEX,
  normaliseLang,
  WIDGET_CONFIG_DEFAULTS,
  WIDGET_FALSE_FLAGS,
  WIDGET_FONTS,
  WIDGET_POSITIONS,
  WIDGET_THEMES,
  WIDGET_TRUE_FLAGS,
  type WidgetLanguage,
} from './constants.js';

export {
  normaliseLang,
  WIDGET_CONFIG_DEFAULTS,
  WIDGET_LANGUAGES,
  type WidgetLanguage,
} from './constants.js';

/*
 * The `data-*` attributes of the widget's script tag, declared once: one rule per attribute (by
 * its `dataset` name), from which the `WidgetConfig` type is inferred. Written without a schema
 * library, as the widget bundles it.
 */

/** Options for {@link parseWidgetConfig}. */
export interface ParseWidgetConfigOptions {
  /**
   * Decides whether `data-accent` is a colour. The widget passes `CSS.supports('color', v)`;
   * without it a conservative check (hex, rgb(), hsl(), oklch() or a colour keyword) is used.
   */
  isColor?: (value: string) => boolean;
}

export interface ParsedWidgetConfig {
  config: WidgetConfig;
  /** One human sentence per attribute that was ignored, naming the attribute. */
  warnings: string[];
}

type IsColor = (value: string) => boolean;
/** Returns the attribute's value, or `undefined` when it is invalid. */
type Rule<T> = (raw: string, isColor: IsColor) => T | undefined;

const DEFAULT_COLOR =
  /^(#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|(rgb|rgba|hsl|hsla|hwb|lab|lch|oklab|oklch)\([^;{}()]*\)|[a-z]{3,30})$/i;

const fits = fitsLength;

/** Trimmed, not empty, at most `max` characters (code points). */
const text =
  (max: number) =>
  (raw: string): string | undefined => {
    const value = raw.trim();
    return value && fits(value, max) ? value : undefined;
  };

/** One of `values`, exactly as written: no trimming or case folding. */
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (raw: string): T | undefined =>
    (values as readonly string[]).includes(raw) ? (raw as T) : undefined;

/** One rule per attribute, in the order warnings are given. */
const RULES = {
  /** Base URL of the Parley server; defaults to the origin the script was loaded from. */
  server(raw: string): string | undefined {
    // Trimmed, `http(s)://` required (so `https:host` is refused), then parsed; the URL parser
    // ignores tabs and line breaks, and so does the value.
    const value = raw.trim();
    if (!/^https?:\/\//i.test(value)) return undefined;
    try {
      return /^https?:$/.test(new URL(value).protocol) ? value.replace(/[\t\n\r]/g, '') : undefined;
    } catch {
      return undefined;
    }
  },
  title: text(MAX_TITLE_LENGTH),
  subtitle: text(MAX_SUBTITLE_LENGTH),
  greeting: text(MAX_GREETING_LENGTH),
  placeholder: text(MAX_PLACEHOLDER_LENGTH),
  /** Any CSS colour; the widget picks black or white text on it for contrast. */
  accent(raw: string, isColor: IsColor): string | undefined {
    // The colour check runs last, so it never sees an empty or overlong value.
    const value = text(MAX_ACCENT_LENGTH)(raw);
    return value && isColor(value) ? value : undefined;
  },
  theme: oneOf(WIDGET_THEMES),
  position: oneOf(WIDGET_POSITIONS),
  /** Suggested first questions, written `a|b|c` in the attribute. */
  starters(raw: string): string[] | undefined {
    const list = raw
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean);
    return list.length <= MAX_STARTERS && list.every((s) => fits(s, MAX_STARTER_LENGTH))
      ? list
      : undefined;
  },
  open(raw: string): boolean | undefined {
    const value = raw.trim().toLowerCase();
    if ((WIDGET_TRUE_FLAGS as readonly string[]).includes(value)) return true;
    return (WIDGET_FALSE_FLAGS as readonly string[]).includes(value) ? false : undefined;
  },
  /** UI language; defaults to the page's `lang`, else English. */
  lang(raw: string): WidgetLanguage | undefined {
    const value = normaliseLang(raw);
    return isWidgetLanguage(value) ? value : undefined;
  },
  launcherLabel: text(MAX_LAUNCHER_LABEL_LENGTH),
  // At most ten ASCII digits, so the number is always a safe integer.
  zIndex: (raw: string): number | undefined =>
    /^\d{1,10}$/.test(raw) && +raw <= MAX_Z_INDEX ? +raw : undefined,
  font: oneOf(WIDGET_FONTS),
  /**
   * A JWT the site's backend signed for a logged-in visitor (HS256 with PARLEY_IDENTITY_SECRET);
   * the widget sends it to `/api/chat/identify`. Only its shape is checked here.
   */
  identityToken: (raw: string): string | undefined => {
    const value = raw.trim();
    return value.length <= 4096 && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value) ? value : undefined;
  },
} satisfies Record<string, Rule<unknown>>;

type Rules = typeof RULES;
/** The attributes, by `dataset` name (`launcherLabel` is `data-launcher-label`). */
export type WidgetConfigKey = keyof Rules;
type Defaults = typeof WIDGET_CONFIG_DEFAULTS;
type RuleValue<K extends WidgetConfigKey> = Exclude<ReturnType<Rules[K]>, undefined>;
/**
 * The widget's configuration: attributes with a default always have a value; text left out is
 * filled from the visitor's language at render time.
 */
export type WidgetConfig = {
  [K in WidgetConfigKey as K extends keyof Defaults ? K : never]: RuleValue<K>;
} & {
  [K in WidgetConfigKey as K extends keyof Defaults ? never : K]?: RuleValue<K>;
};

function attributeName(key: string): string {
  return `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Reads the widget configuration from a script tag's `dataset`. It never throws: an attribute with
 * an invalid value is ignored (its default applies) and reported in `warnings`.
 *
 * @example
 * parseWidgetConfig({ title: 'Acme help', theme: 'dark', starters: 'Pricing?|Reset password' })
 */
export function parseWidgetConfig(
  dataset: Readonly<Record<string, string | undefined>>,
  { isColor = (value) => DEFAULT_COLOR.test(value) }: ParseWidgetConfigOptions = {},
): ParsedWidgetConfig {
  const config: WidgetConfig = { ...WIDGET_CONFIG_DEFAULTS, starters: [] };
  const warnings: string[] = [];
  for (const key of Object.keys(RULES) as WidgetConfigKey[]) {
    const raw: unknown = dataset[key];
    if (raw === undefined) continue;
    // A `dataset` only holds strings, but a JavaScript caller may pass anything; ignore it rather
    // than throw (splitting or printing it could).
    if (typeof raw !== 'string') {
      warnings.push(`Parley: ignoring ${attributeName(key)} (not a string); using the default.`);
      continue;
    }
    const value = (RULES[key] as Rule<unknown>)(raw, isColor);
    if (value !== undefined) (config as Record<string, unknown>)[key] = value;
    else {
      // Quote at most a short prefix: a pasted megabyte must not become a megabyte warning.
      const shown = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
      warnings.push(
        `Parley: ignoring ${attributeName(key)}="${shown}" (invalid value); using the default.`,
      );
    }
  }
  return { config, warnings };
}
