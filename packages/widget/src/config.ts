import { type ParsedWidgetConfig, parseWidgetConfig } from '@parley/shared';

/**
 * Reads the script tag's `data-*` attributes with the contract's parser, asking the browser's own
 * CSS parser whether `data-accent` is a colour: anything the page could paint is accepted, not
 * just the conservative pattern shared falls back to without a browser. It never throws; an
 * invalid attribute is ignored, its default applies, and one warning names it.
 *
 * @example
 * readWidgetConfig({ title: 'Acme help', accent: 'rebeccapurple' })
 */
export function readWidgetConfig(
  dataset: Readonly<Record<string, string | undefined>>,
): ParsedWidgetConfig {
  return parseWidgetConfig(dataset, { isColor: (value) => CSS.supports('color', value) });
}
