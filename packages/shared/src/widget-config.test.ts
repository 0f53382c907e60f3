import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { pick } from '../test/mutate.js';
import { prng } from '../test/prng.js';
import {
  normaliseLang,
  parseWidgetConfig,
  WIDGET_LANGUAGES,
  type WidgetConfig,
  type WidgetConfigKey,
  type WidgetLanguage,
} from './widget-config.js';

const DEFAULTS: WidgetConfig = {
  theme: 'auto',
  position: 'bottom-right',
  starters: [],
  open: false,
  zIndex: 2147483000,
  font: 'system',
};

/** Parses a dataset holding one attribute. */
function parseOne(key: WidgetConfigKey, raw: string) {
  return parseWidgetConfig({ [key]: raw });
}

/** The attribute name a visitor's page would use for a `dataset` key. */
const ATTRIBUTES: Record<WidgetConfigKey, string> = {
  server: 'data-server',
  title: 'data-title',
  subtitle: 'data-subtitle',
  greeting: 'data-greeting',
  placeholder: 'data-placeholder',
  accent: 'data-accent',
  theme: 'data-theme',
  position: 'data-position',
  starters: 'data-starters',
  open: 'data-open',
  lang: 'data-lang',
  launcherLabel: 'data-launcher-label',
  zIndex: 'data-z-index',
  font: 'data-font',
  identityToken: 'data-identity-token',
};

describe('parseWidgetConfig defaults', () => {
  it('uses the defaults for an empty dataset, without warnings', () => {
    expect(parseWidgetConfig({})).toStrictEqual({ config: DEFAULTS, warnings: [] });
  });

  it('treats attributes set to undefined as absent', () => {
    const dataset = Object.fromEntries(Object.keys(ATTRIBUTES).map((key) => [key, undefined]));
    expect(parseWidgetConfig(dataset)).toStrictEqual({ config: DEFAULTS, warnings: [] });
  });

  it('ignores data attributes it does not know, without warnings', () => {
    expect(parseWidgetConfig({ src: 'x', parleyDebug: '1', color: 'red' })).toStrictEqual({
      config: DEFAULTS,
      warnings: [],
    });
  });

  it('leaves text fields unset, to be filled from the visitor language', () => {
    const { config } = parseWidgetConfig({});
    for (const key of [
      'server',
      'title',
      'subtitle',
      'greeting',
      'placeholder',
      'accent',
    ] as const) {
      expect(config).not.toHaveProperty(key);
    }
    expect(config).not.toHaveProperty('lang');
    expect(config).not.toHaveProperty('launcherLabel');
  });

  it('reads a whole script tag', () => {
    const { config, warnings } = parseWidgetConfig({
      server: 'https://support.acme.test',
      title: 'Acme help',
      subtitle: 'We reply in minutes',
      greeting: 'Hi! How can we help?',
      placeholder: 'Ask anything…',
      accent: '#0a7cff',
      theme: 'dark',
      position: 'bottom-left',
      starters: 'Pricing?|Reset password',
      open: '',
      lang: 'de-AT',
      launcherLabel: 'Chat',
      zIndex: '1000',
      font: 'inherit',
    });
    expect(warnings).toStrictEqual([]);
    expect(config).toStrictEqual({
      server: 'https://support.acme.test',
      title: 'Acme help',
      subtitle: 'We reply in minutes',
      greeting: 'Hi! How can we help?',
      placeholder: 'Ask anything…',
      accent: '#0a7cff',
      theme: 'dark',
      position: 'bottom-left',
      starters: ['Pricing?', 'Reset password'],
      open: true,
      lang: 'de',
      launcherLabel: 'Chat',
      zIndex: 1000,
      font: 'inherit',
    });
  });
});

