import { toTextBlocks } from './markdown-text.js';
import { analyze } from './text-analysis.js';

/**
 * Text with its distinct index terms. The terms keep the order of their first occurrence, so a
 * snippet adds up their weights in the same order, and to the same floating-point score, as
 * when it analyzed the text itself.
 */
export interface AnalyzedText {
  text: string;
  terms: readonly string[];
}

/** A sentence of a block and what followed it in the text: a space, or a line break. */
export interface AnalyzedSentence extends AnalyzedText {
  separator: ' ' | '\n';
}

/** One Markdown block as plain text, analyzed, with its heading and sentences analyzed too. */
export interface AnalyzedBlock extends AnalyzedText {
  /** One object for all blocks under the same heading. */
  heading: AnalyzedText;
  /**
   * What a snippet is cut from when the block is too long to quote whole; only for blocks longer
   * than the snippet length the article was analyzed for (see {@link analyzeArticle}).
   */
  sentences?: readonly AnalyzedSentence[];
}

/**
 * An article's blocks, analyzed. Choosing a snippet needs them for every hit of every query, yet
 * they depend only on the article: the index analyzes each article once, when it is built.
 */
export type AnalyzedArticle = readonly AnalyzedBlock[];

function distinctTerms(text: string): string[] {
  return [...new Set(analyze(text))];
}

/** A sentence of text, without the separator that followed it. */
interface SentenceText {
  text: string;
  separator: ' ' | '\n';
}

const isBlank = (char: string | undefined) => char === ' ' || char === '\t';

/**
 * Splits text after ".", "!" or "?" followed by spaces or tabs (which are dropped) and at line
 * breaks, remembering which, so list lines stay lines. Empty lines give no sentence. A loop over
 * the characters rather than a regular expression: text comes from articles anyone may edit, and
 * a lazy pattern retried at every position costs the square of a long line.
 */
function splitSentences(text: string): SentenceText[] {
  const sentences: SentenceText[] = [];
  let start = 0;
  let at = 0;
  while (at < text.length) {
    const char = text[at];
    if (char === '\n') {
      if (at > start) sentences.push({ text: text.slice(start, at), separator: '\n' });
      start = ++at;
    } else if ((char === '.' || char === '!' || char === '?') && isBlank(text[at + 1])) {
      sentences.push({ text: text.slice(start, at + 1), separator: ' ' });
      at += 2;
      while (isBlank(text[at])) at++;
      start = at;
    } else {
      at++;
    }
  }
  if (start < text.length) sentences.push({ text: text.slice(start), separator: ' ' });
  return sentences;
}

/**
 * Splits text into sentences, analyzed. A list number left alone by the split ("2.") is glued to
 * the sentence it numbers.
 */
export function analyzeSentences(text: string, textTerms: readonly string[]): AnalyzedSentence[] {
  const sentences: AnalyzedSentence[] = [];
  const add = (sentence: string, separator: ' ' | '\n') => {
    // A block of one sentence shares the block's terms rather than store them twice.
    const terms = sentence === text ? textTerms : distinctTerms(sentence);
    sentences.push({ text: sentence, separator, terms });
  };
  let pending = '';
  for (const { text: part, separator } of splitSentences(text)) {
    if (/^\d+\.$/.test(part)) {
      pending = `${pending}${part} `;
      continue;
    }
    add(pending + part, separator);
    pending = '';
  }
  if (pending) add(pending.trim(), ' ');
  return sentences;
}

/**
 * Splits a Markdown body into blocks (see {@link toTextBlocks}) and analyzes them. Sentences,
 * otherwise most of the memory, are analyzed only for blocks longer than `snippetLength` (about one block
 * in ten in the sample knowledge base): shorter ones are quoted whole.
 */
export function analyzeArticle(markdown: string, snippetLength: number): AnalyzedArticle {
  const headings = new Map<string, AnalyzedText>();
  return toTextBlocks(markdown).map(({ heading, text }) => {
    let analyzedHeading = headings.get(heading);
    if (!analyzedHeading) {
      analyzedHeading = { text: heading, terms: distinctTerms(heading) };
      headings.set(heading, analyzedHeading);
    }
    const terms = distinctTerms(text);
    if (text.length <= snippetLength) return { text, terms, heading: analyzedHeading };
    return { text, terms, heading: analyzedHeading, sentences: analyzeSentences(text, terms) };
  });
}
