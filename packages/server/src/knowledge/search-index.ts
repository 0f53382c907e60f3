import MiniSearch from 'minisearch';
import { extractHeadings, toPlainText } from './markdown-text.js';
import { extractSnippet } from './snippet.js';
import { type Alternative, analyzeQuery, type QueryConcept, weightedTerms } from './query-analysis.js';
import { tokenize, toTerm } from './text-analysis.js';
import type { Article, SearchHit } from './types.js';

/** An immutable full-text index over a fixed set of articles. */
export interface SearchIndex {
  readonly size: number;
  /** Best matches first, at most `limit`, only those above the relevance threshold. */
  search(query: string, limit?: number): SearchHit[];
}

interface IndexedDocument {
  id: string;
  title: string;
  tags: string;
  headings: string;
  body: string;
}

/**
 * Tuning, measured with `npm run eval:kb`. A title or tag match says far more about what an
 * article is about than a word somewhere in its body, and headings sit in between.
 */
export const FIELD_BOOSTS = { title: 3, tags: 2, headings: 1.5, body: 1 } as const;

/**
 * Hits scoring below this are noise: typically one fuzzy or prefix match of a common body word.
 * A single exact query word in an article's title already scores several times more.
 */
export const MIN_SCORE = 4;

/** Prefix and fuzzy matches count for less than exact ones; they are there for typos. */
const MATCH_WEIGHTS = { prefix: 0.3, fuzzy: 0.3 } as const;

/**
 * One typo is tolerated from five letters on, two from nine. Shorter words have too many
 * neighbours at edit distance one ("plan" ~ "plug", "card" ~ "cart") for fuzziness to help.
 */
function fuzziness(term: string): number | false {
  if (term.length >= 9) return 2;
  return term.length >= 5 ? 1 : false;
}

function toDocument(article: Article): IndexedDocument {
  return {
    id: article.id,
    title: article.title,
    tags: article.tags.join(' . '),
    headings: extractHeadings(article.body).join(' . '),
    body: toPlainText(article.body),
  };
}

interface DocumentScore {
  score: number;
  /** How many concepts of the query the document matched. */
  concepts: number;
  /** Document terms that matched, including typo and prefix matches. */
  terms: Set<string>;
}

function searchAlternative(index: MiniSearch<IndexedDocument>, alternative: Alternative) {
  return index.search(alternative.terms.join(' '), {
    // The query is analyzed already; these only split it back into its terms.
    tokenize: (text) => text.split(' '),
    processTerm: (term) => term,
    boost: FIELD_BOOSTS,
    // A synonym phrase counts only when the article has all of its words ("stop" alone is not
    // "stop subscription"); the visitor's own words count one by one.
    combineWith: alternative.own ? 'OR' : 'AND',
    prefix: (term) => alternative.own && term.length >= 4,
    fuzzy: (term) => alternative.own && fuzziness(term),
    weights: MATCH_WEIGHTS,
  });
}

/**
 * Scores every article against the query concepts. Per concept an article gets the score of its
 * best alternative; the sum over concepts is then multiplied by the number of concepts matched,
 * like MiniSearch does per term, so an article answering the whole question beats one that
 * repeats a single word.
 */
function scoreDocuments(
  index: MiniSearch<IndexedDocument>,
  concepts: readonly QueryConcept[],
): Map<string, DocumentScore> {
  const totals = new Map<string, DocumentScore>();
  for (const { alternatives } of concepts) {
    const best = new Map<string, { score: number; terms: string[] }>();
    for (const alternative of alternatives) {
      for (const result of searchAlternative(index, alternative)) {
        // MiniSearch multiplies by the number of matched terms; undo it to get the BM25 sum.
        const score = (alternative.weight * result.score) / Math.max(1, result.queryTerms.length);
        const id = String(result.id);
        if (score > (best.get(id)?.score ?? 0)) best.set(id, { score, terms: result.terms });
      }
    }
    for (const [id, { score, terms }] of best) {
      const total = totals.get(id) ?? { score: 0, concepts: 0, terms: new Set<string>() };
      total.score += score;
      total.concepts += 1;
      for (const term of terms) total.terms.add(term);
      totals.set(id, total);
    }
  }
  return totals;
}

/**
 * Builds a BM25 index (MiniSearch) over the articles' title, tags, headings and body, with the
 * analysis of `text-analysis.ts` (stop words, stemming) at index and query time, synonym
 * alternatives for queries, and prefix and fuzzy matching for the visitor's own words only.
 *
 * @example
 * const index = createSearchIndex(articles);
 * index.search('How do I reset my password?')[0]?.id; // 'reset-password'
 */
export function createSearchIndex(articles: readonly Article[]): SearchIndex {
  const byId = new Map(articles.map((article) => [article.id, article]));
  const miniSearch = new MiniSearch<IndexedDocument>({
    fields: ['title', 'tags', 'headings', 'body'],
    tokenize: (text) => tokenize(text),
    processTerm: (token) => toTerm(token),
  });
  miniSearch.addAll([...byId.values()].map(toDocument));

  return {
    size: byId.size,
    search(query, limit = 3) {
      const concepts = analyzeQuery(query);
      if (concepts.length === 0) return [];
      const ranked = [...scoreDocuments(miniSearch, concepts)]
        .map(([id, total]) => ({ id, ...total, score: total.score * total.concepts }))
        .filter((doc) => doc.score >= MIN_SCORE)
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
        .slice(0, limit);

      const queryTerms = weightedTerms(concepts);
      return ranked.flatMap((doc) => {
        const article = byId.get(doc.id);
        if (!article) return [];
        // Words matched through a typo or prefix ("pasword" -> "password") also guide the snippet.
        const snippetTerms = new Map(queryTerms);
        for (const term of doc.terms) if (!snippetTerms.has(term)) snippetTerms.set(term, 0.75);
        const hit: SearchHit = {
          id: article.id,
          title: article.title,
          url: article.url,
          snippet: extractSnippet(article.body, snippetTerms),
          score: Math.round(doc.score * 100) / 100,
        };
        return [hit];
      });
    },
  };
}
