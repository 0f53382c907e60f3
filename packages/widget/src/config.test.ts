import { parseWidgetConfig } from '@parley/shared';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, readWidgetConfig } from './config';

// The widget's reader must agree with the shared schema on every input: same config, same warnings.
const isColor = (value: string) => /^(#[0-9a-f]{3,8}|red|oklch\(.*\))$/i.test(value);

const DATASETS: Array<Record<string, string>> = [
  {},
  { title: '  Acme help  ', subtitle: 'We reply fast', greeting: 'Hi!', placeholder: 'Ask…' },
  { title: '', subtitle: ' ', greeting: 'x'.repeat(500), placeholder: 'x'.repeat(81) },
  { title: 'x'.repeat(80), launcherLabel: 'x'.repeat(41) },
  { server: 'https://chat.example.com' },
  { server: ' https://chat.example.com/parley ' },
  { server: 'http:chat.example.com' },
  { server: 'ftp://chat.example.com' },
  { server: 'javascript:alert(1)' },
  { server: 'not a url' },
  { accent: '#0f766e' },
  { accent: 'oklch(0.7 0.1 200)' },
  { accent: 'red; } * { display: none' },
  { accent: 'x'.repeat(65) },
  { theme: 'dark', position: 'bottom-left', font: 'inherit' },
  { theme: 'Dark', position: 'left', font: 'comic' },
  { theme: 'toString', position: '__proto__', font: 'constructor' },
  { starters: 'Pricing?| Reset password |  |Hours' },
  { starters: '' },
  { starters: 'a|b|c|d|e|f|g' },
  { starters: `ok|${'x'.repeat(121)}` },
  { open: '' },
  { open: 'TRUE' },
  { open: ' yes ' },
  { open: 'open' },
  { open: 'off' },
  { open: 'maybe' },
  { lang: 'de-AT' },
  { lang: 'AR' },
  { lang: 'pt-BR' },
  { lang: 'es_MX' },
  { zIndex: '10' },
  { zIndex: '0' },
  { zIndex: '2147483647' },
  { zIndex: '2147483648' },
  { zIndex: '-1' },
  { zIndex: ' 5' },
  { zIndex: '1e3' },
  { launcherLabel: 'Chat with us' },
  { title: '<script>alert(1)</script>'.repeat(5) },
  { unknownAttribute: 'ignored', title: 'Known' },
];

describe('readWidgetConfig', () => {
  it.each(DATASETS.map((d) => [JSON.stringify(d).slice(0, 80), d] as const))(
    'agrees with shared parseWidgetConfig on %s',
    (_label, dataset) => {
      expect(readWidgetConfig(dataset, { isColor })).toEqual(
        parseWidgetConfig(dataset, { isColor }),
      );
    },
  );

  it('applies the schema defaults', () => {
    expect(readWidgetConfig({}).config).toEqual(parseWidgetConfig({}).config);
    expect(DEFAULTS).toEqual(parseWidgetConfig({}).config);
  });

  it('keeps valid attributes and warns once per invalid one, naming it', () => {
    const { config, warnings } = readWidgetConfig(
      { title: 'Acme', theme: 'purple', zIndex: 'high', position: 'bottom-left' },
      { isColor },
    );
    expect(config).toMatchObject({
      title: 'Acme',
      theme: 'auto',
      zIndex: 2147483000,
      position: 'bottom-left',
    });
    expect(warnings).toEqual([
      'Parley: ignoring data-theme="purple" (invalid value); using the default.',
      'Parley: ignoring data-z-index="high" (invalid value); using the default.',
    ]);
  });

  it('checks colours with CSS.supports by default', () => {
    expect(readWidgetConfig({ accent: 'rebeccapurple' }).config.accent).toBe('rebeccapurple');
  });

  it('quotes at most a short prefix of a huge invalid value', () => {
    const [warning] = readWidgetConfig({ theme: 'x'.repeat(10_000) }).warnings;
    expect(warning?.length).toBeLessThan(150);
  });
});
