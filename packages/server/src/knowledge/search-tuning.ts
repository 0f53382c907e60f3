/** The knobs of ranking. Change them only with `npm run eval:kb` before and after. */
export interface SearchTuning {
  /** Relative weight of a match in each indexed field. */
  fieldBoosts: Record<'title' | 'tags' | 'headings' | 'body', number>;
  /** Weight of a phrase that only a synonym brought in; 0 turns synonyms off. */
  synonymWeight: number;
  /** Weight of a prefix match ("passw" finding "password") relative to an exact one. */
  prefixWeight: number;
  /** Weight of a typo (fuzzy) match ("pasword" finding "password") relative to an exact one. */
  fuzzyWeight: number;
  /** Shortest visitor word that also matches longer words starting with it; 0 turns it off. */
  minPrefixLength: number;
  /**
   * How an article is rewarded for matching several concepts of the question: `count` multiplies
   * its score by the number of concepts matched (MiniSearch's own rule), `soft` counts each
   * concept by how strongly the article matches it compared with the best article for that
   * concept, so a passing mention of a side word does not count as much as a real match.
   */
  coordination: 'count' | 'soft' | 'none';
  /**
   * Hits with at least one exact word match scoring below this are dropped. Like
   * `minTypoOnlyScore`, it is for a knowledge base of {@link CALIBRATION_ARTICLE_COUNT} articles
   * and scaled by {@link thresholdScale} for others.
   */
  minScore: number;
  /**
   * Hits found only through typo or prefix matches need this much: one fuzzy match of a common
   * body word ("weather" ~ "whether") is noise, a typo of a title word ("pasword") is not.
   */
  minTypoOnlyScore: number;
}

/**
 * Measured on `eval/questions.json`. Titles and tags say what an article is about, headings
 * less so, the body least. Synonyms count half: they widen recall but must not outvote the
 * visitor's own words. A single exact word in a title scores over 20 and every eval question's
 * right article scores over 10, while a stray fuzzy match in a body scores about 4.
 */
export const DEFAULT_TUNING: SearchTuning = {
  fieldBoosts: { title: 3, tags: 2, headings: 1.5, body: 1 },
  synonymWeight: 0.5,
  prefixWeight: 0.3,
  fuzzyWeight: 0.3,
  minPrefixLength: 4,
  coordination: 'soft',
  minScore: 4,
  minTypoOnlyScore: 6,
};

/** Size of the knowledge base the thresholds were measured on (the sample Acme one). */
export const CALIBRATION_ARTICLE_COUNT = 33;

/** BM25's IDF of a word found in exactly one of `articleCount` articles (MiniSearch's BM25+). */
function rareWordIdf(articleCount: number): number {
  return Math.log(1 + (Math.max(articleCount, 1) - 0.5) / 1.5);
}

/**
 * Factor for the score thresholds in a knowledge base of `articleCount` articles. Scores scale
 * with IDF, which grows with the number of articles: in a folder of four, a word found in one
 * article scores less than half what it would among 33, and a fixed threshold would hide it.
 */
export function thresholdScale(articleCount: number): number {
  return rareWordIdf(articleCount) / rareWordIdf(CALIBRATION_ARTICLE_COUNT);
}

/**
 * Longest visitor word matched with typos. The longest word of the sample articles has 14
 * letters; longer "words" are pasted codes, URLs or junk. MiniSearch's typo search allocates a
 * table of the word's length squared: half a second for 12,800 letters, and for 100,000 it asks
 * for 10 GB and throws.
 */
export const MAX_FUZZY_TERM_LENGTH = 32;

/**
 * Edit distance tolerated for a visitor word: one typo from five letters on, two from nine, none
 * beyond {@link MAX_FUZZY_TERM_LENGTH}. Shorter words have too many neighbours at distance one
 * ("plan" ~ "plug", "card" ~ "cart").
 */
export function fuzziness(term: string): number | false {
  if (term.length > MAX_FUZZY_TERM_LENGTH) return false;
  if (term.length >= 9) return 2;
  return term.length >= 5 ? 1 : false;
}
