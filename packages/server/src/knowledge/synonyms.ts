import { stemmer } from 'stemmer';
import { analyze, tokenize } from './text-analysis.js';

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
  ['create account', 'sign up', 'signup', 'register', 'registration', 'new account', 'open account'],
  ['wifi', 'wireless', 'network', 'internet', 'router'],
  ['cancel', 'unsubscribe', 'stop subscription', 'end subscription', 'stop paying'],
  ['subscription', 'plan', 'membership'],
  ['price', 'pricing', 'cost', 'how much', 'fee'],
  ['two factor', '2fa', 'two step', 'mfa', 'authenticator', 'verification code'],
  ['delete account', 'close account', 'remove account', 'erase account'],
  ['email', 'e mail'],
  ['payment method', 'credit card', 'debit card'],
  ['declined', 'failed payment', 'payment failed', 'rejected', 'bounced'],
  ['vat', 'tax', 'sales tax'],
  ['shipping', 'delivery', 'deliver', 'postage'],
  ['international', 'abroad', 'overseas', 'another country'],
  ['track', 'where is order'],
  ['missing', 'lost', 'never arrived', 'not arrived', 'stolen'],
  ['damaged', 'broken', 'smashed', 'cracked', 'dented'],
  ['return', 'send back', 'give back'],
  ['exchange', 'swap', 'replace with'],
  ['warranty', 'guarantee'],
  ['defective', 'faulty', 'stopped working', 'broke'],
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
    .map((token) => stemmer(token));
}

/** A synonym group the query mentions. */
export interface SynonymMatch {
  /** The phrase of the group found in the query. */
  phrase: string;
  /** Index terms of that phrase (stop words removed); may be empty. */
  terms: string[];
  /** Index terms of each other phrase of the group. */
  alternatives: string[][];
}

interface CompiledPhrase {
  text: string;
  stems: string[];
  terms: string[];
}

const compiled: CompiledPhrase[][] = SYNONYM_GROUPS.map((group) =>
  group.map((text) => ({ text, stems: phraseStems(text), terms: analyze(text) })),
);

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0 || needle.length > haystack.length) return false;
  outer: for (let start = 0; start <= haystack.length - needle.length; start++) {
    for (let i = 0; i < needle.length; i++) {
      if (haystack[start + i] !== needle[i]) continue outer;
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
    const hit = group.find((phrase) => containsSequence(queryStems, phrase.stems));
    if (!hit) continue;
    matches.push({
      phrase: hit.text,
      terms: hit.terms,
      alternatives: group
        .filter((phrase) => phrase !== hit && phrase.terms.length > 0)
        .map((phrase) => phrase.terms),
    });
  }
  return matches;
}
