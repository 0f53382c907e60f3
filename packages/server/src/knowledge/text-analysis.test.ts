import { describe, expect, it } from 'vitest';
import { matchSynonyms } from './synonyms.js';
import { analyze, tokenize } from './text-analysis.js';

describe('tokenize', () => {
  it('lowercases, drops apostrophes inside words and joins hyphenated compounds', () => {
    expect(tokenize("Don't reset the Wi-Fi")).toEqual(['dont', 'reset', 'the', 'wi', 'fi', 'wifi']);
  });

  it('splits a number glued to a unit so "5ghz" meets "5 GHz"', () => {
    expect(tokenize('5ghz')).toEqual(['5ghz', '5', 'ghz']);
  });

  it('folds accents and British spellings', () => {
    expect(tokenize('Café colour')).toEqual(['cafe', 'color']);
  });
});

describe('analyze', () => {
  it('removes stop words, including inflections, and stems the rest', () => {
    expect(analyze('How do I get my invoices? I keep getting errors')).toEqual(['invoic', 'error']);
  });

  it('does not conflate "personal" with "person"', () => {
    expect(analyze('personal person')).toEqual(['personal', 'person']);
  });

  it('returns nothing for filler only', () => {
    expect(analyze('hi, can you please help me?')).toEqual(['help']);
    expect(analyze('hey thanks')).toEqual([]);
  });
});

describe('matchSynonyms', () => {
  const phrases = (query: string) => matchSynonyms(query).map((match) => match.phrase);

  it('finds multi-word phrases and offers the rest of their group', () => {
    const [match] = matchSynonyms('how do I get my money back?');
    expect(match?.phrase).toBe('money back');
    expect(match?.alternatives).toContainEqual(['refund']);
  });

  it('keeps "sign in" and "sign up" apart', () => {
    expect(phrases('I cannot sign in')).toContain('sign in');
    expect(phrases('how to sign up')).toEqual(['sign up']);
  });

  it('skips determiners and short gaps, but not particles', () => {
    expect(phrases('close my account')).toContain('close account');
    expect(phrases('can I send it back')).toContain('send back');
    expect(phrases('sign up in the app')).not.toContain('sign in');
  });

  it('marks phrases whose words stop-word removal would lose', () => {
    expect(matchSynonyms('sign in')[0]).toMatchObject({ terms: ['sign'], lossy: true });
    expect(matchSynonyms('refund')[0]).toMatchObject({ terms: ['refund'], lossy: false });
  });
});
