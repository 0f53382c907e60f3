import {
  type AnalyzedArticle,
  type AnalyzedSentence,
  analyzeArticle,
  analyzeSentences,
} from './analyzed-article.js';

/** Query terms (stemmed, as `analyze` in `text-analysis.ts` produces them) with their weight. */
export type WeightedTerms = ReadonlyMap<string, number>;

/** Snippets stay below this many characters so three results fit comfortably in a prompt. */
export const MAX_SNIPPET_LENGTH = 400;

/**
 * A best block shorter than this gets the blocks after it appended, so a lead-in such as
 * "Before reporting it, please:" comes with the list it introduces.
 */
const MIN_SNIPPET_LENGTH = 160;

const ELLIPSIS = '…';

/** The summed weights of the query terms among `terms` (distinct terms of some text). */
function overlap(terms: readonly string[], weights: WeightedTerms): number {
  let score = 0;
  for (const term of terms) score += weights.get(term) ?? 0;
  return score;
}

function joinSentences(sentences: readonly AnalyzedSentence[]): string {
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
 * Picks the run of whole sentences of `text` that fits `maxLength` and covers the most query
 * terms; among equally good runs, one that starts on a matching sentence, so the answer comes
 * first.
 */
function bestWindow(
  text: string,
  sentences: readonly AnalyzedSentence[],
  terms: WeightedTerms,
  maxLength: number,
): string {
  const scores = sentences.map((sentence) => overlap(sentence.terms, terms));
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
 * `article` is the Markdown body, or, to spare re-analyzing it on every query, the body analyzed
 * beforehand by {@link analyzeArticle}, as the search index does; both give the same snippet.
 * Analyzed for a longer snippet than `maxLength`, the article costs a little re-analysis.
 *
 * @example
 * extractSnippet(article.body, new Map([['password', 1], ['reset', 1]]))
 * // '1. Open the Acme Home app, or go to account.acme.example. 2. On the sign-in screen, …'
 */
export function extractSnippet(
  article: string | AnalyzedArticle,
  terms: WeightedTerms,
  maxLength = MAX_SNIPPET_LENGTH,
): string {
  const blocks = typeof article === 'string' ? analyzeArticle(article, maxLength) : article;
  const first = blocks[0];
  if (!first) return '';

  let best = first;
  let bestIndex = 0;
  let bestScore = 0;
  blocks.forEach((block, index) => {
    const score = overlap(block.terms, terms) + 0.5 * overlap(block.heading.terms, terms);
    if (score > bestScore) {
      best = block;
      bestIndex = index;
      bestScore = score;
    }
  });

  let text = best.text;
  for (let next = bestIndex + 1; text.length < MIN_SNIPPET_LENGTH && next < blocks.length; next++) {
    const following = blocks[next];
    // Stay inside the section: the next heading starts a different answer.
    if (!following || following.heading.text !== best.heading.text) break;
    if (text.length + 1 + following.text.length > maxLength) break;
    // A list introduced by a lead-in ("Before reporting it, please:") starts on its own line.
    text = `${text}${/^(- |\d{1,3}[.)] )/.test(following.text) ? '\n' : ' '}${following.text}`;
  }
  if (text.length <= maxLength) return text;
  // Only a single block gets here (appending stops at maxLength), so its sentences are the text's.
  const sentences = best.sentences ?? analyzeSentences(text, best.terms);
  return bestWindow(text, sentences, terms, maxLength);
}