/** Valid values of every attribute, each with what the config should hold. */
const VALID: Array<[WidgetConfigKey, string, unknown]> = [
  ['server', 'https://support.acme.test', 'https://support.acme.test'],
  ['server', 'http://localhost:3000', 'http://localhost:3000'],
  ['server', 'https://acme.test/parley/', 'https://acme.test/parley/'],
  ['server', 'HTTPS://ACME.TEST', 'HTTPS://ACME.TEST'],
  ['server', '  https://acme.test  ', 'https://acme.test'],
  ['title', 'Acme help', 'Acme help'],
  ['title', '  Acme help  ', 'Acme help'],
  ['title', 't'.repeat(80), 't'.repeat(80)],
  ['subtitle', 's'.repeat(120), 's'.repeat(120)],
  ['greeting', 'Hi 👋\nHow can we help?', 'Hi 👋\nHow can we help?'],
  ['greeting', 'g'.repeat(500), 'g'.repeat(500)],
  ['placeholder', 'Ask anything…', 'Ask anything…'],
  ['placeholder', 'p'.repeat(80), 'p'.repeat(80)],
  ['launcherLabel', 'Chat', 'Chat'],
  ['launcherLabel', 'l'.repeat(40), 'l'.repeat(40)],
  ['theme', 'light', 'light'],
  ['theme', 'dark', 'dark'],
  ['theme', 'auto', 'auto'],
  ['position', 'bottom-right', 'bottom-right'],
  ['position', 'bottom-left', 'bottom-left'],
  ['font', 'system', 'system'],
  ['font', 'inherit', 'inherit'],
];

/** Invalid values of every attribute. */
const INVALID: Array<[WidgetConfigKey, string]> = [
  ['server', ''],
  ['server', 'support.acme.test'],
  ['server', '/api'],
  ['server', '//acme.test'],
  ['server', 'https://'],
  ['server', 'https:acme.test'],
  ['server', 'ftp://acme.test'],
  ['server', 'ws://acme.test'],
  ['server', 'javascript:alert(1)'],
  ['server', 'data:text/html,<script>alert(1)</script>'],
  ['server', 'file:///etc/passwd'],
  ['title', ''],
  ['title', '   '],
  ['title', 't'.repeat(81)],
  ['subtitle', ''],
  ['subtitle', 's'.repeat(121)],
  ['greeting', ' \n '],
  ['greeting', 'g'.repeat(501)],
  ['placeholder', ''],
  ['placeholder', 'p'.repeat(81)],
  ['launcherLabel', ''],
  ['launcherLabel', 'l'.repeat(41)],
  ['accent', ''],
  ['accent', '#ff'],
  ['theme', ''],
  ['theme', 'Dark'],
  ['theme', 'blue'],
  ['position', ''],
  ['position', 'top-left'],
  ['position', 'bottom right'],
  ['font', ''],
  ['font', 'Arial'],
  ['open', 'maybe'],
  ['open', '2'],
  ['lang', ''],
  ['lang', 'pt'],
  ['zIndex', ''],
  ['zIndex', 'auto'],
];

/** Warnings quote at most the first 60 characters of a value. */
const shown = (raw: string) => (raw.length > 60 ? `${raw.slice(0, 60)}…` : raw);

/** The one warning for an attribute whose value is refused: named as written, cut at 60. */
const refused = (key: WidgetConfigKey, raw: string) =>
  `Parley: ignoring ${ATTRIBUTES[key]}="${shown(raw)}" (invalid value); using the default.`;

/** What parsing one refused value gives: the defaults, and that warning. */
const refusedOnly = (key: WidgetConfigKey, raw: string) => ({
  config: DEFAULTS,
  warnings: [refused(key, raw)],
});

