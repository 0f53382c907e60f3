/** Provided by `build/share-runtime.ts` in the parts build only. */
declare module 'parley:runtime' {
  export function bindRuntime(runtime: import('../parts').Runtime): void;
}
