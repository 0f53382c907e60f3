/**
 * `npm run eval:kb`: measures how often the knowledge base puts the right article first for the
 * paraphrased visitor questions in `questions.json`, against plain MiniSearch as a baseline.
 * Exits with code 1 when the tuned hit@1 falls below the quality bar.
 */
import { DEFAULT_KB_DIR } from '../knowledge-base.js';
import { loadArticles } from '../load-articles.js';
import { createSearchIndex } from '../search-index.js';
import { createBaselineRank, type EvalReport, evaluate, loadQuestions } from './evaluate.js';

/** The quality bar from the issue: the right article first for at least 90 % of questions. */
export const MIN_HIT_AT_1 = 0.9;

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function printMisses(label: string, report: EvalReport): void {
  if (report.misses.length === 0) return;
  console.log(`\n${label} misses (expected -> got):`);
  for (const miss of report.misses) {
    console.log(`  "${miss.question}"\n    ${miss.expected} -> ${miss.got.join(', ') || '(nothing)'}`);
  }
}

const { articles, problems } = await loadArticles(DEFAULT_KB_DIR);
for (const problem of problems) console.warn(`skipped ${problem}`);
const questions = await loadQuestions();

const index = createSearchIndex(articles);
const tuned = evaluate((query) => index.search(query, 3).map((hit) => hit.id), questions);
const baseline = evaluate(createBaselineRank(articles), questions);

console.log(`${articles.length} articles, ${questions.length} questions\n`);
console.table({
  'baseline (MiniSearch defaults)': { 'hit@1': percent(baseline.hitAt1), 'hit@3': percent(baseline.hitAt3) },
  tuned: { 'hit@1': percent(tuned.hitAt1), 'hit@3': percent(tuned.hitAt3) },
});
if (process.argv.includes('--baseline-misses')) printMisses('Baseline', baseline);
printMisses('Tuned', tuned);

if (tuned.hitAt1 < MIN_HIT_AT_1) {
  console.error(`\nhit@1 ${percent(tuned.hitAt1)} is below the bar of ${percent(MIN_HIT_AT_1)}`);
  process.exitCode = 1;
}
