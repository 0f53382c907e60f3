import type { Table } from './table.js';

/** How a section is asked to run. */
export interface SectionOptions {
  /** Tiny counts and short waits: checks the section still produces numbers, nothing more. */
  smoke: boolean;
  /** Progress messages (stderr), so a long run shows where it is. */
  log: (message: string) => void;
}

/** What every section returns: tables to print and raw data for results.json. */
export interface SectionResult {
  name: SectionName;
  title: string;
  tables: Table[];
  data: unknown;
  /** Why the section (or part of it) did not run, e.g. "Chromium not found". */
  skipped?: string;
}

export const SECTION_NAMES = [
  'widget-size',
  'host-page',
  'turn-cost',
  'history-growth',
  'store-ops',
  'scale',
  'profile',
] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

export type Section = (options: SectionOptions) => Promise<SectionResult>;
