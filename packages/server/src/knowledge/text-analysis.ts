import { stemmer } from 'stemmer';

/**
 * Words too common to tell articles apart. Besides the usual English function words, this holds
 * the filler of chat messages ("hi", "please", "thanks"), verbs that carry no topic ("keeps going",
 * "make") and contractions with their apostrophe removed ("dont", "cant"), because visitors write
 * questions, not keywords.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being
  below between both but by can could did do does doing down during each either else ever every
  few for from further get got had has have having he her here hers him his how i if in into is it
  its itself just let me more most my myself no nor not now of off on once only or other our ours
  out over own same shall she should so some such than that the their theirs them then there these
  they this those through to too under until up upon us very was we were what when where which
  while who whom why will with within would yet you your yours yourself
  hi hello hey thanks thank please pls plz ok okay yes yeah hmm um anyone someone something
  anything want wanted need needed trying try tried way possible really still already just
  im ive id ill youre dont doesnt didnt cant couldnt wont wouldnt isnt arent wasnt werent havent
  hasnt shouldnt whats thats theres
  go goes going gone went keep keeps kept make makes made say says said saying tell told guys
  much many nothing`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * British spellings of words the help center writes the American way. Acme sells in the UK and
 * Europe; typo matching would find "color" for "colour" too, but only at a fraction of the weight.
 */
const US_SPELLING: ReadonlyMap<string, string> = new Map([
  ['colour', 'color'],
  ['colours', 'colors'],
  ['favourite', 'favorite'],
  ['centre', 'center'],
  ['licence', 'license'],
  ['authorisation', 'authorization'],
  ['authorise', 'authorize'],
  ['organisation', 'organization'],
  ['organisations', 'organizations'],
  ['analyse', 'analyze'],
  ['behaviour', 'behavior'],
  ['neighbour', 'neighbor'],
  ['neighbours', 'neighbors'],
]);

/**
 * Splits text into lowercase word tokens. Apostrophes are dropped inside words ("don't" becomes
 * "dont", "kid's" becomes "kids"), hyphenated compounds are also emitted joined ("wi-fi" gives
 * "wi", "fi" and "wifi"), so "Wi-Fi", "wifi" and "e-mail"/"email" meet in the index, and British
 * spellings become American ones.
 */
export function tokenize(text: string): string[] {
  const normalized = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/(\p{L})['’](\p{L})/gu, '$1$2');
  const tokens: string[] = [];
  for (const chunk of normalized.match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? []) {
    const parts = chunk.split('-');
    for (const part of parts) {
      tokens.push(part);
      // "5ghz" also as "5" "ghz", to meet "5 GHz"; "2fa" keeps its joined form too.
      const quantity = /^(\d+)(\p{L}+)$/u.exec(part);
      if (quantity?.[1] && quantity[2]) tokens.push(quantity[1], quantity[2]);
    }
    if (parts.length > 1) tokens.push(parts.join(''));
  }
  return tokens.map((token) => US_SPELLING.get(token) ?? token);
}

/**
 * Words the Porter stemmer conflates with unrelated ones: "personal" would become "person", so
 * "talk to a real person" would find "personal data".
 */
const STEM_OVERRIDES: ReadonlyMap<string, string> = new Map([
  ['personal', 'personal'],
  ['personally', 'personal'],
]);

/** Stems of recent tokens: visitors and articles reuse a small vocabulary, and stemming is hot. */
const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 20_000;

/** Stems one lowercase token, minding {@link STEM_OVERRIDES}. */
export function stem(token: string): string {
  let stemmed = stemCache.get(token);
  if (stemmed === undefined) {
    stemmed = STEM_OVERRIDES.get(token) ?? stemmer(token);
    // A crude bound is enough: the cache is refilled from the next queries.
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(token, stemmed);
  }
  return stemmed;
}

/** Stop words after stemming, so inflections the list doesn't spell out ("getting") go too. */
const STOP_STEMS: ReadonlySet<string> = new Set([...STOP_WORDS].map(stem));

/**
 * Reduces one token to its index term: stop words and single letters disappear, everything else
 * is stemmed so "invoices" and "invoice" (both "invoic") match.
 */
export function toTerm(token: string): string | null {
  if (token.length < 2 && !/\d/.test(token)) return null;
  if (STOP_WORDS.has(token)) return null;
  const term = stem(token);
  return STOP_STEMS.has(term) ? null : term;
}

/** Tokenizes and stems text, dropping stop words: the terms the index stores for it. */
export function analyze(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) {
    const term = toTerm(token);
    if (term) terms.push(term);
  }
  return terms;
}
