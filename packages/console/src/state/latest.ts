import { messageOf } from '../api/errors';
import type { Cell } from './cell';

/**
 * Loads of which only the latest counts: the answer to an older one is dropped, so a slow answer
 * never overwrites a newer one. `loading` is true while the latest is under way; `error` shows
 * its failure, and is cleared when one succeeds.
 */
export function latestLoad(loading: Cell<boolean>, error: Cell<string | undefined>) {
  let generation = 0;
  return {
    /** Sends `request` and hands its answer to `apply`, unless a newer load began (or `drop`). */
    async run<T>(request: () => Promise<T>, apply: (answer: T) => void): Promise<void> {
      const mine = ++generation;
      loading.value = true;
      try {
        const answer = await request();
        if (mine !== generation) return;
        apply(answer);
        error.value = undefined;
      } catch (failure) {
        if (mine === generation) error.value = messageOf(failure);
      } finally {
        if (mine === generation) loading.value = false;
      }
    },
    /** Drops the answers of the loads under way (sign-out, another conversation). */
    drop(): void {
      generation++;
    },
    /**
     * For a request that adds to what is loaded (the next page) rather than replacing it: tells,
     * once it answers, whether it still applies (no load began and nothing was dropped since).
     */
    stillCurrent(): () => boolean {
      const mine = generation;
      return () => mine === generation;
    },
  };
}
