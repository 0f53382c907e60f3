/** An sRGB colour as 0–255 channels. */
export type Rgb = readonly [number, number, number];

const DARK_TEXT = '#111318';
const LIGHT_TEXT = '#ffffff';

/** WCAG 2 relative luminance. */
export function relativeLuminance([r, g, b]: Rgb): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/**
 * The text colour, white or near-black, with the higher WCAG contrast ratio on `background`.
 *
 * @example
 * textColorOn([79, 70, 229]) // '#ffffff'
 * textColorOn([250, 204, 21]) // '#111318'
 */
export function textColorOn(background: Rgb): string {
  const l = relativeLuminance(background);
  // Contrast with white is 1.05 / (l + 0.05); with near-black (luminance ~0.0066) it is (l + 0.05) / 0.0566.
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0566 ? LIGHT_TEXT : DARK_TEXT;
}

/**
 * Resolves any CSS colour (named, hex, hsl(), oklch(), color-mix()...) to sRGB by painting one
 * pixel; computed styles would hand modern colour spaces back unconverted.
 */
export function resolveColor(color: string): Rgb | undefined {
  const context = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!context) return undefined;
  context.fillStyle = color;
  context.fillRect(0, 0, 1, 1);
  const [r = 0, g = 0, b = 0] = context.getImageData(0, 0, 1, 1).data;
  return [r, g, b];
}
