/**
 * `npm run bench`: runs every section (or `--only <section>[,<section>]`), prints the tables,
 * writes benchmarks/results.json and refreshes the generated parts of docs/performance.md.
 * `--smoke` runs each section with tiny counts and writes nothing (`npm test` here does this).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runPendingCleanups } from './lib/cleanup.js';
import { updateDoc } from './lib/doc.js';
import { machineInfo } from './lib/machine.js';
import { SECTION_NAMES, type SectionName, type SectionResult } from './lib/section.js';
import { toText } from './lib/table.js';
import { SECTIONS } from './sections.js';

const RESULTS_FILE = fileURLToPath(new URL('../results.json', import.meta.url));
const DOC_FILE = fileURLToPath(new URL('../../docs/performance.md', import.meta.url));

async function main(): Promise<void> {
  // An interrupted run still drops its scratch databases (the children die with this process).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`[bench] ${signal}: cleaning up\n`);
      void runPendingCleanups().finally(() => process.exit(130));
    });
  }
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of only ?? []) {
    if (!SECTION_NAMES.includes(name as SectionName)) {
      throw new Error(`unknown section "${name}"; choose from ${SECTION_NAMES.join(', ')}`);
    }
  }
  const names = (only ?? SECTION_NAMES) as SectionName[];
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  const machine = machineInfo();
  log(`${machine.cpu} × ${machine.cores}, ${machine.memoryGb} GB, Node ${machine.node}`);

  const results: SectionResult[] = [];
  for (const name of names) {
    const started = Date.now();
    log(`${name}…`);
    const result = await SECTIONS[name]({ smoke: values.smoke, log });
    results.push(result);
    console.log(`\n## ${result.title}${result.skipped ? ` (skipped: ${result.skipped})` : ''}\n`);
    for (const table of result.tables) console.log(`${toText(table)}\n`);
    log(`${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  if (values.smoke || values['no-write']) return;
  // A partial run (--only) keeps the other sections' last results.
  const previous = existsSync(RESULTS_FILE)
    ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as { sections?: Record<string, unknown> })
    : {};
  const sections: Record<string, unknown> = { ...previous.sections };
  for (const result of results) sections[result.name] = { ...result, machine };
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ machine, sections }, null, 2)}\n`);
  log(`wrote ${RESULTS_FILE}`);
  if (existsSync(DOC_FILE)) {
    updateDoc(DOC_FILE, results, machine);
    log(`updated ${DOC_FILE}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
