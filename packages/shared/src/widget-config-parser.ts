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
} from './constants.js';
import type { WidgetConfig, WidgetConfigKey } from './widget-config.js';

/*
 * The script tag's reader, written without zod so the widget can bundle it. Each rule accepts
 * exactly what its field of the `WidgetConfig` schema accepts and returns the same value;
 * `widget-config-parser.test.ts` holds them equal on the test tables and on generated strings.
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
/** Returns the field's value, or `undefined` when the attribute is invalid. */
type Rule<K extends WidgetConfigKey> = (
  raw: string,
  isColor: IsColor,
) => WidgetConfig[K] | undefined;

const DEFAULT_COLOR =
  /^(#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|(rgb|rgba|hsl|hsla|hwb|lab|lch|oklab|oklch)\([^;{}()]*\)|[a-z]{3,30})$/i;

const fits = fitsLength;

/** Like `z.string().check(z.trim(), z.minLength(1), z.maxLength(max))`. */
const text =
  (max: number) =>
  (raw: string): string | undefined => {
    const value = raw.trim();
    return value && fits(value, max) ? value : undefined;
  };

/** Like `z.enum(values)`: the value exactly as written, no trimming or case folding. */
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (raw: string): T | undefined =>
    (values as readonly string[]).includes(raw) ? (raw as T) : undefined;

/**
 * One rule per `WidgetConfig` field, in the schema's field order (the order of the warnings). The
 * mapped type makes a field added to the contract a compile error here until it has a rule.
 */
const RULES: { [K in WidgetConfigKey]-?: Rule<K> } = {
  server(raw) {
    // `z.url({ protocol: /^https?$/ })`: trimmed, `http(s)://` required (so `https:host` is
    // refused), then parsed; the URL parser ignores tabs and line breaks, and so does the value.
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
  accent(raw, isColor) {
    // The colour check runs last, so it never sees an empty or overlong value.
    const value = text(MAX_ACCENT_LENGTH)(raw);
    return value && isColor(value) ? value : undefined;
  },
  theme: oneOf(WIDGET_THEMES),
  position: oneOf(WIDGET_POSITIONS),
  starters(raw) {
    const list = raw
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean);
    return list.length <= MAX_STARTERS && list.every((s) => fits(s, MAX_STARTER_LENGTH))
      ? list
      : undefined;
  },
  open(raw) {
    const value = raw.trim().toLowerCase();
    if ((WIDGET_TRUE_FLAGS as readonly string[]).includes(value)) return true;
    return (WIDGET_FALSE_FLAGS as readonly string[]).includes(value) ? false : undefined;
  },
  lang(raw) {
    const value = normaliseLang(raw);
    return isWidgetLanguage(value) ? value : undefined;
  },
  launcherLabel: text(MAX_LAUNCHER_LABEL_LENGTH),
  // At most ten ASCII digits, so the number is always a safe integer.
  zIndex: (raw) => (/^\d{1,10}$/.test(raw) && +raw <= MAX_Z_INDEX ? +raw : undefined),
  font: oneOf(WIDGET_FONTS),
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
    const value = (RULES[key] as Rule<typeof key>)(raw, isColor);
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
