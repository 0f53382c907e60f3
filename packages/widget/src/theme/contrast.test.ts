import { describe, expect, it } from 'vitest';
import { relativeLuminance, textColorOn } from './contrast';

describe('accent contrast', () => {
  it('computes WCAG relative luminance', () => {
    expect(relativeLuminance([0, 0, 0])).toBe(0);
    expect(relativeLuminance([255, 255, 255])).toBeCloseTo(1);
    expect(relativeLuminance([255, 0, 0])).toBeCloseTo(0.2126);
  });

  it.each([
    [[79, 70, 229], '#ffffff'],
    [[15, 118, 110], '#ffffff'],
    [[0, 0, 0], '#ffffff'],
    [[250, 204, 21], '#111318'],
    [[255, 255, 255], '#111318'],
    [[125, 211, 252], '#111318'],
  ] as const)('picks readable text on rgb%j', (rgb, expected) => {
    expect(textColorOn(rgb)).toBe(expected);
  });
});
