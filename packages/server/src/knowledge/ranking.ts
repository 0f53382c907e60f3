import type MiniSearch from 'minisearch';
import { type Alternative, alternativeWeight, type QueryConcept } from './query-analysis.js';
import { fuzziness, type SearchTuning, thresholdScale } from './search-tuning.js';

/** An article as MiniSearch indexes it: plain-text fields. */
export interface IndexedDocument {
  id: string;
  title: string;
  tags: string;
  headings: string;
  body: string;
}

/** An article's relevance to a query. */
export interface RankedDocument {
  id: string;
  score: number;
  /** Document terms that matched, including typo and prefix matches. */
  terms: Set<string>;
}

interface AlternativeMatch {
  score: number;
  terms: string[];
  /** At least one term matched exactly, not only through a typo or prefix. */
  exact: boolean;
}

/** Scores of one alternative per article id. */
function searchAlternative(
  index: MiniSearch<IndexedDocument>,
  alternative: Alternative,
  tuning: SearchTuning,
): Map<string, AlternativeMatch> {
  const { minPrefixLength } = tuning;
  const results = index.search(alternative.terms.join(' '), {
    // The query is analyzed already; these only split it back into its terms.
    tokenize: (text) => text.split(' '),
    processTerm: (term) => term,
    boost: tuning.fieldBoosts,
    // A synonym phrase counts only when the article has all of its words ("stop" alone is not
    // "stop subscription"); the visitor's own words count one by one.
    combineWith: alternative.own ? 'OR' : 'AND',
    prefix: (term) => alternative.own && minPrefixLength > 0 && term.length >= minPrefixLength,
    fuzzy: (term) => alternative.own && fuzziness(term),
    weights: { prefix: tuning.prefixWeight, fuzzy: tuning.fuzzyWeight },
  });
  const matches = new Map<string, AlternativeMatch>();
  for (const result of results) {
    matches.set(String(result.id), {
      // MiniSearch multiplies the BM25 sum by the number of matched terms; undo that.
      score: result.score / Math.max(1, result.queryTerms.length),
      terms: result.terms,
      exact: result.terms.some((term) => alternative.terms.includes(term)),
    });
  }
  return matches;
}

/**
 * Ranks articles against the query concepts, best first, noise removed. Per concept an article
 * scores through its best alternative; concept scores are summed and multiplied by a
 * coordination factor (see {@link SearchTuning.coordination}), so an article answering the whole
 * question beats one that repeats a single word of it.
 */
export function rankDocuments(
  index: MiniSearch<IndexedDocument>,
  concepts: readonly QueryConcept[],
  tuning: SearchTuning,
): RankedDocument[] {
  const totals = new Map<string, RankedDocument & { concepts: number; exact: boolean }>();
  for (const concept of concepts) {
    const best = new Map<string, AlternativeMatch>();
    for (const alternative of concept.alternatives) {
      const weight = alternativeWeight(concept, alternative, tuning.synonymWeight);
      if (weight === 0) continue;
      for (const [id, match] of searchAlternative(index, alternative, tuning)) {
        const score = weight * match.score;
        if (score > (best.get(id)?.score ?? 0)) best.set(id, { ...match, score });
      }
    }
    const top = Math.max(0, ...[...best.values()].map((match) => match.score));
    for (const [id, match] of best) {
      const total = totals.get(id) ?? { id, score: 0, concepts: 0, terms: new Set(), exact: false };
      total.score += match.score;
      total.concepts += tuning.coordination === 'soft' ? match.score / top : 1;
      total.exact ||= match.exact;
      for (const term of match.terms) total.terms.add(term);
      totals.set(id, total);
    }
  }

  const scale = thresholdScale(index.documentCount);
  const ranked: RankedDocument[] = [];
  for (const { id, score, concepts: matched, terms, exact } of totals.values()) {
    const final = tuning.coordination === 'none' ? score : score * matched;
    if (final >= scale * (exact ? tuning.minScore : tuning.minTypoOnlyScore)) {
      ranked.push({ id, score: final, terms });
    }
  }
  return ranked.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
