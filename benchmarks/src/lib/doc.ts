import { readFileSync, writeFileSync } from 'node:fs';
import { describeMachine, type MachineInfo } from './machine.js';
import type { SectionResult } from './section.js';
import { toMarkdown } from './table.js';

/**
 * Replaces the generated blocks of the performance page, leaving the prose around them alone.
 * A block is everything between `<!-- bench:<name> -->` and `<!-- /bench:<name> -->`; `machine`
 * holds the machine line, and each section's block its tables.
 */
export function updateDoc(file: string, results: SectionResult[], machine: MachineInfo): void {
  let text = readFileSync(file, 'utf8');
  const stamp = describeMachine(machine);
  for (const result of results) {
    const body = [
      `_Measured on ${stamp}._${result.skipped ? ` Skipped: ${result.skipped}.` : ''}`,
      ...result.tables.map(toMarkdown),
    ].join('\n\n');
    text = replaceBlock(text, result.name, body);
  }
  text = replaceBlock(
    text,
    'machine',
    `Latest run: ${stamp}. Each section below names the run it comes from.`,
  );
  writeFileSync(file, text);
}

export function replaceBlock(text: string, name: string, body: string): string {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start === -1 || end === -1 || end < start) return text;
  return `${text.slice(0, start + open.length)}\n${body}\n${text.slice(end)}`;
}
