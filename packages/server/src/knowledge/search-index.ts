import MiniSearch from 'minisearch';
import { analyzeArticle } from './analyzed-article.js';
import { readMarkdown } from './markdown-text.js';
import { analyzeQuery, weightedTerms } from './query-analysis.js';
import { type IndexedDocument, rankDocuments } from './ranking.js';
import { DEFAULT_TUNING, type SearchTuning } from './search-tuning.js';
import { extractSnippet, MAX_SNIPPET_LENGTH } from './snippet.js';
import { tokenize, toTerm } from './text-analysis.js';
import type { Article, SearchHit } from './types.js';

/** An immutable full-text index over a fixed set of articles. */
export interface SearchIndex {
  readonly size: number;
  /** Best matches first, at most `limit` (default 3), only those above the relevance threshold. */
  search(query: string, limit?: number): SearchHit[];
}

/** Weight, in a snippet, of article words a query matched only through a typo or prefix. */
const TYPO_SNIPPET_WEIGHT = 0.75;

function toDocument(article: Article): IndexedDocument {
  const { blocks, headings } = readMarkdown(article.body);
  return {
    id: article.id,
    title: article.title,
    // The separators keep words of neighbouring tags or headings from reading as a phrase.
    tags: article.tags.join(' . '),
    headings: headings.join(' . '),
    // As `toPlainText` gives it, from the one parse.
    body: blocks.map((block) => block.text).join('\n\n'),
  };
}

/**
 * Builds a BM25 index (MiniSearch) over the articles' title, tags, headings and body. Text is
 * analyzed the same way at index and query time (`text-analysis.ts`: stop words, stemming);
 * queries also get synonym alternatives (`synonyms.ts`) and typo and prefix matching for the
 * visitor's own words; `ranking.ts` combines it all.
 *
 * @example
 * const index = createSearchIndex(articles);
 * index.search('How do I reset my password?')[0]?.id; // 'reset-password'
 */
export function createSearchIndex(
  articles: readonly Article[],
  tuning: SearchTuning = DEFAULT_TUNING,
): SearchIndex {
  const byId = new Map(articles.map((article) => [article.id, article]));
  const miniSearch = new MiniSearch<IndexedDocument>({
    fields: ['title', 'tags', 'headings', 'body'],
    tokenize: (text) => tokenize(text),
    processTerm: (token) => toTerm(token),
  });
  miniSearch.addAll([...byId.values()].map(toDocument));
  // Snippets need each article's blocks tokenized and stemmed. That depends on the article alone
  // and took most of a search's time when redone per hit, so it is done here, once per index.
  const analyzedById = new Map(
    [...byId.values()].map((article) => [
      article.id,
      analyzeArticle(article.body, MAX_SNIPPET_LENGTH),
    ]),
  );

  return {
    size: byId.size,
    search(query, limit = 3) {
      const concepts = analyzeQuery(query);
      if (concepts.length === 0 || limit < 1) return [];
      const queryTerms = weightedTerms(concepts, tuning.synonymWeight);
      return rankDocuments(miniSearch, concepts, tuning)
        .slice(0, limit)
        .flatMap((ranked) => {
          const article = byId.get(ranked.id);
          const analyzed = analyzedById.get(ranked.id);
          if (!article || !analyzed) return [];
          // Words matched through a typo ("pasword" -> "password") also guide the snippet.
          const snippetTerms = new Map(queryTerms);
          for (const term of ranked.terms) {
            if (!snippetTerms.has(term)) snippetTerms.set(term, TYPO_SNIPPET_WEIGHT);
          }
          const hit: SearchHit = {
            id: article.id,
            title: article.title,
            url: article.url,
            snippet: extractSnippet(analyzed, snippetTerms),
            score: Math.round(ranked.score * 100) / 100,
          };
          return [hit];
        });
    },
  };
}
