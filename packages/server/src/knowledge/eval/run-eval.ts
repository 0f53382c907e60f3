/**
 * `npm run eval:kb`: how often the knowledge base puts the right article first (hit@1) or in the
 * top three (hit@3) for paraphrased visitor questions, next to plain MiniSearch as a baseline.
 * Exits with code 1 when the tuned hit@1 on `questions.json` falls below the quality bar.
 * Pass `--baseline-misses` to list the baseline's misses too.
 */
import { DEFAULT_KB_DIR } from '../knowledge-base.js';
import { loadArticles } from '../load-articles.js';
import { createSearchIndex } from '../search-index.js';
import {
  createBaselineRank,
  type EvalReport,
  evaluate,
  HOLDOUT_FILE,
  loadQuestions,
  MIN_HIT_AT_1,
  type RankFn,
} from './evaluate.js';

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

function row(report: EvalReport) {
  return { 'hit@1': percent(report.hitAt1), 'hit@3': percent(report.hitAt3), n: report.total };
}

function printMisses(label: string, report: EvalReport): void {
  if (report.misses.length === 0) return;
  console.log(`\n${label} (expected -> got):`);
  for (const miss of report.misses) {
    console.log(
      `  "${miss.question}"\n    ${miss.expected} -> ${miss.got.join(', ') || '(nothing)'}`,
    );
  }
}

const { articles, problems } = await loadArticles(DEFAULT_KB_DIR);
for (const problem of problems) console.warn(`skipped ${problem}`);
const [questions, holdout] = await Promise.all([loadQuestions(), loadQuestions(HOLDOUT_FILE)]);

const index = createSearchIndex(articles);
const tunedRank: RankFn = (query) => index.search(query, 3).map((hit) => hit.id);
const baselineRank = createBaselineRank(articles);
const tuned = evaluate(tunedRank, questions);
const baseline = evaluate(baselineRank, questions);
const tunedHoldout = evaluate(tunedRank, holdout);

console.log(`${articles.length} articles\n`);
console.table({
  'baseline: questions.json': row(baseline),
  'tuned: questions.json (gated)': row(tuned),
  'baseline: holdout.json': row(evaluate(baselineRank, holdout)),
  'tuned: holdout.json (not gated)': row(tunedHoldout),
});
if (process.argv.includes('--baseline-misses')) printMisses('Baseline misses', baseline);
printMisses('Tuned misses, questions.json', tuned);
printMisses('Tuned misses, holdout.json', tunedHoldout);

if (tuned.hitAt1 < MIN_HIT_AT_1) {
  console.error(`\nhit@1 ${percent(tuned.hitAt1)} is below the bar of ${percent(MIN_HIT_AT_1)}`);
  process.exitCode = 1;
}
