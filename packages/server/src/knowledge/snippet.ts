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
function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let pending = '';
  for (const part of text.split(/(?<=[.!?])\s+/)) {
    if (/^\d+\.$/.test(part)) {
      pending = `${pending}${part} `;
      continue;
    }
    sentences.push(pending + part);
    pending = '';
  }
  if (pending) sentences.push(pending.trim());
  return sentences;
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
  const scores = sentences.map((sentence) => overlap(sentence, terms));
  let best = { start: 0, end: 0, score: -1, lead: -1 };
  for (let start = 0; start < sentences.length; start++) {
    let length = 0;
    let score = 0;
    let end = start;
    while (end < sentences.length) {
      const next = length + (end > start ? 1 : 0) + (sentences[end]?.length ?? 0);
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
  if (best.end === 0) return truncateAtWord(sentences[0] ?? text, maxLength);
  const body = sentences.slice(best.start, best.end).join(' ');
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
    text = `${text} ${following.text}`;
  }
  return text.length <= maxLength ? text : bestWindow(text, terms, maxLength);
}
