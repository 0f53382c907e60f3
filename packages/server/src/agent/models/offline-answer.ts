import { parseSearchResults } from '../../knowledge/format-results.js';
import { CREATE_SUPPORT_TICKET } from '../tools/create-support-ticket.js';
import { GET_BUSINESS_HOURS } from '../tools/get-business-hours.js';
import { REQUEST_HUMAN } from '../tools/request-human.js';
import { SEARCH_KNOWLEDGE_BASE } from '../tools/search-knowledge-base.js';

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
    case SEARCH_KNOWLEDGE_BASE: {
      const [best, ...others] = parseSearchResults(outcome.output);
      if (!best) {
        return (
          "I couldn't find that in our help center. If you'd like, ask for a person and someone " +
          'from our team will help you.'
        );
      }
      const related = others.length
        ? `\n\nRelated: ${others.map((o) => `[${o.title}](${o.url})`).join(' · ')}`
        : '';
      return `${best.snippet}\n\nMore in **[${best.title}](${best.url})**.${related}`;
    }
    case GET_BUSINESS_HOURS:
      return outcome.output;
    case CREATE_SUPPORT_TICKET:
      return outcome.output.startsWith('Ticket ')
        ? `${firstSentence(outcome.output)} Our team will get back to you by email.`
        : 'You already have an open ticket for this conversation; our team is on it and will reply by email.';
    case REQUEST_HUMAN:
      return humanRequestAnswer(outcome.output);
    default:
      return 'Sorry, something went wrong while I was looking that up. Please try again.';
  }
}

/** The visitor-facing words for what `request_human` reported (its output is written for a model). */
function humanRequestAnswer(output: string): string {
  if (output.startsWith('Support is closed')) {
    const ticket = /Ticket (T-[A-Z2-7]+)/.exec(output)?.[1];
    const opens = /opens again at (\S+)\./.exec(output)?.[1];
    const when = opens
      ? ` We're back ${new Date(opens).toUTCString().replace(' GMT', ' UTC')}.`
      : '';
    const filed = ticket ? ` I've opened ticket ${ticket} with this conversation.` : '';
    const reply = output.includes('form for their email')
      ? ' Please leave your email address in the form below so they can reply.'
      : ' They will reply by email.';
    return `Our team is offline right now.${when}${filed}${reply}`;
  }
  if (output.startsWith('A person from the team is already')) {
    return 'A person from our team is already in this conversation and will answer you here.';
  }
  const minutes = /about (\d+) minute/.exec(output)?.[1];
  const wait = minutes
    ? ` It usually takes about ${minutes} minute${minutes === '1' ? '' : 's'}.`
    : '';
  return `I've asked a person from our team to join this chat.${wait} You can keep writing here in the meantime.`;
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
