import { toTextBlocks } from './markdown-text.js';
import { analyze } from './text-analysis.js';

/** Query terms (stemmed, as {@link analyze} produces them) with their weight. */
export type WeightedTerms = ReadonlyMap<string, number>;

/** Snippets stay below this many characters so three results fit comfortably in a prompt. */
export const MAX_SNIPPET_LENGTH = 400;

/**
 * A best block shorter than this gets the blocks after it appended, so a lead-in such as
 * "Before reporting it, please:" comes with the list it introduces.
 */
const MIN_SNIPPET_LENGTH = 160;

const ELLIPSIS = '…';

function overlap(text: string, terms: WeightedTerms): number {
  let score = 0;
  for (const term of new Set(analyze(text))) score += terms.get(term) ?? 0;
  return score;
}

/**
 * Splits text into sentences. A list number left alone by the split ("2.") is glued to the
 * sentence it numbers.
 */
function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let pending = '';
  // Split after sentence ends and at line breaks, remembering which, so list lines stay lines.
  for (const match of text.matchAll(/(.+?)(?:(?<=[.!?])[ \t]+|\n|$)/g)) {
    const part = match[1] ?? '';
    if (/^\d+\.$/.test(part)) {
      pending = `${pending}${part} `;
      continue;
    }
    const separator = match[0].endsWith('\n') ? '\n' : ' ';
    sentences.push({ text: pending + part, separator });
    pending = '';
  }
  if (pending) sentences.push({ text: pending.trim(), separator: ' ' });
  return sentences;
}

/** A sentence and what followed it in the text: a space, or a line break. */
interface Sentence {
  text: string;
  separator: ' ' | '\n';
}

function joinSentences(sentences: readonly Sentence[]): string {
  return sentences
    .map((s, i) => (i < sentences.length - 1 ? s.text + s.separator : s.text))
    .join('');
}

function truncateAtWord(text: string, maxLength: number): string {
  const cut = text.slice(0, maxLength - ELLIPSIS.length);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > maxLength / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}${ELLIPSIS}`;
}

/**
 * Picks the run of whole sentences that fits `maxLength` and covers the most query terms; among
 * equally good runs, one that starts on a matching sentence, so the answer comes first.
 */
function bestWindow(text: string, terms: WeightedTerms, maxLength: number): string {
  const sentences = splitSentences(text);
  const scores = sentences.map((sentence) => overlap(sentence.text, terms));
  let best = { start: 0, end: 0, score: -1, lead: -1 };
  for (let start = 0; start < sentences.length; start++) {
    let length = 0;
    let score = 0;
    let end = start;
    while (end < sentences.length) {
      const next = length + (end > start ? 1 : 0) + (sentences[end]?.text.length ?? 0);
      // Leave room for the ellipses on both sides.
      if (next > maxLength - 2 * ELLIPSIS.length) break;
      length = next;
      score += scores[end] ?? 0;
      end++;
    }
    const lead = scores[start] ?? 0;
    if (end > start && (score > best.score || (score === best.score && lead > best.lead))) {
      best = { start, end, score, lead };
    }
  }
  if (best.end === 0) return truncateAtWord(sentences[0]?.text ?? text, maxLength);
  const body = joinSentences(sentences.slice(best.start, best.end));
  const head = best.start > 0 ? ELLIPSIS : '';
  const tail = best.end < sentences.length ? ELLIPSIS : '';
  return `${head}${body}${tail}`;
}

/**
 * Chooses the passage of an article that best answers a query: the Markdown block (paragraph,
 * list, table, code) whose words overlap most with the query terms, its heading counting half.
 * The result is plain text of at most `maxLength` characters, cut at sentence or word boundaries
 * with an ellipsis. Without any overlap it falls back to the article's opening paragraph.
 *
 * @example
 * extractSnippet(article.body, new Map([['password', 1], ['reset', 1]]))
 * // '1. Open the Acme Home app, or go to account.acme.example. 2. On the sign-in screen, …'
 */
export function extractSnippet(
  markdown: string,
  terms: WeightedTerms,
  maxLength = MAX_SNIPPET_LENGTH,
): string {
  const blocks = toTextBlocks(markdown);
  if (blocks.length === 0) return '';

  let bestIndex = 0;
  let bestScore = 0;
  blocks.forEach((block, index) => {
    const score = overlap(block.text, terms) + 0.5 * overlap(block.heading, terms);
    if (score > bestScore) {
      bestIndex = index;
      bestScore = score;
    }
  });

  const best = blocks[bestIndex];
  let text = best?.text ?? '';
  for (let next = bestIndex + 1; text.length < MIN_SNIPPET_LENGTH && next < blocks.length; next++) {
    const following = blocks[next];
    // Stay inside the section: the next heading starts a different answer.
    if (!following || following.heading !== best?.heading) break;
    if (text.length + 1 + following.text.length > maxLength) break;
    // A list introduced by a lead-in ("Before reporting it, please:") starts on its own line.
    text = `${text}${/^(- |\d{1,3}[.)] )/.test(following.text) ? '\n' : ' '}${following.text}`;
  }
  return text.length <= maxLength ? text : bestWindow(text, terms, maxLength);
}
