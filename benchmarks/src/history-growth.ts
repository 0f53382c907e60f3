/**
 * Per-turn cost as a conversation grows: Parley turns on sessions planted with 10, 100 and 1,000
 * model items. With the history window the model input, and so the cost, stays flat; the same
 * run with the window opened up ("off") shows what it saves.
 */

import { round } from '@parley/testkit/stats';
import { control } from './lib/load.js';
import type { SectionOptions, SectionResult } from './lib/section.js';
import { measureTurns, startFakeModel, startServer, type TurnMeasurement } from './lib/servers.js';
import type { Table } from './lib/table.js';
import { FULL_TIMING } from './turn-cost.js';

interface Setup {
  id: string;
  label: string;
  env: Record<string, string>;
}

const SETUPS: Setup[] = [
  { id: 'window', label: 'SQLite file, window on (60 items / 12k tokens)', env: {} },
  {
    id: 'no-window',
    label: 'SQLite file, window off',
    env: { PARLEY_HISTORY_MAX_ITEMS: '10000', PARLEY_HISTORY_MAX_TOKENS: '1000000' },
  },
];

interface ModelStats {
  calls: number;
  inputItems: number;
  maxInputItems: number;
  requestBytes: number;
}

interface Point extends TurnMeasurement {
  items: number;
  modelInputItems: number | undefined;
  requestKbPerTurn: number | undefined;
}

export async function historyGrowth(options: SectionOptions): Promise<SectionResult> {
  const sizes = options.smoke ? [10, 100] : [10, 100, 1000];
  const pool = options.smoke ? 2 : 40;
  const setups = options.smoke ? SETUPS.slice(0, 1) : SETUPS;
  const fake = await startFakeModel(
    options.smoke ? { firstTokenMs: 2, deltaMs: 1, deltas: 5 } : FULL_TIMING,
  );
  const results: Record<string, Point[]> = {};
  try {
    for (const setup of setups) {
      const server = await startServer('parley', fake.modelUrl, {
        label: setup.id,
        env: setup.env,
      });
      try {
        // Warm up on throwaway sessions so the first size does not pay for JIT.
        await measureTurns(server, {
          concurrency: 4,
          maxRequests: options.smoke ? 2 : 100,
          durationMs: 5000,
        });
        results[setup.id] = [];
        for (const items of sizes) {
          const tokens: string[] = [];
          for (let i = 0; i < pool; i++) {
            tokens.push(
              (await control<{ token: string }>(server.controlUrl, 'seed', { items })).token,
            );
          }
          await control(fake.controlUrl, 'model-reset');
          // One turn per planted session, so every turn sees exactly `items` items of history.
          const m = await measureTurns(server, {
            concurrency: 1,
            maxRequests: pool,
            durationMs: 60_000,
            visitor: 'continuing',
            tokenFor: (i) => tokens[i % pool]!,
          });
          const model = await control<ModelStats>(fake.controlUrl, 'model');
          const point: Point = {
            ...m,
            items,
            modelInputItems: model.calls ? model.inputItems / model.calls : undefined,
            requestKbPerTurn: m.completed ? model.requestBytes / 1024 / m.completed : undefined,
          };
          results[setup.id]!.push(point);
          options.log(
            `history-growth ${setup.id} ${items} items: ${m.cpuMsPerTurn?.toFixed(2)} ms CPU/turn, ` +
              `${point.modelInputItems?.toFixed(1)} input items/call` +
              (m.failed ? `, ${m.failed} failed: ${m.errors[0]}` : ''),
          );
        }
      } finally {
        await server.stop();
      }
    }
  } finally {
    await fake.stop();
  }

  const table: Table = {
    title: 'Per-turn cost by conversation length (c=1)',
    columns: [
      'setup',
      'history items',
      'CPU ms/turn',
      'first delta p50, ms',
      'turn p50, ms',
      'model input items/call',
      'request KiB/turn',
    ],
    rows: setups.flatMap((setup) =>
      (results[setup.id] ?? []).map((p) => [
        setup.label,
        p.items,
        round(p.cpuMsPerTurn, 2),
        round(p.firstDeltaP50, 1),
        round(p.turnP50, 1),
        round(p.modelInputItems, 1),
        round(p.requestKbPerTurn, 1),
      ]),
    ),
    note: `Each turn continues a session planted with that many items (whole turns of user message, tool call, tool output, answer), ${pool} sessions, one turn each. Model input items/call averages both calls of a turn.`,
  };
  return {
    name: 'history-growth',
    title: 'History growth',
    tables: [table],
    data: { sizes, pool, results },
  };
}
