import { describe, expect, it } from 'vitest';
import { normaliseLang, WIDGET_CONFIG_DEFAULTS } from './constants.js';
import { prng } from './test-support/prng.js';
import { WidgetConfig, type WidgetConfigKey } from './widget-config.js';
import {
  type ParsedWidgetConfig,
  type ParseWidgetConfigOptions,
  parseWidgetConfig,
} from './widget-config-parser.js';

const KEYS = Object.keys(WidgetConfig.shape) as WidgetConfigKey[];

/**
 * The oracle: the attributes read through the zod schema, field by field, as `parseWidgetConfig`
 * did before it went zod-free. An attribute is accepted when its schema field accepts it (after
 * the attribute syntax is unpacked: `a|b` lists, language tags, case-insensitive flags), and the
 * config is what `WidgetConfig.parse` makes of the accepted attributes.
 */
function viaSchema(
  dataset: Readonly<Record<string, unknown>>,
  {
    isColor = (v: string) => parseWidgetConfig({ accent: v }).warnings.length === 0,
  }: ParseWidgetConfigOptions = {},
): ParsedWidgetConfig {
  const input: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const key of KEYS) {
    const raw = dataset[key];
    if (raw === undefined) continue;
    const attribute = `data-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (typeof raw !== 'string') {
      warnings.push(`Parley: ignoring ${attribute} (not a string); using the default.`);
      continue;
    }
    const value =
      key === 'starters'
        ? raw
            .split('|')
            .map((s) => s.trim())
            .filter((s) => s.length > 0)
        : key === 'lang'
          ? normaliseLang(raw)
          : key === 'open'
            ? raw.trim().toLowerCase()
            : raw;
    const ok =
      WidgetConfig.shape[key].safeParse(value).success &&
      (key !== 'accent' || isColor(String(value).trim()));
    if (ok) input[key] = value;
    else {
      const shown = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw;
      warnings.push(`Parley: ignoring ${attribute}="${shown}" (invalid value); using the default.`);
    }
  }
  return { config: WidgetConfig.parse(input), warnings };
}

/** The config written back as attribute values; the schema must read it as the same config. */
function asAttributes(config: WidgetConfig): Record<string, unknown> {
  return { ...config, open: String(config.open), zIndex: String(config.zIndex) };
}

/** Compares the parser with the oracle on one dataset, and checks the output against the schema. */
function expectAgreement(
  dataset: Readonly<Record<string, unknown>>,
  options?: ParseWidgetConfigOptions,
): ParsedWidgetConfig {
  const label = JSON.stringify(dataset).slice(0, 200);
  const parsed = parseWidgetConfig(dataset as Record<string, string>, options);
  expect(parsed, label).toStrictEqual(viaSchema(dataset, options));
  expect(WidgetConfig.parse(asAttributes(parsed.config)), label).toStrictEqual(parsed.config);
  return parsed;
}

/** Values from the hand-written tables of `widget-config.test.ts`, and more edges. */
const CORPUS = [
  '',
  ' ',
  '   ',
  ' \n ',
  '\t',
  '\u00a0',
  '\ufeff',
  '\u2028',
  'https://support.acme.test',
  'http://localhost:3000',
  'https://acme.test/parley/',
  'HTTPS://ACME.TEST',
  '  https://acme.test  ',
  'https://ac\tme.test',
  'https://acme.test/\npath',
  'https:// acme.test',
  'https://[::1]:8080/',
  'https://user:pw@acme.test',
  'https://acme.test:99999',
  'http://',
  'support.acme.test',
  '/api',
  '//acme.test',
  'https://',
  'https:acme.test',
  'https:/acme.test',
  'ftp://acme.test',
  'ws://acme.test',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'file:///etc/passwd',
  'Acme help',
  '  Acme help  ',
  'Hi 👋\nHow can we help?',
  'Ask anything…',
  '\u0000\u0001\u001b[31m',
  '"><img src=x onerror=alert(1)>',
  '\ud800\udfff\udc00',
  ...[39, 40, 41, 63, 64, 65, 79, 80, 81, 119, 120, 121, 499, 500, 501].flatMap((n) => [
    'x'.repeat(n),
    ` ${'y'.repeat(n)} `,
    '👋'.repeat(Math.ceil(n / 2)),
  ]),
  '#fff',
  '#FFFF',
  '#0a7cff',
  '#0A7CFF80',
  '#ff',
  '#fffff',
  '#ggg',
  '#',
  '0a7cff',
  'rgb(10, 124, 255)',
  'rgba(10 124 255 / 50%)',
  'hsl(210 100% 52%)',
  'oklch(0.62 0.2 255)',
  'rebeccapurple',
  'Red',
  '  #fff  ',
  'red; background: url(https://evil.test)',
  'red}body{display:none',
  'url(https://evil.test/x.png)',
  'var(--brand)',
  'rgb(calc(1 + 1), 0, 0)',
  'rgb(0,0,0',
  '#fff #000',
  'light',
  'dark',
  'auto',
  'Dark',
  'blue',
  'bottom-right',
  'bottom-left',
  'top-left',
  'bottom right',
  'system',
  'inherit',
  'Arial',
  'toString',
  '__proto__',
  'constructor',
  'How much is it?',
  'Pricing?|Reset password|Talk to a human',
  '  Pricing? |  Reset password  ',
  '|Pricing?||  |Reset password|',
  ' | || ',
  'a|b|c|d|e|f',
  'a||b||c||d||e||f||',
  'a|b|c|d|e|f|g',
  `Pricing?|${'q'.repeat(121)}`,
  'Preise? 💶|¿Precio?',
  'true',
  '1',
  'yes',
  'on',
  'open',
  'TRUE',
  ' Yes ',
  'false',
  'OFF',
  '0',
  'no',
  'maybe',
  '2',
  'İ',
  'en',
  'es',
  'de',
  'fr',
  'ar',
  'de-AT',
  'de_CH',
  'DE',
  'En-gb',
  'es-419',
  ' es ',
  'pt',
  'pt-BR',
  'zh-Hans',
  'english',
  'deu',
  '-de',
  'd',
  'x-de',
  '*',
  '007',
  '1000',
  '2147483000',
  '2147483647',
  '2147483648',
  '-1',
  '9999999999',
  '10000000000',
  '1.5',
  '1e3',
  '0x10',
  '+5',
  ' 10 ',
  '10px',
  'Infinity',
  'NaN',
  '٣',
];

/** Pieces the generator joins: URL parts, separators, whitespace of every kind, flags, digits. */
const FRAGMENTS = [
  'http',
  'https',
  'HTTP',
  '://',
  ':',
  '//',
  '/',
  'acme.test',
  'localhost:3000',
  'ftp',
  '?q=1',
  '#',
  '@',
  '%',
  ' ',
  '\t',
  '\n',
  '\r',
  '\u00a0',
  '\ufeff',
  '\u200b',
  'de',
  'DE',
  'en',
  'ar',
  'pt',
  '-',
  '_',
  'AT',
  '|',
  '||',
  'true',
  'TRUE',
  'open',
  'off',
  'no',
  '0',
  '1',
  '7',
  '2147483647',
  '2147483648',
  '.',
  'e',
  'light',
  'dark',
  'auto',
  'bottom-right',
  'bottom-left',
  'system',
  'inherit',
  'rgb(',
  ')',
  'fff',
  '0a7cff',
  'red',
  ';',
  '{',
  '👋',
  '\ud800',
  'İ',
  'ß',
  'x'.repeat(38),
  'y'.repeat(59),
  'z'.repeat(118),
  'w'.repeat(498),
];

function randomString(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  if (random() < 0.2) {
    // Something URL-shaped, so that data-server is sometimes valid.
    const scheme = pick(['http', 'https', 'HTTPS', 'ftp', 'javascript', '']);
    const separator = pick(['://', '://', ':', ':/', '//', ':\t//']);
    const host = pick(['acme.test', 'localhost:3000', '[::1]', '', 'a b', 'ac\tme.test', '%zz']);
    const path = pick(['', '/', '/parley/', '/p\n1', '?q=1#x', ' ']);
    const pad = pick(['', ' ', '\n', '\u00a0']);
    return `${pad}${scheme}${separator}${host}${path}${pad}`;
  }
  if (random() < 0.2) {
    // A run of one character near a length limit, maybe padded.
    const length = pick([40, 64, 80, 120, 500]) + Math.floor(random() * 5) - 2;
    const pad = pick(['', ' ', '\n']);
    return `${pad}${pick(['a', '👋', ' ']).repeat(length).slice(0, Math.max(0, length))}${pad}`;
  }
  let out = '';
  const parts = Math.floor(random() * 7);
  for (let i = 0; i < parts; i++) out += pick(FRAGMENTS);
  return out;
}

/** Accepts a deterministic half of all values, so the accent rule's order of checks shows. */
const oddColor = (value: string) => value.length % 2 === 1;

describe('parseWidgetConfig matches the WidgetConfig schema', () => {
  it('starts from the schema defaults', () => {
    expect(WidgetConfig.parse({})).toStrictEqual({ ...WIDGET_CONFIG_DEFAULTS, starters: [] });
    expect(expectAgreement({}).config).toStrictEqual(WidgetConfig.parse({}));
  });

  it.each(KEYS)('reads data-%s like the schema, for every value of the corpus', (key) => {
    for (const raw of CORPUS) {
      expectAgreement({ [key]: raw });
      expectAgreement({ [key]: raw }, { isColor: oddColor });
    }
  });

  it.each(KEYS)('reads data-%s like the schema, for generated strings', (key) => {
    const random = prng(0x51de + KEYS.indexOf(key));
    let accepted = 0;
    const runs = 1500;
    for (let run = 0; run < runs; run++) {
      const raw = randomString(random);
      if (expectAgreement({ [key]: raw }).warnings.length === 0) accepted++;
      expectAgreement({ [key]: raw }, { isColor: oddColor });
    }
    // Both outcomes must occur, or the loop proves little.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(runs);
  });

  it('reads generated whole script tags like the schema, warnings in field order', () => {
    const random = prng(0xda7a);
    const pool = [...CORPUS, ...CORPUS.map(() => randomString(random))];
    for (let run = 0; run < 1500; run++) {
      const dataset: Record<string, unknown> = {};
      for (const key of KEYS) {
        if (random() < 0.5) dataset[key] = pool[Math.floor(random() * pool.length)];
      }
      if (random() < 0.1) dataset.extra = 'ignored';
      if (random() < 0.1) dataset[KEYS[Math.floor(random() * KEYS.length)] as string] = 5;
      expectAgreement(dataset);
    }
  });
});
