/**
 * Clean-ups that must run even when a run is interrupted: scratch PostgreSQL databases live on
 * the shared server until someone drops them. `run.ts` runs what is still registered on SIGINT
 * and SIGTERM before it exits.
 */
const pending = new Set<() => Promise<void>>();

/**
 * Registers `cleanup` until the returned function is called, which runs it (once) and forgets it.
 *
 * @example
 * const drop = registerCleanup(() => scratch.drop());
 * try { … } finally { await drop(); }
 */
export function registerCleanup(cleanup: () => Promise<void>): () => Promise<void> {
  let ran = false;
  const once = async () => {
    pending.delete(once);
    if (ran) return;
    ran = true;
    await cleanup();
  };
  pending.add(once);
  return once;
}

/** Runs every registered clean-up, each at most once; failures are reported, not thrown. */
export async function runPendingCleanups(): Promise<void> {
  for (const cleanup of [...pending]) {
    await cleanup().catch((error: unknown) => {
      console.error(`[bench] clean-up failed: ${(error as Error).message}`);
    });
  }
}
