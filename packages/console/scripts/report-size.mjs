// Prints the gzip (level 9) size of every JS and CSS file of the built console, and fails the
// build when together they exceed the budget. test/bundle.test.ts asserts the same budget.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 80 * 1024;
const ASSETS = 'dist/assets';
const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;

let total = 0;
for (const name of readdirSync(ASSETS).sort()) {
  if (!/\.(js|css)$/.test(name)) continue;
  const bytes = readFileSync(join(ASSETS, name));
  const gzip = gzipSync(bytes, { level: 9 }).length;
  total += gzip;
  console.log(`${name.padEnd(28)} raw ${kib(bytes.length).padStart(10)}  gzip ${kib(gzip)}`);
}
console.log(`console total gzip ${kib(total)} of ${kib(BUDGET_BYTES)} (${total} bytes)`);
if (total > BUDGET_BYTES) {
  console.error(`report-size: the console is over its budget by ${total - BUDGET_BYTES} bytes`);
  process.exit(1);
}
