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
  {
    file: /\/node_modules\/zod\/v4\/core\/(core|registries)\.js$/,
    why:
      'Zod keeps its configuration and registry on `globalThis` so that copies share them. Inside ' +
      "a widget that would add globals to the host page and share settings with the page's own " +
      'zod, so the bundled copy keeps them in a module-local object instead.',
    rewrites: [{ find: /\bglobalThis\b/g, replace: 'zodScope' }],
  },
  {
    file: /\/node_modules\/zod\/v4\/core\/schemas\.js$/,
    why:
      'Zod compiles fast object parsers with `new Function` when it may. Strict-CSP pages report ' +
      'even the probe as a violation, so the JIT is switched off at build time and the minifier ' +
      'drops the code generator entirely.',
    rewrites: [{ find: 'const jit = !core.globalConfig.jitless;', replace: 'const jit = false;' }],
  },
];

function applyRewrites(code: string, id: string, hardening: Hardening): string {
  let out = code;
  for (const { find, replace } of hardening.rewrites) {
    const found = typeof find === 'string' ? out.includes(find) : new RegExp(find).test(out);
    if (!found) {
      throw new Error(`harden-dependencies: ${String(find)} not found in ${id}; review: ${hardening.why}`);
    }
    out = typeof find === 'string' ? out.replace(find, replace) : out.replace(find, replace);
  }
  return out;
}

/**
 * Rewrites the few places where bundled dependencies would break the widget's promises to host
 * pages: no HTML sinks, no eval, no globals besides `window.Parley`.
 */
export function hardenDependencies(): Plugin {
  return {
    name: 'parley:harden-dependencies',
    enforce: 'pre',
    transform(code, id) {
      const hardening = HARDENINGS.find((h) => h.file.test(id));
      if (!hardening) return null;
      let out = applyRewrites(code, id, hardening);
      if (hardening.rewrites.some((r) => r.replace === 'zodScope')) {
        out = `const zodScope = {};\n${out}`;
      }
      return { code: out, map: null };
    },
  };
}
