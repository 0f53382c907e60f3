import { analyze, stem, tokenize } from './text-analysis.js';

/**
 * Groups of phrases visitors and the help center use for the same thing. Articles are written in
 * help-center vocabulary ("refund", "invoice", "Wi-Fi"); visitors say "money back", "receipt",
 * "internet". Groups are symmetric. Keep them narrow and unambiguous after stemming: "charge"
 * (a card or a battery?) or "closes" ("the app closes", "close my account") pull up the wrong
 * articles, so they are left out on purpose.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['refund', 'money back', 'reimburse', 'chargeback'],
  ['invoice', 'receipt', 'bill', 'billing statement'],
  ['password', 'passcode', 'login', 'log in', 'sign in', 'signin', 'locked out'],
  [
    'create account',
    'sign up',
    'signup',
    'register',
    'registration',
    'new account',
    'make account',
  ],
  ['wifi', 'wireless', 'network', 'internet', 'router'],
  ['offline', 'disconnected', 'not connecting', 'no connection', 'unreachable'],
  ['camera', 'cam'],
  ['cancel', 'unsubscribe', 'stop subscription', 'end subscription', 'stop paying'],
  ['downgrade', 'go down', 'cheaper plan', 'smaller plan'],
  ['subscription', 'plan', 'membership'],
  ['price', 'pricing', 'cost', 'how much', 'fee'],
  ['two factor', '2fa', 'two step', 'mfa', 'authenticator', 'verification code'],
  ['delete account', 'close account', 'remove account', 'erase account'],
  ['email', 'e mail'],
  ['payment method', 'credit card', 'debit card'],
  ['declined', 'failed payment', 'payment failed', 'rejected', 'bounced', 'didnt go through'],
  ['vat', 'tax', 'sales tax'],
  ['shipping', 'delivery', 'deliver', 'postage'],
  ['parcel', 'package'],
  ['next day', 'tomorrow', 'overnight'],
  ['international', 'abroad', 'overseas', 'another country'],
  ['track', 'where is order'],
  ['missing', 'lost', 'never arrived', 'not arrived', 'stolen'],
  ['damaged', 'broken', 'smashed', 'cracked', 'dented'],
  ['return', 'send back', 'give back'],
  ['exchange', 'swap', 'replace with'],
  ['warranty', 'guarantee'],
  ['defective', 'faulty', 'stopped working', 'broke', 'died', 'dead'],
  ['firmware', 'software update', 'device update'],
  ['factory reset', 'hard reset', 'wipe', 'reset to default'],
  ['crash', 'crashes', 'freezes', 'frozen', 'keeps closing', 'not loading'],
  ['battery', 'drain', 'drains'],
  ['export data', 'download data', 'copy of data', 'data portability', 'gdpr'],
  ['personal data', 'privacy', 'information you collect', 'data you collect'],
  ['info', 'information', 'data'],
  ['cookie', 'consent banner'],
  ['contact', 'talk to', 'speak to', 'human', 'agent', 'phone number'],
  ['business hours', 'opening hours', 'open hours'],
  ['recording', 'clip', 'footage', 'video history'],
  ['add device', 'set up', 'setup', 'install', 'pair', 'connect new'],
];

/**
 * Words skipped when matching phrases, so "close my account" matches "close account". Only
 * determiners: prepositions stay, because "sign in" and "sign up" mean different things.
 */
const PHRASE_FILLER = new Set(['a', 'an', 'the', 'my', 'your', 'our', 'their', 'this', 'that']);

function phraseStems(text: string): string[] {
  return tokenize(text)
    .filter((token) => !PHRASE_FILLER.has(token))
    .map(stem);
}

/** A synonym group the query mentions. */
export interface SynonymMatch {
  /** The phrase of the group found in the query. */
  phrase: string;
  /** Index terms of that phrase (stop words removed); may be empty. */
  terms: string[];
  /** Stop-word removal dropped words of the phrase ("make an account" keeps only "account"). */
  lossy: boolean;
  /** Index terms of each other phrase of the group. */
  alternatives: string[][];
}

interface CompiledPhrase {
  text: string;
  /** Stemmed words, stop words kept: what phrase matching compares. */
  stems: string[];
  /** Index terms: what searching uses. */
  terms: string[];
}

const compiled: CompiledPhrase[][] = SYNONYM_GROUPS.map((group) =>
  group.map((text) => ({ text, stems: phraseStems(text), terms: analyze(text) })),
);

/**
 * Particles and prepositions that change a phrase's meaning; a phrase may not skip over them
 * ("sign up in the app" must not read as "sign in").
 */
const PARTICLES = new Set(['in', 'up', 'out', 'on', 'off', 'back', 'down', 'to', 'into', 'over']);

/** Words a phrase may skip between two of its words: "send it back" is "send back". */
const MAX_GAP = 2;

/** Whether `needle` occurs in order in `haystack`, with short gaps that hold no particle. */
function containsPhrase(haystack: readonly string[], needle: readonly string[]): boolean {
  const [first, ...rest] = needle;
  if (first === undefined) return false;
  starts: for (let start = 0; start < haystack.length; start++) {
    if (haystack[start] !== first) continue;
    let at = start;
    for (const word of rest) {
      let next = at + 1;
      while (next < haystack.length && next - at - 1 <= MAX_GAP && haystack[next] !== word) {
        if (PARTICLES.has(haystack[next] ?? '')) continue starts;
        next++;
      }
      if (haystack[next] !== word || next - at - 1 > MAX_GAP) continue starts;
      at = next;
    }
    return true;
  }
  return false;
}

/**
 * Finds the synonym groups a query mentions. Matching compares stemmed words with stop words
 * kept (only determiners are skipped), so "sign in" is found but "sign up" is not mistaken for it.
 *
 * @example
 * matchSynonyms('how do I get my money back')
 * // [{ phrase: 'money back', terms: ['monei', 'back'], alternatives: [['refund'], ...] }]
 */
export function matchSynonyms(query: string): SynonymMatch[] {
  const queryStems = phraseStems(query);
  const matches: SynonymMatch[] = [];
  for (const group of compiled) {
    const hit = group.find((phrase) => containsPhrase(queryStems, phrase.stems));
    if (!hit) continue;
    matches.push({
      phrase: hit.text,
      terms: hit.terms,
      lossy: hit.terms.length < hit.stems.length,
      alternatives: group
        .filter((phrase) => phrase !== hit && phrase.terms.length > 0)
        .map((phrase) => phrase.terms),
    });
  }
  return matches;
}
