import type {
  ParsedWidgetConfig,
  ParseWidgetConfigOptions,
  WidgetConfig,
  WidgetConfigKey,
} from '@parley/shared';
import { isWidgetLanguage, normaliseLang } from './contract';

type IsColor = (value: string) => boolean;
/** Returns the field's value, or `undefined` when the attribute is invalid. */
type Rule<K extends WidgetConfigKey> = (
  raw: string,
  isColor: IsColor,
) => WidgetConfig[K] | undefined;

/** The defaults of `WidgetConfig`; `config.test.ts` compares them with shared's schema. */
export const DEFAULTS = {
  theme: 'auto',
  position: 'bottom-right',
  starters: [],
  open: false,
  zIndex: 2147483000,
  font: 'system',
} satisfies Partial<WidgetConfig>;

const TRUE_FLAGS = ['', 'true', '1', 'yes', 'on', 'open'];
const FALSE_FLAGS = ['false', '0', 'no', 'off'];

const text =
  (max: number) =>
  (raw: string): string | undefined => {
    const value = raw.trim();
    return value && value.length <= max ? value : undefined;
  };

// Keyed by every allowed value, so TypeScript rejects a missing or unknown one.
const oneOf =
  <T extends string>(choices: Record<T, 1>) =>
  (raw: string): T | undefined =>
    Object.hasOwn(choices, raw) ? (raw as T) : undefined;

/**
 * One rule per `WidgetConfig` field, with the same meaning as the shared schema. The mapped type
 * makes a field added to the contract a compile error here until it has a rule.
 */
const RULES: { [K in WidgetConfigKey]-?: Rule<K> } = {
  server(raw) {
    const value = raw.trim();
    if (!/^https?:\/\//i.test(value)) return undefined;
    try {
      // The URL parser drops tabs and newlines, so they are dropped from the value too.
      return /^https?:$/.test(new URL(value).protocol) ? value.replace(/[\t\n\r]/g, '') : undefined;
    } catch {
      return undefined;
    }
  },
  title: text(80),
  subtitle: text(120),
  greeting: text(500),
  placeholder: text(80),
  accent(raw, isColor) {
    const value = text(64)(raw);
    return value && isColor(value) ? value : undefined;
  },
  theme: oneOf({ light: 1, dark: 1, auto: 1 }),
  position: oneOf({ 'bottom-right': 1, 'bottom-left': 1 }),
  starters(raw) {
    const list = raw
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean);
    return list.length <= 6 && list.every((s) => s.length <= 120) ? list : undefined;
  },
  open(raw) {
    const value = raw.trim().toLowerCase();
    return TRUE_FLAGS.includes(value) ? true : FALSE_FLAGS.includes(value) ? false : undefined;
  },
  lang(raw) {
    const value = normaliseLang(raw);
    return isWidgetLanguage(value) ? value : undefined;
  },
  launcherLabel: text(40),
  zIndex: (raw) => (/^\d{1,10}$/.test(raw) && +raw <= 2147483647 ? +raw : undefined),
  font: oneOf({ system: 1, inherit: 1 }),
};

const attributeName = (key: string) =>
  `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * Reads the script tag's `data-*` attributes exactly as shared's `parseWidgetConfig` does (same
 * result, same warnings), without bundling zod. It never throws: an invalid attribute is
 * ignored, its default applies, and one warning names it.
 *
 * @example
 * readWidgetConfig({ title: 'Acme help', theme: 'dark', starters: 'Pricing?|Reset password' })
 */
export function readWidgetConfig(
  dataset: Readonly<Record<string, string | undefined>>,
  { isColor = (value) => CSS.supports('color', value) }: ParseWidgetConfigOptions = {},
): ParsedWidgetConfig {
  const config: Record<string, unknown> = { ...DEFAULTS, starters: [] };
  const warnings: string[] = [];
  for (const key of Object.keys(RULES) as WidgetConfigKey[]) {
    const raw: unknown = dataset[key];
    if (raw === undefined) continue;
    if (typeof raw !== 'string') {
      warnings.push(`Parley: ignoring ${attributeName(key)} (not a string); using the default.`);
      continue;
    }
    const value = (RULES[key] as Rule<typeof key>)(raw, isColor);
    if (value !== undefined) config[key] = value;
    else {
      // Quote at most a short prefix: a pasted megabyte must not become a megabyte warning.
      const shown = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
      warnings.push(
        `Parley: ignoring ${attributeName(key)}="${shown}" (invalid value); using the default.`,
      );
    }
  }
  return { config: config as WidgetConfig, warnings };
}
