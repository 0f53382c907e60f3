import { matchSynonyms } from './synonyms.js';
import { analyze } from './text-analysis.js';

/** One way of saying a concept: index terms that should all appear, and how much it counts. */
export interface Alternative {
  terms: string[];
  /** 1 for the visitor's own words, {@link SYNONYM_WEIGHT} for a synonym. */
  weight: number;
  /** The visitor's own words: only these get typo (fuzzy) and prefix matching. */
  own: boolean;
}

/**
 * One thing the visitor asked about. An article scores for a concept through its best
 * alternative, so a synonym group is one piece of evidence however many of its phrases an
 * article contains; otherwise synonyms would outvote the visitor's own words.
 */
export interface QueryConcept {
  alternatives: Alternative[];
}

/** Weight of a phrase that only a synonym brought in, relative to the visitor's own words. */
export const SYNONYM_WEIGHT = 0.5;

/**
 * Turns a visitor question into concepts: one per synonym group it mentions (the visitor's
 * phrase plus the group's other phrases) and one per remaining word.
 *
 * @example
 * analyzeQuery('money back for my camera')
 * // [{ alternatives: [{ terms: ['monei', 'back'], ... }, { terms: ['refund'], ... }, ...] },
 * //  { alternatives: [{ terms: ['camera'], weight: 1, own: true }] }]
 */
export function analyzeQuery(query: string): QueryConcept[] {
  const concepts: QueryConcept[] = [];
  const covered = new Set<string>();
  for (const match of matchSynonyms(query)) {
    const alternatives: Alternative[] = match.alternatives.map((terms) => ({
      terms,
      weight: SYNONYM_WEIGHT,
      own: false,
    }));
    if (match.terms.length > 0) alternatives.unshift({ terms: match.terms, weight: 1, own: true });
    concepts.push({ alternatives });
    for (const term of match.terms) covered.add(term);
  }
  for (const term of new Set(analyze(query))) {
    if (!covered.has(term)) concepts.push({ alternatives: [{ terms: [term], weight: 1, own: true }] });
  }
  return concepts;
}

/** Every term of the concepts with its highest weight: what a snippet should contain. */
export function weightedTerms(concepts: readonly QueryConcept[]): Map<string, number> {
  const terms = new Map<string, number>();
  for (const { alternatives } of concepts) {
    for (const { terms: altTerms, weight } of alternatives) {
      for (const term of altTerms) terms.set(term, Math.max(weight, terms.get(term) ?? 0));
    }
  }
  return terms;
}