describe('parseWidgetConfig attributes', () => {
  it.each(VALID)('accepts %s=%j', (key, raw, expected) => {
    const { config, warnings } = parseOne(key, raw);
    expect(warnings).toStrictEqual([]);
    expect(config[key]).toStrictEqual(expected);
  });

  it.each(INVALID)('ignores %s=%j with one warning and uses the default', (key, raw) => {
    const { config, warnings } = parseOne(key, raw);
    expect(config).toStrictEqual(DEFAULTS);
    expect(warnings).toStrictEqual([refused(key, raw)]);
  });

  it('warns once per invalid attribute, in field order, keeping the valid ones', () => {
    const { config, warnings } = parseWidgetConfig({
      title: 'Acme help',
      zIndex: 'high',
      theme: 'blue',
      launcherLabel: '',
      font: 'inherit',
      lang: 'pt',
    });
    expect(config).toStrictEqual({ ...DEFAULTS, title: 'Acme help', font: 'inherit' });
    expect(warnings).toStrictEqual([
      'Parley: ignoring data-theme="blue" (invalid value); using the default.',
      'Parley: ignoring data-lang="pt" (invalid value); using the default.',
      'Parley: ignoring data-launcher-label="" (invalid value); using the default.',
      'Parley: ignoring data-z-index="high" (invalid value); using the default.',
    ]);
  });

  it('names every attribute in kebab case when all of them are invalid', () => {
    const dataset = Object.fromEntries(Object.keys(ATTRIBUTES).map((key) => [key, ' '.repeat(3)]));
    // Blank starters just mean no starters, so that attribute is made invalid another way.
    dataset.starters = 'x'.repeat(121);
    // A blank boolean attribute means true, as in HTML.
    dataset.open = 'maybe';
    const { config, warnings } = parseWidgetConfig(dataset);
    expect(config).toStrictEqual(DEFAULTS);
    expect(warnings).toHaveLength(Object.keys(ATTRIBUTES).length);
    for (const [index, attribute] of Object.values(ATTRIBUTES).entries()) {
      expect(warnings[index]).toContain(`${attribute}="`);
    }
  });
});

describe('data-starters', () => {
  it.each([
    ['a single question', 'How much is it?', ['How much is it?']],
    [
      'questions split on |',
      'Pricing?|Reset password|Talk to a human',
      ['Pricing?', 'Reset password', 'Talk to a human'],
    ],
    [
      'padding around each question, trimmed',
      '  Pricing? |  Reset password  ',
      ['Pricing?', 'Reset password'],
    ],
    ['blank entries, dropped', '|Pricing?||  |Reset password|', ['Pricing?', 'Reset password']],
    ['an empty attribute, as no starters', '', []],
    ['only separators, as no starters', ' | || ', []],
    ['six questions', 'a|b|c|d|e|f', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['six questions among blanks', 'a||b||c||d||e||f||', ['a', 'b', 'c', 'd', 'e', 'f']],
    ['a 120-character question', 'q'.repeat(120), ['q'.repeat(120)]],
    ['unicode', 'Preise? 💶|¿Precio?', ['Preise? 💶', '¿Precio?']],
  ])('accepts %s', (_label, raw, starters) => {
    expect(parseOne('starters', raw)).toStrictEqual({
      config: { ...DEFAULTS, starters },
      warnings: [],
    });
  });

  it.each([
    ['seven questions', 'a|b|c|d|e|f|g'],
    ['a 121-character question', `Pricing?|${'q'.repeat(121)}`],
  ])('ignores %s with a warning and shows none', (_label, raw) => {
    expect(parseOne('starters', raw)).toStrictEqual(refusedOnly('starters', raw));
  });
});

describe('data-open', () => {
  it.each([
    ['', true],
    ['true', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['open', true],
    ['TRUE', true],
    [' Yes ', true],
    ['   ', true],
    ['false', false],
    ['OFF', false],
    ['0', false],
    ['no', false],
  ])('reads %j as %s', (raw, open) => {
    expect(parseOne('open', raw)).toStrictEqual({ config: { ...DEFAULTS, open }, warnings: [] });
  });
});

describe('data-z-index', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['007', 7],
    ['1000', 1000],
    ['2147483000', 2147483000],
    ['2147483647', 2147483647],
  ])('reads %j as %d', (raw, zIndex) => {
    expect(parseOne('zIndex', raw)).toStrictEqual({
      config: { ...DEFAULTS, zIndex },
      warnings: [],
    });
  });

  it.each([
    ['a negative number', '-1'],
    ['a large negative number', '-2147483648'],
    ['one over the 32-bit maximum', '2147483648'],
    ['ten nines', '9999999999'],
    ['eleven digits', '10000000000'],
    ['a decimal', '1.5'],
    ['an exponent', '1e3'],
    ['hexadecimal', '0x10'],
    ['a plus sign', '+5'],
    ['surrounding spaces', ' 10 '],
    ['digits and letters', '10px'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
  ])('ignores %s', (_label, raw) => {
    const { config, warnings } = parseOne('zIndex', raw);
    expect(config.zIndex).toBe(2147483000);
    expect(warnings).toStrictEqual([refused('zIndex', raw)]);
  });
});

