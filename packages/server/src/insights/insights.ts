import type { Insights, InsightsPeriod, UnansweredQuestion } from '@parley/shared';
import { analyze } from '../knowledge/text-analysis.js';
import type { InsightFacts } from '../store/insight-facts.js';

const DAY_MS = 86_400_000;

/** Questions two wordings must share (Jaccard over analysed terms) to count as the same. */
export const SAME_QUESTION_SIMILARITY = 0.5;
/** How many of the unanswered questions the page lists. */
export const TOP_UNANSWERED = 10;

const share = (part: number, whole: number) =>
  whole === 0 ? undefined : Math.round((part / whole) * 1000) / 1000;

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The numbers for the facts that fall in [from, to). */
function period(facts: InsightFacts, from: number, to: number): InsightsPeriod {
  const inside = (t: number) => t >= from && t < to;
  const conversations = facts.conversations.filter((c) => inside(c.createdAt));
  const escalated = conversations.filter((c) => c.escalatedAt !== null);
  const ratings = facts.ratings.filter((r) => inside(r.createdAt));
  const up = ratings.filter((r) => r.rating === 'up').length;
  const firstReplies = escalated.flatMap((c) =>
    c.firstReplyAt !== null && c.escalatedAt !== null && c.firstReplyAt >= c.escalatedAt
      ? [(c.firstReplyAt - c.escalatedAt) / 1000]
      : [],
  );
  const deflection = share(conversations.length - escalated.length, conversations.length);
  const escalation = share(escalated.length, conversations.length);
  const csat = share(up, ratings.length);
  const firstReply = median(firstReplies);
  return {
    start: new Date(from).toISOString().slice(0, 10),
    conversations: conversations.length,
    ...(deflection === undefined ? {} : { deflectionRate: deflection }),
    ...(escalation === undefined ? {} : { escalationRate: escalation }),
    ...(csat === undefined ? {} : { csat }),
    ratings: ratings.length,
    ...(firstReply === undefined ? {} : { medianFirstReplySeconds: Math.round(firstReply) }),
    ticketsOpened: facts.ticketsOpened.filter(inside).length,
    ticketsSolved: facts.ticketsSolved.filter(inside).length,
  };
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

/**
 * Groups the questions the assistant could not answer by similar wording: the same terms after
 * stemming and stop words (the knowledge base's own analysis), greedily, most frequent first.
 * These are the knowledge base's gaps.
 */
export function groupUnanswered(questions: InsightFacts['unanswered']): UnansweredQuestion[] {
  type Group = {
    terms: Set<string>;
    texts: Map<string, number>;
    reasons: Set<'no_citation' | 'thumbs_down'>;
    count: number;
  };
  const groups: Group[] = [];
  for (const question of questions) {
    const text = question.text.trim().replace(/\s+/g, ' ').slice(0, 300);
    const terms = new Set(analyze(text));
    if (terms.size === 0) continue;
    let group = groups.find((g) => jaccard(g.terms, terms) >= SAME_QUESTION_SIMILARITY);
    if (!group) {
      group = { terms, texts: new Map(), reasons: new Set(), count: 0 };
      groups.push(group);
    }
    group.count++;
    group.reasons.add(question.reason);
    group.texts.set(text, (group.texts.get(text) ?? 0) + 1);
  }
  return groups
    .sort((a, b) => b.count - a.count)
    .slice(0, TOP_UNANSWERED)
    .map((group) => {
      const wordings = [...group.texts.entries()].sort((a, b) => b[1] - a[1]).map(([text]) => text);
      return {
        text: wordings[0] ?? '',
        count: group.count,
        examples: wordings.slice(1, 4),
        reasons: [...group.reasons].sort(),
      };
    });
}

/**
 * The whole UTC days the insights cover: the last `days` days, today included. Weeks are clipped
 * to it, so these are all the facts the page needs.
 */
export function insightsWindow(now: number, days: number): { start: number; end: number } {
  const end = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
  return { start: end - days * DAY_MS, end };
}

/**
 * The insights page: per day and per week (Monday-based, UTC) over the last `days` days up to
 * `now`, totals, and the top unanswered questions.
 */
export function computeInsights(facts: InsightFacts, now: number, days: number): Insights {
  const { start, end } = insightsWindow(now, days);
  const daily: InsightsPeriod[] = [];
  for (let day = start; day < end; day += DAY_MS) daily.push(period(facts, day, day + DAY_MS));
  const weekly: InsightsPeriod[] = [];
  // 1970-01-01 was a Thursday: Mondays are 4 days after multiples of 7 days.
  const firstMonday = Math.floor((start - 4 * DAY_MS) / (7 * DAY_MS)) * 7 * DAY_MS + 4 * DAY_MS;
  for (let week = firstMonday; week < end; week += 7 * DAY_MS) {
    weekly.push(period(facts, Math.max(week, start), Math.min(week + 7 * DAY_MS, end)));
  }
  return {
    days: daily,
    weeks: weekly,
    totals: period(facts, start, end),
    unanswered: groupUnanswered(facts.unanswered),
  };
}
