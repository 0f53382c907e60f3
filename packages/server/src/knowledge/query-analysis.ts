import { matchSynonyms } from './synonyms.js';
import { analyze } from './text-analysis.js';

/** One way of saying a concept: index terms, and whether they are the visitor's own words. */
export interface Alternative {
  terms: string[];
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
  /**
   * The visitor's phrase lost words to stop-word removal ("make an account" leaves "account",
   * "sign in" leaves "sign"). Its synonyms then say what was meant better than what is left of
   * it, so they count as much as the visitor's own words.
   */
  synonymsCountFully: boolean;
}

/**
 * Turns a visitor question into concepts: one per synonym group it mentions (the visitor's
 * phrase plus the group's other phrases) and one per remaining word.
 *
 * @example
 * analyzeQuery('money back for my camera')
 * // [{ alternatives: [{ terms: ['monei', 'back'], own: true }, { terms: ['refund'], own: false },
 * //    ...], synonymsCountFully: false },
 * //  { alternatives: [{ terms: ['camera'], own: true }], synonymsCountFully: false }]
 */
export function analyzeQuery(query: string): QueryConcept[] {
  const concepts: QueryConcept[] = [];
  const covered = new Set<string>();
  for (const match of matchSynonyms(query)) {
    const alternatives = match.alternatives.map((terms) => ({ terms, own: false }));
    if (match.terms.length > 0) alternatives.unshift({ terms: match.terms, own: true });
    concepts.push({ alternatives, synonymsCountFully: match.lossy });
    for (const term of match.terms) covered.add(term);
  }
  for (const term of new Set(analyze(query))) {
    if (covered.has(term)) continue;
    concepts.push({ alternatives: [{ terms: [term], own: true }], synonymsCountFully: false });
  }
  return concepts;
}

/** Weight of an alternative: 1 for the visitor's words, `synonymWeight` for most synonyms. */
export function alternativeWeight(
  concept: QueryConcept,
  alternative: Alternative,
  synonymWeight: number,
): number {
  return alternative.own || concept.synonymsCountFully ? 1 : synonymWeight;
}

/** Every term of the concepts with its highest weight: what a snippet should contain. */
export function weightedTerms(
  concepts: readonly QueryConcept[],
  synonymWeight: number,
): Map<string, number> {
  const terms = new Map<string, number>();
  for (const concept of concepts) {
    for (const alternative of concept.alternatives) {
      const weight = alternativeWeight(concept, alternative, synonymWeight);
      for (const term of alternative.terms) terms.set(term, Math.max(weight, terms.get(term) ?? 0));
    }
  }
  return terms;
}
