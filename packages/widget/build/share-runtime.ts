import type { Plugin } from 'vite';
import type { Runtime } from '../src/parts';

const RUNTIME_ID = '\0parley:runtime';
/** What the parts may import from Preact: exactly what widget.js hands over (`RUNTIME`). */
const NAMES: ReadonlyArray<keyof Runtime> = [
  'jsx',
  'jsxs',
  'Fragment',
  'useState',
  'useRef',
  'useEffect',
  'useLayoutEffect',
];

/**
 * For the parts build: `preact`, `preact/hooks` and `preact/jsx-runtime` become one module of
 * live bindings that `bindRuntime(runtime)` fills with widget.js's own Preact. A part therefore
 * adds no Preact of its own (its components render in widget.js's tree, where a second copy's
 * hooks would not work), and a part importing anything else from Preact fails the build.
 */
export function shareRuntime(): Plugin {
  return {
    name: 'parley:share-runtime',
    enforce: 'pre',
    resolveId(id) {
      return /^(preact(\/hooks|\/jsx-runtime)?|parley:runtime)$/.test(id) ? RUNTIME_ID : null;
    },
    load(id) {
      if (id !== RUNTIME_ID) return null;
      return [
        `export let ${NAMES.join(', ')};`,
        `export function bindRuntime(runtime) { ({ ${NAMES.join(', ')} } = runtime); }`,
      ].join('\n');
    },
  };
}
