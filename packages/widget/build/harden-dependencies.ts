import type { Plugin } from 'vite';

/**
 * One source rewrite applied to a dependency at build time. `find` must occur in the file: when a
 * dependency upgrade moves the code, the build fails loudly instead of silently shipping the
 * unsafe path again.
 */
interface Rewrite {
  find: string | RegExp;
  replace: string;
}

interface Hardening {
  /** Matches the resolved module id (a path inside node_modules). */
  file: RegExp;
  why: string;
  rewrites: Rewrite[];
}

const HARDENINGS: Hardening[] = [
  {
    file: /\/node_modules\/preact\/dist\/preact\.(module\.js|mjs)$/,
    why:
      'Preact can write raw HTML through `dangerouslySetInnerHTML`. The widget never does, and a ' +
      'Trusted Types page would reject it anyway, so the sink is turned into a text write and the ' +
      'prop into a name nothing sets: the shipped bundle contains no HTML sink at all.',
    rewrites: [
      { find: /"dangerouslySetInnerHTML"/g, replace: '"__parleyNoRawHtml"' },
      { find: /\.innerHTML\b/g, replace: '.textContent' },
    ],
  },
];

function applyRewrites(code: string, id: string, hardening: Hardening): string {
  let out = code;
  for (const { find, replace } of hardening.rewrites) {
    const found = typeof find === 'string' ? out.includes(find) : new RegExp(find).test(out);
    if (!found) {
      throw new Error(
        `harden-dependencies: ${String(find)} not found in ${id}; review: ${hardening.why}`,
      );
    }
    out = typeof find === 'string' ? out.replace(find, replace) : out.replace(find, replace);
  }
  return out;
}

/**
 * Rewrites the places where a bundled dependency would break the widget's promises to host pages
 * (today: Preact's HTML sink). test/bundle.test.ts checks the built file for every such sink.
 */
export function hardenDependencies(): Plugin {
  return {
    name: 'parley:harden-dependencies',
    enforce: 'pre',
    transform(code, id) {
      const hardening = HARDENINGS.find((h) => h.file.test(id));
      if (!hardening) return null;
      return { code: applyRewrites(code, id, hardening), map: null };
    },
  };
}
