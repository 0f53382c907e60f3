import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { hardenDependencies } from './build/harden-dependencies.ts';
import { shareRuntime } from './build/share-runtime.ts';

/** The non-English languages: each is a part the script-tag build loads when the page needs it. */
const LANGUAGES = ['es', 'de', 'fr', 'ar'] as const;

/**
 * Three library builds from one config, run in this order by `npm run build`:
 * - default mode: `dist/widget.js`, the self-contained IIFE for the script tag (English, CSS
 *   inlined as a string, no source map, no globals but `window.Parley`);
 * - `--mode parts`: the parts widget.js imports on demand from the same server (see `src/parts.ts`):
 *   `dist/widget/markdown.js`, `contact-form.js` and `lang-<xx>.js`, ES modules sharing widget.js's
 *   Preact (see `build/share-runtime.ts`);
 * - `--mode esm`: `dist/parley.mjs` exporting `mount()` for apps that bundle us; there the parts
 *   are ordinary split chunks (`dist/esm/`).
 */
export default defineConfig(({ mode }) => {
  const esm = mode === 'esm';
  const parts = mode === 'parts';
  return {
    plugins: [
      ...(parts ? [shareRuntime()] : []),
      preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false }),
      hardenDependencies(),
    ],
    build: {
      // The IIFE build empties dist/; the others run after it and must keep its files.
      emptyOutDir: !esm && !parts,
      sourcemap: esm,
      minify: 'oxc',
      reportCompressedSize: false,
      rollupOptions: {
        output: parts
          ? {
              // Vite leaves whitespace in ES libraries; parts are served as they are built.
              minify: true,
              // Code two parts share (the runtime they are handed): `parley-runtime.js`.
              chunkFileNames: ({ name }) =>
                `widget/${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.js`,
            }
          : { chunkFileNames: 'esm/[name]-[hash].js' },
      },
      lib: esm
        ? { entry: 'src/index.ts', formats: ['es'], fileName: () => 'parley.mjs' }
        : parts
          ? {
              entry: {
                markdown: 'src/parts/markdown.ts',
                'contact-form': 'src/parts/contact-form.ts',
                ...Object.fromEntries(
                  LANGUAGES.map((lang) => [`lang-${lang}`, `src/i18n/${lang}.ts`]),
                ),
              },
              formats: ['es'],
              fileName: (_format, name) => `widget/${name}.js`,
            }
          : {
              entry: 'src/embed.ts',
              formats: ['iife'],
              name: 'Parley',
              fileName: () => 'widget.js',
            },
    },
  };
});
