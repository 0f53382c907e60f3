import * as z from 'zod/mini';

export const WIDGET_LANGUAGES = ['en', 'es', 'de', 'fr', 'ar'] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const TRUE_FLAGS = ['', 'true', '1', 'yes', 'on', 'open'] as const;
/** Boolean attributes: present-but-empty means true, as in HTML; matched case-insensitively. */
const flag = z.pipe(
  z.enum([...TRUE_FLAGS, 'false', '0', 'no', 'off']),
  z.transform((value) => (TRUE_FLAGS as readonly string[]).includes(value)),
);

/**
 * The `data-*` attributes of the widget's script tag, by their `dataset` names. Text fields left
 * out are filled from the visitor's language at render time, so they stay optional here.
 */
export const WidgetConfig = z.object({
  /** Base URL of the Parley server; defaults to the origin the script was loaded from. */
  server: z.optional(z.url({ protocol: /^https?$/ })),
  title: z.optional(text(80)),
  subtitle: z.optional(text(120)),
  greeting: z.optional(text(500)),
  placeholder: z.optional(text(80)),
  /** Any CSS colour; the widget picks black or white text on it for contrast. */
  accent: z.optional(text(64)),
  theme: z._default(z.enum(['light', 'dark', 'auto']), 'auto'),
  position: z._default(z.enum(['bottom-right', 'bottom-left']), 'bottom-right'),
  /** Suggested first questions, written `a|b|c` in the attribute. */
  starters: z._default(z.array(text(120)).check(z.maxLength(6)), []),
  open: z._default(flag, false),
  /** UI language; defaults to the page's `lang`, else English. */
  lang: z.optional(z.enum(WIDGET_LANGUAGES)),
  launcherLabel: z.optional(text(40)),
  zIndex: z._default(
    z
      .pipe(z.string().check(z.regex(/^\d{1,10}$/)), z.transform(Number))
      .check(z.refine((n) => Number.isSafeInteger(n) && n >= 0 && n <= 2147483647)),
    2147483000,
  ),
  font: z._default(z.enum(['system', 'inherit']), 'system'),
});
export type WidgetConfig = z.output<typeof WidgetConfig>;
export type WidgetConfigKey = keyof WidgetConfig;

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

const FIELDS = Object.keys(WidgetConfig.shape) as WidgetConfigKey[];
const DEFAULT_COLOR =
  /^(#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|(rgb|rgba|hsl|hsla|hwb|lab|lch|oklab|oklch)\([^;{}()]*\)|[a-z]{3,30})$/i;

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
  options: ParseWidgetConfigOptions = {},
): ParsedWidgetConfig {
  const isColor = options.isColor ?? ((v: string) => DEFAULT_COLOR.test(v));
  const input: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const key of FIELDS) {
    const raw: unknown = dataset[key];
    if (raw === undefined) continue;
    // A `dataset` only holds strings, but a JavaScript caller may pass anything; ignore it rather
    // than throw (splitting or printing it could).
    if (typeof raw !== 'string') {
      warnings.push(`Parley: ignoring ${attributeName(key)} (not a string); using the default.`);
      continue;
    }
    const value =
      key === 'starters'
        ? splitStarters(raw)
        : key === 'lang'
          ? normaliseLang(raw)
          : key === 'open'
            ? raw.trim().toLowerCase()
            : raw;
    const field = WidgetConfig.shape[key];
    const ok =
      field.safeParse(value).success && (key !== 'accent' || isColor(String(value).trim()));
    if (ok) input[key] = value;
    else {
      // Quote at most a short prefix: a pasted megabyte must not become a megabyte warning.
      const shown = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
      warnings.push(
        `Parley: ignoring ${attributeName(key)}="${shown}" (invalid value); using the default.`,
      );
    }
  }
  // Every field is individually valid now, so the object parse only fills in defaults.
  return { config: WidgetConfig.parse(input), warnings };
}

function splitStarters(raw: string): string[] {
  return raw
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `de-AT` and `DE` both mean German; anything unsupported stays as written and is rejected. */
export function normaliseLang(raw: string): string {
  return raw.trim().toLowerCase().split(/[-_]/)[0] ?? '';
}
