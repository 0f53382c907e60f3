/**
 * Summarises any .cpuprofile (from `node --cpu-prof` or the bench's profile section): self time
 * by area, by package, and the hottest functions.
 *
 *   npx tsx src/profile-summary.ts CPU.20260101.cpuprofile [turns]
 */
import { readProfile, summariseProfile } from './lib/cpuprofile.js';
import { toText } from './lib/table.js';

const [file, turnsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx src/profile-summary.ts <file.cpuprofile> [turns]');
  process.exit(2);
}
const turns = turnsArg ? Number(turnsArg) : undefined;
const summary = summariseProfile(readProfile(file), 25);
const per = (ms: number) => (turns ? Math.round((ms / turns) * 1000) / 1000 : undefined);
const pct = (ms: number) => `${((ms / summary.totalMs) * 100).toFixed(1)} %`;
console.log(
  toText({
    title: `Self time by area (busy ${summary.totalMs.toFixed(0)} ms)`,
    columns: ['area', 'ms', 'share', 'ms/turn'],
    rows: [...summary.byArea].map(([area, ms]) => [area, Math.round(ms), pct(ms), per(ms)]),
  }),
);
console.log();
console.log(
  toText({
    title: 'Self time by package',
    columns: ['package', 'ms', 'share', 'ms/turn'],
    rows: [...summary.byPackage].map(([pkg, ms]) => [pkg, Math.round(ms), pct(ms), per(ms)]),
  }),
);
console.log();
console.log(
  toText({
    title: 'Hottest functions (self time)',
    columns: ['function', 'where', 'package', 'ms', 'share'],
    rows: summary.topFunctions.map((f) => [f.name, f.where, f.pkg, Math.round(f.ms), pct(f.ms)]),
  }),
);