describe('data-lang', () => {
  it.each(WIDGET_LANGUAGES)('accepts %s', (lang) => {
    expect(parseOne('lang', lang)).toStrictEqual({ config: { ...DEFAULTS, lang }, warnings: [] });
  });

  it.each([
    ['de-AT', 'de'],
    ['de_CH', 'de'],
    ['DE', 'de'],
    ['En-gb', 'en'],
    ['es-419', 'es'],
    ['fr-CA', 'fr'],
    ['ar-EG', 'ar'],
    [' es ', 'es'],
  ])('normalises %j to %s', (raw, lang) => {
    expect(parseOne('lang', raw)).toStrictEqual({ config: { ...DEFAULTS, lang }, warnings: [] });
  });

  it.each(['pt', 'pt-BR', 'zh-Hans', 'english', 'deu', '-de', 'd', 'x-de', '*'])(
    'rejects %j, naming it as written',
    (raw) => {
      expect(parseOne('lang', raw)).toStrictEqual(refusedOnly('lang', raw));
    },
  );
});

describe('normaliseLang', () => {
  it.each([
    ['en', 'en'],
    ['de-AT', 'de'],
    ['pt_BR', 'pt'],
    ['  FR  ', 'fr'],
    ['zh-Hant-TW', 'zh'],
    ['', ''],
    ['-', ''],
  ])('turns %j into %j', (raw, lang) => {
    expect(normaliseLang(raw)).toBe(lang);
  });
});

describe('data-accent', () => {
  it.each([
    '#fff',
    '#FFFF',
    '#0a7cff',
    '#0A7CFF80',
    'rgb(10, 124, 255)',
    'rgba(10 124 255 / 50%)',
    'hsl(210 100% 52%)',
    'hsla(210, 100%, 52%, 0.5)',
    'hwb(210 4% 0%)',
    'lab(52% 10 -60)',
    'lch(52% 60 270)',
    'oklab(0.6 -0.05 -0.2)',
    'oklch(0.62 0.2 255)',
    'rebeccapurple',
    'Red',
  ])('accepts %j with the default colour check', (accent) => {
    expect(parseOne('accent', accent)).toStrictEqual({
      config: { ...DEFAULTS, accent },
      warnings: [],
    });
  });

  it('trims the accent', () => {
    expect(parseOne('accent', '  #fff  ').config.accent).toBe('#fff');
  });

  it.each([
    ['', 'empty'],
    ['#ff', 'two hex digits'],
    ['#fffff', 'five hex digits'],
    ['#fffffff', 'seven hex digits'],
    ['#ggg', 'non-hex digits'],
    ['#', 'a lone hash'],
    ['0a7cff', 'hex digits without a hash'],
    ['red; background: url(https://evil.test)', 'a declaration injection'],
    ['red}body{display:none', 'a rule injection'],
    ['url(https://evil.test/x.png)', 'a url()'],
    ['expression(alert(1))', 'an IE expression'],
    ['var(--brand)', 'a custom property'],
    ['rgb(calc(1 + 1), 0, 0)', 'nested parentheses'],
    ['rgb(0,0,0', 'an unclosed function'],
    ['#fff #000', 'two colours'],
    ['a'.repeat(31), 'a 31-letter word'],
    ['c'.repeat(65), 'more than 64 characters'],
  ])('rejects %j (%s) with the default colour check', (accent) => {
    expect(parseOne('accent', accent)).toStrictEqual(refusedOnly('accent', accent));
  });

  it('asks a custom isColor, passing the trimmed value', () => {
    const isColor = vi.fn((value: string) => value === 'var(--brand)');
    const { config, warnings } = parseWidgetConfig({ accent: '  var(--brand) ' }, { isColor });
    expect(isColor).toHaveBeenCalledWith('var(--brand)');
    expect(config.accent).toBe('var(--brand)');
    expect(warnings).toStrictEqual([]);
  });

  it('lets a custom isColor reject what the default check would accept', () => {
    const { config, warnings } = parseWidgetConfig({ accent: '#fff' }, { isColor: () => false });
    expect(config).toStrictEqual(DEFAULTS);
    expect(warnings).toStrictEqual([
      'Parley: ignoring data-accent="#fff" (invalid value); using the default.',
    ]);
  });

  it('does not ask isColor about a value that is already too long or empty', () => {
    const isColor = vi.fn(() => true);
    parseWidgetConfig({ accent: 'c'.repeat(65) }, { isColor });
    parseWidgetConfig({ accent: '  ' }, { isColor });
    expect(isColor).not.toHaveBeenCalled();
  });

  it('does not ask isColor when there is no accent', () => {
    const isColor = vi.fn(() => true);
    expect(parseWidgetConfig({ title: 'Acme' }, { isColor }).warnings).toStrictEqual([]);
    expect(isColor).not.toHaveBeenCalled();
  });
});

