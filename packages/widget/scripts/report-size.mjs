// Prints raw, gzip (level 9) and brotli sizes of the built bundles and of each part widget.js
// loads on demand, so every build shows what it costs visitors. The budget itself is asserted in
// test/bundle.test.ts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const parts = (() => {
  try {
    return readdirSync('dist/widget').map((name) => `dist/widget/${name}`);
  } catch {
    return [];
  }
})();
const FILES = ['dist/widget.js', ...parts, 'dist/parley.mjs'];
const kib = (bytes) => `${(bytes / 1024).toFixed(2)} KiB`;

for (const file of FILES) {
  try {
    statSync(file);
  } catch {
    console.warn(`report-size: ${file} is missing`);
    continue;
  }
  const bytes = readFileSync(file);
  const gzip = gzipSync(bytes, { level: 9 }).length;
  const brotli = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
  }).length;
  console.log(
    `${file.padEnd(30)} raw ${kib(bytes.length)}  gzip ${kib(gzip)} (${gzip} B)  brotli ${kib(brotli)}`,
  );
}
