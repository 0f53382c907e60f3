import { parseSearchResults } from '../../knowledge/format-results.js';

/** The tool result the offline model writes its answer from. */
export interface ToolOutcome {
  name: string;
  output: string;
}

/**
 * Writes the offline model's answer from this turn's tool output, grounded in it alone: the best
 * article's passage and its link, the business-hours text, or the ticket confirmation.
 */
export function composeOfflineAnswer(
  outcome: ToolOutcome | undefined,
  companyName: string,
): string {
  if (!outcome) return `I'm ${companyName}'s support assistant. How can I help you today?`;
  switch (outcome.name) {
    case 'search_knowledge_base': {
      const [best, ...others] = parseSearchResults(outcome.output);
      if (!best) {
        return (
          "I couldn't find that in our help center. Shall I open a support ticket so a member of " +
          'our team can look into it?'
        );
      }
      const related = others.length
        ? `\n\nRelated: ${others.map((o) => `[${o.title}](${o.url})`).join(' · ')}`
        : '';
      return `${best.snippet}\n\nMore in **[${best.title}](${best.url})**.${related}`;
    }
    case 'get_business_hours':
      return outcome.output;
    case 'create_support_ticket':
      return outcome.output.startsWith('Ticket ')
        ? `${firstSentence(outcome.output)} Our team will get back to you by email.`
        : 'You already have an open ticket for this conversation; our team is on it and will reply by email.';
    default:
      return 'Sorry, something went wrong while I was looking that up. Please try again.';
  }
}

function firstSentence(text: string): string {
  const match = /^.*?[.!?](\s|$)/.exec(text);
  return (match?.[0] ?? text).trim();
}

/** Splits an answer into stream pieces of a few words, the way a language model streams. */
export function splitIntoDeltas(text: string, wordsPerDelta = 4): string[] {
  const tokens = text.match(/\S+\s*|\s+/g) ?? [];
  const deltas: string[] = [];
  for (let i = 0; i < tokens.length; i += wordsPerDelta) {
    deltas.push(tokens.slice(i, i + wordsPerDelta).join(''));
  }
  return deltas;
}
