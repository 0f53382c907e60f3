import { STATUS_BY_CODE } from '@parley/server';
import { ErrorBody, parseWith } from '@parley/shared';
import type { RawResponse } from '@parley/testkit/chat-client';

/** Every status a client may see from the API: success, redirect-free caching, documented 4xx. */
export const DOCUMENTED_STATUSES: ReadonlySet<number> = new Set([
  200, 204, 304, 400, 401, 403, 404, 409, 413, 415, 422, 429,
]);

/**
 * Text that must never reach a client: stack frames, absolute source paths, module folders and
 * raw error class names. Any of them in a header or a body means internals leaked.
 */
const LEAK_PATTERNS: readonly RegExp[] = [
  /\n\s+at\s/,
  /\bat [\w.<>]+ \(/,
  /\/work\//,
  /node_modules/,
  /\.(?:ts|js|mjs|cjs):\d+:\d+/,
  /\/(?:home|usr|var|tmp|srv|opt)\/[\w.-]+\//,
  /[A-Z]:\\[\w.-]+\\/,
  /\b(?:TypeError|RangeError|ReferenceError|SyntaxError|URIError)\b/,
];

/** The internals, if any, that a string leaks. */
export function leaksIn(text: string): string[] {
  return LEAK_PATTERNS.filter((pattern) => pattern.test(text)).map(String);
}

/**
 * Everything wrong with one response: an undocumented status, a 4xx/5xx whose body is not the
 * shared `ErrorBody` (or whose code does not match its status), and leaked internals in any header
 * or the body. Empty when the response is fine.
 */
export function problemsWith(response: RawResponse, method: string): string[] {
  const problems: string[] = [];
  const { status } = response;
  if (!DOCUMENTED_STATUSES.has(status)) problems.push(`undocumented status ${status}`);
  if (status >= 400 && method !== 'HEAD') {
    const type = String(response.headers['content-type'] ?? '');
    if (!type.startsWith('application/json')) problems.push(`error with content-type "${type}"`);
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      problems.push(`error body is not JSON: ${response.body.slice(0, 120)}`);
    }
    if (json !== undefined) {
      const parsed = parseWith(ErrorBody, json);
      if (!parsed) problems.push(`error body is not an ErrorBody: ${response.body.slice(0, 200)}`);
      else if (STATUS_BY_CODE[parsed.error.code] !== status) {
        problems.push(`code ${parsed.error.code} answered with status ${status}`);
      }
    }
  }
  for (const [name, value] of Object.entries(response.headers)) {
    const text = Array.isArray(value) ? value.join('\n') : String(value);
    for (const leak of leaksIn(text))
      problems.push(`header ${name} leaks ${leak}: ${text.slice(0, 120)}`);
  }
  if (status >= 400) {
    for (const leak of leaksIn(response.body)) problems.push(`body leaks ${leak}`);
  }
  return problems;
}
