import { describe, expect, it, vi } from 'vitest';
import { readWidgetConfig } from './config';

// The attribute rules themselves are the contract's, tested in @parley/shared; these tests cover
// what the widget adds: the browser decides what counts as a colour.
describe('readWidgetConfig', () => {
  it('keeps valid attributes and warns once per invalid one, naming it', () => {
    const { config, warnings } = readWidgetConfig({
      title: 'Acme',
      theme: 'purple',
      zIndex: 'high',
      position: 'bottom-left',
    });
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

  it('asks CSS.supports whether the trimmed accent is a colour', () => {
    const supports = vi.fn(() => true);
    vi.stubGlobal('CSS', { supports });
    // The fallback pattern refuses custom properties; the browser may accept them.
    expect(readWidgetConfig({ accent: ' var(--brand) ' })).toEqual({
      config: expect.objectContaining({ accent: 'var(--brand)' }),
      warnings: [],
    });
    expect(supports).toHaveBeenCalledWith('color', 'var(--brand)');
  });

  it('ignores an accent the browser cannot paint', () => {
    vi.stubGlobal('CSS', { supports: () => false });
    const { config, warnings } = readWidgetConfig({ accent: '#0f766e' });
    expect(config.accent).toBeUndefined();
    expect(warnings).toEqual([
      'Parley: ignoring data-accent="#0f766e" (invalid value); using the default.',
    ]);
  });

  it('accepts a colour keyword with the real CSS.supports', () => {
    expect(readWidgetConfig({ accent: 'rebeccapurple' }).config.accent).toBe('rebeccapurple');
  });
});
