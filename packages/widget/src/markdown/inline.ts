import { safeHref } from './safe-href';

/** Inline markdown: plain strings are text; nothing here can carry raw HTML. */
export type Inline =
  | string
  | { type: 'strong' | 'em'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: Inline[] };

const ESCAPABLE = /[\\`*_{}[\]()#+\-.!<>|~]/;
const WORD = /[\p{L}\p{N}]/u;
// A bare URL stops before trailing punctuation, so "see https://x.com." links without the dot.
const BARE_URL = /^https?:\/\/[^\s<>]*[^\s<>.,;:!?"')\]*_]/;

/**
 * Parses one paragraph's worth of inline markdown: `**strong**`, `*em*`, `` `code` ``, links,
 * bare URLs and backslash escapes. Links inside links are not allowed. An unsafe link keeps its
 * text but loses the link; an image becomes a link to its source, never an image.
 */
export function parseInline(text: string, insideLink = false): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  let i = 0;
  const push = (node: Inline, next: number) => {
    if (buffer) out.push(buffer);
    buffer = '';
    out.push(node);
    i = next;
  };

  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\\' && ESCAPABLE.test(text[i + 1] ?? '')) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const code = codeSpan(text, i);
      if (code) {
        push({ type: 'code', text: code.text }, code.end);
        continue;
      }
      const run = /^`+/.exec(text.slice(i))?.[0] ?? ch;
      buffer += run;
      i += run.length;
      continue;
    }
    if (ch === '*' || ch === '_') {
      const emphasis = emphasisAt(text, i);
      if (emphasis) {
        push(emphasis.node, emphasis.end);
        continue;
      }
    }
    const image = ch === '!' && text[i + 1] === '[';
    if (!insideLink && (ch === '[' || image)) {
      const link = linkAt(text, image ? i + 1 : i);
      if (link) {
        const children = parseInline(link.label, true);
        if (buffer) out.push(buffer);
        buffer = '';
        if (link.href)
          out.push({
            type: 'link',
            href: link.href,
            children: children.length ? children : [link.href],
          });
        else out.push(...children);
        i = link.end;
        continue;
      }
    }
    if (!insideLink && ch === 'h' && !WORD.test(text[i - 1] ?? '')) {
      // Bare URLs, which also covers `<https://...>` autolinks (the brackets stay as text).
      const bare = BARE_URL.exec(text.slice(i))?.[0];
      const href = bare && safeHref(bare);
      if (bare && href) {
        push({ type: 'link', href, children: [bare] }, i + bare.length);
        continue;
      }
    }
    buffer += ch;
    i++;
  }
  if (buffer) out.push(buffer);
  return out;
}

/** A backtick run opens a code span closed by the next run of exactly the same length. */
function codeSpan(text: string, start: number): { text: string; end: number } | undefined {
  const open = /^`+/.exec(text.slice(start))?.[0].length ?? 1;
  const runs = /`+/g;
  runs.lastIndex = start + open;
  for (let run = runs.exec(text); run; run = runs.exec(text)) {
    if (run[0].length !== open) continue;
    const inner = text.slice(start + open, run.index);
    // One space of padding on both sides lets code start or end with a backtick.
    const code = /^ .*[^ ].* $/s.test(inner) ? inner.slice(1, -1) : inner;
    return { text: code, end: run.index + open };
  }
  return undefined;
}

function emphasisAt(text: string, start: number): { node: Inline; end: number } | undefined {
  const ch = text[start] as '*' | '_';
  const double = text[start + 1] === ch;
  const size = double ? 2 : 1;
  const contentStart = start + size;
  // Openers must touch their text ("* not emphasis"), and `_` never works inside a word (snake_case).
  if (/\s/.test(text[contentStart] ?? ' ')) return undefined;
  if (ch === '_' && WORD.test(text[start - 1] ?? '')) return undefined;

  let j = contentStart + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') j += 2;
    else if (c === '`') j = codeSpan(text, j)?.end ?? j + 1;
    else if (c !== ch) j++;
    else {
      let run = 1;
      while (text[j + run] === ch) run++;
      const closes =
        run >= size &&
        !/\s/.test(text[j - 1] as string) &&
        !(ch === '_' && WORD.test(text[j + run] ?? '')) &&
        // Inside `*...*`, a `**` pair belongs to a nested strong, so `*a **b** c*` nests.
        !(size === 1 && run === 2);
      if (closes) {
        // The closer is the last `size` characters of the run: `***x***` is strong around em.
        const children = parseInline(text.slice(contentStart, j + run - size));
        return { node: { type: double ? 'strong' : 'em', children }, end: j + run };
      }
      j += run;
    }
  }
  return undefined;
}

/** `[label](destination "title")`, with nested brackets in the label and parentheses in the URL. */
function linkAt(
  text: string,
  open: number,
): { label: string; href: string | undefined; end: number } | undefined {
  let depth = 0;
  let close = -1;
  for (let k = open; k < text.length; k++) {
    const ch = text[k];
    if (ch === '\\') k++;
    else if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) {
      close = k;
      break;
    }
  }
  if (close === -1 || text[close + 1] !== '(') return undefined;
  const target =
    /^\(\s*(<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*)(?:\s+("[^"]*"|'[^']*'))?\s*\)/.exec(
      text.slice(close + 1),
    );
  if (!target) return undefined;
  const destination = (target[1] ?? '').replace(/^<|>$/g, '').replace(/\\(.)/g, '$1');
  return {
    label: text.slice(open + 1, close),
    href: safeHref(destination),
    end: close + 1 + target[0].length,
  };
}