describe('parseWidgetConfig on weird input', () => {
  const huge = 'x'.repeat(1_000_000);

  it('never throws on extremely long values, and ignores each of them', () => {
    const dataset = Object.fromEntries(Object.keys(ATTRIBUTES).map((key) => [key, huge]));
    const { config, warnings } = parseWidgetConfig(dataset);
    expect(config).toStrictEqual(DEFAULTS);
    expect(warnings).toHaveLength(Object.keys(ATTRIBUTES).length);
  });

  it.each([
    ['a long URL', 'server', `https://acme.test/${'a'.repeat(100_000)}`],
    ['a huge list of starters', 'starters', 'Pricing?|'.repeat(100_000)],
    ['many separators', 'starters', '|'.repeat(1_000_000)],
    ['a long run of digits', 'zIndex', '9'.repeat(1_000_000)],
    ['a long colour function', 'accent', `rgb(${'1 '.repeat(100_000)}`],
    ['a long language tag', 'lang', `de${'-x'.repeat(100_000)}`],
  ] as Array<[string, WidgetConfigKey, string]>)('never throws on %s', (_label, key, raw) => {
    expect(() => parseOne(key, raw)).not.toThrow();
  });

  it.each([
    ['control characters', '\u0000\u0001\u001b[31m'],
    ['quotes and markup', '"><img src=x onerror=alert(1)>'],
    ['lone surrogates', '\ud800\udfff\udc00'],
    ['a byte order mark', '\ufeff'],
    ['prototype names', '__proto__'],
  ])('never throws on %s in any attribute', (_label, raw) => {
    for (const key of Object.keys(ATTRIBUTES)) {
      expect(() => parseWidgetConfig({ [key]: raw }), key).not.toThrow();
    }
  });

  it('ignores own keys named after Object.prototype members', () => {
    const dataset = JSON.parse('{"__proto__":"x","constructor":"x","toString":"x"}');
    expect(parseWidgetConfig(dataset)).toStrictEqual({ config: DEFAULTS, warnings: [] });
  });

  it.each([
    ['null', null],
    ['a number', 5],
    ['a boolean', true],
    ['an array', ['Pricing?', 'Reset password']],
    ['an object', { en: 'Help' }],
    ['an object without a prototype', Object.create(null)],
    ['a symbol', Symbol('x')],
  ])('never throws when a JavaScript caller passes %s, and ignores it', (_label, raw) => {
    for (const [key, attribute] of Object.entries(ATTRIBUTES)) {
      const dataset = { [key]: raw } as unknown as Record<string, string>;
      let result: ReturnType<typeof parseWidgetConfig> | undefined;
      expect(() => {
        result = parseWidgetConfig(dataset);
      }, key).not.toThrow();
      expect(result?.config, key).toStrictEqual(DEFAULTS);
      expect(result?.warnings, key).toHaveLength(1);
      expect(result?.warnings[0], key).toContain(attribute);
    }
  });
});

describe('data-identity-token', () => {
  it('keeps a JWT-shaped value, trimmed', () => {
    expect(parseOne('identityToken', ' aaa.bbb.ccc ').config.identityToken).toBe('aaa.bbb.ccc');
  });

  it.each(['not a token', 'a.b', 'a.b.c.d', `${'a'.repeat(4096)}.b.c`])('ignores %j', (raw) => {
    const result = parseOne('identityToken', raw);
    expect(result.config.identityToken).toBeUndefined();
    expect(result.warnings[0]).toContain('data-identity-token');
  });
});

