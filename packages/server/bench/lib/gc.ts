import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let cached: (() => void) | undefined;

/**
 * A full garbage collection in this process, also when Node was started without --expose-gc
 * (the flag is set at run time and `gc` taken from a fresh context). Runs it twice so objects
 * freed by finalisers go too.
 */
export function collectGarbage(): void {
  if (!cached) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (existing) cached = existing;
    else {
      setFlagsFromString('--expose-gc');
      cached = runInNewContext('gc') as () => void;
    }
  }
  cached();
  cached();
}
