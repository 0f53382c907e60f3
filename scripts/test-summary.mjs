// Adds up the vitest JSON reports every package writes (`.vitest-report.json`) and prints one
// closing line, `Tests: N passed, N failed, N skipped`. Exits non-zero when anything failed or when
// no test ran at all, so CI cannot go green on an empty run.
import { existsSync, readFileSync } from 'node:fs';

const packages = ['shared', 'server', 'widget', 'console', 'testkit', 'reliability'];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of packages) {
  const file = new URL(`../packages/${name}/.vitest-report.json`, import.meta.url);
  if (!existsSync(file)) {
    console.log(`${name}: no report (did its tests run?)`);
    failed++;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const pending = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(
    `${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${pending} skipped (${report.numTotalTestSuites} suites)`,
  );
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += pending;
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
