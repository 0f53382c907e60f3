import { resolveColor, textColorOn } from './contrast';

export interface HostStyleOptions {
  accent?: string | undefined;
  zIndex: number;
  font: 'system' | 'inherit';
}

/**
 * Writes the per-instance values (accent, text on accent, z-index, font) into the `:host` rule of
 * the widget's own constructed stylesheet. Going through CSSOM instead of `style=` keeps strict
 * CSPs happy, and `setProperty` cannot be broken out of: a value with `;` or `}` is refused.
 */
export function applyHostStyle(
  host: CSSStyleDeclaration,
  { accent, zIndex, font }: HostStyleOptions,
  fontSource: Element,
): void {
  host.setProperty('z-index', String(zIndex));
  if (accent && CSS.supports('color', accent)) {
    host.setProperty('--parley-accent', accent);
    const rgb = resolveColor(accent);
    if (rgb) host.setProperty('--parley-on-accent', textColorOn(rgb));
  }
  if (font === 'inherit') {
    host.setProperty('--parley-font', getComputedStyle(fontSource).fontFamily);
  }
}

/**
 * Tracks the visual viewport so the full-screen panel on phones ends above the on-screen keyboard.
 * Returns the cleanup.
 */
export function trackVisualViewport(host: CSSStyleDeclaration): () => void {
  const viewport = window.visualViewport;
  if (!viewport) return () => undefined;
  const update = () => {
    host.setProperty('--parley-vh', `${viewport.height}px`);
    host.setProperty('--parley-vt', `${viewport.offsetTop}px`);
  };
  update();
  viewport.addEventListener('resize', update);
  viewport.addEventListener('scroll', update);
  return () => {
    viewport.removeEventListener('resize', update);
    viewport.removeEventListener('scroll', update);
  };
}
