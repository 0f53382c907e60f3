import type { Plugin } from 'vite';

/** A rewrite of one dependency file, with the reason it exists. */
interface Hardening {
  /** Matches the resolved module id (a path inside node_modules). */
  file: RegExp;
  why: string;
  rewrites: Array<[find: RegExp, replace: string]>;
}

const HARDENINGS: Hardening[] = [
  {
    file: /\/node_modules\/preact\/dist\/preact\.(module\.js|mjs)$/,
    why:
      'Preact can write raw HTML through `dangerouslySetInnerHTML`. The widget never does, and a ' +
      'Trusted Types page would reject it anyway, so the sink becomes a text write and the prop a ' +
      'name nothing sets: the shipped bundle contains no HTML sink at all.',
    rewrites: [
      [/"dangerouslySetInnerHTML"/g, '"__parleyNoRawHtml"'],
      [/\.innerHTML\b/g, '.textContent'],
    ],
  },
];

/**
 * Rewrites the places where a bundled dependency would break the widget's promises to host
 * pages. A pattern that no longer matches fails the build, so an upgrade that moves the code is
 * noticed rather than silently shipping the sink again; test/bundle.test.ts checks the result.
 */
export function hardenDependencies(): Plugin {
  return {
    name: 'parley:harden-dependencies',
    enforce: 'pre',
    transform(code, id) {
      const hardening = HARDENINGS.find(({ file }) => file.test(id));
      if (!hardening) return null;
      let out = code;
      for (const [find, replace] of hardening.rewrites) {
        if (!new RegExp(find).test(out)) {
          throw new Error(`harden-dependencies: ${find} no longer matches ${id}. ${hardening.why}`);
        }
        out = out.replace(find, replace);
      }
      return { code: out, map: null };
    },
  };
}
