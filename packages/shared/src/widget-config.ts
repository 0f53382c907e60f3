import * as z from 'zod/mini';
import {
  MAX_ACCENT_LENGTH,
  MAX_GREETING_LENGTH,
  MAX_LAUNCHER_LABEL_LENGTH,
  MAX_PLACEHOLDER_LENGTH,
  MAX_STARTER_LENGTH,
  MAX_STARTERS,
  MAX_SUBTITLE_LENGTH,
  MAX_TITLE_LENGTH,
  MAX_Z_INDEX,
  WIDGET_CONFIG_DEFAULTS,
  WIDGET_FALSE_FLAGS,
  WIDGET_FONTS,
  WIDGET_LANGUAGES,
  WIDGET_POSITIONS,
  WIDGET_THEMES,
  WIDGET_TRUE_FLAGS,
} from './constants.js';

export {
  normaliseLang,
  WIDGET_CONFIG_DEFAULTS,
  WIDGET_LANGUAGES,
  type WidgetLanguage,
} from './constants.js';
export {
  type ParsedWidgetConfig,
  type ParseWidgetConfigOptions,
  parseWidgetConfig,
} from './widget-config-parser.js';

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const flag = /* @__PURE__ */ z.pipe(
  z.enum([...WIDGET_TRUE_FLAGS, ...WIDGET_FALSE_FLAGS]),
  z.transform((value) => (WIDGET_TRUE_FLAGS as readonly string[]).includes(value)),
);

/**
 * The `data-*` attributes of the widget's script tag, by their `dataset` names: the declared
 * contract. Text fields left out are filled from the visitor's language at render time, so they
 * stay optional here. Script tags are read by the zod-free {@link parseWidgetConfig}, which
 * `widget-config-parser.test.ts` holds to exactly what this schema accepts.
 */
export const WidgetConfig = /* @__PURE__ */ z.object({
  /** Base URL of the Parley server; defaults to the origin the script was loaded from. */
  server: z.optional(z.url({ protocol: /^https?$/ })),
  title: z.optional(text(MAX_TITLE_LENGTH)),
  subtitle: z.optional(text(MAX_SUBTITLE_LENGTH)),
  greeting: z.optional(text(MAX_GREETING_LENGTH)),
  placeholder: z.optional(text(MAX_PLACEHOLDER_LENGTH)),
  /** Any CSS colour; the widget picks black or white text on it for contrast. */
  accent: z.optional(text(MAX_ACCENT_LENGTH)),
  theme: z._default(z.enum(WIDGET_THEMES), WIDGET_CONFIG_DEFAULTS.theme),
  position: z._default(z.enum(WIDGET_POSITIONS), WIDGET_CONFIG_DEFAULTS.position),
  /** Suggested first questions, written `a|b|c` in the attribute. */
  starters: z._default(z.array(text(MAX_STARTER_LENGTH)).check(z.maxLength(MAX_STARTERS)), () => [
    ...WIDGET_CONFIG_DEFAULTS.starters,
  ]),
  open: z._default(flag, WIDGET_CONFIG_DEFAULTS.open),
  /** UI language; defaults to the page's `lang`, else English. */
  lang: z.optional(z.enum(WIDGET_LANGUAGES)),
  launcherLabel: z.optional(text(MAX_LAUNCHER_LABEL_LENGTH)),
  zIndex: z._default(
    z
      .pipe(z.string().check(z.regex(/^\d{1,10}$/)), z.transform(Number))
      .check(z.refine((n) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_Z_INDEX)),
    WIDGET_CONFIG_DEFAULTS.zIndex,
  ),
  font: z._default(z.enum(WIDGET_FONTS), WIDGET_CONFIG_DEFAULTS.font),
});
export type WidgetConfig = z.output<typeof WidgetConfig>;
export type WidgetConfigKey = keyof WidgetConfig;
