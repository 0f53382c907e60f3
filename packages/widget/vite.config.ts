import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { hardenDependencies } from './build/harden-dependencies.ts';

/**
 * Two library builds from one config:
 * - default mode: `dist/widget.js`, the self-contained IIFE for the script tag (CSS inlined as a
 *   string, no source map, no globals but `window.Parley`);
 * - `--mode esm`: `dist/parley.mjs` exporting `mount()` for apps that bundle us. Everything is
 *   bundled there too, so our zod and Preact settings never touch the app's own copies.
 */
export default defineConfig(({ mode }) => {
  const esm = mode === 'esm';
  return {
    plugins: [
      preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false }),
      hardenDependencies(),
    ],
    build: {
      // The IIFE build empties dist/; the ESM build runs second and must keep widget.js.
      emptyOutDir: !esm,
      sourcemap: esm,
      minify: 'oxc',
      reportCompressedSize: false,
      lib: esm
        ? { entry: 'src/index.ts', formats: ['es'], fileName: () => 'parley.mjs' }
        : { entry: 'src/embed.ts', formats: ['iife'], name: 'Parley', fileName: () => 'widget.js' },
    },
  };
});
