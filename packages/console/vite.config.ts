import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

/**
 * Preact can write raw HTML through `dangerouslySetInnerHTML`; the console never does, so the
 * sink is renamed to a prop nothing sets and `innerHTML` becomes a text write: the shipped bundle
 * holds no HTML sink (test/bundle.test.ts checks). A pattern that stops matching fails the build,
 * so a Preact upgrade that moves the code is noticed.
 */
function noRawHtml(): Plugin {
  const rewrites: Array<[RegExp, string]> = [
    [/"dangerouslySetInnerHTML"/g, '"__parleyNoRawHtml"'],
    [/\.innerHTML\b/g, '.textContent'],
  ];
  return {
    name: 'parley:no-raw-html',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/node_modules\/preact\/dist\/preact\.(module\.js|mjs)$/.test(id)) return null;
      let out = code;
      for (const [find, replace] of rewrites) {
        if (!new RegExp(find).test(out))
          throw new Error(`no-raw-html: ${find} no longer matches ${id}`);
        out = out.replace(find, replace);
      }
      return { code: out, map: null };
    },
  };
}

/**
 * The console is a plain single-page app served by the Parley server at `/console` under a strict
 * CSP (`script-src 'self'; style-src 'self'`, no eval). So the build must emit no inline script or
 * style: the module-preload polyfill (an inline script) is off, CSS goes to a file, and
 * `test/bundle.test.ts` checks the result. `index.html` lives in `src/` so the build's inputs are
 * all under `src/`.
 */
export default defineConfig({
  root: 'src',
  base: '/console/',
  publicDir: 'public',
  plugins: [
    preact({ devToolsEnabled: false, prefreshEnabled: false, reactAliasesEnabled: false }),
    noRawHtml(),
  ],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Every asset is a file, never a data: URL inlined into CSS or JS.
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    minify: 'oxc',
    sourcemap: false,
    reportCompressedSize: false,
    target: 'es2022',
  },
});
