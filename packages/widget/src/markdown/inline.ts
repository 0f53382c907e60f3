import { safeHref } from './safe-href';

/** Inline markdown: plain strings are text; nothing here can carry raw HTML. */
export type Inline =
  | string
  | { type: 'strong' | 'em'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: Inline[] };

/**
 * How deep lists, and separately inline elements, may nest. Deeper markup shows as its text, so
 * neither parsing nor rendering (both recursive) can be driven into a stack overflow.
 */
export const MAX_NESTING = 6;

/** An element with children; `drop` marks one rendered as its children only. */
type Element = Extract<Inline, { children: Inline[] }> & { drop?: boolean };
/**
 * A delimiter at `at`: `n` times `ch` left as text, then the elements it opens. A run of `*` or
 * `_` opens emphasis; a `[` or `![` (n = 1, or 0 once it opens its link) waits for its `]`.
 */
interface Run {
  ch: string;
  n: number;
  at: number;
  opens: Element[];
}
type Token = Inline | Run | { end: Element };

// Any ASCII punctuation can be escaped, as in CommonMark.
const ESCAPABLE = /[!-/:-@[-`{-~]/;
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;
// A bare URL stops before trailing punctuation, so "see https://x.com." links without the dot,
// and at `]`, so it cannot swallow the end of a link's text.
const BARE_URL = /https?:\/\/[^\s<>\]]*[^\s<>.,;:!?"')\]*_]/y;
// `(destination "title")` after a link's `]`: parentheses in the destination balance (one level).
// Every alternative starts with a different character and the destination cannot be empty, so a
// failed match gives back each character once: linear, however the text is built.
const LINK_TARGET = /\(\s*((?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+)(?:\s+"[^"]*")?\s*\)/y;

const isSpace = (ch: string | undefined) => SPACE.test(ch ?? ' ');
const isWord = (ch: string | undefined) => WORD.test(ch ?? '');

/**
 * Parses one paragraph's worth of inline markdown: `**strong**`, `*em*`, `` `code` ``, links,
 * bare URLs and backslash escapes, in time linear in the text. One pass reads the text once,
 * matching emphasis on a delimiter stack and links on a bracket stack as CommonMark does; a
 * second pass builds the tree. A link with an unsafe destination is no link: it stays the text
 * that was written. Links never nest (bare URLs are only looked for outside brackets), and an image
 * becomes a link to its source, never an image.
 *
 * @example
 * parseInline('**a** [b](https://x.dev)')
 * // [{ type: 'strong', children: ['a'] }, ' ', { type: 'link', href: 'https://x.dev/', children: ['b'] }]
 */
export function parseInline(text: string): Inline[] {
  const tokens: Token[] = [];
  // One stack of unmatched openers per character: a closer's match is the top of its own stack,
  // found without a search, and every opener is pushed and popped once.
  const openers: Record<string, Run[]> = { '*': [], _: [] };
  const brackets: Run[] = [];
  // Every backtick run, listed once by length, last first: a code span closes at the next run of
  // its opener's length, and each list is used up from the end as the parse moves on.
  const ticks: Record<number, number[]> = {};
  for (const run of [...text.matchAll(/`+/g)].reverse()) {
    const list = ticks[run[0].length] ?? [];
    ticks[run[0].length] = list;
    list.push(run.index);
  }
  let buffer = '';
  let i = 0;
  const push = (token: Token) => {
    if (buffer) tokens.push(buffer);
    buffer = '';
    tokens.push(token);
  };
  // Openers after `at` can never match any more (matches nest): they stay text.
  const cut = (at: number) => {
    for (const stack of Object.values(openers)) {
      while ((stack.at(-1)?.at ?? at) > at) stack.pop();
    }
  };

  while (i < text.length) {
    const ch = text[i] as string;
    let end = i + 1;
    while (text[end] === ch && '`*_'.includes(ch)) end++;
    const n = end - i;
    if (ch === '\\' && ESCAPABLE.test(text[end] ?? '')) {
      buffer += text[end];
      end++;
    } else if (ch === '`') {
      const closers = ticks[n] ?? [];
      let close = -1;
      while (close < end && closers.length) close = closers.pop() as number;
      if (close < end) buffer += text.slice(i, end);
      else {
        const code = text.slice(end, close);
        // One space of padding on both sides lets code start or end with a backtick.
        const padded = code.trim() && /^ .* $/s.test(code);
        push({ type: 'code', text: padded ? code.slice(1, -1) : code });
        end = close + n;
      }
    } else if (ch === '*' || ch === '_') {
      // Runs must touch their text ("2 * 3" is no emphasis) and `_` never works inside a word.
      const before = text[i - 1];
      const after = text[end];
      const run: Run = { ch, n, at: i, opens: [] };
      const stack = openers[ch] as Run[];
      // Inside a bracket, only openers inside it count.
      const bottom = brackets.at(-1)?.at ?? -1;
      let opener = stack.at(-1);
      while (
        run.n &&
        opener &&
        opener.at > bottom &&
        !isSpace(before) &&
        !(ch === '_' && isWord(after))
      ) {
        // Two odd runs (`***a***`) use one character first, which puts strong around em.
        const size = opener.n > 1 && run.n > 1 && !(opener.n & run.n & 1) ? 2 : 1;
        const element: Element = { type: size > 1 ? 'strong' : 'em', children: [] };
        opener.n -= size;
        run.n -= size;
        opener.opens.push(element);
        // A closer uses its first characters: the ends come before what is left of it.
        push({ end: element });
        if (!opener.n) stack.pop();
        cut(opener.at);
        opener = stack.at(-1);
      }
      push(run);
      if (run.n && !isSpace(after) && !(ch === '_' && isWord(before))) stack.push(run);
    } else if (ch === '[' || (ch === '!' && text[end] === '[')) {
      end = text.indexOf('[', i) + 1;
      const bracket: Run = { ch: text.slice(i, end), n: 1, at: i, opens: [] };
      push(bracket);
      brackets.push(bracket);
    } else if (ch === ']' && brackets.length) {
      const bracket = brackets.pop() as Run;
      LINK_TARGET.lastIndex = end;
      const target = LINK_TARGET.exec(text);
      const href = target && safeHref((target[1] as string).replace(/\\(.)/g, '$1'));
      if (href) {
        const link: Element = { type: 'link', href, children: [] };
        bracket.n = 0;
        bracket.opens.push(link);
        push({ end: link });
        cut(bracket.at);
        // No links inside links: the brackets around this one can no longer become links (an
        // image is a link here too), and bare URLs are not looked for inside brackets.
        brackets.length = 0;
        end = LINK_TARGET.lastIndex;
      } else buffer += ch;
    } else {
      // A bare URL, which also covers `<https://...>` autolinks (the brackets stay as text). An
      // unsafe or malformed one stays text, all of it: rescanning its tail would be quadratic.
      BARE_URL.lastIndex = i;
      const url =
        (ch === 'h' && !brackets.length && !isWord(text[i - 1]) && BARE_URL.exec(text)?.[0]) || ch;
      const href = url !== ch && safeHref(url);
      if (href) push({ type: 'link', href, children: [url] });
      else buffer += url;
      end = i + url.length;
    }
    i = end;
  }
  push('');
  return build(tokens);
}

/**
 * Builds the tree from the flat tokens. Elements past {@link MAX_NESTING} are dropped: their
 * children take their place.
 */
function build(tokens: Token[]): Inline[] {
  const root: Inline[] = [];
  const parents: Inline[][] = [];
  let out = root;
  const text = (value: string) => {
    const last = out.at(-1);
    if (typeof last === 'string') out[out.length - 1] = last + value;
    else if (value) out.push(value);
  };
  const open = (element: Element) => {
    if (parents.length >= MAX_NESTING) element.drop = true;
    else {
      out.push(element);
      parents.push(out);
      out = element.children;
    }
  };
  const close = (element: Element) => {
    if (!element.drop) out = parents.pop() as Inline[];
  };
  for (const token of tokens) {
    if (typeof token === 'string') text(token);
    else if ('ch' in token) {
      // An opener uses its last characters, the innermost element next to the text.
      text(token.ch.repeat(token.n));
      for (const element of token.opens.reverse()) open(element);
    } else if ('end' in token) close(token.end);
    else out.push(token);
  }
  return root;
}
