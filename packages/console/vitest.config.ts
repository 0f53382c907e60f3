import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vitest/config';

const serverSource = fileURLToPath(new URL('../server/src/index.ts', import.meta.url));

/**
 * Two projects: `unit` renders the console in happy-dom against a fake fetch (`src/**`, `test/**`),
 * `e2e` drives the built console in Chromium against a real Parley server (`e2e/**`). Run one with
 * `npx vitest run --project unit`.
 */
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    projects: [
      {
        plugins: [
          preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false }),
        ],
        test: {
          name: 'unit',
          environment: 'happy-dom',
          include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
          restoreMocks: true,
          unstubGlobals: true,
        },
      },
      {
        resolve: {
          // The server from source, as its own suites use it: the console's tests need no server
          // build, and the server's package depends on this one (not the other way round).
          alias: [{ find: /^@parley\/server$/, replacement: serverSource }],
        },
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
    ],
  },
});