describe('WidgetConfig', () => {
  it('always has the attributes with a default, and the others only when given', () => {
    // `branded` compares the properties: the type is written as an intersection.
    expectTypeOf<WidgetConfig>().branded.toEqualTypeOf<{
      server?: string;
      title?: string;
      subtitle?: string;
      greeting?: string;
      placeholder?: string;
      accent?: string;
      theme: 'light' | 'dark' | 'auto';
      position: 'bottom-right' | 'bottom-left';
      starters: string[];
      open: boolean;
      identityToken?: string;
      lang?: WidgetLanguage;
      launcherLabel?: string;
      zIndex: number;
      font: 'system' | 'inherit';
    }>();
    expectTypeOf<WidgetConfigKey>().toEqualTypeOf<keyof WidgetConfig>();
  });
});

describe('parseWidgetConfig on generated script tags', () => {
  const KEYS = Object.keys(ATTRIBUTES) as WidgetConfigKey[];

  /** Pieces the generator joins: URL parts, separators, whitespace of every kind, flags, digits. */
  const FRAGMENTS = [
    'https://acme.test',
    'http',
    '://',
    '/',
    ' ',
    '\t',
    '\n',
    '\u00a0',
    '\ufeff',
    'de',
    'DE',
    '-',
    '_',
    'AT',
    'pt',
    '|',
    '||',
    'true',
    'OFF',
    '0',
    '7',
    '2147483647',
    '2147483648',
    '.',
    'dark',
    'auto',
    'bottom-left',
    'inherit',
    'rgb(',
    ')',
    '#0a7cff',
    'red',
    ';',
    '👋',
    '\ud800',
    'İ',
    'x'.repeat(38),
    'y'.repeat(59),
    'z'.repeat(118),
    'w'.repeat(498),
  ];

  function randomString(random: () => number): string {
    if (random() < 0.2) {
      // A run of one character near a length limit, maybe padded.
      const length = pick(random, [40, 64, 80, 120, 500]) + Math.floor(random() * 5) - 2;
      const pad = pick(random, ['', ' ', '\n']);
      return `${pad}${pick(random, ['a', '👋', ' ']).repeat(length).slice(0, length)}${pad}`;
    }
    let out = '';
    const parts = Math.floor(random() * 6);
    for (let i = 0; i < parts; i++) out += pick(random, FRAGMENTS);
    return out;
  }

  function randomDataset(random: () => number): Record<string, string> {
    const dataset: Record<string, string> = {};
    for (const key of KEYS) if (random() < 0.5) dataset[key] = randomString(random);
    if (random() < 0.1) dataset.parleyExtra = randomString(random);
    return dataset;
  }

  /** The config written back as attribute values. */
  function asAttributes(config: WidgetConfig): Record<string, string> {
    return Object.fromEntries(
      Object.entries(config).map(([key, value]) => [
        key,
        Array.isArray(value) ? value.join('|') : String(value),
      ]),
    );
  }

  it('reads each attribute on its own: a tag reads as its attributes read one at a time', () => {
    const random = prng(0x7a9);
    let warned = 0;
    let accepted = 0;
    for (let run = 0; run < 1500; run++) {
      const dataset = randomDataset(random);
      const expected = {
        config: { ...DEFAULTS, starters: [] as string[] },
        warnings: [] as string[],
      };
      for (const key of KEYS) {
        const raw = dataset[key];
        if (raw === undefined) continue;
        const one = parseOne(key, raw);
        if (one.warnings.length === 0) {
          Object.assign(expected.config, { [key]: one.config[key] });
          accepted++;
        } else {
          expect(one.warnings, `${key}=${JSON.stringify(raw)}`).toStrictEqual([refused(key, raw)]);
          expected.warnings.push(...one.warnings);
          warned++;
        }
      }
      expect(parseWidgetConfig(dataset), `run ${run}`).toStrictEqual(expected);
    }
    // Both outcomes must be well represented, or the loop proves little.
    expect(accepted).toBeGreaterThan(1000);
    expect(warned).toBeGreaterThan(1000);
  });

  it('reads the config it returns, written back as attributes, as the same config', () => {
    const random = prng(0xbac);
    for (let run = 0; run < 1500; run++) {
      const { config } = parseWidgetConfig(randomDataset(random));
      expect(parseWidgetConfig(asAttributes(config)), `run ${run}`).toStrictEqual({
        config,
        warnings: [],
      });
    }
  });
});
