import { resolveColor, textColorOn } from './contrast';

export interface HostStyleOptions {
  accent?: string | undefined;
  zIndex: number;
  font: 'system' | 'inherit';
}

/**
 * Every value is `!important`: the base sheet resets these on the host that way to shut out page
 * rules, and only an equally important declaration later in the shadow context overrides it.
 */
const set = (host: CSSStyleDeclaration, name: string, value: string) =>
  host.setProperty(name, value, 'important');

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
  set(host, 'z-index', String(zIndex));
  if (accent && CSS.supports('color', accent)) {
    set(host, '--parley-accent', accent);
    const rgb = resolveColor(accent);
    if (rgb) set(host, '--parley-on-accent', textColorOn(rgb));
  }
  if (font === 'inherit') set(host, '--parley-font', getComputedStyle(fontSource).fontFamily);
}

/**
 * Tracks the visual viewport so the full-screen panel on phones ends above the on-screen keyboard.
 * Returns the cleanup.
 */
export function trackVisualViewport(host: CSSStyleDeclaration): () => void {
  const viewport = window.visualViewport;
  if (!viewport) return () => undefined;
  const update = () => {
    set(host, '--parley-vh', `${viewport.height}px`);
    set(host, '--parley-vt', `${viewport.offsetTop}px`);
  };
  update();
  viewport.addEventListener('resize', update);
  viewport.addEventListener('scroll', update);
  return () => {
    viewport.removeEventListener('resize', update);
    viewport.removeEventListener('scroll', update);
  };
}
