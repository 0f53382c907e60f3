const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * Returns the normalised URL when it is an absolute `http:`, `https:` or `mailto:` URL, else
 * `undefined`. The WHATWG URL parser does the hard part: it strips the tabs, newlines and leading
 * spaces attackers use to disguise `javascript:` and lower-cases the scheme; entities are never
 * decoded, so `javascript&#58;` is not a URL at all.
 *
 * @example
 * safeHref('https://example.com/a b') // 'https://example.com/a%20b'
 * safeHref('java\tscript:alert(1)') // undefined
 */
export function safeHref(raw: string, base?: string): string | undefined {
  try {
    const url = new URL(raw, base);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}
